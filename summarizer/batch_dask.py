"""The batch runner on Dask distributed: the same command and the same output guarantees.

The driver is the only writer of the JSONL output (``ResultsFile``): it submits the articles not
yet recorded and appends each finished record whole. Workers build their backend once per
process and write every model response to the shared cache before returning, so an article
that Dask runs twice (it is at-least-once when a driver dies) costs no second model call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from summarizer.backends.base import Backend
from summarizer.batch import BatchTotals, ResultsFile, keep_record, run_item
from summarizer.batch_inputs import BatchItem
from summarizer.config import Settings

_worker_backends: dict[tuple[str, str | None, str], Backend] = {}
_worker_lock = threading.Lock()


def _worker_backend(settings: Settings) -> Backend:
    """One backend per worker process and model: the local model loads once, the cache opens once."""
    from summarizer.models import make_backend

    key = (settings.model, settings.cache_url, str(settings.resolved_cache_dir()))
    with _worker_lock:
        if key not in _worker_backends:
            _worker_backends[key] = make_backend(settings)
        return _worker_backends[key]


def run_remote(item: BatchItem, settings: Settings, target: str | None) -> dict[str, Any]:
    """Runs on a worker: one article to one record (errors become error records)."""
    return run_item(item, _worker_backend(settings), settings, target)


class LocalModelPlugin:
    """A Dask worker plugin that loads the local model when the worker starts."""

    name = "summarizer-local-model"

    def __init__(self, settings: Settings):
        self.settings = settings

    def setup(self, worker: Any) -> None:
        from summarizer.backends.local import get_local_model

        get_local_model(self.settings.model, self.settings.resolved_cache_dir())

    def teardown(self, worker: Any) -> None:
        from summarizer.backends.local import close_local_models

        close_local_models()


def run_batch_dask(
    items: list[BatchItem],
    results: ResultsFile,
    settings: Settings,
    *,
    address: str | None,
    target: str | None = None,
    retry_failed: bool = False,
    window: int = 64,
    on_record: Callable[[BatchTotals], None] | None = None,
) -> BatchTotals:
    """Run every item not yet recorded on a Dask cluster (a local one on 127.0.0.1 by default)."""
    from distributed import Client, LocalCluster, as_completed

    if retry_failed:
        results.drop_failed()
    todo = [item for item in items if item.id not in results.records]
    totals = BatchTotals(total=len(items), skipped=len(items) - len(todo))
    local_model = settings.model.startswith("local/")
    cluster: Any = None
    if address is None:
        # One thread per worker for llama.cpp (one context, one call at a time); many for providers.
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1 if local_model else 16,
            host="127.0.0.1",
            dashboard_address=None,
            processes=True,
            silence_logs=logging.WARNING,
        )
    client: Any = Client(address or cluster)
    try:
        if local_model:
            client.register_plugin(LocalModelPlugin(settings))
        queue = iter(todo)
        pending: Any = as_completed()
        for item in queue:
            pending.add(client.submit(run_remote, item, settings, target, pure=False))
            if pending.count() >= window:
                break
        for future in pending:
            keep_record(future.result(), results, totals, on_record)
            nxt = next(queue, None)
            if nxt is not None:
                pending.add(client.submit(run_remote, nxt, settings, target, pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return totals
