"""Build-speed benchmark: prints medians and ratios; never run by the test suite.

    python benchmarks/build_speed.py --briefs 200 --large 1000 --repeat 3
    python benchmarks/build_speed.py --briefs 20 --large 0 --no-pandoc --noop 10000 --one-of 1000

Generates a workspace of realistic briefs (1 to 6 pages, from the worked example), then measures in
one run, as medians of --repeat runs of the real `briefgen` command:
  cold full build (all formats); no-op rebuild; rebuild after editing one brief;
  (a) WeasyPrint alone rendering the same final HTML files serially in one process;
  (b) a per-file `pandoc --pdf-engine=weasyprint` pipeline over the same briefs' Markdown;
  `briefgen --version`; peak RSS of each PDF worker (VmHWM, polled).
`--noop N`: a workspace of N briefs built once with `--scale-formats` (default md: a cold build of
10,000 PDFs takes hours here), then the median no-op rebuild, compared with the cold build of N briefs
in all formats estimated as (cold build of --briefs) / --briefs × N (same 2-process pool).
`--one-of N`: an N-brief workspace built once with `--scale-formats`; then, in cold processes, the
median rebuild after editing one brief against the median cold build of a workspace holding only
that brief (same formats).
The machine is shared and noisy: compare ratios taken in the same run, not absolute seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BRIEFGEN = [sys.executable, "-m", "briefgen"]


def generate(root: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` briefs from the example, scaled from about one to about six pages."""
    shutil.copytree(REPO / "seeds", root / "seeds", dirs_exist_ok=True)
    (root / "briefs").mkdir(parents=True, exist_ok=True)
    example = yaml.safe_load((REPO / "briefs" / "putin-alaska-provisions.yaml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        pages = 1 + number % 6
        data = dict(example, id=f"brief-{number:04d}", title=f"{example['title']} ({number})")
        claims = example["key_claims"]
        data["key_claims"] = [claims[i % len(claims)] for i in range(max(1, 2 * pages - 1))]
        data["sections"] = example["sections"][: min(3, pages)] if pages > 1 else example["sections"][:1]
        data["implications"] = example["implications"][: 1 + pages % 4]
        if pages < 3:
            data.pop("recommendations", None)
            data.pop("indicators", None)
        data["date"] = f"2025-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
        path = root / "briefs" / f"brief-{number:04d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def timed(command: list[str], cwd: Path, watch_workers: list[int] | None = None) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    poller = (
        threading.Thread(target=_poll_peaks, args=(process, watch_workers), daemon=True)
        if watch_workers is not None
        else None
    )
    if poller:
        poller.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return elapsed


def _poll_peaks(process: subprocess.Popen[str], peaks: list[int]) -> None:
    """Highest VmHWM (peak resident memory, kB) seen for any child of the build: the PDF workers."""
    while process.poll() is None:
        for task in Path(f"/proc/{process.pid}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in children:
                try:
                    status = Path(f"/proc/{child}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]))
        time.sleep(0.2)


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def show(label: str, value: float, unit: str = "s", note: str = "") -> None:
    print(f"{label:<44} {value:9.3f} {unit}   {note}".rstrip(), flush=True)


def final_html(root: Path, target: Path) -> list[Path]:
    """The exact HTML our PDF renderer hands to WeasyPrint, one file per brief (for baseline a)."""
    sys.path.insert(0, str(REPO))
    from briefgen.config import find_workspace
    from briefgen.loading import load_brief
    from briefgen.templates import Templates
    from briefgen.view import prepare

    workspace = find_workspace(root)
    templates = Templates(root)
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for path in sorted((root / "briefs").glob("*.yaml")):
        brief = load_brief(path).brief
        html = templates.render("brief.pdf.j2", **prepare(brief, workspace.config, root))
        file = target / f"{brief.id}.html"
        file.write_text(html, encoding="utf-8")
        files.append(file)
    return files


WEASYPRINT_ALONE = """
import sys, pathlib
from weasyprint import HTML
for name in sys.argv[1:]:
    path = pathlib.Path(name)
    document = HTML(filename=str(path), base_url=str(path.parent))
    document.write_pdf(str(path.with_suffix(".pdf")), pdf_tags=True)
"""


def pandoc_pipeline(markdown_files: list[Path], out: Path) -> None:
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for file in markdown_files:
        subprocess.run(
            [
                pandoc,
                str(file),
                "-o",
                str(out / f"{file.stem}.pdf"),
                "--pdf-engine=weasyprint",
                "--metadata",
                f"title={file.stem}",
            ],
            check=True,
            capture_output=True,
            env=env,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--briefs", type=int, default=200, help="briefs for the cold-build comparison (default 200)"
    )
    parser.add_argument(
        "--large",
        type=int,
        default=1000,
        help="briefs for no-op and edit-one rebuilds (default 1000; 0 skips)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement; medians are printed (default 3)"
    )
    parser.add_argument("--no-pandoc", action="store_true", help="skip baseline (b)")
    parser.add_argument("--noop", type=int, default=0, help="briefs for the large no-op case (0 skips)")
    parser.add_argument("--one-of", type=int, default=0, help="briefs for the edit-one case (0 skips)")
    parser.add_argument(
        "--scale-formats", default="md", help="formats of the --noop/--one-of builds (default md)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="briefgen-bench-") as folder:
        root = Path(folder) / "workspace"
        generate(root, args.briefs)
        print(
            f"workspace: {args.briefs} briefs of 1 to 6 pages; {args.repeat} runs each; medians", flush=True
        )

        version = median([timed([*BRIEFGEN, "--version"], root) for _ in range(max(5, args.repeat))])
        show("briefgen --version", version)

        peaks: list[int] = []
        cold_runs = []
        for _ in range(args.repeat):
            shutil.rmtree(root / "build", ignore_errors=True)
            cold_runs.append(timed([*BRIEFGEN, "build", "-q"], root, peaks))
        cold = median(cold_runs)
        show(f"cold build, {args.briefs} briefs, all formats", cold)
        show("peak RSS of a PDF worker", max(peaks, default=0) / 1024, "MB", "(target <= 200 MB)")

        html_files = final_html(root, Path(folder) / "final-html")
        script = Path(folder) / "weasyprint_alone.py"
        script.write_text(WEASYPRINT_ALONE, encoding="utf-8")
        alone = median(
            [timed([sys.executable, str(script), *map(str, html_files)], root) for _ in range(args.repeat)]
        )
        show(
            "(a) WeasyPrint alone, serial, same HTML",
            alone,
            note=f"build/(a) = {cold / alone:.2f} (target <= 0.65)",
        )

        if not args.no_pandoc:
            markdown = sorted((root / "build" / "md").glob("*.md"))
            pandoc_runs = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                pandoc_pipeline(markdown, Path(folder) / "pandoc")
                pandoc_runs.append(time.perf_counter() - started)
            pandoc = median(pandoc_runs)
            show(
                "(b) pandoc --pdf-engine=weasyprint, per file",
                pandoc,
                note=f"build/(b) = {cold / pandoc:.2f} (target <= 0.25)",
            )

        if args.large:
            large = Path(folder) / "large"
            paths = generate(large, args.large)
            large_cold = timed([*BRIEFGEN, "build", "-q"], large)
            noop = median([timed([*BRIEFGEN, "build", "-q"], large) for _ in range(args.repeat)])
            edits = []
            for run in range(args.repeat):
                target = paths[run * 37 % len(paths)]
                target.write_text(target.read_text(encoding="utf-8") + f"# edit {run}\n", encoding="utf-8")
                edits.append(timed([*BRIEFGEN, "build", "-q"], large))
            edit = median(edits)
            show(f"cold build, {args.large} briefs (once)", large_cold)
            share = f"= {100 * noop / large_cold:.2f}% of cold (targets <= 0.5 s, <= 1%)"
            show(f"no-op rebuild, {args.large} briefs", noop, note=share)
            show(f"rebuild after editing 1 of {args.large}", edit, note="(target <= 1.5 s)")

        per_brief = cold / args.briefs
        if args.noop:
            noop_case(Path(folder) / "noop", args.noop, args.scale_formats, args.repeat, per_brief)
        if args.one_of:
            one_of_case(Path(folder) / "one-of", args.one_of, args.scale_formats, args.repeat)


def noop_case(root: Path, count: int, formats: str, repeat: int, per_brief: float) -> None:
    generate(root, count)
    command = [*BRIEFGEN, "build", "-q", "-f", formats]
    first = timed(command, root)
    show(f"cold build, {count} briefs, -f {formats} (once)", first)
    noop = median([timed(command, root) for _ in range(max(3, repeat))])
    estimate = per_brief * count
    share = f"= {100 * noop / estimate:.3f}% of est. cold all formats {estimate:.0f} s (targets <= 1 s, < 1%)"
    show(f"no-op rebuild, {count} briefs, -f {formats}", noop, note=share)
    show("  its share of that -f build", noop / first, "x")


def one_of_case(root: Path, count: int, formats: str, repeat: int) -> None:
    paths = generate(root / "many", count)
    command = [*BRIEFGEN, "build", "-q", "-f", formats]
    show(f"cold build, {count} briefs, -f {formats} (once)", timed(command, root / "many"))
    target = paths[count // 2]
    alone = root / "alone"
    (alone / "briefs").mkdir(parents=True)
    shutil.copytree(root / "many" / "seeds", alone / "seeds")
    shutil.copy(target, alone / "briefs" / target.name)
    singles, edits = [], []
    for run in range(max(3, repeat)):  # interleaved, so that drift in the machine's load hits both
        shutil.rmtree(alone / "build", ignore_errors=True)
        singles.append(timed(command, alone))
        target.write_text(target.read_text(encoding="utf-8") + f"# edit {run}\n", encoding="utf-8")
        edits.append(timed(command, root / "many"))
    single, edit = median(singles), median(edits)
    show(f"cold build of a workspace of that one brief, -f {formats}", single)
    show(
        f"rebuild after editing 1 of {count}",
        edit,
        note=f"= {edit / single:.2f}x the one-brief build (target <= 1.2)",
    )


if __name__ == "__main__":
    main()
