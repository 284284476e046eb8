"""`briefgen serve`: pages over real HTTP, live reload over a real event stream, and a real headless
Chromium (Debian's, driven by Playwright) that watches an open page change when a file is saved."""

from __future__ import annotations

import base64
import http.client
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader

from briefgen.serve import PreviewServer
from tests.conftest import EXAMPLE_ID, REPO, Built, copy_workspace, run
from tests.test_building import write_variant
from tests.test_cli import BAD_ENUM

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WAIT_MS = 20_000
"""Upper bound for a page to follow a save; the wait ends as soon as it does."""

EXAMPLE = (REPO / "briefs" / f"{EXAMPLE_ID}.yaml").read_text(encoding="utf-8")
TITLE = "Putin anchors Russia's Ukraine settlement strategy to undisclosed 'Alaska Summit' provisions"
BAD_ENUM_LINE = (
    "briefs/bad.yaml:7:17: key_claims[0].confidence: 'hgih' is not one of high, moderate, low"
    " (did you mean 'high'?)"
)
HOSTILE = """\
title: "</title></script><script>alert('title')</script>"
date: 2025-10-10
bluf: "<script>alert('bluf')</script> <img src=x onerror=alert('img')> [x](javascript:alert('link'))"
context: "</body><script>alert('context')</script>"
key_claims:
  - text: "<iframe srcdoc='<script>alert(1)</script>'></iframe>"
    quote: '"><script>alert(1)</script>'
    confidence: high
implications:
  - for: "<svg onload=alert('svg')>"
    text: Something.
"""


def retitle(root: Path, title: str) -> None:
    """Save the example brief with a new title, the way an editor does (whole file rewritten)."""
    text = EXAMPLE.replace(f"title: {TITLE}\n", f"title: {title}\n")
    assert text != EXAMPLE
    (root / "briefs" / f"{EXAMPLE_ID}.yaml").write_text(text, encoding="utf-8")


# ---- plain HTTP ----------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def get(server: PreviewServer, path: str, host: str | None = None) -> Reply:
    """GET with the path sent exactly as written (http.client does not normalise `..` or `%2e`)."""
    address, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(str(address), int(port), timeout=60)
    try:
        connection.request("GET", path, headers={"Host": host} if host else {})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_workspace(tmp_path)


@pytest.fixture
def server(root: Path) -> Iterator[PreviewServer]:
    """The preview of a fresh copy of the example workspace, on a free port, watching for saves."""
    with PreviewServer(root, "127.0.0.1", 0) as preview:
        preview.start()
        yield preview


def test_index_lists_each_brief_with_its_facts(server: PreviewServer) -> None:
    reply = get(server, "/")
    assert reply.status == 200
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<a class="brief-link" href="/briefs/{EXAMPLE_ID}.html">' in reply.text
    assert "Putin anchors Russia&#39;s Ukraine settlement strategy" in reply.text
    assert '<time datetime="2025-10-10">' in reply.text
    assert 'class="status status-final">Final<' in reply.text
    assert "<li>#UkraineWar</li>" in reply.text
    assert f'href="/briefs/{EXAMPLE_ID}.pdf"' in reply.text


def test_brief_page_is_the_built_page_plus_only_the_reload_script(
    server: PreviewServer, example_build: Built
) -> None:
    reply = get(server, f"/briefs/{EXAMPLE_ID}.html")
    assert reply.status == 200
    scripts = re.findall(r"<script\b.*?</script>\n", reply.text, flags=re.S)
    assert len(scripts) == 1
    assert reply.text.replace(scripts[0], "") == example_build.html  # what `build` writes, to the byte
    assert "<script" not in example_build.html
    nonce = re.search(r'<script nonce="([^"]+)">', scripts[0])
    assert nonce is not None
    policy = reply.headers["content-security-policy"]
    assert f"script-src 'nonce-{nonce[1]}';" in policy and "default-src 'self'" in policy
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert (
        get(server, f"/briefs/{EXAMPLE_ID}.html").headers["content-security-policy"] != policy
    )  # fresh nonce


