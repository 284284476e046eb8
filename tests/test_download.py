"""`briefgen new URL` against a real HTTP server on 127.0.0.1, and the address policy on its own.

The server is loopback, so every fetch of it needs --allow-private-network: without the flag it is
refused before a request is made, which is the policy working.
"""

from __future__ import annotations

import hashlib
import http.server
import ipaddress
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, unquote

import pytest
import yaml

from briefgen.config import find_workspace
from briefgen.errors import ExitCode, TryAgain
from briefgen.new_from_url import scaffold_url
from briefgen.sources import MAX_SOURCE_BYTES
from briefgen.sources.download import USER_AGENT, DownloadError, address_refusal, fetch
from tests.conftest import run

PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>Harbour talks stall</title>
<link rel="stylesheet" href="/style.css"><script src="/app.js"></script></head>
<body><article><h1>Harbour talks stall</h1>
<p>Negotiators left the port city on Tuesday without an agreement on fees.</p>
<img src="/photo.jpg" alt="">
<h2>What was on the table</h2><p>A fee cap and a joint inspection regime.</p>
<h2>What comes next</h2><p>Another round is planned for the spring.</p>
</article></body></html>"""


class Site(http.server.BaseHTTPRequestHandler):
    """Serves the page, redirect chains and misbehaving answers; records every request."""

    requests: ClassVar[list[tuple[str, dict[str, str]]]] = []
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **(headers or {})}.items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Site.requests.append((self.path, dict(self.headers.items())))
        path = self.path
        try:
            if path == "/page":
                self._send(200, PAGE, {"Set-Cookie": "session=abc; Path=/"})
            elif path.startswith("/hop/"):  # /hop/N redirects N more times, then to the page
                left = int(path.rsplit("/", 1)[1])
                target = f"/hop/{left - 1}" if left > 1 else "/page"
                self._send(302, b"", {"Location": target, "Set-Cookie": f"hop={left}"})
            elif path.startswith("/redirect?to="):  # to any address the test names
                self._send(302, b"", {"Location": unquote(path.split("=", 1)[1])})
            elif path == "/to-file":
                self._send(302, b"", {"Location": "file:///etc/passwd"})
            elif path == "/to-ftp":
                self._send(301, b"", {"Location": "ftp://127.0.0.1/article.html"})
            elif path == "/octet":
                self._send(200, PAGE, {"Content-Type": "application/octet-stream"})
            elif path == "/image":
                self._send(200, b"\x89PNG\r\n\x1a\n", {"Content-Type": "image/png"})
            elif path in ("/busy", "/gone"):
                self._send(503 if path == "/busy" else 404, b"no")
            elif path == "/big":  # announces more than the limit
                self._send(200, b"x" * 1000, {"Content-Length": str(MAX_SOURCE_BYTES + 1)})
            elif path == "/big-unannounced":  # no Content-Length: the body ends when the connection does
                self._stream_unannounced(MAX_SOURCE_BYTES + 64 * 1024)
            elif path == "/short":  # promises more than it sends
                self._send(200, PAGE, {"Content-Length": str(len(PAGE) + 500)})
            elif path == "/drip":
                self._drip(headers_slowly=False)
            elif path == "/drip-unannounced":
                self._drip(headers_slowly=False, length=False)
            elif path == "/drip-headers":
                self._drip(headers_slowly=True)
            else:
                self._send(404, b"not here")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should have

    def _stream_unannounced(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<p>" + b"y" * 65_532 + b"\n"
        sent = 0
        while sent < size:
            self.wfile.write(chunk)
            sent += len(chunk)
        self.close_connection = True

    def _drip(self, *, headers_slowly: bool, length: bool = True) -> None:
        """One byte every 0.1 s: never silent for long enough to hit a read timeout."""
        if headers_slowly:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            data = b"X-Slow: " + b"a" * 10_000 + b"\r\n"
        else:
            # `Connection: close` hands the socket to the response object: it must be cut there too.
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
            self.wfile.write(head + (b"Content-Length: 100000\r\n\r\n" if length else b"\r\n"))
            data = b"<p>" + b"z" * 10_000
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.1)


@pytest.fixture
def site() -> Iterator[str]:
    Site.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_every_redirect_hop_is_checked_before_it_is_requested(site: str) -> None:
    """A rule that allows the first server (127.0.0.1) and refuses 127.0.0.2 stands for "public, then
    private": the redirect to the refused address is refused, and nothing reaches the server there."""
    Other.requests = []
    other = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Other)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        target = f"http://127.0.0.2:{other.server_address[1]}/page"

        def only_the_first(address: object) -> str | None:
            return None if str(address) == "127.0.0.1" else "not the first server"

        with pytest.raises(DownloadError) as refused:
            fetch(f"{site}/redirect?to={quote(target, safe='')}", refusal=only_the_first)
        assert refused.value.message == "refused: 127.0.0.2 is not the first server"
        assert _paths() == [f"/redirect?to={quote(target, safe='')}"]
        assert Other.requests == [], "the refused hop was never requested"
        page = fetch(f"{site}/redirect?to={quote(target, safe='')}", allow_private=True)
        assert page.url == target and Other.requests == ["/page"], "the same hop, allowed, is fetched"
    finally:
        other.shutdown()
        other.server_close()


