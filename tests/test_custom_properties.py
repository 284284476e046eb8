"""Folding `:root` custom properties into the PDF stylesheet: what is folded, what is left, and that a
real brief's PDF comes out byte for byte the same either way."""

from __future__ import annotations

import re

import pytest

from briefgen.config import find_workspace
from briefgen.loading import load_brief
from briefgen.render.custom_properties import fold
from briefgen.templates import Templates
from briefgen.view import prepare
from tests.conftest import EXAMPLE_ID, REPO


def test_a_property_set_only_on_root_is_written_where_it_is_used() -> None:
    css = (
        ":root { --accent: #1f4e79; --gap: 0 1rem }"
        " h2 { border-bottom: 2px solid var(--accent); margin: var( --gap ) }"
    )
    folded = fold(css)
    assert "var(" not in folded.split("}", 1)[1]
    assert "border-bottom: 2px solid #1f4e79" in folded
    assert "margin: 0 1rem" in folded


@pytest.mark.parametrize(
    "css",
    [
        ":root { --a: red } .dark { --a: blue } p { color: var(--a) }",  # set on other elements too
        ":root { --a: red } @media print { :root { --a: blue } } p { color: var(--a) }",  # set by media
        ":root { --a: red !important } p { color: var(--a) }",
        ":root { --a: initial } p { color: var(--a, green) }",  # initial makes the fallback count
        ":root { --a: var(--b) } p { color: var(--a) }",  # depends on another property
        '@import "theme.css"; :root { --a: red } p { color: var(--a) }',  # the import may set it
        "p { color: var(--a) }",  # never set: WeasyPrint's own fallback rules apply
    ],
)
def test_a_property_that_may_differ_between_elements_is_left_to_weasyprint(css: str) -> None:
    assert re.search(r"color:\s*var\(--a", fold(css))


def test_strings_comments_and_neighbours_keep_their_meaning() -> None:
    folded = fold(':root{--a:1px} p{margin:var(--a)var(--a); content:"var(--a)"} /* var(--a) */')
    assert 'content:"var(--a)"' in folded and "/* var(--a) */" in folded
    assert re.search(r"margin:1px/\*\*/1px", folded)  # two tokens, not one `1px1px`
    assert fold("p { color: red }") == "p { color: red }"


@pytest.mark.parametrize(
    "css",
    [
        ':root{--a:1px} p{color:var(--a)} "unterminated',
        ":root{--a:1px} p{color:var(--a)} } {{",
        "p{color:var(}",
    ],
)
def test_broken_css_is_left_as_written_for_weasyprint_to_report(css: str) -> None:
    assert fold(css) == css


def test_the_worked_example_pdf_is_the_same_with_the_built_in_stylesheet_folded() -> None:
    """The claim folding rests on, checked on our own stylesheet (23 var()s) in a real render."""
    from weasyprint import HTML

    brief = load_brief(REPO / "briefs" / f"{EXAMPLE_ID}.yaml").brief
    html = Templates(REPO).render("brief.pdf.j2", **prepare(brief, find_workspace(REPO).config, REPO))
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    assert style and style.group(1).count("var(--") > 10
    folded = html[: style.start(1)] + fold(style.group(1)) + html[style.end(1) :]
    assert "var(--" not in folded
    base = REPO.as_uri() + "/"
    assert HTML(string=folded, base_url=base).write_pdf() == HTML(string=html, base_url=base).write_pdf()
