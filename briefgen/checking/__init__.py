"""Rules a valid brief must still pass before it is published: it says what its source says.

The loader already guarantees the brief's shape (required fields, enums, dates). These rules look at
meaning: quotes that are not in the source, sections that do not mirror the article, claims without
sourcing, estimative language off the one ICD 203 scale, leftover TODOs, dates that cannot be. Each
finding carries a rule id, a severity and the file:line:column of the value to fix; where the
finding is about a word inside a text field, the column is the word's own.

The package, imports flowing one way: `checker` (the `Checker`, and `FAMILIES`, the rule families it
runs in order) → one module per family of rules (`sources`, `quotes`, `headings`, `language`, `text`,
`dates`), each a function taking the brief's `context` → `context` (`BriefContext`: the brief, its
file's text, `add()` to report a finding) → `rules` (`RULES`: rule id → severity and summary).
A new family is a module with a function (or a few) taking the context, its rule ids in `RULES`,
and its functions in `FAMILIES`.
"""

from briefgen.checking.checker import FAMILIES, Checker
from briefgen.checking.context import BriefContext
from briefgen.checking.rules import RULES, Rule

__all__ = ["FAMILIES", "RULES", "BriefContext", "Checker", "Rule"]
