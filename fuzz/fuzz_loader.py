"""Fuzz the brief loader: any bytes must give a Brief or clean one-line problems, never a crash.

    python fuzz/fuzz_loader.py --minutes 5

Every input is tried twice: as raw bytes (what a broken editor or a hostile analyst could save),
and as a schema-shaped brief decoded from the same bytes (so the fuzzer also reaches validation,
the error mapping, `check` and the HTML and Markdown renderers). Anything but a `BriefError` or a
success is a finding: its input is saved under fuzz/crashes/ (one file per distinct crash site) and
the run goes on. Coverage-guided with atheris (`pip install -e ".[fuzz]"`) when it is installed,
otherwise a plain random mutator over the same seeds. The summary gives inputs tried and findings;
the exit code is 1 when a crash was found.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEED_FOLDERS = [REPO / "briefs", *(REPO / "tests" / "data" / name for name in ("good", "bad", "hostile"))]
MAX_LEN = 8192
RUNS_EVERY = 200
"""The child writes its run count this often, so the parent can total runs across restarts."""


# ---- the property ----------------------------------------------------------------------------


class Target:
    """Loader, checker and the two cheap renderers, set up once over a scratch workspace."""

    def __init__(self, workspace: Path) -> None:
        # Imported here so atheris can instrument them first.
        from briefgen.checking import Checker
        from briefgen.config import Config, Workspace
        from briefgen.templates import Templates

        self.root = workspace
        (workspace / "seeds").mkdir(parents=True, exist_ok=True)
        shutil.copy(next((REPO / "seeds").glob("*.txt")), workspace / "seeds" / "article.txt")
        outside = workspace.parent / f"{workspace.name}-outside.txt"
        outside.write_text("outside the workspace\n", encoding="utf-8")
        for name, target in (("escape.txt", outside), ("loop.txt", workspace / "seeds" / "loop.txt")):
            link = workspace / "seeds" / name
            if not link.is_symlink():
                link.symlink_to(target)
        self.workspace = Workspace(root=workspace, config=Config())
        self.checker = Checker(self.workspace)
        self.templates = Templates(workspace)

    def __call__(self, data: bytes) -> None:
        from briefgen.errors import BriefError
        from briefgen.loading import load_bytes
        from briefgen.render.html import render_html
        from briefgen.render.markdown import render_markdown
        from briefgen.view import prepare

        try:
            loaded = load_bytes(data, "fuzz.yaml", path=self.root / "fuzz.yaml")
        except BriefError as error:
            assert error.problems, "a BriefError without problems"
            for problem in error.problems:
                text = str(problem)
                assert "\n" not in text and "\r" not in text, f"problem spans lines: {text!r}"
                assert problem.line >= 1 and problem.column >= 1, text
            return
        for finding in self.checker.check(loaded):
            assert "\n" not in str(finding), f"finding spans lines: {finding}"
        view = prepare(loaded.brief, self.workspace.config, self.workspace.root)
        live = live_html(render_html(self.templates, view).decode("utf-8"))
        assert not live, f"live content in HTML: {live}"
        page = render_markdown(self.templates, view).decode("utf-8").split("\n---\n", 1)[-1]
        live = live_html(MarkdownIt("commonmark", {"html": True}).render(page))
        assert not live, f"live content in Markdown: {live}"


class _Live(HTMLParser):
    """Tags and attributes in rendered output that could run or fetch something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "img", "object", "embed", "link", "svg", "math", "form", "base"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            lowered = (value or "").strip().lower()
            unsafe = lowered.startswith(("javascript:", "data:", "file:", "vbscript:"))
            if name.startswith("on") or (name in ("href", "src") and unsafe):
                self.found.append(f"<{tag} {name}={value!r}>")


def live_html(html: str) -> list[str]:
    parser = _Live()
    parser.feed(html)
    parser.close()
    return parser.found


# ---- schema-shaped briefs from bytes -----------------------------------------------------------

