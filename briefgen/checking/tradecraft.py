"""Rules from ICD 203's analytic standards beyond wording: sourcing behind high confidence, graded
sources, stated assumptions and alternatives, and explained change since the superseded brief."""

from __future__ import annotations

from briefgen.changes import compare
from briefgen.checking.context import BriefContext
from briefgen.model import Brief, Confidence, Likelihood, Source, Status

_WEAK_RELIABILITY = frozenset("DEF")
_WEAK_CREDIBILITY = frozenset({4, 5, 6})
_LIKELY_OR_ABOVE = frozenset({Likelihood.LIKELY, Likelihood.VERY_LIKELY, Likelihood.ALMOST_CERTAIN})


def _weak(source: Source) -> bool:
    """Graded, and graded low: D–F reliability or 4–6 credibility. An ungraded source is not "weak"
    here; `source-ungraded` speaks for it."""
    graded = source.reliability is not None or source.credibility is not None
    return graded and (source.reliability in _WEAK_RELIABILITY or source.credibility in _WEAK_CREDIBILITY)


def check_sourcing(context: BriefContext) -> None:
    """High-confidence claims on one source or on weak ones; cited sources without a grade."""
    brief = context.brief
    by_id = {source.id: source for source in brief.sources}
    for i, claim in enumerate(brief.key_claims):
        if claim.confidence != Confidence.HIGH:
            continue
        cited = [by_id[cid] for cid in dict.fromkeys(claim.sources) if cid in by_id]
        if len(dict.fromkeys(claim.sources)) == 1:
            context.add(
                "high-confidence-single-source",
                ("key_claims", i, "confidence"),
                f"high confidence rests on one source ('{claim.sources[0]}')",
                "cite a second, independent source, or lower the confidence to moderate",
            )
        if cited and all(_weak(source) for source in cited):
            grades = ", ".join(f"'{s.id}' {s.reliability or '-'}{s.credibility or '-'}" for s in cited)
            context.add(
                "high-confidence-weak-source",
                ("key_claims", i, "confidence"),
                f"high confidence rests only on weakly graded sources ({grades})",
                "find a source graded A–C and 1–3, or lower the confidence",
            )
    cited_ids = {cid for claim in brief.key_claims for cid in claim.sources}
    final = brief.status == Status.FINAL
    for i, source in enumerate(brief.sources):
        if source.id not in cited_ids:
            continue
        missing = [name for name in ("reliability", "credibility") if getattr(source, name) is None]
        if missing:
            context.add(
                "source-ungraded",
                ("sources", i),
                f"cited source '{source.id}' has no {' or '.join(missing)}",
                "grade it: reliability A (completely reliable) to F (cannot be judged), "
                "credibility 1 (confirmed) to 6 (cannot be judged)",
                severity="error" if final else None,
            )


def _strong_judgment(brief: Brief) -> str | None:
    """Why a final brief must state its assumptions and alternatives, or None when it need not."""
    if brief.status != Status.FINAL:
        return None
    if any(claim.confidence == Confidence.HIGH for claim in brief.key_claims):
        return "a high-confidence claim"
    if any(implication.likelihood in _LIKELY_OR_ABOVE for implication in brief.implications):
        return "an implication judged likely or above"
    return None


def check_reasoning(context: BriefContext) -> None:
    """A final brief with strong judgments states what they rest on and what else could be true."""
    brief = context.brief
    reason = _strong_judgment(brief)
    if reason is None:
        return
    if not brief.assumptions:
        context.add(
            "assumptions-missing",
            ("status",),
            f"final brief with {reason} lists no key assumptions",
            "add `assumptions:` entries (`text`, and `if_wrong`: what changes if one fails)",
        )
    if not brief.alternatives:
        context.add(
            "alternatives-missing",
            ("status",),
            f"final brief with {reason} weighs no alternatives",
            "add `alternatives:` entries (`text`, `likelihood`, and `indicators` that would point to one)",
        )


def check_lineage(context: BriefContext) -> None:
    """`supersedes` names a brief of the workspace, the chain ends, and moved judgments are explained."""
    brief = context.brief
    if not brief.supersedes:
        return
    loc = ("supersedes",)
    lineage = context.shared.lineage
    loop = lineage.loop(context.loaded)
    if loop:
        context.add(
            "supersedes-loop",
            loc,
            "supersedes chain comes back to itself: " + " → ".join(loop),
            "a brief supersedes an older one; remove `supersedes` from the oldest",
        )
        return
    found = lineage.predecessor(brief.supersedes)
    if found.loaded is None:
        names = sorted(lineage.paths)
        hint = "check the id, or remove `supersedes`"
        close = [n for n in names if n != brief.id]
        if close:
            import difflib

            match = difflib.get_close_matches(brief.supersedes, close, n=1)
            hint = f"did you mean '{match[0]}'?" if match else hint
        context.add("supersedes-unknown", loc, f"supersedes '{brief.supersedes}': {found.problem}", hint)
        return
    changes = compare(found.loaded.brief, brief)
    if changes.judgments_moved and not brief.changes:
        moved = len(changes.confidence_moved) + len(changes.likelihood_moved)
        context.add(
            "change-unexplained",
            loc,
            f"{moved} judgment{'s' if moved != 1 else ''} moved since '{brief.supersedes}' "
            "and `changes` does not say why",
            "add `changes:`: what new reporting or reasoning moved the judgments",
        )
