"""Reading briefs: YAML bytes → data with positions (`yaml_tree`) → a validated Brief (`brief_file`,
with `validation` mapping Pydantic's errors back to lines), and the workspace's briefs as every
command reads them (`workspace`)."""

from briefgen.loading.brief_file import LoadedBrief, declared_id, default_id, load_brief, load_bytes
from briefgen.loading.validation import field_path
from briefgen.loading.workspace import (
    BRIEF_SUFFIXES,
    BriefResult,
    Ids,
    discover,
    read_briefs,
    read_one,
    real_prefix,
    unfound,
)
from briefgen.loading.yaml_tree import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    MAX_TEXT,
    Loc,
    Positions,
    YamlStop,
    parse_yaml,
)

__all__ = [
    "BRIEF_SUFFIXES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_TEXT",
    "BriefResult",
    "Ids",
    "LoadedBrief",
    "Loc",
    "Positions",
    "YamlStop",
    "declared_id",
    "default_id",
    "discover",
    "field_path",
    "load_brief",
    "load_bytes",
    "parse_yaml",
    "read_briefs",
    "read_one",
    "real_prefix",
    "unfound",
]
