"""Rules on dates: none after today, and the brief not dated before a source it summarises."""

from __future__ import annotations

from briefgen.checking.context import BriefContext


def check(context: BriefContext) -> None:
    brief = context.brief
    today = context.shared.today
    if brief.date > today:
        context.add(
            "date-in-future",
            ("date",),
            f"brief dated {brief.date.isoformat()}, after today ({today.isoformat()})",
            "a typo in the year?",
        )
    for i, source in enumerate(brief.sources):
        if source.published is None:
            continue
        if source.published > today:
            context.add(
                "date-in-future",
                ("sources", i, "published"),
                f"published {source.published.isoformat()}, after today ({today.isoformat()})",
                "a typo in the year?",
            )
        if brief.date < source.published:
            context.add(
                "date-before-source",
                ("date",),
                f"brief dated {brief.date.isoformat()}, "
                f"before source '{source.id}' was published ({source.published.isoformat()})",
                "check both dates",
            )
