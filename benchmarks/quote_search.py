"""Quote-search benchmark: prints medians; never run by the test suite.

    python benchmarks/quote_search.py --words 31000 --repeat 7

Builds a source of about --words words from the worked example's article (its paragraphs shuffled,
with one word in eight swapped for another of the article's words, so no window repeats another),
then times, as medians of --repeat runs: normalising the source once (`Article.index`), an exact
find of a verbatim quote, and the closest-passage search `check` runs for each quote it cannot find
(a misquote of 12 words, one of 40 words, and one with `...`). The machine is shared and noisy:
compare figures taken in the same run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from briefgen.sources import Normalised, find_quote

REPO = Path(__file__).resolve().parent.parent
MISQUOTES = {
    "12 words": 'generally assesses the results of the August meeting as "very positive" for Moscow',
    "40 words": (
        "Russian forces would withdraw from the full administrative borders of Donetsk and Luhansk while "
        "Ukraine agreed to recognise the occupied territories, a proposal that the Kremlin framed as a "
        "lasting political settlement rather than a simple ceasefire along the current front line today"
    ),
    "with ...": "lasting political settlement ... a simple ceasefire ... the Kremlin insists",
}


def source_text(words: int, seed: int = 11) -> str:
    article = (REPO / "seeds" / "putin-alaska-summit-dushanbe.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in article.split("\n") if len(p.split()) > 8]
    vocabulary = article.split()
    rng = random.Random(seed)
    out: list[str] = []
    count = 0
    while count < words:
        paragraph = rng.choice(paragraphs).split()
        paragraph = [rng.choice(vocabulary) if rng.random() < 0.125 else w for w in paragraph]
        out.append(" ".join(paragraph))
        count += len(paragraph)
    return "\n\n".join(out)


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=31_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    text = source_text(args.words)
    print(f"source: {len(text.split()):,} words, {len(text):,} characters")
    print(f"normalise once: {median_ms(lambda: Normalised(text), args.repeat):8.1f} ms")
    index = Normalised(text)
    print(
        f"word split:     {median_ms(lambda: Normalised.words.func(index), args.repeat):8.1f} ms"
        "  (once per article, on its first missing quote)"
    )
    verbatim = " ".join(text.split("\n\n")[len(text.split("\n\n")) // 2].split()[:15])
    assert find_quote(verbatim, index).found
    print(f"exact find:     {median_ms(lambda: find_quote(verbatim, index), args.repeat):8.1f} ms")
    for name, quote in MISQUOTES.items():
        match = find_quote(quote, index)
        assert not match.found
        took = median_ms(lambda quote=quote: find_quote(quote, index), args.repeat)
        print(f"closest, {name:9} {took:8.1f} ms  ({round(match.similarity * 100)}% alike)")


if __name__ == "__main__":
    main()
