"""HTTP: the request handler, its security headers (CSP with a per-response nonce), the live-reload
script, and the host check that keeps a loopback preview from answering to other names."""

from __future__ import annotations

import re
import secrets
import socket
import socketserver
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from briefgen import __version__
from briefgen.addresses import is_loopback
from briefgen.model import SLUG_PATTERN
from briefgen.serve.log import Log
from briefgen.serve.pages import Page, text_page
from briefgen.serve.site import Site
from briefgen.serve.watch import Changes

BRIEF_URL = re.compile(
    rf"/briefs/(?P<id>{SLUG_PATTERN.removeprefix('^').removesuffix('$')})\.(?P<format>html|pdf)"
)
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
HEARTBEAT_SECONDS = 15.0
"""An idle /events stream sends a comment this often, so a closed tab frees its thread."""

RELOAD_SCRIPT = (
    '<script nonce="{nonce}">'
    'new EventSource("/events?since={generation}").addEventListener("reload", () => location.reload());'
    "</script>\n"
)


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


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site, changes: Changes, log: Log) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.site, self.changes, self.log = site, changes, log
        self.check_host = is_loopback(address[0])
        super().__init__(address, PreviewHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name; a preview has no use for it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            self.log(f"error: {type(error).__name__}: {error}")


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewHTTPServer
    server_version = f"briefgen-preview/{__version__}"
    timeout = 60  # a client that opens a connection and sends nothing does not hold a thread forever

    def do_GET(self) -> None:
        # before reading any file: a save after it reloads the page
        generation = self.server.changes.generation
        if not self._host_allowed():
            self._send(
                text_page(HTTPStatus.FORBIDDEN, "this preview answers only to localhost and 127.0.0.1"), 0
            )
            return
        # the raw target: nothing is decoded, so %2e%2e stays harmless
        path, _, query = self.path.partition("?")
        if path == "/events":
            self._events(query)
            return
        if path == "/":
            page = self.server.site.index()
        elif path == "/favicon.ico":
            page = Page(HTTPStatus.NO_CONTENT, "image/x-icon", b"")
        elif found := BRIEF_URL.fullmatch(path):
            release = parse_qs(query).get("release", [None])[0]
            page = self.server.site.brief(found["id"], found["format"], release)
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