class Other(http.server.BaseHTTPRequestHandler):
    """A second server, at the address a redirect leads to."""

    requests: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        Other.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


def _paths() -> list[str]:
    return [path for path, _ in Site.requests]


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_a_page_is_saved_under_seeds_and_its_brief_records_url_retrieved_and_sha256(
    workspace: Path, site: str
) -> None:
    result = run("new", f"{site}/page", "--allow-private-network")
    assert result.exit_code == 0, result.stderr
    seed = workspace / "seeds" / "harbour-talks-stall.html"
    assert f"saved seeds/harbour-talks-stall.html from {site}/page ({len(PAGE):,} bytes)" in result.stdout
    assert "wrote briefs/harbour-talks-stall.yaml: 2 sections" in result.stdout
    assert seed.read_bytes() == PAGE
    brief = yaml.safe_load((workspace / "briefs" / "harbour-talks-stall.yaml").read_text(encoding="utf-8"))
    (source,) = brief["sources"]
    assert source["url"] == f"{site}/page"
    assert source["file"] == "seeds/harbour-talks-stall.html"
    assert source["sha256"] == hashlib.sha256(seed.read_bytes()).hexdigest()
    age = time.time() - source["retrieved"].timestamp()
    assert source["retrieved"].utcoffset().total_seconds() == 0 and 0 <= age < 60
    assert [s["heading"] for s in brief["sections"]] == ["What was on the table", "What comes next"]
    # Only the page: not its stylesheet, script or image.
    assert _paths() == ["/page"]
    (_, headers), *_ = Site.requests
    assert headers["User-Agent"] == USER_AGENT and "briefgen" in USER_AGENT
    assert run("check", "--strict", "briefs/harbour-talks-stall.yaml").exit_code == 0


def test_the_loopback_server_is_refused_without_the_flag_before_any_request(
    workspace: Path, site: str
) -> None:
    before = _files(workspace)
    result = run("new", f"{site}/page")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.strip() == (
        f"error: {site}/page: refused: 127.0.0.1 is a loopback address "
        "(pass --allow-private-network to fetch it)"
    )
    assert Site.requests == [] and _files(workspace) == before


def test_localhost_is_resolved_checked_and_asked_for_by_name(workspace: Path, site: str) -> None:
    port = site.rsplit(":", 1)[1]
    refused = run("new", f"http://localhost:{port}/page")
    assert refused.exit_code == 2 and "refused: localhost (" in refused.stderr
    assert "is a loopback address" in refused.stderr and Site.requests == []
    assert run("new", f"http://localhost:{port}/page", "--allow-private-network").exit_code == 0
    assert [headers["Host"] for _, headers in Site.requests] == [f"localhost:{port}"]


def test_five_redirects_are_followed_and_no_cookie_goes_back(workspace: Path, site: str) -> None:
    result = run("new", f"{site}/hop/5", "--allow-private-network", "--id", "harbour")
    assert result.exit_code == 0, result.stderr
    assert _paths() == ["/hop/5", "/hop/4", "/hop/3", "/hop/2", "/hop/1", "/page"]
    assert all("Cookie" not in headers for _, headers in Site.requests)
    brief = yaml.safe_load((workspace / "briefs" / "harbour.yaml").read_text(encoding="utf-8"))
    assert brief["sources"][0]["url"] == f"{site}/page", "the final address, after redirects"
    assert (workspace / "seeds" / "harbour.html").read_bytes() == PAGE


def test_a_sixth_redirect_is_refused(workspace: Path, site: str) -> None:
    before = _files(workspace)
    result = run("new", f"{site}/hop/6", "--allow-private-network")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {site}/hop/1: refused: more than 5 redirects (give the final address)"
    )
    assert len(Site.requests) == 6 and _files(workspace) == before


@pytest.mark.parametrize(("route", "scheme"), [("/to-file", "file"), ("/to-ftp", "ftp")], ids=["file", "ftp"])
def test_a_redirect_to_another_scheme_is_refused(workspace: Path, site: str, route: str, scheme: str) -> None:
    before = _files(workspace)
    result = run("new", f"{site}{route}", "--allow-private-network")
    assert result.exit_code == 2
    assert f"refused: {scheme} is not http or https" in result.stderr
    assert _paths() == [route] and _files(workspace) == before


def test_a_non_http_address_is_refused_without_a_request(workspace: Path) -> None:
    result = run("new", "ftp://127.0.0.1/article.html", "--allow-private-network")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: ftp://127.0.0.1/article.html: refused: ftp is not http or https (give an http(s):// address)"
    )


@pytest.mark.parametrize("route", ["/big", "/big-unannounced"])
def test_an_oversized_body_is_refused_with_or_without_content_length(
    workspace: Path, site: str, route: str
) -> None:
    before = _files(workspace)
    result = run("new", f"{site}{route}", "--allow-private-network")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        f"refused: larger than {MAX_SOURCE_BYTES:,} bytes (save the part you need and give the file)"
    )
    assert _files(workspace) == before


