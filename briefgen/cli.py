"""The `briefgen` command group. Each command lives in its own module under `briefgen/commands/`
and is imported only when it runs (or when `--help` lists it), so `briefgen --version` stays instant
and no command pays for another's imports.

Errors have one path: a command raises a `BriefgenError` (errors.py), and click's handler calls its
`show()` (one line per problem) and exits with its code from the one `ExitCode` table, which means the
same for every command. Ctrl-C in any command is `ExitCode.INTERRUPTED`.
"""

from __future__ import annotations

import importlib

import click

from briefgen import __version__

COMMANDS: dict[str, str] = {
    "build": "briefgen.commands.build:build_command",
    "check": "briefgen.commands.check:check",
    "doctor": "briefgen.commands.doctor:doctor",
    "diff": "briefgen.commands.diff:diff",
    "digest": "briefgen.commands.digest:digest",
    "mail": "briefgen.commands.mail:mail",
    "new": "briefgen.commands.new:new",
    "publish": "briefgen.commands.publish:publish",
    "schema": "briefgen.commands.schema:schema",
    "serve": "briefgen.commands.serve:serve",
}
"""Command name → "module:function". Add a line here to add a command."""


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # commands that can stop cleanly (build, serve) catch it themselves first
            from briefgen.errors import ExitCode  # not at start-up: `--version` imports only click

            click.echo("interrupted", err=True)
            ctx.exit(ExitCode.INTERRUPTED)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, name = target.partition(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="briefgen")
def main() -> None:
    """Render analysts' YAML briefs as HTML pages, PDF policy briefs and wiki Markdown.

    Run commands from a workspace: a folder with briefs/ (and optionally briefgen.toml,
    templates/ and seeds/). Start with `briefgen check`, then `briefgen build`.
    """
