"""The preview server behind `briefgen serve`: briefs rendered on request, pages reloaded on save.

Three routes and one push channel do not earn a web framework, so this is the standard library's
threading HTTP server. Every request reads the files as they are on disk and renders them the way
`briefgen build` does (Templates → view.prepare → render_html / render_pdf), so the preview shows
what a build would write. watchfiles notices saves; a Server-Sent Events stream (`/events`) tells
open pages to reload. The reload script is added here, after rendering, only to pages this server
sends (built files stay script-free), and it runs only under a per-response CSP nonce, so nothing
in a brief (autoescaped anyway) can add a script of its own.

URLs name briefs by id only (`/briefs/<slug>.html|.pdf`); nothing in a URL is ever used as a path.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import socket
import socketserver
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jinja2
import watchfiles

from briefgen import __version__
from briefgen.config import Workspace, find_workspace
from briefgen.errors import ConfigError
from briefgen.loading import BRIEF_SUFFIXES, LoadedBrief, read_briefs
from briefgen.model import SLUG_PATTERN, slugify
from briefgen.problems import Problem
from briefgen.render.html import render_html
from briefgen.templates import Templates, builtin_templates, template_problem
from briefgen.view import handling_of, prepare

Log = Callable[[str], None]

BRIEF_URL = re.compile(
    rf"/briefs/(?P<id>{SLUG_PATTERN.removeprefix('^').removesuffix('$')})\.(?P<format>html|pdf)"
)
MAX_ID = 100
PROBLEMS_HEADER = "X-Briefgen-Problems"
"""On a page that shows problems instead of a brief: how many."""
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
HEARTBEAT_SECONDS = 15.0
"""An idle /events stream sends a comment this often, so a closed tab frees its thread."""
WATCH_TICK_MS = 300
"""How often the watcher wakes without changes: to notice new folders, config edits, and stopping."""

RELOAD_SCRIPT = (
    '<script nonce="{nonce}">'
    'new EventSource("/events?since={generation}").addEventListener("reload", () => location.reload());'
    "</script>\n"
)


def _quiet(message: str) -> None:
    """The default log: say nothing."""


# ---- pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    status: HTTPStatus
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


def text_page(status: HTTPStatus, message: str) -> Page:
    return Page(status, "text/plain; charset=utf-8", f"{status.value} {status.phrase}: {message}\n".encode())


@dataclass(frozen=True)
class Entry:
    """One brief file as the index shows it: loaded, or the problems that stop it from loading."""

    key: str | None
    """The id in its URL: the brief's id, or for a broken file its file name as a slug (None if taken)."""
    source: str
    loaded: LoadedBrief | None
    problems: list[Problem]


def catalogue(workspace: Workspace) -> list[Entry]:
    """Every brief in the workspace, loaded the way `build` loads them (ids unique)."""
    results = read_briefs(workspace)
    taken = {item.brief.id for _, item in results if item is not None}
    entries = []
    for result, item in results:
        if item is not None:
            entries.append(Entry(item.brief.id, result.source, item, []))
            continue
        key: str | None = slugify(Path(result.source).stem)
        if key in taken:
            key = None
        taken.add(key)
        entries.append(Entry(key, result.source, None, result.problems))
    return entries