@pytest.mark.parametrize(
    ("route", "code", "message"),
    [
        ("/busy", ExitCode.TRY_AGAIN, "the server answered 503 Service Unavailable"),
        ("/gone", ExitCode.USAGE, "the server answered 404 Not Found"),
        ("/short", ExitCode.TRY_AGAIN, "the connection closed before the whole page arrived"),
        ("/image", ExitCode.USAGE, "refused: image/png is not an article"),
    ],
)
def test_failures_are_one_line_each(
    workspace: Path, site: str, route: str, code: ExitCode, message: str
) -> None:
    before = _files(workspace)
    result = run("new", f"{site}{route}", "--allow-private-network")
    assert result.exit_code == code
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert _files(workspace) == before


def test_a_closed_port_is_try_again(workspace: Path) -> None:
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site) as server:
        port = server.server_address[1]  # bound, then closed: nothing listens there
    result = run("new", f"http://127.0.0.1:{port}/page", "--allow-private-network")
    assert result.exit_code == ExitCode.TRY_AGAIN
    assert "cannot connect to 127.0.0.1" in result.stderr


def test_the_format_comes_from_the_bytes_when_the_type_says_nothing(workspace: Path, site: str) -> None:
    assert run("new", f"{site}/octet", "--allow-private-network").exit_code == 0
    assert (workspace / "seeds" / "harbour-talks-stall.html").read_bytes() == PAGE


@pytest.mark.parametrize("route", ["/drip", "/drip-unannounced", "/drip-headers"])
def test_a_dripping_server_is_cut_off_at_the_deadline(workspace: Path, site: str, route: str) -> None:
    before = _files(workspace)
    started = time.monotonic()
    with pytest.raises(TryAgain) as raised:
        scaffold_url(find_workspace(), f"{site}{route}", allow_private_network=True, deadline=1.5)
    elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 5, elapsed
    assert "timed out: no complete page within 1.5 s" in str(raised.value)
    assert _files(workspace) == before


def test_a_taken_id_is_refused_before_anything_is_fetched(workspace: Path, site: str) -> None:
    result = run("new", f"{site}/page", "--allow-private-network", "--id", "putin-alaska-provisions")
    assert result.exit_code == ExitCode.FAILED and Site.requests == []


def test_another_file_where_the_seed_goes_is_kept(workspace: Path, site: str) -> None:
    mine = workspace / "seeds" / "harbour.html"
    mine.write_bytes(b"<p>my own notes</p>")
    result = run("new", f"{site}/page", "--allow-private-network", "--id", "harbour")
    assert result.exit_code == ExitCode.FAILED
    assert "seeds/harbour.html:1:1: another file is already there" in result.stderr
    assert mine.read_bytes() == b"<p>my own notes</p>"
    assert not (workspace / "briefs" / "harbour.yaml").exists()


def test_the_seed_is_taken_back_when_the_brief_cannot_be_written(workspace: Path, site: str) -> None:
    (workspace / "briefs" / "harbour.yaml").mkdir()  # a folder where the brief goes
    result = run("new", f"{site}/page", "--allow-private-network", "--id", "harbour", "--force")
    assert result.exit_code == ExitCode.NEEDS_ATTENTION, result.stderr
    assert "briefs/harbour.yaml:1:1: cannot write" in result.stderr
    assert not (workspace / "seeds" / "harbour.html").exists()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("169.254.169.254", "the cloud metadata address"),
        ("169.254.1.1", "a link-local address"),
        ("10.0.0.5", "a private address"),
        ("172.16.3.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("127.0.0.1", "a loopback address"),
        ("0.0.0.0", "an unspecified address"),
        ("100.64.0.1", "a shared (CGNAT) address"),
        ("224.0.0.1", "a multicast address"),
        ("240.0.0.1", "a private address"),  # 240/4 is in Python's private list, before reserved
        ("192.0.2.10", "a private address"),  # TEST-NET-1, documentation only
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fe80::1", "a link-local address"),
        ("fd00::1", "a private address"),
        ("ff02::1", "a multicast address"),
        ("::ffff:127.0.0.1", "a loopback address (127.0.0.1)"),
        ("::ffff:169.254.169.254", "the cloud metadata address (169.254.169.254)"),
        ("::ffff:10.1.2.3", "a private address (10.1.2.3)"),
        ("2002:a00:1::", "a private address (10.0.0.1)"),  # 6to4 around 10.0.0.1
        ("64:ff9b::7f00:1", "a loopback address (127.0.0.1)"),  # NAT64 around 127.0.0.1
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_a_name_that_does_not_resolve_is_one_line(workspace: Path) -> None:
    result = run("new", "http://no-such-host.invalid/page")
    assert result.exit_code in (ExitCode.USAGE, ExitCode.TRY_AGAIN)
    assert result.stderr.startswith(
        "error: http://no-such-host.invalid/page: cannot resolve no-such-host.invalid"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_fetch_refuses_a_malformed_address() -> None:
    with pytest.raises(DownloadError, match="not a valid address"):
        fetch("http://127.0.0.1:99999/", allow_private=True)
