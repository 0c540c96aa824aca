"""Batch targets: pipeline overhead per article, concurrency efficiency, cached CLI latency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from summarizer.backends import FakeBackend, Request
from summarizer.batch.engine import ThreadEngine
from summarizer.batch.inputs import BatchItem, discover_items
from summarizer.batch.results import ResultsFile
from summarizer.config import Settings
from summarizer.demo import demo_reply
from summarizer.grounding.checks import glossary_problems, number_problems
from summarizer.grounding.numbers import extract_quantities
from summarizer.grounding.people import people_in
from summarizer.grounding.places import place_named, places_in
from summarizer.ingest import load_article
from summarizer.ingest.injection import find_instructions, may_give_orders
from summarizer.tasks.brief import make_brief

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "evals" / "datasets" / "seeds" / "articles"


def forget_checks() -> None:
    for cached in (
        extract_quantities,
        glossary_problems,
        number_problems,
        find_instructions,
        may_give_orders,
        people_in,
        places_in,
        place_named,
    ):
        cached.cache_clear()


def overhead_per_article(rounds: int = 40) -> None:
    """Everything but the model: the fake's replies are computed once, then served from a dict."""
    settings = Settings(no_cache=True)
    articles = [item.load(settings.max_input_bytes) for item in discover_items(str(SEEDS))]
    replies: dict[str, str] = {}

    def zero_cost(request: Request) -> str:
        key = json.dumps([request.prompt, request.messages])
        if key not in replies:
            replies[key] = demo_reply(request)
        return replies[key]

    backend = FakeBackend(responder=zero_cost)
    for article in articles:  # warm-up: fills the reply table
        make_brief(article, backend, model="fake")
    start = time.perf_counter()
    for _ in range(rounds):
        for article in articles:
            forget_checks()  # every article is new in a real batch: no help from earlier rounds
            make_brief(article, backend, model="fake")
    total = (time.perf_counter() - start) / (rounds * len(articles))
    # Baseline in the same run: the same calls to the zero-cost backend, without the pipeline.
    calls = backend.history[len(backend.history) - len(backend.history) // (rounds + 1) :]
    start = time.perf_counter()
    for _ in range(rounds):
        for request in calls:
            backend.complete(request)
    backend_only = (time.perf_counter() - start) / (rounds * len(articles))
    pipeline = total - backend_only
    print(
        f"pipeline overhead: {pipeline * 1000:.2f} ms per article (zero-cost backend {backend_only * 1000:.2f} ms; "
        f"total {total * 1000:.2f} ms); target 2 ms: ratio {pipeline / 0.002:.2f}"
    )


def concurrency_efficiency(articles: int = 200, jobs: int = 16, latency: float = 0.2) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        items = [
            BatchItem(
                id=f"a{i}",
                text=f"Nvidia sold {i + 1} chips in China on Monday, analysts said.\nThe US rules changed.",
            )
            for i in range(articles)
        ]
        settings = Settings(no_cache=True, model=f"fake?latency={latency}")
        results = ResultsFile(Path(tmp) / "out.jsonl")
        start = time.perf_counter()
        totals = ThreadEngine(jobs).run(items, results, settings)
        elapsed = time.perf_counter() - start
        results.close()
    ideal = totals.calls * latency / jobs
    print(
        f"concurrency: {totals.calls} calls of {latency}s with -j {jobs} took {elapsed:.2f}s, ideal {ideal:.2f}s: "
        f"{ideal / elapsed:.1%} of ideal throughput (target 90%)"
    )


def cached_cli(runs: int = 5) -> None:
    env = {**os.environ}
    with tempfile.TemporaryDirectory() as tmp:
        env["SUMMARIZER_CACHE_DIR"] = tmp
        article = SEEDS / "004_9c5a0bfbd1693256.txt"
        model = os.environ.get("BENCH_MODEL", "fake")
        subprocess.run(
            [sys.executable, "-m", "summarizer", "brief", str(article), "-m", model],
            env=env,
            check=True,
            capture_output=True,
        )

        def best(cmd: list[str]) -> float:
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run(cmd, env=env, check=True, capture_output=True)
                times.append(time.perf_counter() - start)
            return min(times)

        cached = best([sys.executable, "-m", "summarizer", "brief", str(article), "-m", model])
        startup = best([sys.executable, "-m", "summarizer", "--version"])
    print(
        f"cached brief CLI ({model}): {cached:.3f}s (bare CLI start {startup:.3f}s, ratio {cached / startup:.2f}); target 0.5 s"
    )


def main() -> None:
    load_article(SEEDS / "003_7f58210351aa826e.txt")  # warm imports
    overhead_per_article()
    concurrency_efficiency()
    cached_cli()


if __name__ == "__main__":
    main()