class Site:
    """The preview's pages, rendered from the files on disk at the moment of each request."""

    def __init__(self, root: Path, log: Log = _quiet) -> None:
        self.root = root
        self.log = log
        self._pdf_lock = threading.Lock()  # WeasyPrint's warnings go through one global logger

    def index(self) -> Page:
        try:
            workspace = find_workspace(self.root)
        except ConfigError as error:
            return self._problems("The workspace configuration has errors", error.problems)
        entries = catalogue(workspace)
        rows = [_row(entry, workspace) for entry in entries if entry.loaded is not None]
        rows.sort(key=lambda row: (row["date"], row["title"]), reverse=True)
        broken = [
            {
                "source": e.source,
                "url": f"/briefs/{e.key}.html" if e.key else None,
                "problems": [str(p) for p in e.problems],
            }
            for e in entries
            if e.loaded is None
        ]
        html = Templates(self.root).render(
            "preview-index.html.j2", rows=rows, broken=broken, root=str(workspace.root), version=__version__
        )
        return Page(HTTPStatus.OK, "text/html; charset=utf-8", html.encode("utf-8"))

    def brief(self, key: str, fmt: str) -> Page:
        """One brief as HTML or PDF; a brief that cannot be loaded or rendered gets its problems instead."""
        try:
            workspace = find_workspace(self.root)
        except ConfigError as error:
            return self._problems("The workspace configuration has errors", error.problems)
        entry = next((e for e in catalogue(workspace) if e.key == key), None) if len(key) <= MAX_ID else None
        if entry is None:
            return text_page(HTTPStatus.NOT_FOUND, f"no brief with id '{key}' (see the index at /)")
        if entry.loaded is None:
            return self._problems(f"{entry.source} has errors", entry.problems)
        templates = Templates(self.root)
        view = prepare(entry.loaded.brief, workspace.config)
        try:
            if fmt == "html":
                return Page(HTTPStatus.OK, "text/html; charset=utf-8", render_html(templates, view))
            return self._pdf(templates, view, key, entry.source)
        except jinja2.TemplateError as error:
            problem = template_problem(entry.source, error, self.root)
            return self._problems(f"{entry.source} cannot be rendered", [problem])

    def _pdf(self, templates: Templates, view: dict[str, Any], key: str, source: str) -> Page:
        try:
            from briefgen.render.pdf import render_pdf  # WeasyPrint: imported only when a PDF is asked for
        except (ImportError, OSError) as error:
            problem = Problem(
                source, 1, 1, f"cannot make PDFs: {error}", hint="WeasyPrint needs Pango; run scripts/setup"
            )
            return self._problems("PDFs cannot be made here", [problem], HTTPStatus.INTERNAL_SERVER_ERROR)
        with self._pdf_lock:
            rendered = render_pdf(templates, view, self.root)
        data = rendered.data
        for message in rendered.warnings:
            self.log(f"warning: {source}: pdf: {message}")
        return Page(
            HTTPStatus.OK, "application/pdf", data, {"Content-Disposition": f'inline; filename="{key}.pdf"'}
        )

    def _problems(self, title: str, problems: list[Problem], status: HTTPStatus = HTTPStatus.OK) -> Page:
        """The problems as a page. 200, not 4xx: the page shows the brief's current state, reloads when it is
        fixed, and keeps the browser console clean; tools read the PROBLEMS_HEADER instead."""
        lines = [str(p) for p in problems]
        headers = {PROBLEMS_HEADER: str(len(lines))}
        try:
            html = Templates(self.root).render(
                "preview-problems.html.j2", title=title, problems=lines, version=__version__
            )
        except (
            jinja2.TemplateError
        ) as error:  # a workspace's own preview template is broken: still show the lines
            text = "\n".join([title, *lines, str(template_problem("preview", error, self.root))])
            return Page(status, "text/plain; charset=utf-8", f"{text}\n".encode(), headers)
        return Page(status, "text/html; charset=utf-8", html.encode("utf-8"), headers)


def _row(entry: Entry, workspace: Workspace) -> dict[str, Any]:
    assert entry.loaded is not None and entry.key is not None
    brief = entry.loaded.brief
    return {
        "title": brief.title,
        "date": brief.date.isoformat(),
        "status": str(brief.status),
        "handling": str(handling_of(brief, workspace.config)),
        "tags": list(brief.tags),
        "source": entry.source,
        "html": f"/briefs/{entry.key}.html",
        "pdf": f"/briefs/{entry.key}.pdf",
    }


def with_reload_script(html: bytes, nonce: str, generation: int) -> bytes:
    """The page plus the live-reload script, before its last </body> (added after rendering, by us only)."""
    script = RELOAD_SCRIPT.format(nonce=nonce, generation=generation).encode()
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


