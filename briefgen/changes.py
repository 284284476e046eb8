"""What changed between two briefs, field by field: claims added, removed and reworded, judgments moved.

Claims, implications and indicators are matched by content, not by position: an analyst who inserts
a claim at the top has not reworded every claim below it. Each old item is paired with the most
similar new one (rapidfuzz's token-set ratio, so reordered words still match), best pairs first, and
only pairs above `SAME_ITEM` count as the same item; the rest were added or removed. The same pass
serves the "Changes since" section of a superseding brief and `briefgen diff`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from briefgen.locale import Labels, labels_for
from briefgen.model import Brief, Implication, KeyClaim, text_of

SAME_ITEM = 70.0
"""Similarity (0–100) from which two claims, implications or indicators are one item, reworded.

"Russia will keep pressing for recognition of its gains" and "Moscow will keep pressing for
recognition of its territorial gains" score 93; two claims of the worked example never pass 51; and
"Ukraine rejected the proposal" against "The EU rejected the proposal to cap gas prices", two
different claims that share most words, scores 60: below the line.
"""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Moved:
    """A judgment that moved: the item it belongs to, its old value and its new one."""

    text: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Reworded:
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Ref:
    """The brief compared against, as a reader names it."""

    id: str
    title: str
    date: dt.date


@dataclass(frozen=True)
class Changes:
    old: Ref
    new: Ref
    claims_added: list[str] = field(default_factory=list)
    claims_removed: list[str] = field(default_factory=list)
    claims_reworded: list[Reworded] = field(default_factory=list)
    confidence_moved: list[Moved] = field(default_factory=list)
    implications_added: list[str] = field(default_factory=list)
    implications_removed: list[str] = field(default_factory=list)
    likelihood_moved: list[Moved] = field(default_factory=list)
    indicators_added: list[str] = field(default_factory=list)
    indicators_removed: list[str] = field(default_factory=list)
    sources_added: list[str] = field(default_factory=list)
    """Titles of sources the old brief did not have (by id, address or file)."""
    explanation: str | None = None
    """The new brief's `changes`: why its judgments moved, in the analyst's words."""

    @property
    def judgments_moved(self) -> bool:
        return bool(self.confidence_moved or self.likelihood_moved)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.claims_added,
                self.claims_removed,
                self.claims_reworded,
                self.confidence_moved,
                self.implications_added,
                self.implications_removed,
                self.likelihood_moved,
                self.indicators_added,
                self.indicators_removed,
                self.sources_added,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `briefgen diff --format json`: stable keys, lists in the new brief's order."""
        data = asdict(self)
        for ref in ("old", "new"):
            data[ref]["date"] = data[ref]["date"].isoformat()
        return data

    def summary(self, labels: Labels | None = None) -> str:
        """One line for the digest's "at a glance": what moved, counted, in the labels' language."""
        say = labels or labels_for("en")
        parts = []
        if len(self.confidence_moved) == 1:
            moved = self.confidence_moved[0]
            old, new = say(f"level_{moved.old}"), say(f"level_{moved.new}")
            parts.append(say("summary_confidence_one", old=old, new=new))
        elif self.confidence_moved:
            parts.append(say("summary_confidence_many", n=len(self.confidence_moved)))
        if len(self.likelihood_moved) == 1:
            moved = self.likelihood_moved[0]
            old, new = (_in_sentence(say.likelihood(value)) for value in (moved.old, moved.new))
            parts.append(say("summary_likelihood_one", old=old, new=new, who=moved.text.split(":")[0]))
        elif self.likelihood_moved:
            parts.append(say("summary_likelihood_many", n=len(self.likelihood_moved)))
        for key, items in (
            ("summary_claims_added", self.claims_added),
            ("summary_claims_removed", self.claims_removed),
            ("summary_claims_reworded", self.claims_reworded),
            ("summary_sources_added", self.sources_added),
        ):
            if items:
                parts.append(say(key, n=len(items)))
        return say("summary_separator").join(parts) or say("summary_none")


def _in_sentence(label: str) -> str:
    """A label that starts a line ("Likely"), as it reads inside one ("likely")."""
    return label[:1].lower() + label[1:]


def _words(text: str) -> str:
    return " ".join(text.split())


