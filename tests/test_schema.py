"""The committed JSON Schema: current with the model, and what an editor needs from it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from briefgen.schema import SCHEMA_PATH, brief_schema, schema_json
from tests.conftest import EXAMPLE_ID, REPO, run

COMMITTED = REPO / SCHEMA_PATH


def as_editor_sees(path: Path) -> Any:
    """YAML as a language server validates it: dates are text."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return json.loads(
        json.dumps(data, default=lambda value: value.isoformat() if isinstance(value, dt.date) else value)
    )


def test_committed_schema_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_json(), (
        "schema/brief.schema.json is stale: run `briefgen schema > schema/brief.schema.json` and commit it"
    )


def test_schema_command_prints_it() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == schema_json()
    assert run("schema", "--help").exit_code == 0


def test_schema_shape() -> None:
    schema = brief_schema()
    assert list(schema)[:2] == ["$schema", "title"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "briefgen brief"
    assert schema["additionalProperties"] is False, "unknown keys are flagged while typing"
    assert set(schema["required"]) == {"title", "date", "bluf", "key_claims", "context", "implications"}
    assert "for" in schema["$defs"]["Implication"]["properties"], "YAML key names, not Python ones"
    assert schema["$defs"]["Likelihood"]["enum"][0] == "almost no chance"
    assert schema["properties"]["bluf"]["description"] == "Bottom line up front (Markdown)."
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema_json() == schema_json()


def test_example_brief_points_at_the_schema_and_validates() -> None:
    path = REPO / "briefs" / f"{EXAMPLE_ID}.yaml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    assert (path.parent / first.split("=", 1)[1]).resolve() == COMMITTED.resolve()
    jsonschema.validate(as_editor_sees(path), brief_schema(), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"titel": "x"}, "Additional properties are not allowed ('titel' was unexpected)"),
        ({"status": "done"}, "'done' is not one of ['draft', 'final']"),
        ({"tags": ["#hash"]}, "does not match"),
    ],
)
def test_schema_rejects_what_the_loader_rejects(
    tmp_path: Path, change: dict[str, Any], complaint: str
) -> None:
    data = as_editor_sees(REPO / "briefs" / f"{EXAMPLE_ID}.yaml") | change
    with pytest.raises(jsonschema.ValidationError, match=re.escape(complaint)):
        jsonschema.validate(data, brief_schema(), cls=jsonschema.Draft202012Validator)