def content_security_policy(nonce: str) -> str:
    """Only our script runs; inline styles are allowed because every page inlines its CSS."""
    return (
        f"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


# ---- change detection --------------------------------------------------------------------------


class Changes:
    """A counter of saves; /events streams wait on it and tell their page to reload when it moves."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.generation = 0
        self.closed = False

    def bump(self) -> None:
        with self._condition:
            self.generation += 1
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self.closed = True
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> int | None:
        """The generation once it differs from `seen` (or after `timeout`); None when shutting down."""
        with self._condition:
            self._condition.wait_for(lambda: self.closed or self.generation != seen, timeout)
            return None if self.closed else self.generation


class Watcher:
    """Bumps `changes` when a brief, a template or stylesheet, or the config file is saved.

    Watches the briefs folder, the workspace's templates/ and the built-in templates (not the whole
    workspace, which may hold a virtualenv). A folder that appears later, or a config edit, is noticed
    on the next tick.
    """

    def __init__(self, root: Path, changes: Changes, log: Log = _quiet) -> None:
        self.root = root.resolve()
        self.changes = changes
        self.log = log
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._config = self._config_stamp()
        self._briefs = self._briefs_folder(fallback=self.root / "briefs")
        self._templates: tuple[Path, ...] = ()
        self._litter = watchfiles.DefaultFilter()  # editor swap files, .git, __pycache__ ...

    def start(self, timeout: float = 10.0) -> None:
        """Start watching; returns once changes from now on will be seen."""
        self._thread = threading.Thread(target=self._run, name="briefgen-watch", daemon=True)
        self._thread.start()
        self._ready.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def folders(self) -> tuple[Path, ...]:
        """The folders to watch now: those of the briefs, the workspace's templates and the built-ins."""
        self._templates = tuple(
            p.resolve() for p in (self.root / "templates", builtin_templates()) if p.is_dir()
        )
        existing = {p.resolve() for p in (self._briefs, *self._templates) if p.is_dir()}
        return tuple(
            sorted(
                p for p in existing if not any(p != other and p.is_relative_to(other) for other in existing)
            )
        )

    def _briefs_folder(self, fallback: Path) -> Path:
        try:
            return self.root / find_workspace(self.root).config.briefs
        except ConfigError:
            return fallback  # a broken config is shown on the pages; keep watching what we watched

    def _config_stamp(self) -> tuple[tuple[int, int] | None, ...]:
        stamps = []
        for name in ("briefgen.toml", "pyproject.toml"):
            try:
                stat = (self.root / name).stat()
                stamps.append((stat.st_mtime_ns, stat.st_size))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def _relevant(self, change: watchfiles.Change, path: str) -> bool:
        if not self._litter(change, path):
            return False
        return path.endswith(BRIEF_SUFFIXES) or any(
            Path(path).is_relative_to(folder) for folder in self._templates
        )

    def _run(self) -> None:
        moved: list[str] = []  # what changed the watched folders: announced once the new watch is in place
        try:
            while not self._stop.is_set():
                folders = self.folders()
                for batch in watchfiles.watch(
                    *folders,
                    watch_filter=self._relevant,
                    stop_event=self._stop,
                    step=50,
                    rust_timeout=WATCH_TICK_MS,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                ):
                    self._ready.set()
                    changed = sorted({path for _, path in batch}) + moved
                    moved = []
                    stamp = self._config_stamp()
                    if stamp != self._config:
                        self._config, self._briefs = stamp, self._briefs_folder(fallback=self._briefs)
                        changed.append("the configuration")
                    if self.folders() != folders:
                        moved = [*changed, "the folders to watch"]
                        break  # watch the new set, then reload pages: a save in between is not lost
                    if changed:
                        self._report(changed)
        except (
            Exception
        ) as error:  # inotify limits, a vanished folder: the preview still works, minus live reload
            self.log(f"warning: live reload stopped: {type(error).__name__}: {error}")
        finally:
            self._ready.set()

    def _report(self, paths: list[str]) -> None:
        shown = []
        for path in paths:
            absolute = Path(path)
            shown.append(
                absolute.relative_to(self.root).as_posix() if absolute.is_relative_to(self.root) else path
            )
        self.log(f"changed {', '.join(shown)}: reloading open pages")
        self.changes.bump()