def test_pdf_is_made_on_request(server: PreviewServer) -> None:
    reply = get(server, f"/briefs/{EXAMPLE_ID}.pdf")
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(reply.body))
    assert reader.metadata is not None and reader.metadata.title == TITLE
    assert "Alaska" in reader.pages[0].extract_text()
    assert "content-security-policy" not in reply.headers  # nothing is injected into a PDF


def test_a_brief_too_slow_to_lay_out_gets_its_problem_and_the_others_still_render(
    server: PreviewServer, root: Path
) -> None:
    """1500 key claims take WeasyPrint about a minute; the limit stops it in its own worker process
    while another brief's PDF is made in the other."""
    limit = 4
    (root / "briefgen.toml").write_text(f"pdf_timeout = {limit}\n", encoding="utf-8")
    write_variant(root, "a-huge", claims=1500)
    assert get(server, f"/briefs/{EXAMPLE_ID}.pdf").headers["content-type"] == "application/pdf"  # warm
    replies: dict[str, tuple[Reply, float]] = {}

    def fetch(name: str, path: str) -> None:
        reply = get(server, path)
        replies[name] = reply, time.monotonic()

    started = time.monotonic()
    slow = threading.Thread(target=fetch, args=("slow", "/briefs/a-huge.pdf"))
    slow.start()
    time.sleep(0.5)  # the slow one is being laid out by now
    fetch("other", f"/briefs/{EXAMPLE_ID}.pdf")
    slow.join(timeout=120)
    assert not slow.is_alive()
    (reply, slow_done), (other, other_done) = replies["slow"], replies["other"]
    assert reply.status == 200 and reply.headers["x-briefgen-problems"] == "1"
    assert f"<li>briefs/a-huge.yaml:1:1: rendering took longer than {limit} s and was stopped" in reply.text
    assert slow_done - started < limit + 15
    assert other.status == 200 and other.headers["content-type"] == "application/pdf"
    metadata = PdfReader(io.BytesIO(other.body)).metadata
    assert metadata is not None and metadata.title == TITLE
    assert other_done < slow_done, "the other brief's PDF waited for the slow one"


def test_unknown_id_is_not_found(server: PreviewServer) -> None:
    assert get(server, "/briefs/no-such-brief.html").status == 404
    assert get(server, "/briefs/no-such-brief.pdf").status == 404
    assert get(server, f"/briefs/{EXAMPLE_ID}.md").status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/briefs/../../../../etc/passwd",
        "/briefs/../briefs/putin-alaska-provisions.html",
        "/briefs/%2e%2e/%2e%2e/%2e%2e/etc/passwd.html",
        "/briefs/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd.html",
        "/briefs/..%2f..%2f..%2fetc%2fpasswd.pdf",
        "/briefs//etc/passwd.html",
        "//etc/passwd",
        "/etc/passwd",
        "/briefs/putin-alaska-provisions.yaml",
        "/seeds/putin-alaska-summit-dushanbe.txt",
        "/briefs/PUTIN-ALASKA-PROVISIONS.html",
        "/briefs/putin-alaska-provisions.html/..",
        "/briefs/putin%2Dalaska%2Dprovisions.html",
        "http://127.0.0.1/../../etc/passwd",
        "/briefs/" + "a" * 101 + ".html",
    ],
)
def test_urls_cannot_reach_files(server: PreviewServer, path: str) -> None:
    reply = get(server, path)
    assert reply.status == 404
    assert b"root:" not in reply.body and b"bluf:" not in reply.body and b"Dushanbe" not in reply.body


def test_a_brief_with_errors_shows_them_and_the_others_still_work(server: PreviewServer, root: Path) -> None:
    (root / "briefs" / "bad.yaml").write_text(BAD_ENUM, encoding="utf-8")
    page = get(server, "/briefs/bad.html")
    assert page.status == 200 and page.headers["x-briefgen-problems"] == "1"
    assert f"<li>{BAD_ENUM_LINE.replace(chr(39), '&#39;')}</li>" in page.text
    pdf = get(server, "/briefs/bad.pdf")
    assert (
        pdf.headers["content-type"] == "text/html; charset=utf-8"
        and BAD_ENUM_LINE.replace("'", "&#39;") in pdf.text
    )
    index = get(server, "/")
    assert index.status == 200
    assert BAD_ENUM_LINE.replace("'", "&#39;") in index.text
    assert '<a href="/briefs/bad.html">briefs/bad.yaml</a>' in index.text
    good = get(server, f"/briefs/{EXAMPLE_ID}.html")
    assert good.status == 200 and "x-briefgen-problems" not in good.headers