NASTY_TEXT = [
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![i](file:///etc/passwd)", "![i](/dev/zero)", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% raw %}",
    "مرحبا بالعالم", "שלום עולם", "你好，世界", "Привет, мир", "🛰️👩‍💻🇺🇦", "\u202eevil\u202c", "a\u0000b", "\ufeff",
    "# heading", "---", "| a | b |\n|---|---|\n| 1 | 2 |", "[^1]\n\n[^1]: note", "`code`", "    indented",
    "x" * 3000, "\n\n\n", " ", "", "..", "../../etc/passwd", "/etc/passwd", ".", "./", "seeds/article.txt",
    "seeds/escape.txt", "seeds/loop.txt", "seeds", "seeds/" + "a" * 300, "a" * 5000, "C:\\x", "~", "a\\..\\b",
    "TLP:RED", "TLP:AMBER+STRICT", "high", "likely", "ar", "en-GB", "x-evil", "2025-10-10", "2025-02-30", "0000-01-01",
]  # fmt: skip

PATHS: list[tuple[str | int, ...]] = [
    ("id",), ("title",), ("subtitle",), ("date",), ("authors",), ("authors", 0), ("status",), ("version",),
    ("supersedes",), ("handling",), ("lang",), ("bluf",), ("key_claims",), ("key_claims", 0, "text"),
    ("key_claims", 0, "quote"), ("key_claims", 0, "attribution"), ("key_claims", 0, "confidence"),
    ("key_claims", 0, "sources"), ("key_claims", 0, "sources", 0), ("context",), ("sections",), ("sections", 0, "heading"),
    ("sections", 0, "summary"), ("sections", 0, "points", 0), ("sections", 0, "quotes", 0), ("implications",),
    ("implications", 0, "for"), ("implications", 0, "text"), ("implications", 0, "likelihood"), ("recommendations", 0),
    ("indicators", 0), ("sources",), ("sources", 0, "id"), ("sources", 0, "title"), ("sources", 0, "url"),
    ("sources", 0, "published"), ("sources", 0, "file"), ("sources", 0, "reliability"), ("sources", 0, "credibility"),
    ("tags",), ("tags", 0), ("unknown_key",), ("key_claims", 0, "confidnce"),
]  # fmt: skip


def base_brief() -> dict[str, Any]:
    return {
        "id": "fuzzed",
        "title": "Title",
        "subtitle": "Subtitle",
        "date": "2025-10-10",
        "authors": ["A. Analyst"],
        "status": "final",
        "version": "1.0",
        "handling": "TLP:GREEN",
        "lang": "en",
        "bluf": "The **bottom** line.",
        "key_claims": [
            {
                "text": "A claim.",
                "quote": "Words",
                "attribution": "Someone",
                "confidence": "high",
                "sources": ["s"],
            }
        ],
        "context": "Background.",
        "sections": [
            {"heading": "Heading", "summary": "Summary.", "points": ["Point."], "quotes": ["Quote."]}
        ],
        "implications": [{"for": "Someone", "text": "What it means.", "likelihood": "likely"}],
        "recommendations": ["Do this."],
        "indicators": ["Watch that."],
        "sources": [
            {"id": "s", "title": "Source", "url": "https://example.org/a", "file": "seeds/article.txt"}
        ],
        "tags": ["Tag"],
    }


class Reader:
    """Turns fuzz bytes into choices: the same bytes always make the same brief."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def byte(self) -> int:
        value = self.data[self.at] if self.at < len(self.data) else 0
        self.at += 1
        return value

    def pick(self, items: list[Any]) -> Any:
        return items[(self.byte() << 8 | self.byte()) % len(items)]

    def text(self) -> str:
        size = self.byte() % 40
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk.decode("utf-8", errors="replace")

    def value(self, depth: int = 0) -> Any:
        kind = self.byte() % 12
        if kind < 4:
            return self.pick(NASTY_TEXT)
        if kind < 6:
            return self.text() + self.pick(NASTY_TEXT) * (self.byte() % 3)
        if kind == 6:
            return self.pick([0, -1, 2**70, 1.5, float("inf"), float("nan"), True, False, None])
        if kind == 7 and depth < 3:
            return [self.value(depth + 1) for _ in range(self.byte() % 4)]
        if kind == 8 and depth < 3:
            return {
                self.pick(["text", "for", "id", "heading", "x", 1]): self.value(depth + 1)
                for _ in range(self.byte() % 3)
            }
        return self.text()


def structured(data: bytes) -> bytes:
    """A brief close to valid, with a few fields replaced by hostile or wrong values."""
    import yaml

    reader = Reader(data)
    brief = base_brief()
    for _ in range(1 + reader.byte() % 4):
        path = reader.pick(PATHS)
        _set(brief, path, None if reader.byte() % 7 == 0 else reader.value())
    text = yaml.safe_dump(
        brief, allow_unicode=bool(reader.byte() % 2), sort_keys=False, width=reader.pick([40, 80, 10**6])
    )
    if reader.byte() % 5 == 0:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8", errors="surrogatepass")


def _set(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for part in path[:-1]:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return
    try:
        if value is None and isinstance(data, dict):
            data.pop(path[-1], None)
        elif isinstance(data, list) and isinstance(path[-1], int):
            data[path[-1] % max(len(data), 1)] = value
        elif isinstance(data, dict):
            data[path[-1]] = value
    except (IndexError, TypeError):
        return


# ---- recording findings ---------------------------------------------------------------------


def _signature(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "briefgen" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(error).__name__} at {where}"


class Recorder:
    def __init__(self, crashes: Path, runs_file: Path | None) -> None:
        self.crashes, self.runs_file, self.runs = crashes, runs_file, 0
        crashes.mkdir(parents=True, exist_ok=True)

    def guard(self, target: Callable[[bytes], None], data: bytes) -> None:
        self.runs += 1
        if self.runs_file and self.runs % RUNS_EVERY == 0:
            self.runs_file.write_text(str(self.runs))
        for kind, payload in (("raw", data), ("structured", None)):
            try:
                payload = payload if payload is not None else structured(data)
                target(payload)
            except Exception as error:
                self.record(kind, payload or data, error)

    def record(self, kind: str, payload: bytes, error: BaseException) -> None:
        signature = _signature(error)
        name = "crash-" + hashlib.sha256(signature.encode()).hexdigest()[:12]
        path = self.crashes / f"{name}.yaml"
        if path.exists():
            return
        path.write_bytes(payload)
        (self.crashes / f"{name}.txt").write_text(
            f"{signature} ({kind} input)\n\n" + "".join(traceback.format_exception(error)), encoding="utf-8"
        )
        print(f"FUZZ-CRASH {signature}: {path}", file=sys.stderr, flush=True)


# ---- engines ------------------------------------------------------------------------------


def seeds() -> list[bytes]:
    found = [
        p.read_bytes()[:MAX_LEN]
        for folder in SEED_FOLDERS
        if folder.is_dir()
        for p in sorted(folder.glob("*.yaml"))
    ]
    return found or [b"title: x\n"]


def run_atheris(argv: list[str], crashes: Path, runs_file: Path) -> None:
    import atheris

    with atheris.instrument_imports(include=["briefgen", "yaml", "markdown_it", "mdit_py_plugins"]):
        import briefgen.checking
        import briefgen.loading
        import briefgen.markup  # noqa: F401

    target = Target(Path(tempfile.mkdtemp(prefix="briefgen-fuzz-")) / "ws")
    recorder = Recorder(crashes, runs_file)
    atheris.Setup(argv, lambda data: recorder.guard(target, data))
    atheris.Fuzz()


def run_random(seconds: float, crashes: Path, seed: int) -> int:
    """Fallback without atheris: random mutations (byte flips, splices, YAML tokens) of the seeds."""
    rng = random.Random(seed)
    pool = seeds()
    tokens = [t.encode() for t in _dictionary()]
    target = Target(Path(tempfile.mkdtemp(prefix="briefgen-fuzz-")) / "ws")
    recorder = Recorder(crashes, None)
    deadline = time.monotonic() + seconds
    signal.signal(signal.SIGALRM, _hang)
    while time.monotonic() < deadline:
        data = bytearray(rng.choice(pool))
        for _ in range(rng.randint(1, 8)):
            at = rng.randint(0, len(data))
            choice = rng.random()
            if choice < 0.3 and data:
                data[min(at, len(data) - 1)] = rng.randrange(256)
            elif choice < 0.6:
                data[at:at] = rng.choice(tokens)
            elif choice < 0.8:
                other = rng.choice(pool)
                start = rng.randint(0, len(other))
                data[at:at] = other[start : start + rng.randint(0, 200)]
            else:
                del data[at : at + rng.randint(1, 50)]
        signal.alarm(10)
        try:
            recorder.guard(target, bytes(data[:MAX_LEN]))
        except _Hang:
            recorder.record("raw", bytes(data[:MAX_LEN]), TimeoutError("input took more than 10 s"))
        finally:
            signal.alarm(0)
        if len(pool) < 5000 and rng.random() < 0.01:
            pool.append(bytes(data[:MAX_LEN]))
    return recorder.runs


class _Hang(Exception):
    pass


def _hang(signum: int, frame: object) -> None:
    raise _Hang


def _dictionary() -> list[str]:
    entries = []
    for line in (HERE / "yaml.dict").read_text(encoding="utf-8").splitlines():
        if line.startswith('"') and line.endswith('"'):
            entries.append(line[1:-1].encode().decode("unicode_escape"))
    return entries


# ---- the command --------------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        crashes, runs_file = Path(sys.argv[2]), Path(sys.argv[3])
        run_atheris([sys.argv[0], *sys.argv[4:]], crashes, runs_file)
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=5.0, help="How long to fuzz (default 5).")
    parser.add_argument("--engine", choices=["auto", "atheris", "random"], default="auto")
    parser.add_argument(
        "--crashes", type=Path, default=HERE / "crashes", help="Where findings go (default fuzz/crashes/)."
    )
    parser.add_argument(
        "--corpus", type=Path, default=HERE / "corpus", help="atheris' growing corpus (default fuzz/corpus/)."
    )
    parser.add_argument("--seed", type=int, default=0, help="Random engine seed (default: from the clock).")
    parser.add_argument(
        "--replay", type=Path, nargs="+", metavar="FILE", help="Re-run saved inputs instead of fuzzing."
    )
    args = parser.parse_args()
    if args.replay:
        return replay(args.replay)
    before = {p.name for p in args.crashes.glob("crash-*.yaml")} if args.crashes.is_dir() else set()
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "random"
    seconds = args.minutes * 60
    started = time.monotonic()
    if engine == "random":
        runs, hangs = run_random(seconds, args.crashes, args.seed or time.time_ns()), 0
    else:
        runs, hangs = _supervise_atheris(args, seconds)
    new = sorted({p.name for p in args.crashes.glob("crash-*.yaml")} - before)
    elapsed = time.monotonic() - started
    print(f"engine: {engine}; inputs tried: {runs:,} (each raw and schema-shaped) in {elapsed:.0f} s")
    print(f"new crash sites: {len(new)}; hangs: {hangs}; findings in {args.crashes}")
    for name in new:
        print("  " + (args.crashes / name).with_suffix(".txt").read_text(encoding="utf-8").splitlines()[0])
    return 1 if new or hangs else 0


def replay(files: list[Path]) -> int:
    """Each saved input through the property again, as it was found (raw) and as a brief (structured)."""
    target = Target(Path(tempfile.mkdtemp(prefix="briefgen-fuzz-")) / "ws")
    failed = 0
    for path in files:
        data = path.read_bytes()
        try:
            target(data)
            print(f"fixed: {path}")
        except Exception as error:
            failed += 1
            print(f"still crashes: {path}: {_signature(error)}: {error}")
    return 1 if failed else 0


def _supervise_atheris(args: argparse.Namespace, seconds: float) -> tuple[int, int]:
    """Runs atheris in a child, restarting it after a hang until the time is used up."""
    args.corpus.mkdir(parents=True, exist_ok=True)
    args.crashes.mkdir(parents=True, exist_ok=True)
    seed_dir = Path(tempfile.mkdtemp(prefix="briefgen-fuzz-seeds-"))
    for number, data in enumerate(seeds()):
        (seed_dir / f"seed-{number}").write_bytes(data)
    runs = hangs = 0
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 5:
        runs_file = seed_dir / "runs"
        runs_file.write_text("0")
        command = [
            sys.executable, __file__, "--child", str(args.crashes), str(runs_file),
            str(args.corpus), str(seed_dir), f"-max_total_time={int(left)}", f"-dict={HERE / 'yaml.dict'}",
            f"-max_len={MAX_LEN}", "-timeout=10", "-rss_limit_mb=3072", "-print_final_stats=1",
            f"-artifact_prefix={args.crashes}/", "-print_pcs=0",
        ]  # fmt: skip
        child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, errors="replace")
        assert child.stderr is not None
        log: list[str] = []
        for line in child.stderr:  # progress as it comes: libFuzzer's pulses, our findings
            log.append(line)
            if line.startswith(("FUZZ-CRASH", "==")) or " pulse " in line or " DONE " in line:
                sys.stderr.write(line)
        child.wait()
        output = "".join(log)
        final = re.search(r"stat::number_of_executed_units: (\d+)", output)
        runs += int(final[1]) if final else int(runs_file.read_text() or 0)
        if "libFuzzer: timeout" in output or "out-of-memory" in output:
            hangs += 1
        elif child.returncode != 0 and not final:
            sys.stderr.write(output[-3000:])
            break
    shutil.rmtree(seed_dir, ignore_errors=True)
    return runs, hangs


if __name__ == "__main__":
    sys.exit(main())
