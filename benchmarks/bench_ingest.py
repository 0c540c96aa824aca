"""Ingest speed on the five seeds against a bare decode-and-split baseline."""

from __future__ import annotations

import time
from pathlib import Path

from summarizer.ingest import load_article

SEEDS = sorted(
    (Path(__file__).parent.parent / "evals" / "datasets" / "seeds" / "articles").glob("*.txt")
)
ROUNDS = 200


def timed(function: object, rounds: int = ROUNDS) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for path in SEEDS:
            function(path.read_bytes())  # type: ignore[operator]
    return (time.perf_counter() - start) / (rounds * len(SEEDS))


def baseline(data: bytes) -> list[str]:
    return [line for line in data.decode("utf-8").splitlines() if line.strip()]


def main() -> None:
    load_article(SEEDS[0])  # warm up: imports, OpenCC dictionaries
    per_article = timed(lambda data: load_article(data, name="seed"))
    per_baseline = timed(baseline)
    paragraphs = sum(len(load_article(p).paragraphs) for p in SEEDS)
    print(
        f"ingest: {per_article * 1000:.2f} ms per article ({paragraphs / len(SEEDS) / per_article:,.0f} paragraphs/s)"
    )
    print(
        f"baseline decode+split: {per_baseline * 1000:.3f} ms per article; ingest/baseline = {per_article / per_baseline:.0f}x"
    )
    print(
        f"target 5 ms per article: {'met' if per_article < 0.005 else 'NOT met'} (ratio to target {per_article / 0.005:.2f})"
    )


if __name__ == "__main__":
    main()
