"""Rules on portion markings and tearlines: no portion above the banner, and what each release named
in the config will lose (its BLUF, a claim's sources)."""

from __future__ import annotations

from collections.abc import Iterator

from briefgen.checking.context import BriefContext
from briefgen.loading import Loc
from briefgen.model import Brief, Handling
from briefgen.releases import bottom_line, release


def _marked(brief: Brief) -> Iterator[tuple[Loc, Handling]]:
    """Every portion that carries its own `handling`, at that key."""
    for name in (
        "key_claims",
        "sections",
        "implications",
        "figures",
        "sources",
        "recommendations",
        "indicators",
    ):
        for i, item in enumerate(getattr(brief, name)):
            own = getattr(item, "handling", None)
            if own is not None:
                yield (name, i, "handling"), own
    for s, section in enumerate(brief.sections):
        for i, figure in enumerate(section.figures):
            if figure.handling is not None:
                yield ("sections", s, "figures", i, "handling"), figure.handling
    for i, tearline in enumerate(brief.tearline):
        yield ("tearline", i, "handling"), tearline.handling


def check_banner(context: BriefContext) -> None:
    base = context.brief.handling or context.shared.workspace.config.handling
    for loc, marking in _marked(context.brief):
        if marking.rank > base.rank:
            context.add(
                "portion-above-banner",
                loc,
                f"{marking.value} is above the brief's marking {base.value}",
                f"raise the brief's `handling` to {marking.value}, or mark this part lower",
            )


def check_releases(context: BriefContext) -> None:
    brief, config = context.brief, context.shared.workspace.config
    base = brief.handling or config.handling
    for level in config.releases:
        if bottom_line(brief, level, base) is None:
            context.add(
                "release-without-bluf",
                ("bluf",),
                f"the {level.value} release named in the config leaves this brief out: no BLUF at that level",
                f"add `tearline: [{{handling: {level.value}, bluf: ...}}]`",
            )
            continue
        released = release(brief, level, config.handling)
        assert released is not None
        kept = {s.id for s in released.sources}
        for i, claim in enumerate(brief.key_claims):
            if (claim.handling or base).rank > level.rank or not claim.sources:
                continue
            if not kept.intersection(claim.sources):
                context.add(
                    "claim-source-withheld",
                    ("key_claims", i, "sources"),
                    f"the {level.value} release shows this claim unsourced: all its sources are above it",
                    f"mark a source {level.value} or lower, or mark the claim above {level.value}",
                )