# ---- HTTP ----------------------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site, changes: Changes, log: Log) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.site, self.changes, self.log = site, changes, log
        self.check_host = _is_loopback(address[0])
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name; a preview has no use for it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            self.log(f"error: {type(error).__name__}: {error}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = f"briefgen-preview/{__version__}"
    timeout = 60  # a client that opens a connection and sends nothing does not hold a thread forever

    def do_GET(self) -> None:
        generation = (
            self.server.changes.generation
        )  # before reading any file: a save after it reloads the page
        if not self._host_allowed():
            self._send(
                text_page(HTTPStatus.FORBIDDEN, "this preview answers only to localhost and 127.0.0.1"), 0
            )
            return
        path, _, query = self.path.partition(
            "?"
        )  # the raw target: nothing is decoded, so %2e%2e stays harmless
        if path == "/events":
            self._events(query)
            return
        if path == "/":
            page = self.server.site.index()
        elif path == "/favicon.ico":
            page = Page(HTTPStatus.NO_CONTENT, "image/x-icon", b"")
        elif found := BRIEF_URL.fullmatch(path):
            page = self.server.site.brief(found["id"], found["format"])
        else:
            page = text_page(HTTPStatus.NOT_FOUND, "no such page (see the index at /)")
        self._send(page, generation)

    def _host_allowed(self) -> bool:
        """Refuse other host names on a loopback server, so a web page cannot read briefs by DNS rebinding."""
        host = self.headers.get("Host")
        if not self.server.check_host or host is None:
            return True
        name = host.rpartition("]")[0].lstrip("[") if host.startswith("[") else host.partition(":")[0]
        return name.lower() in LOOPBACK_NAMES | {self.server.server_name}

    def _send(self, page: Page, generation: int) -> None:
        body = page.body
        self.send_response(page.status)
        if page.is_html:
            nonce = secrets.token_urlsafe(18)
            body = with_reload_script(body, nonce, generation)
            self.send_header("Content-Security-Policy", content_security_policy(nonce))
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _events(self, query: str) -> None:
        """Server-Sent Events: `reload` whenever the saved files move past the page's generation."""
        try:
            seen = int(parse_qs(query).get("since", ["-1"])[0])
        except ValueError:
            seen = -1
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while (current := self.server.changes.wait(seen, HEARTBEAT_SECONDS)) is not None:
                if current != seen:
                    self.wfile.write(f"event: reload\ndata: {current}\n\n".encode())
                    seen = current
                else:
                    self.wfile.write(b": idle\n\n")
                self.wfile.flush()
        except (ConnectionError, TimeoutError):
            return  # the tab went away

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged; errors reach the server's log through handle_error."""


# ---- the server --------------------------------------------------------------------------------


class PreviewServer:
    """The preview bound to `host:port` (port 0: any free port). Binding happens here, so a taken
    port raises OSError before anything starts."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000, log: Log = _quiet) -> None:
        self.changes = Changes()
        self.watcher = Watcher(root, self.changes, log)
        self.httpd = _HTTPServer((host, port), Site(root, log), self.changes, log)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_name, self.httpd.server_port
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    @property
    def loopback(self) -> bool:
        return self.httpd.check_host

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C raises KeyboardInterrupt here)."""
        self.watcher.start()
        self.httpd.serve_forever(poll_interval=0.5)

    def start(self) -> None:
        """Serve from a background thread (tests, embedding); returns once saves are being watched."""
        self.watcher.start()
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="briefgen-serve", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop watching, end open event streams, stop serving and free the port."""
        self.changes.close()
        self.watcher.stop()
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()

    def __enter__(self) -> PreviewServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
