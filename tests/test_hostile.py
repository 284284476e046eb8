"""The hostile corpus, end to end: every case next to the worked example, through the real CLI.

Each file in tests/data/hostile/ says on its first line what must happen to it: `# expect: ok` (a
safe render: nothing runs, nothing is fetched, nothing outside the workspace is read) or
`# expect: error L:C text` (one clean `file:line:col: ...` line per problem, no traceback). Cases
that cannot be committed (symlinks out of the workspace, a 50 MB file, a FIFO, /dev/zero) are made
here. The whole workspace is built once, as a real process whose every `open()` is watched by an
audit hook, with a real HTTP server on 127.0.0.1 that must see no request.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import ClassVar

import markdown
import pytest
import weasyprint
from fontTools.ttLib import TTFont
from markdown_it import MarkdownIt
from pypdf import PdfReader

from briefgen.model import Source
from tests.conftest import EXAMPLE_ID, Recorder, copy_workspace, recording_server

CORPUS = Path(__file__).resolve().parent / "data" / "hostile"
PROBLEM_LINE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<column>\d+): \S.*$")
SAFE_HREF = re.compile(r"^(https?://|mailto:|#)", re.IGNORECASE)
SECRET = "CANARY-SECRET-8f3a"
HUGE = 50 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str
    ok: bool
    where: str  # "line:column" or "" when any position will do
    text: str  # a part of the message

    @property
    def file(self) -> str:
        return f"briefs/{self.name}.yaml"


def _header(data: bytes) -> str:
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace").split("\n", 1)[0]
    return data.decode("utf-8", errors="replace").lstrip("\ufeff").split("\n", 1)[0]


def read_corpus() -> list[Case]:
    cases = []
    for path in sorted(CORPUS.glob("*.yaml")):
        found = re.fullmatch(
            r"# expect: (ok|error)(?: (\d+:\d+))?(?: (.*))?", _header(path.read_bytes()).rstrip("\r")
        )
        assert found, f"{path.name}: first line must be `# expect: ok` or `# expect: error [L:C] [text]`"
        cases.append(Case(path.stem, found[1] == "ok", found[2] or "", found[3] or ""))
    return cases


CASES = read_corpus()
OK = [case for case in CASES if case.ok]
BAD = [case for case in CASES if not case.ok]


# ---- watching: an HTTP server that must stay idle, an audit hook that sees every open() ------------


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with recording_server() as url:
        yield url


WATCHED_RUN = """
import os, sys
log = os.open(os.environ["WATCH_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
watched = set(os.environ["WATCH_PATHS"].split(os.pathsep))

def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        try:
            real = os.path.realpath(os.fsdecode(args[0]))
        except (TypeError, ValueError):
            return
        if real in watched:
            os.write(log, (real + "\\n").encode())

sys.addaudithook(hook)
from briefgen.cli import main
sys.argv[0] = "briefgen"
main()
"""


@dataclass
class Watched:
    """A briefgen run as a real process (pool workers included) and the watched files it opened."""

    returncode: int
    stdout: str
    stderr: str
    opened: set[str]


def run_watched(root: Path, watched: list[Path], *args: str, preexec: object = None) -> Watched:
    log = root.parent / f"opened-{args[0]}.log"
    log.unlink(missing_ok=True)
    env = dict(
        os.environ, WATCH_LOG=str(log), WATCH_PATHS=os.pathsep.join(os.path.realpath(p) for p in watched)
    )
    done = subprocess.run(
        [sys.executable, "-c", WATCHED_RUN, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    opened = set(log.read_text().split()) if log.exists() else set()
    return Watched(done.returncode, done.stdout, done.stderr, opened)


# ---- the workspace: corpus + cases made on the spot ----------------------------------------------

MINIMAL = """title: {title}
date: 2025-10-10
bluf: The bottom line.
key_claims:
  - text: A claim.
    confidence: high
context: Some background.
implications:
  - for: Someone
    text: What it means.
"""

SOURCE_LINKS = (
    MINIMAL.format(title="Sources that are symlinks out of the workspace")
    + """sources:
  - {id: leak, title: Password file, file: seeds/leak.txt}
  - {id: canary, title: Canary, file: seeds/canary.txt}
  - {id: relative, title: Relative link out, file: seeds/relative.txt}
  - {id: fifo, title: A FIFO, file: seeds/fifo.txt}
sections:
  - heading: Words the files do not hold
    quotes: [words the files do not hold]
"""
).replace(
    "    confidence: high\n",
    "    confidence: high\n    quote: words the files do not hold\n    sources: [leak, canary, relative]\n",
)


@dataclass
class Hostile:
    root: Path
    outside: Path
    server: str
    build: Watched
    check: Watched
    watched: list[Path]
    controls: dict[str, Path]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, server: str) -> Hostile:
    base = tmp_path_factory.mktemp("hostile")
    root = copy_workspace(base / "ws")
    outside = base / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "canary.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (outside / "brief.yaml").write_text(MINIMAL.format(title=f"Outside {SECRET}"), encoding="utf-8")
    (outside / "dir" / "inner.yaml").write_text(MINIMAL.format(title=f"Inner {SECRET}"), encoding="utf-8")
    briefs, seeds = root / "briefs", root / "seeds"
    for case in CASES:
        data = (CORPUS / f"{case.name}.yaml").read_bytes().replace(b"@SERVER@", server.encode())
        (briefs / f"{case.name}.yaml").write_bytes(data)
    # Made here: symlinks out of the workspace, special files, a 50 MB brief.
    (seeds / "leak.txt").symlink_to("/etc/passwd")
    (seeds / "canary.txt").symlink_to(outside / "canary.txt")
    (seeds / "relative.txt").symlink_to(Path("..", "..", "outside", "canary.txt"))
    os.mkfifo(seeds / "fifo.txt")
    (briefs / "source-symlinks.yaml").write_text(SOURCE_LINKS, encoding="utf-8")
    (briefs / "link-outside.yaml").symlink_to(outside / "brief.yaml")
    (briefs / "link-passwd.yaml").symlink_to("/etc/passwd")
    (briefs / "link-dev-zero.yaml").symlink_to("/dev/zero")
    (briefs / "link-loop.yaml").symlink_to("link-loop.yaml")
    (briefs / "outside-dir").symlink_to(outside / "dir")
    os.mkfifo(briefs / "fifo.yaml")
    with (briefs / "huge.yaml").open("wb") as handle:
        handle.write(b"title: huge\n")
        handle.truncate(HUGE)  # sparse: 50 MB of NUL bytes after a valid first line
    ua_css = Path(weasyprint.__file__).parent / "css" / "html5_ua.css"
    article = next(p for p in seeds.glob("*.txt") if not p.is_symlink() and p.is_file())
    controls = {"pdf worker": ua_css, "check": article}
    watched = [
        Path("/etc/passwd"),
        outside / "canary.txt",
        outside / "brief.yaml",
        outside / "dir" / "inner.yaml",
    ]
    build = run_watched(root, [*watched, *controls.values()], "build", "-j", "2")
    check = run_watched(root, [*watched, *controls.values()], "check")
    return Hostile(root, outside, server, build, check, watched, controls)


def lines_for(stderr: str, file: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"{file}:")]


# ---- the corpus itself -----------------------------------------------------------------------------


def test_corpus_is_documented() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)\.yaml` \|", readme, re.MULTILINE))
    assert listed == {case.name for case in CASES}, "README.md lists exactly the corpus files"
    assert len(OK) >= 25 and len(BAD) >= 80


# ---- the whole build -------------------------------------------------------------------------------


def test_whole_build_reports_and_never_crashes(hostile: Hostile) -> None:
    build = hostile.build
    assert build.returncode == 1, build.stderr[-3000:]
    assert "Traceback" not in build.stderr and "Traceback" not in build.stdout
    for line in build.stderr.splitlines():
        assert PROBLEM_LINE.match(line) or line.startswith("built briefs/"), f"stray output: {line!r}"
    ok_count = len(OK) + 2  # the example and source-symlinks.yaml
    assert re.fullmatch(
        rf"{ok_count} briefs built, 0 up to date, \d+ failed, {3 * ok_count} files written in .*s\n",
        build.stdout,
    )
    example = hostile.root / "build" / "pdf" / f"{EXAMPLE_ID}.pdf"
    assert PdfReader(example).pages, "the worked example is built next to the hostile briefs"
    assert not list((hostile.root / "build").rglob("*.tmp"))


def test_no_request_reached_the_server(hostile: Hostile) -> None:
    assert hostile.build.returncode == 1
    assert Recorder.requests == []


@pytest.mark.parametrize("command", ["build", "check"])
def test_nothing_outside_the_workspace_is_opened(hostile: Hostile, command: str) -> None:
    run = getattr(hostile, command)
    control = hostile.controls["pdf worker" if command == "build" else "check"]
    assert os.path.realpath(control) in run.opened, "the audit hook sees the processes that read files"
    assert run.opened - {os.path.realpath(p) for p in hostile.controls.values()} == set()


@pytest.mark.parametrize("case", BAD, ids=lambda case: case.name)
def test_bad_case_is_one_clean_line_per_problem(hostile: Hostile, case: Case) -> None:
    lines = lines_for(hostile.build.stderr, case.file)
    assert lines, f"{case.file} reported nothing"
    for line in lines:
        assert PROBLEM_LINE.match(line), line
    first = lines[0]
    if case.where:
        assert first.startswith(f"{case.file}:{case.where}: "), first
    assert case.text in first, first
    assert f"built {case.file}" not in hostile.build.stderr
    assert lines == lines_for(hostile.check.stderr, case.file), "check reports what build reports"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://a'x`)](javascript:alert(1))", "'`' is not allowed"),
        ("http://a'x)](javascript:alert(1))", "Invalid IPv6 URL"),  # what made `mkdocs build` crash
        ("http://a\\", "'\\\\' is not allowed"),
        ("https://x.example/a b", "whitespace is not allowed"),
        ("https://x.example/[x]", "'[' and ']' are allowed only around an IPv6 host"),
        ("http://[zz]/", "is not a valid address"),
        ("http://[fe80::1%eth0]/", "'[' and ']' are allowed only around an IPv6 host"),
        ("http:///page", "must name a host"),
        ("http://x.example:99999/", "Port out of range"),
        ("HTTPS://x.example", "must start with http:// or https://"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("https://x.example/\u2028", "whitespace is not allowed"),
    ],
)
def test_source_urls_that_break_a_link_are_refused(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Source(id="s", title="T", url=url)


@pytest.mark.parametrize(
    "url",
    [
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "http://[2001:db8::1]:8080/x?q=1#f",
        "https://user@x.example/a'b",
        "https://bücher.example/%5B1%5D",
    ],
)
def test_source_urls_that_split_cleanly_are_kept(url: str) -> None:
    assert Source(id="s", title="T", url=url).url == url


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("link-outside.yaml", "resolves outside the workspace"),
        ("link-passwd.yaml", "resolves outside the workspace"),
        ("huge.yaml", f"file is {HUGE:,} bytes, more than the 2,097,152 allowed"),
    ],
)
def test_made_on_the_spot_cases_are_refused(hostile: Hostile, name: str, message: str) -> None:
    for run in (hostile.build, hostile.check):
        [line] = lines_for(run.stderr, f"briefs/{name}")
        assert line.startswith(f"briefs/{name}:1:1: {message}"), line
        assert "root:" not in line and SECRET not in line


def test_special_files_and_outside_folders_are_skipped(hostile: Hostile) -> None:
    """A FIFO or /dev/zero is never opened (the build would hang or never end); a linked folder is not
    walked."""
    for name in ("fifo", "link-dev-zero", "link-loop", "outside-dir/inner"):
        assert f"briefs/{name}" not in hostile.build.stderr + hostile.check.stderr
        assert not list((hostile.root / "build").rglob(f"{name.split('/')[-1]}.*"))


def test_symlinked_sources_are_never_read(hostile: Hostile) -> None:
    assert "built briefs/source-symlinks.yaml" in hostile.build.stderr
    passwd = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    for output in (hostile.root / "build").rglob("source-symlinks.*"):
        data = output.read_text(encoding="utf-8") if output.suffix != ".pdf" else pdf_text(output)
        assert passwd not in data and SECRET not in data, output.name
    findings = lines_for(hostile.check.stderr, "briefs/source-symlinks.yaml")
    for source in ("leak", "canary", "relative"):
        assert any(f"seeds/{source}.txt resolves outside the workspace" in line for line in findings), (
            findings
        )
    assert not any(SECRET in line or passwd in line for line in findings), (
        "no content of those files is shown"
    )


@pytest.fixture
def looped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A source file that is a symlink to itself: resolving it raises RuntimeError, not OSError."""
    copy_workspace(tmp_path)
    (tmp_path / "seeds" / "loop.txt").symlink_to("loop.txt")
    brief = (
        MINIMAL.format(title="Loop") + "sources:\n  - {id: loop, title: Symlink loop, file: seeds/loop.txt}\n"
    )
    (tmp_path / "briefs" / "source-loop.yaml").write_text(brief, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_symlink_loop_as_source_still_builds(looped: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "-f", "html,md"],
        cwd=looped,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "2 briefs built" in done.stdout
    assert (looped / "build" / "md" / "source-loop.md").is_file()


def test_symlink_loop_as_source_is_a_check_finding(looped: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "check"], cwd=looped, capture_output=True, text=True
    )
    assert "Traceback" not in done.stderr
    assert re.search(
        r"^briefs/source-loop\.yaml:12:\d+: error: sources\[0\]\.file: ", done.stderr, re.MULTILINE
    ), done.stderr


# ---- what the good cases render ------------------------------------------------------------------


class Live(HTMLParser):
    """Everything in rendered HTML that could run, fetch or restyle the page."""

    FORBIDDEN: ClassVar[set[str]] = {
        "script",
        "iframe",
        "img",
        "object",
        "embed",
        "link",
        "svg",
        "math",
        "form",
        "base",
    }
    FORBIDDEN |= {"input", "video", "audio", "source", "frame", "frameset", "applet", "picture", "template"}

    def __init__(self, styles_allowed: int) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.styles_left = styles_allowed

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.FORBIDDEN or (tag == "meta" and any(n == "http-equiv" for n, _ in attrs)):
            self.found.append(f"<{tag}>")
        if tag == "style":
            self.styles_left -= 1
            if self.styles_left < 0:
                self.found.append("<style> from content")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name in (
                "style",
                "src",
                "srcset",
                "action",
                "formaction",
                "xlink:href",
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "href" and not SAFE_HREF.match(value):
                self.found.append(f"<{tag} href={value!r}>")
            if name == "class" and not re.fullmatch(r"[a-z0-9 -]*", value):
                self.found.append(f"<{tag} class={value!r}>")
            if name == "id" and not re.fullmatch(r"[\w:.-]+", value):
                self.found.append(f"<{tag} id={value!r}>")


def live(html: str, styles_allowed: int = 0) -> list[str]:
    parser = Live(styles_allowed)
    parser.feed(html)
    parser.close()
    return parser.found


def outputs(hostile: Hostile, name: str) -> tuple[str, str, Path]:
    out = hostile.root / "build"
    html = (out / "html" / f"{name}.html").read_text(encoding="utf-8")
    md = (out / "md" / f"{name}.md").read_text(encoding="utf-8")
    return html, md, out / "pdf" / f"{name}.pdf"


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("case", OK, ids=lambda case: case.name)
def test_good_case_renders_inert(hostile: Hostile, case: Case) -> None:
    assert f"built {case.file} → html, pdf, md" in hostile.build.stderr
    assert not lines_for(hostile.build.stderr, case.file), "no warning either"
    html, md, pdf = outputs(hostile, case.name)
    head, body = html.split("</head>", 1)
    assert live(head, styles_allowed=1) == [] and live(body) == []
    # What a careless wiki shows: CommonMark with raw HTML on and every link scheme allowed.
    wiki = MarkdownIt("commonmark", {"html": True}).enable("table")
    wiki.validateLink = lambda url: True  # type: ignore[method-assign]
    assert live(wiki.render(md.split("\n---\n", 1)[1])) == []
    # What MkDocs shows: Python-Markdown passes raw HTML through and reads `\<` as `\` and a live `<`.
    for extensions in (
        ["toc", "tables", "fenced_code"],
        ["toc", "tables", "fenced_code", "attr_list", "footnotes"],
    ):
        assert live(markdown.markdown(md.split("\n---\n", 1)[1], extensions=extensions)) == [], extensions
    data = pdf.read_bytes()
    for marker in (b"/JavaScript", b"/JS ", b"/Launch", b"/EmbeddedFile", b"/SubmitForm", b"/ImportData"):
        assert marker not in data
    reader = PdfReader(pdf)
    uris = [
        str(annot.get_object()["/A"].get("/URI", ""))
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert [u for u in uris if not SAFE_HREF.match(u)] == []


@pytest.mark.parametrize("name", ["jinja-in-every-field", "jinja-raw-and-comments"])
def test_jinja_in_briefs_is_printed_never_run(hostile: Hostile, name: str) -> None:
    html, md, pdf = outputs(hostile, name)
    shown = MarkdownIt("commonmark").render(md.split("\n---\n", 1)[1])
    for text in (html, shown, " ".join(pdf_text(pdf).split())):
        assert "{{ 6*7007 }}" in text
        assert "42042" not in text
    if name == "jinja-in-every-field":
        assert "{% for x in range(3) %}loop{% endfor %}" in html.replace("&#39;", "'")
        assert "looplooploop" not in html and "__globals__" in html and "root:x" not in html


# ---- scripts: real glyphs, not boxes ----------------------------------------------------------------


_CMAP_ENTRY = {
    "bfchar": r"<([0-9a-fA-F]+)>\s*()(<[0-9a-fA-F]+>)",
    "bfrange": r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>)",
    "cidchar": r"<([0-9a-fA-F]+)>\s*()(\d+)",
    "cidrange": r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)",
}


def _cmap_pairs(data: str, section: str) -> Iterator[tuple[int, int, str]]:
    """(first code, last code, target) from a CMap's `bfchar`/`bfrange`/`cidchar`/`cidrange` sections."""
    for block in re.findall(rf"begin{section}(.*?)end{section}", data, re.DOTALL):
        assert "[" not in block, "array targets are not used by WeasyPrint"
        for first, last, target in re.findall(_CMAP_ENTRY[section], block):
            yield int(first, 16), int(last or first, 16), target


def _utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text.strip("<>")).decode("utf-16-be", errors="replace")


@dataclass
class Glyph:
    font: str
    cid: int
    kind: str  # "outline", "bitmap", "empty" or "notdef"


def glyphs(path: Path) -> dict[str, list[Glyph]]:
    """Every text cluster in the PDF and the glyphs that draw it, read from the fonts themselves.

    Codes go through the font's encoding to CIDs (= glyph ids: WeasyPrint writes Identity maps),
    ToUnicode says which text each code stands for, and the embedded font program says whether the
    glyph has an outline, is a colour bitmap drawn as an image, or is .notdef (glyph 0: a box).
    """
    reader = PdfReader(path)
    found: dict[str, list[Glyph]] = {}
    for page in reader.pages:
        xobjects = set(page["/Resources"].get("/XObject", {}).keys())
        for font_ref in page["/Resources"]["/Font"].values():
            font = font_ref.get_object()
            name = str(font["/BaseFont"])
            descendant = font["/DescendantFonts"][0].get_object()
            assert descendant.get("/CIDToGIDMap", "/Identity") == "/Identity", name
            encoding = font["/Encoding"]
            to_cid: dict[int, int] | None = None
            if encoding != "/Identity-H":
                to_cid = {}
                cmap = encoding.get_object().get_data().decode("latin-1")
                for section in ("cidchar", "cidrange"):
                    for first, last, target in _cmap_pairs(cmap, section):
                        for code in range(first, last + 1):
                            to_cid[code] = int(target) + code - first
            program = _font_program(descendant["/FontDescriptor"].get_object())
            tag = name.lstrip("/").split("+")[0]
            unicode_map = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for section in ("bfchar", "bfrange"):
                for first, last, target in _cmap_pairs(unicode_map, section):
                    for code in range(first, last + 1):
                        cid = to_cid.get(code, 0) if to_cid is not None else code
                        text = _utf16(target) if first == last else chr(ord(_utf16(target)) + code - first)
                        kind = _glyph_kind(program, cid, xobjects, tag)
                        found.setdefault(text, []).append(Glyph(name, cid, kind))
    return found


def _font_program(descriptor: object) -> TTFont:
    for key in ("/FontFile2", "/FontFile3"):
        if key in descriptor:  # type: ignore[operator]
            return TTFont(BytesIO(descriptor[key].get_object().get_data()), lazy=True)  # type: ignore[index]
    raise AssertionError("font not embedded")


def _glyph_kind(program: TTFont, cid: int, xobjects: set[str], tag: str) -> str:
    if cid == 0:
        return "notdef"
    if "glyf" in program:
        order = program.getGlyphOrder()
        if cid < len(order) and program["glyf"][order[cid]].numberOfContours != 0:
            return "outline"
        return "bitmap" if any(x.startswith(f"/i{tag}{cid}") for x in xobjects) else "empty"
    if "CFF " in program:
        charset = program["CFF "].cff.topDictIndex[0].charset
        return "outline" if cid < len(charset) else "empty"
    return "empty"


def test_glyph_check_sees_boxes_and_digits_drawn_as_emoji(tmp_path: Path) -> None:
    """The check above can fail: U+0378 (unassigned) is a .notdef box, and listing the emoji font
    first in a stack makes digits colour bitmaps."""
    boxes = tmp_path / "boxes.pdf"
    weasyprint.HTML(string='<p style="font-family: DejaVu Sans">A \u0378 B</p>').write_pdf(boxes)
    assert [g.kind for g in glyphs(boxes)["\u0378"]] == ["notdef"]
    assert [g.kind for g in glyphs(boxes)["A"]] == ["outline"]
    emoji = tmp_path / "emoji.pdf"
    weasyprint.HTML(string="<p style='font-family: \"Noto Color Emoji\", DejaVu Sans'>2025 😀</p>").write_pdf(
        emoji
    )
    drawn = glyphs(emoji)
    assert [g.kind for g in drawn["😀"]] == ["bitmap"]
    assert [g.kind for g in drawn["2"]] == ["bitmap"], "the emoji font has keycap digits"


SCRIPT_SAMPLES = {
    "scripts-arabic-rtl": "قمة وموقف موسكو أوكرانيا روسيا",
    "scripts-hebrew-rtl": "פסגת אלסקה ועמדת מוסקבה",
    "scripts-cjk": "阿拉斯加峰会与莫斯科的立场 日本語のテキスト 한국어 텍스트",
    "scripts-cyrillic": "Саммит на Аляске и позиция Москвы",
    "scripts-emoji": "🛰 🇺🇦 👩‍💻 😀 ✅ 👍🏽",
    "scripts-mixed": "Мир 世界 عالم עולם 🌍 Γειά",
}


@pytest.mark.parametrize("name", sorted(SCRIPT_SAMPLES))
def test_every_script_is_drawn_with_real_glyphs(hostile: Hostile, name: str) -> None:
    _, _, pdf = outputs(hostile, name)
    drawn = glyphs(pdf)
    boxes = {
        text: g
        for text, g in drawn.items()
        if any(glyph.kind in ("notdef", "empty") for glyph in g) and text.strip()
    }
    assert boxes == {}, "characters drawn as .notdef boxes or blank glyphs"
    emoji_fonts = {glyph.font for g in drawn.values() for glyph in g if glyph.kind == "bitmap"}
    digits = [g for text, gs in drawn.items() if text.isascii() for g in gs if g.font in emoji_fonts]
    assert digits == [], "ASCII (dates, page numbers) must not come from the emoji font"
    for word in SCRIPT_SAMPLES[name].split():
        letters = [
            c
            for c in word
            if not (0xFE00 <= ord(c) <= 0xFE0F or c == "\u200d" or 0x1F3FB <= ord(c) <= 0x1F3FF)
        ]
        for char in letters:
            assert any(
                char in text for text, g in drawn.items() if all(x.kind in ("outline", "bitmap") for x in g)
            ), f"{char!r} (U+{ord(char):04X}) of {word!r} is not drawn"


@pytest.mark.parametrize("name", sorted(SCRIPT_SAMPLES))
def test_every_script_reads_back_as_text(hostile: Hostile, name: str) -> None:
    html, md, pdf = outputs(hostile, name)
    text = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufe0f]", "", pdf_text(pdf))
    for word in SCRIPT_SAMPLES[name].split():
        plain = word.replace("\ufe0f", "")
        assert plain in text or plain[::-1] in text, f"{word!r} not in the PDF text"
        assert word in html and word in md


def test_lang_is_set_for_right_to_left_briefs(hostile: Hostile) -> None:
    html, _, pdf = outputs(hostile, "scripts-arabic-rtl")
    assert '<html lang="ar" dir="rtl">' in html
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "ar"
