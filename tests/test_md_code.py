"""`mdcode`: plain text as a Markdown code span that no value can close early, read back by both
renderers the wikis use (markdown-it as CommonMark/GFM with raw HTML on, Python-Markdown as MkDocs)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown as python_markdown
import pytest
from markdown_it import MarkdownIt

from briefgen.markup import to_code_span
from tests.conftest import EXAMPLE_ID, run

HOSTILE = "seeds/a`<img src=x onerror=alert(1)>`.txt"
VALUES = [
    "seeds/article.txt",
    HOSTILE,
    "a``b```c",
    "`leading",
    "trailing`",
    "`",
    "``",
    " spaced ",
    "a\\`b",
    "<script>alert(1)</script>",
    "*not* [a](javascript:x) &amp;",
]


def commonmark(text: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).render(text)


def codes(rendered: str) -> list[str]:
    return [html.unescape(code) for code in re.findall(r"<code>(.*?)</code>", rendered, re.DOTALL)]


@pytest.mark.parametrize("value", VALUES)
def test_the_code_span_shows_the_value_and_nothing_else(value: str) -> None:
    line = f"Local copy: {to_code_span(value)}."
    rendered = commonmark(line)
    assert codes(rendered) == [value]
    assert re.sub(r"<code>.*?</code>", "", rendered, flags=re.DOTALL) == "<p>Local copy: .</p>\n"


# Python-Markdown strips spaces at the ends
@pytest.mark.parametrize("value", [v for v in VALUES if v == v.strip()])
def test_python_markdown_reads_the_same_code_span(value: str) -> None:
    rendered = python_markdown.markdown(f"Local copy: {to_code_span(value)}.")
    assert codes(rendered) == [value]
    assert re.sub(r"<code>.*?</code>", "", rendered, flags=re.DOTALL) == "<p>Local copy: .</p>"


def test_line_breaks_cannot_end_the_paragraph_and_the_span() -> None:
    span = to_code_span("a\n\n<img src=x onerror=alert(1)>\n# b")
    assert "\n" not in span
    assert codes(commonmark(span)) == ["a  <img src=x onerror=alert(1)> # b"]


def test_fence_is_one_longer_than_the_longest_backtick_run() -> None:
    assert to_code_span("plain") == "`plain`"
    assert to_code_span("a``b") == "```a``b```"
    assert to_code_span("`x") == "`` `x ``"
    assert to_code_span("") == "" and to_code_span(None) == ""


def test_a_hostile_source_file_stays_in_its_code_span(workspace: Path) -> None:
    brief = workspace / "briefs" / f"{EXAMPLE_ID}.yaml"
    text = brief.read_text(encoding="utf-8")
    assert "    file: seeds/putin-alaska-summit-dushanbe.txt\n" in text
    brief.write_text(text.replace("seeds/putin-alaska-summit-dushanbe.txt", f'"{HOSTILE}"'), encoding="utf-8")
    result = run("build", "-q", "--format", "md")
    assert result.exit_code == 0, result.stderr
    page = (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").read_text(encoding="utf-8")
    figure = f'src="assets/{EXAMPLE_ID}/donbas-sketch.svg"'  # the example's one figure, and no other image
    for rendered in (commonmark(page), python_markdown.markdown(page)):
        images = re.findall(r"<img\b[^>]*>", rendered)
        assert rendered.count("<img") == 1 and len(images) == 1 and figure in images[0]
        assert HOSTILE in codes(rendered)
