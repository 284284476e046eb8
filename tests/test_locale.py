"""Every output in the brief's (or the workspace's) language: labels, dates, fallbacks, overrides.

The pseudo-language test is the net under all the others: a workspace in Greek (`lang = "el"`,
which briefgen ships no catalog for) overrides every label with a word in Greek letters and writes
its brief in Greek, so any Latin word left in any output (HTML, PDF, Markdown, Word, the digest, the
mail, the wiki, the preview) is a word some template or renderer wrote without the label catalog.
"""

from __future__ import annotations

import datetime as dt
import email
import itertools
import re
import shutil
import subprocess
from collections.abc import Iterator
from email import policy
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.dates import format_date
from docx import Document
from pypdf import PdfReader

from briefgen.locale import catalog, labels_for
from briefgen.serve import PreviewServer
from tests.conftest import EXAMPLE_ID, REPO, SUPERSEDING_EXAMPLE, copy_workspace, run
from tests.test_preview import get

DATE = dt.date(2025, 10, 10)

# --- reading outputs back as the words a reader sees ---------------------------------------------


class _Visible(HTMLParser):
    """Text a reader sees or hears: text nodes outside style/script/code, and the attributes
    screen readers speak."""

    SPOKEN = ("alt", "title", "aria-label", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "code"):
            self.hidden += 1
        self.parts.extend(value or "" for name, value in attrs if name in self.SPOKEN)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "code"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join(parser.parts)


def markdown_text(page: str) -> str:
    """A Markdown page without what no reader sees: front matter, link targets, footnote labels,
    anchors and comments, code spans."""
    page = re.sub(r"\A---\n.*?\n---\n", "", page, flags=re.S)
    page = re.sub(r"<!--.*?-->", "", page, flags=re.S)
    page = re.sub(r"\]\((<[^>]*>|[^)]*)\)", "]", page)  # [text](target)
    page = re.sub(r"\[\^[^\]]*\]", "", page)  # footnote labels
    page = re.sub(r"<a [^>]*></a>|\{#[^}]*\}", "", page)  # anchors
    page = re.sub(r"`[^`]*`", "", page)
    return html_text(page)


def pdf_text(path: Path | bytes) -> str:
    import io

    reader = PdfReader(io.BytesIO(path) if isinstance(path, bytes) else path)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


# --- the pseudo-language workspace ----------------------------------------------------------------

PSEUDO = "el"
PROSE = {
    "title", "subtitle", "bluf", "text", "quote", "attribution", "context", "heading", "summary",
    "points", "quotes", "alt", "caption", "credit", "for", "if_wrong", "indicators", "recommendations",
    "publisher", "authors", "changes", "tags",
}  # fmt: skip
"""Brief fields that hold words (the rest are ids, dates, enum values, paths and numbers)."""

MARKINGS = {"TLP", "CLEAR", "GREEN", "AMBER", "RED", "STRICT"}
"""Latin words that are data in every language: the handling markings."""
IDS = f"{EXAMPLE_ID} {SUPERSEDING_EXAMPLE} article txt"
"""Ids and file names are data too: the briefs' ids (a superseded brief is named by its id), the
source's id (cited as [article]) and its file's extension, the digest's file name in the mail."""
BLANK_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
)
"""The example's figure has English place names in the drawing: data, but not what is tested here."""


def greek_word(n: int) -> str:
    letters = "αβγδεζηθικλμνξοπρστυφχψω"
    word = ""
    while True:
        n, digit = divmod(n, len(letters))
        word = letters[digit] + word
        if not n:
            return word


def pseudo_label(key: str, value: catalog.Value) -> catalog.Value:
    """A label in Greek letters that keeps the label's {fields}: `Ω ΚΛΕΙΔΊ {page} Ω {pages}`."""
    if isinstance(value, dict):
        return {"other": str(pseudo_label(key, value["other"]))}
    fields = re.findall(r"\{[a-z_]+\}", value)
    return " ".join(["Ωμέγα", *fields, "Ω"]) if fields else f"Ωμέγα{greek_word(len(key))}"