def test_a_broken_template_is_reported_with_its_line(server: PreviewServer, root: Path) -> None:
    (root / "templates").mkdir()
    broken = '{% extends "builtin/brief.html.j2" %}\n{% block tags %}\n'
    (root / "templates" / "brief.html.j2").write_text(broken, encoding="utf-8")
    reply = get(server, f"/briefs/{EXAMPLE_ID}.html")
    assert reply.headers["x-briefgen-problems"] == "1"
    assert "templates/brief.html.j2:2:1: template syntax: Unexpected end of template." in reply.text


def test_brief_content_cannot_add_a_script(server: PreviewServer, root: Path) -> None:
    (root / "briefs" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    reply = get(server, "/briefs/hostile.html")
    assert reply.status == 200
    assert reply.text.count("<script") == 1  # ours, after the brief's escaped text
    assert "&lt;/script&gt;&lt;script&gt;alert(" in reply.text
    assert 'href="javascript:' not in reply.text and "<img" not in reply.text
    assert "&lt;script&gt;alert(&#39;title&#39;)" in get(server, "/").text


def test_other_host_names_are_refused(server: PreviewServer) -> None:
    port = server.httpd.server_port
    assert get(server, "/", host=f"evil.example:{port}").status == 403
    assert get(server, "/events", host="attacker.test").status == 403
    assert get(server, "/", host=f"localhost:{port}").status == 200
    assert get(server, "/", host=f"[::1]:{port}").status == 200


class EventStream:
    """A real /events subscription, read line by line."""

    def __init__(self, server: PreviewServer, since: int) -> None:
        self.server = server
        address, port = server.httpd.server_address[:2]
        self.connection = http.client.HTTPConnection(str(address), int(port), timeout=WAIT_MS / 1000)
        self.connection.request("GET", f"/events?since={since}")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_event(self) -> dict[str, str]:
        """The next named event; fails after WAIT_MS even while idle comments keep the stream alive."""
        deadline = time.monotonic() + WAIT_MS / 1000
        event: dict[str, str] = {}
        while time.monotonic() < deadline:
            raw = self.response.readline()
            assert raw, "the event stream ended"
            line = raw.decode().rstrip("\n")
            if not line:
                if "event" in event:
                    return event
                event = {}
                continue
            name, _, value = line.partition(": ")
            event[name] = value
        raise AssertionError(f"no event within {WAIT_MS} ms")

    def after(self, save: Callable[[], object]) -> None:
        """Run `save`; return once the stream announces a reload that came after it (or time out)."""
        before = self.server.changes.generation
        save()
        while int(self.next_event()["data"]) <= before:
            pass

    def close(self) -> None:
        self.response.close()
        self.connection.close()


def test_saves_are_announced_on_the_event_stream(server: PreviewServer, root: Path) -> None:
    stream = EventStream(server, since=server.changes.generation)
    page = f"/briefs/{EXAMPLE_ID}.html"
    css = root / "templates" / "screen.css"
    try:
        stream.after(lambda: retitle(root, "A new title"))
        assert '<h1 id="title">A new title</h1>' in get(server, page).text
        # A templates/ folder that did not exist when the server started, then a second save inside it.
        stream.after(
            lambda: (css.parent.mkdir(), css.write_text("h1 { color: rgb(1, 2, 3); }\n", encoding="utf-8"))
        )
        stream.after(lambda: css.write_text("h1 { color: rgb(4, 5, 6); }\n", encoding="utf-8"))
        assert "rgb(4, 5, 6)" in get(server, page).text
        # The config counts too, and the briefs folder it names is watched from then on.
        drafts = root / "drafts" / "second.yaml"
        drafts.parent.mkdir()
        drafts.write_text(EXAMPLE.replace(TITLE, "From drafts"), encoding="utf-8")
        stream.after(lambda: (root / "briefgen.toml").write_text('briefs = "drafts"\n', encoding="utf-8"))
        stream.after(lambda: drafts.write_text(EXAMPLE.replace(TITLE, "Saved in drafts"), encoding="utf-8"))
        assert "Saved in drafts" in get(server, "/").text
    finally:
        stream.close()


def test_a_saved_figure_reloads_the_pages_that_show_it(server: PreviewServer, root: Path) -> None:
    """Figures live outside the briefs folder (here seeds/figures/): their folders are watched too,
    and a brief saved with a figure from a new folder has that folder watched from then on."""
    stream = EventStream(server, since=server.changes.generation)
    page = f"/briefs/{EXAMPLE_ID}.html"
    sketch = root / "seeds" / "figures" / "donbas-sketch.svg"
    moved = root / "art" / "sketch.svg"
    try:
        stream.after(lambda: sketch.write_text(sketch.read_text().replace("Luhansk<", "Luhansk oblast<")))
        assert "Luhansk oblast" in base64.b64decode(embedded_svg(get(server, page).text)).decode()
        moved.parent.mkdir()
        moved.write_bytes(sketch.read_bytes())
        brief = root / "briefs" / f"{EXAMPLE_ID}.yaml"
        stream.after(
            lambda: brief.write_text(EXAMPLE.replace("seeds/figures/donbas-sketch.svg", "art/sketch.svg"))
        )
        stream.after(lambda: moved.write_text(moved.read_text().replace("Donetsk<", "Donetsk oblast<")))
        assert "Donetsk oblast" in base64.b64decode(embedded_svg(get(server, page).text)).decode()
    finally:
        stream.close()


def embedded_svg(page: str) -> str:
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert found, "no embedded SVG figure on the page"
    return found.group(1)


def test_a_page_older_than_the_last_save_reloads_at_once(server: PreviewServer) -> None:
    stream = EventStream(server, since=server.changes.generation - 1)
    try:
        assert stream.next_event() == {"event": "reload", "data": str(server.changes.generation)}
    finally:
        stream.close()


# ---- the command -------------------------------------------------------------------------------


def test_serve_reports_its_url_and_stops_cleanly_on_ctrl_c(root: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", "--port", "0"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(r"Serving (.+) at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)\n", line)
        assert found, line
        assert Path(found[1]) == root.resolve()
        connection = http.client.HTTPConnection("127.0.0.1", int(found[2]), timeout=60)
        connection.request("GET", "/")
        assert b"brief-link" in connection.getresponse().read()
        connection.close()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err and "stopped" in err


def test_a_taken_port_is_a_usage_error(workspace: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert result.exit_code == 2
    assert (
        result.stderr == f"error: cannot serve on 127.0.0.1:{port}: the port is already in use"
        " (choose another with --port)\n"
    )


def test_serve_help_explains_it() -> None:
    result = run("serve", "--help")
    assert result.exit_code == 0
    assert "--port" in result.output and "--host" in result.output and "Ctrl-C" in result.output


# ---- a real browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium. Missing in CI is a failure; missing on a laptop, a skip that says why."""
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip(
            f"{CHROMIUM} is not installed (scripts/setup --test installs it); in CI this fails instead"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    """A fresh browser tab that records console errors, uncaught exceptions and dialogs."""
    context = browser.new_context(viewport={"width": 1000, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    tab = Tab(page)
    page.on("console", tab.on_console)
    page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))

    def dialog(opened: Any) -> None:
        tab.dialogs.append(opened.message)
        opened.dismiss()

    page.on("dialog", dialog)
    yield tab
    context.close()


def test_browser_opens_the_index_then_the_brief(server: PreviewServer, tab: Tab) -> None:
    from playwright.sync_api import expect

    tab.page.goto(server.url)
    link = tab.page.get_by_role("link", name=TITLE)
    expect(link).to_be_visible()
    link.click()
    expect(tab.page).to_have_url(f"{server.url}briefs/{EXAMPLE_ID}.html")
    expect(tab.page.locator("h1")).to_have_text(TITLE)
    expect(tab.page.locator("h3")).to_have_count(3)
    assert tab.errors == []


def test_browser_page_follows_saves_without_a_manual_reload(
    server: PreviewServer, root: Path, tab: Tab
) -> None:
    from playwright.sync_api import expect

    tab.page.goto(f"{server.url}briefs/{EXAMPLE_ID}.html")
    heading = tab.page.locator("h1")
    expect(heading).to_have_text(TITLE)
    retitle(root, "Saved while the page was open")
    expect(heading).to_have_text("Saved while the page was open", timeout=WAIT_MS)

    # Break the brief: the page shows the error line; fix it: the brief is back.
    path = root / "briefs" / f"{EXAMPLE_ID}.yaml"
    path.write_text(EXAMPLE.replace("status: final", "status: finl"), encoding="utf-8")
    problems = tab.page.locator(".problems li")
    expect(problems).to_contain_text(f"briefs/{EXAMPLE_ID}.yaml:10:9: status:", timeout=WAIT_MS)
    path.write_text(EXAMPLE, encoding="utf-8")
    expect(heading).to_have_text(TITLE, timeout=WAIT_MS)
    assert tab.errors == []


def test_browser_page_follows_a_stylesheet_save(server: PreviewServer, root: Path, tab: Tab) -> None:
    from playwright.sync_api import expect

    tab.page.goto(f"{server.url}briefs/{EXAMPLE_ID}.html")
    heading = tab.page.locator("h1")
    expect(heading).not_to_have_css("color", "rgb(1, 2, 3)")
    (root / "templates").mkdir()
    (root / "templates" / "screen.css").write_text("h1 { color: rgb(1, 2, 3); }\n", encoding="utf-8")
    expect(heading).to_have_css("color", "rgb(1, 2, 3)", timeout=WAIT_MS)
    assert tab.errors == []


def test_browser_shows_a_broken_brief_and_its_error_line(server: PreviewServer, root: Path, tab: Tab) -> None:
    from playwright.sync_api import expect

    tab.page.goto(server.url)
    (root / "briefs" / "bad.yaml").write_text(BAD_ENUM, encoding="utf-8")  # saved while the index is open
    expect(tab.page.locator(".broken .problems li")).to_have_text(BAD_ENUM_LINE, timeout=WAIT_MS)
    tab.page.get_by_role("link", name="briefs/bad.yaml").click()
    expect(tab.page.locator("h1")).to_have_text("briefs/bad.yaml has errors")
    expect(tab.page.locator(".problems li")).to_have_text(BAD_ENUM_LINE)


def test_browser_runs_no_script_from_brief_content(server: PreviewServer, root: Path, tab: Tab) -> None:
    from playwright.sync_api import expect

    (root / "briefs" / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    tab.page.goto(f"{server.url}briefs/hostile.html")  # (the save may still reload it once: assertions retry)
    expect(tab.page.locator("h1")).to_have_text("</title></script><script>alert('title')</script>")
    expect(tab.page.locator("script")).to_have_count(1)  # ours
    expect(tab.page.locator("iframe, img, svg, [href^='javascript:']")).to_have_count(0)
    assert tab.dialogs == []
    assert tab.errors == []


def test_browser_screenshot_of_the_brief_is_not_blank(server: PreviewServer, tab: Tab) -> None:
    from PIL import Image

    tab.page.goto(f"{server.url}briefs/{EXAMPLE_ID}.html")
    tab.page.locator("h1").wait_for()
    png = tab.page.screenshot(full_page=True)
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    assert width == 1000 and height > 2000  # the whole brief, well beyond one screen
    article = image.crop((0, 60, width, height))  # below the black handling banner
    inked = sum(article.histogram()[:160])
    rows_with_ink = sum(
        1 for y in range(article.height) if article.crop((0, y, width, y + 1)).getextrema()[0] < 160
    )
    assert inked > 0.01 * width * article.height, f"only {inked} dark pixels"
    assert rows_with_ink > 400, f"only {rows_with_ink} rows with text"
    assert tab.errors == []


def test_built_html_opens_with_no_errors_and_runs_no_script(example_build: Built, tab: Tab) -> None:
    page_file = example_build.root / "build" / "html" / f"{EXAMPLE_ID}.html"
    tab.page.goto(page_file.as_uri())
    assert tab.page.locator("h1").inner_text() == TITLE
    assert tab.page.evaluate("document.scripts.length") == 0
    handlers = tab.page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))"
        ".filter(n => n.startsWith('on'))"
    )
    assert handlers == []
    assert tab.page.evaluate("[...document.links].filter(a => a.protocol === 'javascript:').length") == 0
    assert tab.errors == []
