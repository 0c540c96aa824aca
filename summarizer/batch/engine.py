"""How a batch runs: one article to one record (``run_item``), and the ``BatchEngine`` interface
that the thread pool here and the Dask engine both implement, for the CLI and the service alike.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol

from summarizer.backends.base import Backend
from summarizer.batch.inputs import BatchItem
from summarizer.batch.results import BatchTotals, ResultsFile
from summarizer.config import Settings
from summarizer.errors import SummarizerError
from summarizer.redact import redact
from summarizer.tasks.brief import make_brief
from summarizer.tasks.options import PipelineOptions

OnRecord = Callable[[BatchTotals], None]
STOP_POLL_S = 0.5


class BatchEngine(Protocol):
    """Runs every item not yet recorded in ``results`` with ``settings`` (model, limits, cache);
    returns the totals of this run. One engine can run many batches, one after another or at
    once (the service's jobs); ``close`` releases what it holds (a cluster)."""

    def run(
        self,
        items: list[BatchItem],
        results: ResultsFile,
        settings: Settings,
        *,
        target: str | None = None,
        retry_failed: bool = False,
        on_record: OnRecord | None = None,
        stop: threading.Event | None = None,
    ) -> BatchTotals: ...

    def close(self) -> None: ...


def run_item(
    item: BatchItem, backend: Backend, settings: Settings, target: str | None
) -> dict[str, Any]:
    """One article to one record; every failure becomes an error record, never an exception."""
    stage = "ingest"

    def track(step: str, done: int, total: int) -> None:
        nonlocal stage
        stage = step

    try:
        article = item.load(
            settings.max_input_bytes, allow_private_urls=settings.allow_private_urls
        )
        brief = make_brief(
            article,
            backend,
            model=settings.model,
            options=PipelineOptions.from_settings(settings),
            target=target,
            on_progress=track,
        )
    except SummarizerError as exc:
        return {"id": item.id, "status": "error", "stage": stage, "error": redact(str(exc))}
    except Exception as exc:  # a bug must not cost the rest of the batch its results
        return {
            "id": item.id,
            "status": "error",
            "stage": stage,
            "error": redact(f"internal error: {type(exc).__name__}: {exc}"),
        }
    return {"id": item.id, "status": "ok", "brief": json.loads(brief.model_dump_json())}


def start_run(
    items: list[BatchItem], results: ResultsFile, retry_failed: bool
) -> tuple[Iterator[BatchItem], BatchTotals]:
    """The items this run must do (those not yet recorded, in order) and its empty totals."""
    if retry_failed:
        results.drop_failed()
    todo = [item for item in items if item.id not in results.records]
    return iter(todo), BatchTotals(total=len(items), skipped=len(items) - len(todo))


def keep_record(
    record: dict[str, Any],
    results: ResultsFile,
    totals: BatchTotals,
    on_record: OnRecord | None,
) -> None:
    """The driver's one way to finish an article: append the record whole, count it, report."""
    results.append(record)
    totals.add(record)
    if on_record is not None:
        on_record(totals)


class ThreadEngine:
    """A bounded thread pool in this process, one pool per run.

    Args:
        concurrency: articles in flight; default: what the backend's capabilities say.
        backend_for: the backend for a run's settings (default: ``make_backend``; the service
            passes its own, which shares backends and the result cache between requests).
    """

    def __init__(
        self,
        concurrency: int | None = None,
        backend_for: Callable[[Settings], Backend] | None = None,
    ):
        self.concurrency = concurrency
        self.backend_for = backend_for

    def run(
        self,
        items: list[BatchItem],
        results: ResultsFile,
        settings: Settings,
        *,
        target: str | None = None,
        retry_failed: bool = False,
        on_record: OnRecord | None = None,
        stop: threading.Event | None = None,
    ) -> BatchTotals:
        """Run the batch; once ``stop`` is set no article starts and the run returns without
        waiting for the ones in flight: they are not recorded, so a rerun does them."""
        if self.backend_for is not None:
            backend = self.backend_for(settings)
        else:
            from summarizer.factory import make_backend

            backend = make_backend(settings)
        concurrency = max(1, self.concurrency or backend.capabilities.max_concurrency)
        queue, totals = start_run(items, results, retry_failed)
        pending: set[Future[dict[str, Any]]] = set()
        pool = ThreadPoolExecutor(max_workers=concurrency)
        stopped = False

        def submit_next() -> None:
            item = next(queue, None)
            if item is not None:
                pending.add(pool.submit(run_item, item, backend, settings, target))

        try:
            # Submit lazily (a bounded window), so a huge batch does not queue every article.
            for _ in range(concurrency * 2):
                submit_next()
            while pending and not stopped:
                # With a stop signal, look at it twice a second even while nothing finishes.
                finished, pending = wait(
                    pending, timeout=STOP_POLL_S if stop else None, return_when=FIRST_COMPLETED
                )
                for future in finished:
                    keep_record(future.result(), results, totals, on_record)
                stopped = stop is not None and stop.is_set()
                for _ in finished if not stopped else ():
                    submit_next()
        finally:
            pool.shutdown(wait=not stopped, cancel_futures=True)
        return totals

    def close(self) -> None:
        """Nothing to release: each run's pool ends with the run."""


def make_engine(
    engine: str = "threads", *, address: str | None = None, concurrency: int | None = None
) -> BatchEngine:
    """The engine ``engine`` names: ``threads`` (in this process) or ``dask`` (a cluster at
    ``address``, or a local one on 127.0.0.1)."""
    if engine == "dask":
        from summarizer.batch.dask_engine import DaskEngine

        return DaskEngine(address=address)
    return ThreadEngine(concurrency)
