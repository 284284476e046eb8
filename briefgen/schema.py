"""The brief's JSON Schema, generated from the pydantic model so editors validate what `build` does.

Editors with a YAML language server (VS Code's Red Hat YAML extension, JetBrains, Neovim) use it
for completion, hover text (the field descriptions in model.py) and live validation. The repository
commits the output as schema/brief.schema.json; a test fails when it is stale.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from briefgen.model import Brief

SCHEMA_PATH = PurePosixPath("schema/brief.schema.json")
"""Where a workspace keeps the schema; brief files point at it with a `yaml-language-server` line."""
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def brief_schema() -> dict[str, Any]:
    """The JSON Schema of a brief file as analysts write it (validation mode, YAML key names)."""
    generated = Brief.model_json_schema(mode="validation", by_alias=True)
    generated.pop("title", None)
    return {"$schema": DIALECT, "title": "briefgen brief", **generated}


def schema_json() -> str:
    """The schema as committed: two-space indents, UTF-8 text, pydantic's (model) key order, final newline."""
    return json.dumps(brief_schema(), indent=2, ensure_ascii=False) + "\n"
