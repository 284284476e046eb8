"""`briefgen schema`: print the brief's JSON Schema for editors."""

from __future__ import annotations

import click

from briefgen.errors import ExitCode, exit_codes_help
from briefgen.schema import schema_json


@click.command(epilog=exit_codes_help(ExitCode.OK))
def schema() -> None:
    """Print the JSON Schema of a brief file (generated from briefgen's model).

    Editors with a YAML language server use it for completion, hover help and validation while
    typing. Save it in the workspace and point briefs at it with a first line such as
    `# yaml-language-server: $schema=../schema/brief.schema.json`:

    \b
        briefgen schema > schema/brief.schema.json
    """
    click.echo(schema_json(), nl=False)
