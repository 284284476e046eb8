"""Comparing briefs: prints medians; never run by the test suite.

    python benchmarks/diff_speed.py --claims 200 --repeat 7

Makes two briefs of --claims key claims each from the worked example (every claim's words shuffled
with a seeded generator so no two are alike; the newer brief rewords one claim in ten, moves the
confidence of one in ten, drops five and adds five), then times, as medians of --repeat runs:
`changes.compare` in-process, and the whole `briefgen diff OLD NEW --format json` command. Then
the cost of the "Changes since" section: rendering the superseding brief's HTML and Markdown with
and without the older brief (`prepare(..., previous)`), in one process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from briefgen.changes import compare
from briefgen.config import Config
from briefgen.model import Brief
from briefgen.render.html import render_html
from briefgen.render.markdown import render_markdown
from briefgen.templates import Templates
from briefgen.view import prepare

REPO = Path(__file__).resolve().parent.parent


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def pair(claims: int, seed: int = 5) -> tuple[dict, dict]:
    example = yaml.safe_load((REPO / "briefs" / "putin-alaska-provisions.yaml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    words = " ".join(c["text"] for c in example["key_claims"]).split()
    made = []
    for number in range(claims):
        text = " ".join(rng.sample(words, 24)) + f" (claim {number})"
        made.append(
            {"text": text, "confidence": rng.choice(["low", "moderate", "high"]), "sources": ["article"]}
        )
    old = dict(example, id="old", key_claims=made)
    new_claims = [dict(claim) for claim in made[5:]]
    for index, claim in enumerate(new_claims):
        if index % 10 == 0:
            claim["text"] = claim["text"].replace(" ", "  ", 1) + " Reworded."
        if index % 10 == 5:
            claim["confidence"] = "low" if claim["confidence"] != "low" else "high"
    for number in range(5):
        new_claims.insert(rng.randrange(len(new_claims)), {
            "text": " ".join(rng.sample(words, 24)) + f" (new {number})", "confidence": "low",
            "sources": ["article"],
        })  # fmt: skip
    new = dict(example, id="new", supersedes="old", date="2025-10-17", key_claims=new_claims)
    return old, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    old_data, new_data = pair(args.claims)
    old, new = Brief.model_validate(old_data), Brief.model_validate(new_data)
    changes = compare(old, new)
    print(
        f"{args.claims} claims each: {len(changes.claims_added)} added, "
        f"{len(changes.claims_removed)} removed, {len(changes.claims_reworded)} reworded, "
        f"{len(changes.confidence_moved)} confidence moved"
    )
    print(f"compare() in-process:        {median_ms(lambda: compare(old, new), args.repeat):8.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "briefs").mkdir()
        for name, data in (("old", old_data), ("new", new_data)):
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            (root / "briefs" / f"{name}.yaml").write_text(text, encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "briefgen",
            "diff",
            "briefs/old.yaml",
            "briefs/new.yaml",
            "--format",
            "json",
        ]

        def diff() -> None:
            subprocess.run(command, cwd=root, check=True, capture_output=True)

        print(f"briefgen diff (whole command): {median_ms(diff, args.repeat):6.1f} ms")
    example = Brief.model_validate(
        yaml.safe_load((REPO / "briefs" / "putin-alaska-provisions.yaml").read_text(encoding="utf-8"))
    )
    update = Brief.model_validate(
        yaml.safe_load((REPO / "briefs" / "putin-alaska-provisions-update.yaml").read_text(encoding="utf-8"))
    )
    templates, config = Templates(REPO), Config()

    def render(previous: Brief | None) -> None:
        view = prepare(update, config, REPO, previous)
        render_html(templates, view)
        render_markdown(templates, view)

    render(example)  # warm the template cache
    without = median_ms(lambda: render(None), args.repeat * 3)
    with_changes = median_ms(lambda: render(example), args.repeat * 3)
    print(f"HTML + Markdown of the update, without the older brief: {without:6.1f} ms")
    print(f"HTML + Markdown of the update, with 'Changes since':     {with_changes:6.1f} ms")


if __name__ == "__main__":
    main()
