"""One article fetched over HTTP(S) for `briefgen new URL`: the only network access briefgen makes.

Built on the standard library's `http.client`, which does exactly what is asked and nothing else:
it stores no cookies, follows no redirect, reads no proxy variables and decodes no compression, so
every one of those is a decision made here. (urllib3 would add a dependency to switch the same
things off; `urllib.request` honours `*_PROXY` and redirects by itself.)

Each hop is resolved once, every address checked (`address_refusal`), and the connection made to a
checked address with the URL's host name as Host header and TLS server name, so no second DNS
answer can slip a private address in between the check and the connection (DNS rebinding).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from briefgen import __version__
from briefgen.sources.reading import MAX_SOURCE_BYTES

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
"""Seconds to open one connection (TCP and TLS)."""
READ_TIMEOUT = 10.0
"""Seconds of silence tolerated while waiting for the server."""
DEADLINE = 30.0
"""Seconds for the whole download, redirects included: a server dripping bytes is cut off here."""
USER_AGENT = f"briefgen/{__version__} (article download for `briefgen new`)"
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy")
"""Never used (a proxy would make the address checks meaningless); `new` says so when one is set."""

_REDIRECTS = {301, 302, 303, 307, 308}
_TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = ipaddress.ip_address("169.254.169.254")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class DownloadError(Exception):
    """The page was not fetched: `url` is the hop that failed, `transient` when trying later may help."""

    def __init__(self, url: str, message: str, hint: str = "", *, transient: bool = False) -> None:
        super().__init__(message)
        self.url = url
        self.message = message
        self.hint = hint
        self.transient = transient


@dataclass(frozen=True, slots=True)
class Download:
    url: str
    """The final address, after redirects."""
    data: bytes
    media_type: str
    """The Content-Type without parameters, lowercased ("" when the server sent none)."""
    retrieved: dt.datetime
    """When the body was complete, in UTC."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo client, NAT64), which is where it goes."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address: Address) -> str | None:
    """Why `address` must not be fetched without --allow-private-network ("a private address"), or
    None for a public one. `is_global` is the test; the rest only names the reason."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            reason = address_refusal(inner)
            return f"{reason} ({inner})" if reason else None
    if address == _METADATA:
        return "the cloud metadata address"
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address in _CGNAT, "a shared (CGNAT) address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
    )
    for matched, reason in checks:
        if matched:
            return reason
    return None if address.is_global else "not a public address"


def proxy_variables() -> list[str]:
    """The proxy variables set in the environment, which the download does not use."""
    return [name for name in PROXY_VARIABLES if os.environ.get(name)]


class _Clock:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self, url: str) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise _timed_out(url, self.seconds)
        return remaining


def _timed_out(url: str, seconds: float) -> DownloadError:
    return DownloadError(
        url, f"timed out: no complete page within {seconds:g} s", "try again later", transient=True
    )


def _resolve(url: str, host: str, port: int, clock: _Clock) -> list[Address]:
    """Every address `host` resolves to, once, within the deadline (getaddrinfo has no timeout)."""
    found: list[list[Address] | BaseException] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.append([ipaddress.ip_address(info[4][0]) for info in infos])
        except (OSError, ValueError) as error:
            found.append(error)

    thread = threading.Thread(target=lookup, daemon=True)
    thread.start()
    thread.join(clock.left(url))
    if not found:
        raise _timed_out(url, clock.seconds)
    result = found[0]
    if isinstance(result, socket.gaierror):
        transient = result.errno == socket.EAI_AGAIN
        hint = "check your connection and try again" if transient else "check the address"
        raise DownloadError(url, f"cannot resolve {host}: {result.strerror}", hint, transient=transient)
    if isinstance(result, BaseException) or not result:
        raise DownloadError(url, f"cannot resolve {host}", "check the address")
    return list(dict.fromkeys(result))


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to one checked address; the Host header still names the host."""

    opened: socket.socket | None = None
    """The socket, kept for the deadline: http.client hands it to a `Connection: close` response."""

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = self.opened = socket.create_connection((str(self.address), self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """Connects to one checked address; the certificate is verified for the host name (SNI too)."""

    opened: socket.socket | None = None

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((str(self.address), self.port), self.timeout)
        try:
            self.sock = self.opened = self.tls.wrap_socket(
                raw, server_hostname=self.host, do_handshake_on_connect=False
            )
        except BaseException:
            raw.close()
            raise
        self.sock.do_handshake()  # after `sock` is set, so the deadline can cut a dripped handshake


class _Deadline:
    """Ends whatever read is in progress at the deadline, by shutting its socket down under it."""

    def __init__(self, seconds: float) -> None:
        self.connection: _PinnedHTTP | _PinnedHTTPS | None = None
        self.response: http.client.HTTPResponse | None = None
        self.fired = threading.Event()
        self.timer = threading.Timer(seconds, self.cut)
        self.timer.daemon = True
        self.timer.start()

    def cut(self) -> None:
        self.fired.set()
        sock = self.connection.opened if self.connection is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def close(self) -> None:
        self.timer.cancel()
        if self.response is not None:
            self.response.close()
        if self.connection is not None:
            self.connection.close()
            if self.connection.opened is not None:
                self.connection.opened.close()


def _check_url(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise DownloadError(url, f"not a valid address ({error})", "check the address") from None
    if parts.scheme not in ("http", "https"):
        shown = parts.scheme or "no scheme"
        raise DownloadError(url, f"refused: {shown} is not http or https", "give an http(s):// address")
    if not parts.hostname:
        raise DownloadError(url, "refused: no host in the address", "e.g. https://example.org/page")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


Refusal = Callable[[Address], str | None]
"""Why an address must not be fetched, or None: `address_refusal`, or a test's narrower rule."""


def _addresses(url: str, host: str, port: int, clock: _Clock, refusal: Refusal | None) -> list[Address]:
    addresses = _resolve(url, host, port, clock)
    if refusal is not None:
        for address in addresses:
            reason = refusal(address)
            if reason:
                named = str(address) if _is_literal(host) else f"{host} ({address})"
                raise DownloadError(
                    url,
                    f"refused: {named} is {reason}",
                    "pass --allow-private-network to fetch it",
                )
    return addresses


def _connect(
    scheme: str, host: str, port: int, addresses: list[Address], url: str, clock: _Clock, cutter: _Deadline
) -> http.client.HTTPConnection:
    last: OSError | None = None
    for address in addresses:
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = kind(host, port, address, min(CONNECT_TIMEOUT, clock.left(url)))
        cutter.connection = connection
        try:
            connection.connect()
            if connection.sock is not None:
                connection.sock.settimeout(min(READ_TIMEOUT, clock.left(url)))
            return connection
        except ssl.SSLCertVerificationError as error:
            connection.close()
            reason = error.verify_message or error.reason or str(error)
            raise DownloadError(url, f"TLS certificate not accepted: {reason}", "check the address") from None
        except ssl.SSLError as error:
            connection.close()
            raise DownloadError(url, f"TLS failed: {error.reason or error}", "check the address") from None
        except TimeoutError:
            connection.close()
            last = TimeoutError("timed out")
        except OSError as error:
            connection.close()
            last = error
    why = "timed out" if isinstance(last, TimeoutError) else (last.strerror if last else None) or str(last)
    raise DownloadError(url, f"cannot connect to {host}: {why}", "try again later", transient=True)


def _read_body(response: http.client.HTTPResponse, url: str) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > MAX_SOURCE_BYTES:
        raise _too_large(url)
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read(64 * 1024):
        total += len(chunk)
        if total > MAX_SOURCE_BYTES:
            raise _too_large(url)
        chunks.append(chunk)
    if length and length.strip().isdigit() and total < int(length):  # read(n) returns short, silently
        raise http.client.IncompleteRead(b"", int(length) - total)
    return b"".join(chunks)


def _too_large(url: str) -> DownloadError:
    return DownloadError(
        url, f"refused: larger than {MAX_SOURCE_BYTES:,} bytes", "save the part you need and give the file"
    )


def _status_error(url: str, response: http.client.HTTPResponse) -> DownloadError:
    status = response.status
    transient = status in _TRANSIENT_STATUSES
    hint = "the server may be busy: try again later" if transient else "check the address"
    return DownloadError(
        url, f"the server answered {status} {response.reason}".rstrip(), hint, transient=transient
    )


def _one_request(
    url: str, clock: _Clock, refusal: Refusal | None, cutter: _Deadline
) -> http.client.HTTPResponse:
    scheme, host, port = _check_url(url)
    addresses = _addresses(url, host, port, clock, refusal)
    connection = _connect(scheme, host, port, addresses, url, clock, cutter)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html, application/xhtml+xml, application/pdf;q=0.9, text/plain;q=0.8, */*;q=0.1",
        "Accept-Encoding": "identity",
        "Connection": "close",
    }
    connection.request("GET", target, headers=headers)
    cutter.response = connection.getresponse()
    return cutter.response


def fetch(
    url: str, *, allow_private: bool = False, deadline: float = DEADLINE, refusal: Refusal = address_refusal
) -> Download:
    """GET `url` following at most MAX_REDIRECTS redirects; raise DownloadError with the reason.

    Every hop's addresses are checked with `refusal` after DNS, unless `allow_private`.
    """
    clock = _Clock(deadline)
    rule = None if allow_private else refusal
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        _check_url(current)
        cutter = _Deadline(clock.left(current))
        fired = cutter.fired
        try:
            response = _one_request(current, clock, rule, cutter)
            if response.status in _REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise DownloadError(current, f"redirect {response.status} without a Location")
                if hop == MAX_REDIRECTS:
                    raise DownloadError(
                        current, f"refused: more than {MAX_REDIRECTS} redirects", "give the final address"
                    )
                current = urljoin(current, location.strip())
                continue
            if not 200 <= response.status < 300:
                raise _status_error(current, response)
            encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
            if encoding != "identity":
                raise DownloadError(current, f"the server sent {encoding}-compressed content unasked")
            data = _read_body(response, current)
            if fired.is_set():
                raise _timed_out(current, clock.seconds)
            if not data:
                raise DownloadError(current, "the server sent an empty page", "check the address")
            media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            return Download(current, data, media, dt.datetime.now(dt.UTC).replace(microsecond=0))
        except DownloadError:
            raise
        except (TimeoutError, OSError, http.client.HTTPException) as error:
            if fired.is_set() or isinstance(error, TimeoutError) or clock.end <= time.monotonic():
                raise _timed_out(current, clock.seconds) from None
            if isinstance(error, http.client.IncompleteRead):
                why = "the connection closed before the whole page arrived"
            elif isinstance(error, ssl.SSLError):
                why = f"TLS failed: {error.reason or error}"
            else:
                detail = getattr(error, "strerror", None) or str(error) or type(error).__name__
                why = f"the connection failed: {detail}"
            raise DownloadError(current, why, "try again later", transient=True) from None
        finally:
            cutter.close()
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
