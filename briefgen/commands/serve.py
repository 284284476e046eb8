"""`briefgen serve`: preview briefs in a browser, rendered on request and reloaded on save."""

from __future__ import annotations

import errno
import sys

import click

from briefgen.commands.common import warn
from briefgen.config import find_workspace
from briefgen.errors import ConfigError, ExitCode, exit_codes_help, unplaced


@click.command(epilog=exit_codes_help(ExitCode.OK, ExitCode.USAGE))
@click.option(
    "-p",
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port (0: any free one).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but a loopback address lets other machines read the briefs.",
)
def serve(port: int, host: str) -> None:
    """Preview the workspace's briefs in a browser.

    Serves an index of every brief (title, date, status, tags, and the errors of briefs that fail to
    load), each brief's HTML page and its PDF, rendered from the files on disk on every request the
    way `build` renders them, in worker processes under pdf_timeout. Open pages reload by themselves
    when a brief, template, stylesheet or the config is saved. A brief with errors, or one that takes
    longer than pdf_timeout to render, shows its problems, one file:line:column line each, instead
    of its page.

    Stop with Ctrl-C (exit 0). A bad configuration, or an address or port that cannot be used (another
    server already listens on it: pick another with --port), is exit 2.
    """
    workspace = find_workspace()
    from briefgen.serve import PreviewServer  # pebble and the server's modules: only for `serve` itself

    try:
        server = PreviewServer(workspace.root, host, port, log=lambda message: click.echo(message, err=True))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            reason, hint = "the port is already in use", "choose another with --port"
        else:
            reason, hint = error.strerror or str(error), "check --host: 127.0.0.1 serves this machine only"
        raise ConfigError(unplaced(f"cannot serve on {host}:{port}: {reason}", hint)) from None
    if not server.loopback:
        warn(f"listening on {host}: anyone who can reach this machine can read these briefs")
    click.echo(f"Serving {workspace.root} at {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.close()
    sys.exit(ExitCode.OK)
