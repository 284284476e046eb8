"""Accessible HTML: axe-core (the npm package, installed by `scripts/setup --test`) run inside Debian's
headless Chromium on the pages readers open: a brief page, a digest page, the preview's index and its
error page, in English and in Arabic, under every TLP marking. WCAG 2.1 A and AA plus best practices;
zero violations. axe is injected by the test browser alone: the pages themselves carry no script."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from briefgen.serve import PreviewServer
from tests.conftest import EXAMPLE_ID, REPO, run
from tests.test_cli import BAD_ENUM
from tests.test_digest import digest_workspace
from tests.test_preview import CHROMIUM, CHROMIUM_ARGS, WAIT_MS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

AXE = REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
"""Where `scripts/setup --test` installs axe-core (pinned there)."""
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
ARABIC = REPO / "tests" / "data" / "accessibility" / "ar-brief.yaml"
ARABIC_ID = "ar-gas-brief"
MARKINGS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:RED")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium and axe-core. Missing in CI is a failure; on a laptop, a skip that says why."""
    for needed in (CHROMIUM, AXE):
        if not needed.exists() and not os.environ.get("CI"):
            pytest.skip(f"{needed} is not installed (scripts/setup --test installs it); in CI this fails")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def violations(browser: Browser, url: str) -> list[dict[str, Any]]:
    """axe-core's violations on the page at `url`, in a light and in a dark colour scheme (the CSS has
    both). CSP is bypassed in this test browser alone so that axe can be injected into preview pages."""
    found: list[dict[str, Any]] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(
            viewport={"width": 1000, "height": 1400}, bypass_csp=True, color_scheme=scheme
        )
        try:
            page: Page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(url)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "tags => axe.run(document,"
                " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                TAGS,
            )
            found += [{**v, "scheme": scheme} for v in result["violations"]]
        finally:
            context.close()
    return found


def report(found: list[dict[str, Any]]) -> str:
    """Every violation: rule id, impact, the elements (CSS targets) and axe's help text."""
    lines = []
    for v in found:
        for node in v["nodes"]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(
                f"{v['scheme']}: {v['id']} ({v['impact']}) at {node['target']}: {v['help']}. {summary}"
            )
    return "\n".join(lines)


def assert_accessible(browser: Browser, url: str) -> None:
    found = violations(browser, url)
    assert not found, f"axe-core found {len(found)} rule(s) violated on {url}:\n{report(found)}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace plus the digest briefs, the Arabic brief, a broken one and the example
    under every marking; built (HTML) and digested for weeks 41 (English) and 43 (Arabic)."""
    root = digest_workspace(tmp_path_factory.mktemp("a11y"))
    shutil.copy(ARABIC, root / "briefs" / ARABIC.name)
    example = (root / "briefs" / f"{EXAMPLE_ID}.yaml").read_text(encoding="utf-8")
    for marking in MARKINGS[1:]:
        slug = marking.split(":")[1].lower()
        text = example.replace("handling: TLP:CLEAR", f"handling: {marking}").replace(
            f"id: {EXAMPLE_ID}", f"id: {EXAMPLE_ID}-{slug}"
        )
        text = text.replace("date: 2025-10-10", "date: 2025-09-01")  # outside the digests' weeks
        (root / "briefs" / f"{EXAMPLE_ID}-{slug}.yaml").write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        for args in (
            ("build", "-f", "html", "-q"),
            ("digest", "--week", "2025-W41", "-q"),
            ("digest", "--week", "2025-W43", "--lang", "ar", "-q"),
        ):
            result = run(*args)
            assert result.exit_code == 0, result.output + result.stderr
    (root / "briefs" / "bad.yaml").write_text(BAD_ENUM, encoding="utf-8")
    broken_arabic = ARABIC.read_text(encoding="utf-8").replace("confidence: high", "confidence: عالية")
    (root / "briefs" / "ar-bad.yaml").write_text(broken_arabic, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[PreviewServer]:
    with PreviewServer(site, "127.0.0.1", 0) as preview:
        preview.start()
        yield preview


@pytest.mark.parametrize(
    "brief",
    [EXAMPLE_ID, *(f"{EXAMPLE_ID}-{m.split(':')[1].lower()}" for m in MARKINGS[1:]), ARABIC_ID],
)
def test_brief_page_has_no_violations(browser: Browser, site: Path, brief: str) -> None:
    page = site / "build" / "html" / f"{brief}.html"
    assert_accessible(browser, page.as_uri())


@pytest.mark.parametrize("name", ["digest-2025-W41", "digest-2025-W43-ar"])
def test_digest_page_has_no_violations(browser: Browser, site: Path, name: str) -> None:
    page = site / "build" / "digest" / f"{name}.html"
    assert_accessible(browser, page.as_uri())


def test_arabic_pages_are_arabic_with_english_quotes_marked(site: Path) -> None:
    """What the Arabic runs above check: pages in Arabic, the English article's words marked English."""
    page = (site / "build" / "html" / f"{ARABIC_ID}.html").read_text(encoding="utf-8")
    assert '<html lang="ar"' in page
    assert '<blockquote class="claim-quote" lang="en">' in page
    assert '<blockquote class="section-quote" lang="en">' in page
    assert 'lang="en">Prices and storage</' in page
    assert '<a href="https://example.org/gas" lang="en">European gas prices climb' in page
    english = (site / "build" / "html" / f"{EXAMPLE_ID}.html").read_text(encoding="utf-8")
    assert 'lang="en"' not in english.replace('<html lang="en"', "")  # nothing to mark: one language
    digest = (site / "build" / "digest" / "digest-2025-W43-ar.html").read_text(encoding="utf-8")
    assert '<html lang="ar"' in digest and '<blockquote class="claim-quote" lang="en">' in digest


def test_preview_index_has_no_violations(browser: Browser, server: PreviewServer) -> None:
    assert_accessible(browser, server.url)


@pytest.mark.parametrize("path", ["/briefs/bad.html", "/briefs/ar-bad.html"])
def test_preview_error_page_has_no_violations(browser: Browser, server: PreviewServer, path: str) -> None:
    assert_accessible(browser, server.url.rstrip("/") + path)


def test_preview_brief_page_has_no_violations(browser: Browser, server: PreviewServer) -> None:
    assert_accessible(browser, f"{server.url}briefs/{ARABIC_ID}.html")


def test_axe_finds_what_it_is_run_for(browser: Browser, tmp_path: Path) -> None:
    """The check itself can fail: a page with a skipped heading level, an unnamed link and grey on
    grey gets those rules reported (so an empty list above means axe ran and found nothing)."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<h1>t</h1><h4>skipped</h4><a href="/x"></a><p style="color:#aaa;background:#bbb">grey</p>'
        "</main></body></html>",
        encoding="utf-8",
    )
    ids = {v["id"] for v in violations(browser, page.as_uri())}
    assert {"heading-order", "link-name", "color-contrast"} <= ids
