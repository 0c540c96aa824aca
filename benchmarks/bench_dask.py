"""Throughput of the local runner against Dask (two workers) with 0.2 s simulated latency, each as
a share of the ideal (16 calls in flight, 0.2 s each), measured in one run."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from summarizer.batch.dask_engine import DaskEngine
from summarizer.batch.engine import ThreadEngine
from summarizer.batch.inputs import BatchItem
from summarizer.batch.results import ResultsFile
from summarizer.config import Settings

ARTICLES, LATENCY, IN_FLIGHT = 200, 0.2, 16


def items() -> list[BatchItem]:
    return [
        BatchItem(
            id=f"a{i}",
            text=f"Nvidia sold {i + 1} chips in China on Monday, analysts said.\nThe US rules changed.",
        )
        for i in range(ARTICLES)
    ]


def main() -> None:
    from distributed import LocalCluster

    settings = Settings(no_cache=True, model=f"fake?latency={LATENCY}")
    with tempfile.TemporaryDirectory() as tmp:
        results = ResultsFile(Path(tmp) / "local.jsonl")
        start = time.perf_counter()
        local = ThreadEngine(IN_FLIGHT).run(items(), results, settings)
        local_s = time.perf_counter() - start
        results.close()

        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=IN_FLIGHT // 2,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.WARNING,
        )
        try:
            results = ResultsFile(Path(tmp) / "dask.jsonl")
            start = time.perf_counter()
            engine = DaskEngine(address=cluster.scheduler_address)
            dask = engine.run(items(), results, settings)
            engine.close()
            dask_s = time.perf_counter() - start
            results.close()
        finally:
            cluster.close()
    for name, totals, seconds in (("local -j 16", local, local_s), ("dask 2x8", dask, dask_s)):
        ideal = totals.calls * LATENCY / IN_FLIGHT
        print(
            f"{name}: {totals.calls} calls in {seconds:.2f}s, ideal {ideal:.2f}s: {ideal / seconds:.1%} of ideal (target 90%)"
        )


if __name__ == "__main__":
    main()