def to_greek(data: Any, words: dict[str, str], prose: bool = False) -> Any:
    """The brief with every word a reader sees in Greek; the same English text, the same Greek, so a
    superseding brief still changes what it changed."""
    if isinstance(data, dict):
        return {
            key: [f"ετικέτα{greek_word(n)}" for n, _ in enumerate(value)]
            if key == "tags"
            else to_greek(value, words, prose or key in PROSE)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [to_greek(value, words, prose) for value in data]
    if prose and isinstance(data, str):
        return words.setdefault(data, f"λέξη {greek_word(len(words))}")
    return data


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two worked examples in Greek, every label overridden, built in every format, digested
    (and mailed with --dry-run), published to a wiki."""
    root = copy_workspace(tmp_path_factory.mktemp("pseudo"))
    words: dict[str, str] = {}
    seed = root / "πηγές" / "άρθρο.txt"  # the "Local copy:" path is shown: a Greek one
    seed.parent.mkdir()
    for name in (EXAMPLE_ID, SUPERSEDING_EXAMPLE):
        data = yaml.safe_load((REPO / "briefs" / f"{name}.yaml").read_text(encoding="utf-8"))
        shutil.copy(root / data["sources"][0]["file"], seed)
        for source in data["sources"]:
            source["file"] = seed.relative_to(root).as_posix()
        for section in data["sections"]:
            for figure in section.get("figures", []):
                (root / figure["file"]).write_text(BLANK_SVG, encoding="utf-8")
        data["lang"] = PSEUDO
        (root / "briefs" / f"{name}.yaml").write_text(
            yaml.safe_dump(to_greek(data, words), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    english = yaml.safe_load((catalog.BUILTIN / "en.yaml").read_text(encoding="utf-8"))
    (root / "labels").mkdir()
    (root / "labels" / f"{PSEUDO}.yaml").write_text(
        yaml.safe_dump({k: pseudo_label(k, v) for k, v in english.items()}, allow_unicode=True),
        encoding="utf-8",
    )
    (root / "briefgen.toml").write_text(
        f'lang = "{PSEUDO}"\n'
        '[wiki]\npath = "wiki"\nauthor_name = "Bot"\nauthor_email = "bot@example.org"\n'
        '[mail]\nhost = "127.0.0.1"\nport = 1\nsecurity = "none"\nsender = "Desk <desk@example.org>"\n'
        '[mail.lists]\nteam = ["ann@example.org"]\n[mail.release]\nteam = "TLP:AMBER"\n',
        encoding="utf-8",
    )
    subprocess.run(["git", "init", "-q", "-b", "main", str(root / "wiki")], check=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        for args in (
            ("build", "-f", "html,pdf,md,docx", "-q"),
            ("digest", "--week", "2025-W41", "-q"),
            ("mail", "digest-2025-W41", "--to", "team", "--dry-run"),
            ("publish", "-q"),
        ):
            result = run(*args)
            assert result.exit_code == 0, (args, result.output, result.stderr)
    return root


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - MARKINGS - _DATA


_DATA = set(re.findall(r"[A-Za-z]{2,}", IDS))


def pseudo_outputs(root: Path) -> Iterator[tuple[str, str]]:
    """(output, the words a reader sees in it) for every file briefgen wrote."""
    build = root / "build"
    for path in sorted(build.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.suffix == ".html":
            yield name, html_text(path.read_text(encoding="utf-8"))
        elif path.suffix == ".md":
            yield name, markdown_text(path.read_text(encoding="utf-8"))
        elif path.suffix == ".pdf":
            yield name, pdf_text(path)
        elif path.suffix == ".docx":
            yield name, docx_text(path)
        elif path.suffix == ".eml":
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            attached = "digest-2025-W41.pdf"  # the attachment's name, in the text
            text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
            yield f"{name} (subject)", str(message["Subject"])
            yield f"{name} (text)", text.replace(attached, "")
            yield f"{name} (html)", html_text(html).replace(attached, "")
    for path in sorted((root / "wiki").rglob("*.md")):
        yield path.relative_to(root).as_posix(), markdown_text(path.read_text(encoding="utf-8"))


def test_the_pseudo_workspace_writes_every_output(pseudo: Path) -> None:
    """What the next test reads exists: it cannot pass by finding nothing to read."""
    names = {name.split(" ")[0] for name, _ in pseudo_outputs(pseudo)}
    for fmt in ("html", "pdf", "md", "docx"):
        assert f"build/{fmt}/{EXAMPLE_ID}.{fmt}" in names
        assert f"build/digest/digest-2025-W41.{fmt}" in names
    assert "build/digest/digest-2025-W41.team.eml" in names
    wiki = {name for name in names if name.startswith("wiki/")}
    assert f"wiki/Brief-{EXAMPLE_ID}.md" in wiki and len(wiki) >= 4, wiki  # briefs, index, tag pages
    text = dict(pseudo_outputs(pseudo))
    assert "Ωμέγα" in text[f"build/pdf/{EXAMPLE_ID}.pdf"]
    assert "λέξη" in text[f"build/docx/{EXAMPLE_ID}.docx"]


def test_no_english_word_is_left_in_any_output(pseudo: Path) -> None:
    leftovers = {name: sorted(words) for name, text in pseudo_outputs(pseudo) if (words := latin_words(text))}
    assert not leftovers, leftovers


def test_no_english_word_is_left_in_the_preview(pseudo: Path) -> None:
    (pseudo / "briefs" / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    try:
        with PreviewServer(pseudo, "127.0.0.1", 0) as preview:
            preview.start()
            pages = {
                "index": get(preview, "/"),
                "problems": get(preview, "/briefs/broken.html"),
                "release": get(preview, f"/briefs/{EXAMPLE_ID}.html?release=TLP:CLEAR"),
            }
    finally:
        (pseudo / "briefs" / "broken.yaml").unlink()
    assert all(reply.status == 200 for reply in pages.values())
    assert 'class="preview-release"' in pages["release"].text
    # Left out: the problem lines, briefgen's messages as the terminal shows them (English by
    # design), and the brief files' names.
    data = re.compile(r'<ul class="problems">.*?</ul>|<(h3|span) class="source">.*?</\1>', re.S)
    seen = {
        name: html_text(data.sub("", reply.text)).replace("briefs/broken.yaml", "")
        for name, reply in pages.items()
    }
    assert "broken.yaml" in pages["index"].text and "<li>" in pages["problems"].text
    leftovers = {name: sorted(words) for name, text in seen.items() if (words := latin_words(text))}
    assert not leftovers, leftovers


# --- real languages --------------------------------------------------------------------------------

HEADINGS = ("bluf", "key_claims", "context", "sections", "implications", "indicators", "sources")
ENGLISH = labels_for("en")


@pytest.fixture(scope="module", params=["fr", "ar", "ru", "uk", "zh"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The example brief (its text English, as an analyst may leave quotes) with `lang` set, built."""
    lang = request.param
    root = copy_workspace(tmp_path_factory.mktemp(f"lang-{lang}"))
    path = root / "briefs" / f"{EXAMPLE_ID}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("lang: en", f"lang: {lang}"), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = run("build", "-f", "html,pdf,md,docx", "-q")
    assert result.exit_code == 0, result.output + result.stderr
    return lang, root


def outputs(root: Path) -> dict[str, str]:
    out = root / "build"
    return {
        "html": html_text((out / "html" / f"{EXAMPLE_ID}.html").read_text(encoding="utf-8")),
        "md": markdown_text((out / "md" / f"{EXAMPLE_ID}.md").read_text(encoding="utf-8")),
        "pdf": pdf_text(out / "pdf" / f"{EXAMPLE_ID}.pdf"),
        "docx": docx_text(out / "docx" / f"{EXAMPLE_ID}.docx"),
    }


def test_no_english_label_is_left(built: tuple[str, Path]) -> None:
    lang, root = built
    theirs = labels_for(lang)
    keys = [*HEADINGS, "confidence_moderate", "likelihood_very_likely", "status_final"]
    english = [ENGLISH(key) for key in keys if ENGLISH(key) != theirs(key)]  # "Sources" is French too
    english += ["Page 1 of", "Page 2 of"]
    assert len(english) >= 6
    for fmt, text in outputs(root).items():
        flat = " ".join(text.split())
        forms = {form for word in english for form in (word, word.upper())}  # PDF headings: capitals
        found = [form for form in forms if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", flat)]
        assert not found, (lang, fmt, found)


def test_labels_and_dates_are_the_languages(built: tuple[str, Path]) -> None:
    lang, root = built
    labels = labels_for(lang)
    page = (root / "build" / "html" / f"{EXAMPLE_ID}.html").read_text(encoding="utf-8")
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in page
    long_date = " ".join(format_date(DATE, "long", locale=lang).split())
    texts = outputs(root)
    for fmt in ("html", "md", "docx") + (() if lang == "ar" else ("pdf",)):  # Arabic PDF text is shaped
        flat = " ".join(texts[fmt].split()).casefold()  # the PDF's headings are in capitals
        assert labels("key_claims").casefold() in flat, (lang, fmt)
        assert labels.confidence("moderate").casefold() in flat, (lang, fmt)
        assert long_date.casefold() in flat, (lang, fmt, long_date)


def test_a_region_falls_back_to_its_language_then_english(tmp_path: Path) -> None:
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "fr.yaml").write_text(
        "bluf: L’essentiel\ncontext: Contexte (fr)\n", encoding="utf-8"
    )
    (tmp_path / "labels" / "fr-CA.yaml").write_text("context: Mise en contexte\n", encoding="utf-8")
    canadian = labels_for("fr-CA", tmp_path)
    assert canadian("key_claims") == labels_for("fr")("key_claims") != ENGLISH("key_claims")  # built-in fr
    assert canadian("bluf") == "L’essentiel"  # the workspace's fr
    assert canadian("context") == "Mise en contexte"  # the workspace's fr-CA, most specific
    assert labels_for("xx-YY")("key_claims") == ENGLISH("key_claims")  # no catalog at all: English


def test_workspace_override_wins_in_every_format(workspace: Path) -> None:
    path = workspace / "briefs" / f"{EXAMPLE_ID}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("lang: en", "lang: fr"), encoding="utf-8")
    (workspace / "labels").mkdir()
    (workspace / "labels" / "fr.yaml").write_text(
        "key_claims: Affirmations de la maison\npage_of: 'Feuille {page} sur {pages}'\n", encoding="utf-8"
    )
    assert run("build", "-f", "html,pdf,md,docx", "-q").exit_code == 0
    texts = outputs(workspace)
    for fmt, text in texts.items():
        flat = " ".join(text.split()).casefold()
        assert "affirmations de la maison" in flat, fmt
        assert labels_for("fr")("key_claims").casefold() not in flat, fmt
    assert "Feuille 1 sur" in texts["pdf"]


def test_an_unknown_override_key_names_its_place_and_the_key_meant(workspace: Path) -> None:
    (workspace / "labels").mkdir()
    (workspace / "labels" / "fr.yaml").write_text(
        "bluf: L’essentiel\nkey_claim: Affirmations\n", encoding="utf-8"
    )
    english = workspace / "briefs" / f"{EXAMPLE_ID}.yaml"
    french = workspace / "briefs" / "french.yaml"
    french.write_text(
        english.read_text(encoding="utf-8")
        .replace("lang: en", "lang: fr")
        .replace(f"id: {EXAMPLE_ID}", "id: fr"),
        encoding="utf-8",
    )
    line = "labels/fr.yaml:2:1: key_claim: unknown label 'key_claim' (did you mean 'key_claims'?)"
    checked = run("check")
    assert checked.exit_code == 1 and line in checked.stdout + checked.stderr
    built = run("build", "-f", "html")
    assert built.exit_code == 1 and line in built.stderr and "Traceback" not in built.stderr
    assert (workspace / "build" / "html" / f"{EXAMPLE_ID}.html").exists()  # the English brief is built
    assert not (workspace / "build" / "html" / "fr.html").exists()


def test_every_catalog_has_every_key_and_its_fields() -> None:
    english = yaml.safe_load((catalog.BUILTIN / "en.yaml").read_text(encoding="utf-8"))
    shipped = catalog.builtin_languages()
    required = {"en", "fr", "de", "es", "it", "pt", "pl", "uk", "ru", "ar", "fa", "he", "zh", "ja"}
    assert required <= set(shipped)

    def fields(value: catalog.Value) -> set[str]:
        texts = value.values() if isinstance(value, dict) else [value]
        return set(itertools.chain.from_iterable(re.findall(r"\{(\w+)\}", t) for t in texts))

    for lang in shipped:
        values = yaml.safe_load((catalog.BUILTIN / f"{lang}.yaml").read_text(encoding="utf-8"))
        assert list(values) == list(english), lang
        for key, value in values.items():
            assert fields(value) <= fields(english[key]), (lang, key)