def _pair(old: Sequence[T], new: Sequence[T], key: Callable[[T], str]) -> list[tuple[int, int]]:
    """(old index, new index) of the items that are the same item, most similar pairs first.

    Items whose words are identical pair first and without scoring (most of a revised brief is
    unchanged); only the rest are scored against each other.
    """
    if not old or not new:
        return []
    old_keys = [" ".join(key(item).casefold().split()) for item in old]
    new_keys = [" ".join(key(item).casefold().split()) for item in new]
    pairs: list[tuple[int, int]] = []
    unmatched_new: dict[str, list[int]] = {}
    for j, text in enumerate(new_keys):
        unmatched_new.setdefault(text, []).append(j)
    rest_old = []
    for i, text in enumerate(old_keys):
        same = unmatched_new.get(text)
        if same:
            pairs.append((i, same.pop(0)))
        else:
            rest_old.append(i)
    rest_new = sorted(j for indices in unmatched_new.values() for j in indices)
    if not rest_old or not rest_new:
        return pairs
    from rapidfuzz import fuzz, process  # imported here: only comparing briefs needs it

    choices = [new_keys[j] for j in rest_new]
    candidates = sorted(
        (
            (score, i, rest_new[place])
            for i in rest_old
            for _, score, place in process.extract(
                old_keys[i], choices, scorer=fuzz.token_set_ratio, score_cutoff=SAME_ITEM, limit=None
            )
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    for _, i, j in candidates:
        if i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((i, j))
    return pairs


def _claim_key(claim: KeyClaim) -> str:
    return f"{claim.text} {claim.quote or ''}"


def _implication_key(implication: Implication) -> str:
    return f"{implication.for_}: {implication.text}"


def _implication_text(implication: Implication) -> str:
    return f"{_words(implication.for_)}: {_words(implication.text)}"


def _added_removed(
    old: Sequence[T], new: Sequence[T], pairs: list[tuple[int, int]], show: Callable[[T], str]
) -> tuple[list[str], list[str]]:
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    added = [show(item) for j, item in enumerate(new) if j not in matched_new]
    removed = [show(item) for i, item in enumerate(old) if i not in matched_old]
    return added, removed


def compare(old: Brief, new: Brief) -> Changes:
    """The field-level changes from `old` to `new` (usually the brief `new` supersedes)."""
    claim_pairs = sorted(_pair(old.key_claims, new.key_claims, _claim_key), key=lambda p: p[1])
    claims_added, claims_removed = _added_removed(
        old.key_claims, new.key_claims, claim_pairs, lambda c: _words(c.text)
    )
    reworded, confidence = [], []
    for i, j in claim_pairs:
        before, after = old.key_claims[i], new.key_claims[j]
        if _words(before.text) != _words(after.text):
            reworded.append(Reworded(_words(before.text), _words(after.text)))
        if before.confidence != after.confidence:
            confidence.append(Moved(_words(after.text), str(before.confidence), str(after.confidence)))

    implication_pairs = sorted(
        _pair(old.implications, new.implications, _implication_key), key=lambda p: p[1]
    )
    implications_added, implications_removed = _added_removed(
        old.implications, new.implications, implication_pairs, _implication_text
    )
    likelihood = []
    for i, j in implication_pairs:
        before_l, after_l = old.implications[i].likelihood, new.implications[j].likelihood
        if before_l != after_l:
            likelihood.append(
                Moved(
                    _implication_text(new.implications[j]),
                    str(before_l) if before_l else "none given",
                    str(after_l) if after_l else "none given",
                )
            )

    old_indicators, new_indicators = (
        [text_of(i) for i in old.indicators],
        [text_of(i) for i in new.indicators],
    )
    indicator_pairs = _pair(old_indicators, new_indicators, lambda text: text)
    indicators_added, indicators_removed = _added_removed(
        old_indicators, new_indicators, indicator_pairs, _words
    )

    known = {s.id for s in old.sources} | {s.url for s in old.sources if s.url}
    known |= {s.file for s in old.sources if s.file}
    sources_added = [
        _words(s.title)
        for s in new.sources
        if s.id not in known and (not s.url or s.url not in known) and (not s.file or s.file not in known)
    ]
    return Changes(
        old=Ref(old.id or "", _words(old.title), old.date),
        new=Ref(new.id or "", _words(new.title), new.date),
        claims_added=claims_added,
        claims_removed=claims_removed,
        claims_reworded=reworded,
        confidence_moved=confidence,
        implications_added=implications_added,
        implications_removed=implications_removed,
        likelihood_moved=likelihood,
        indicators_added=indicators_added,
        indicators_removed=indicators_removed,
        sources_added=sources_added,
        explanation=new.changes,
    )
