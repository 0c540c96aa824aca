"""The batch engine on Dask distributed: the same command and the same output guarantees.

The driver is the only writer of the JSONL output (``ResultsFile``): it submits the articles not
yet recorded and appends each finished record whole. Workers build their backend once per
process and write every model response to the shared cache before returning, so an article
that Dask runs twice (it is at-least-once when a driver dies) costs no second model call.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

from distributed import WorkerPlugin

from summarizer.backends.base import Backend
from summarizer.batch.engine import STOP_POLL_S, OnRecord, keep_record, run_item, start_run
from summarizer.batch.inputs import BatchItem
from summarizer.batch.results import BatchTotals, ResultsFile
from summarizer.config import Settings
from summarizer.factory import capabilities_of

_worker_backends: dict[tuple[str, str | None, str], Backend] = {}
_worker_lock = threading.Lock()


def _worker_backend(settings: Settings) -> Backend:
    """One backend per worker process and model: the local model loads once, the cache opens once."""
    from summarizer.factory import make_backend

    key = (settings.model, settings.cache, str(settings.resolved_cache_dir()))
    with _worker_lock:
        if key not in _worker_backends:
            _worker_backends[key] = make_backend(settings)
        return _worker_backends[key]


def run_remote(item: BatchItem, settings: Settings, target: str | None) -> dict[str, Any]:
    """Runs on a worker: one article to one record (errors become error records)."""
    return run_item(item, _worker_backend(settings), settings, target)


class InProcessModelPlugin(WorkerPlugin):  # type: ignore[misc]  # distributed is untyped
    """A Dask worker plugin that loads an in-process model when the worker starts."""

    name = "summarizer-in-process-model"

    def __init__(self, settings: Settings):
        self.settings = settings

    def setup(self, worker: Any) -> None:
        from summarizer.factory import preload_model

        preload_model(self.settings)

    def teardown(self, worker: Any) -> None:
        from summarizer.factory import release_models

        release_models()


class ProfilerOffPlugin(WorkerPlugin):  # type: ignore[misc]  # distributed is untyped
    """A Dask worker plugin that stops the worker's sampling profiler on Python 3.11.

    The profiler calls ``sys._current_frames()`` every 10 ms. On CPython 3.11 that call can start
    a garbage collection while it holds the interpreter's thread-list lock, and the collection can
    wait on a thread that waits for the GIL the profiler holds: the worker's every thread stops
    for good (CPython issue gh-106883; Dask already keeps its event-loop profiler off on 3.11 for
    the same reason). Seen here on 3.11.7: a batch on a loaded two-core machine hung with its tasks
    "processing" for minutes, every worker thread waiting on the GIL. The profiler feeds only the
    dashboard's profile page.
    """

    name = "summarizer-profiler-off"

    def setup(self, worker: Any) -> None:
        if sys.version_info[:2] != (3, 11):
            return
        for name in ("profile", "profile-cycle"):
            callback = worker.periodic_callbacks.pop(name, None)
            if callback is not None:
                callback.stop()
                logging.getLogger(__name__).info(
                    "stopped the worker's %s callback (CPython 3.11 deadlock, gh-106883)", name
                )


class DaskEngine:
    """Runs batches on a Dask cluster at ``address``, or on a ``LocalCluster`` of two worker
    processes on 127.0.0.1 that it starts on first use and keeps until ``close``."""

    def __init__(self, *, address: str | None = None, window: int = 64):
        self.address = address
        self.window = window
        self._lock = threading.Lock()
        self._cluster: Any = None
        self._client: Any = None

    def _connect(self, settings: Settings) -> Any:
        from distributed import Client, LocalCluster

        with self._lock:
            if self._client is None:
                in_process = capabilities_of(settings.model).in_process
                if self.address is None:
                    import dask

                    # One thread per worker for an in-process model (one context, one call at a
                    # time); many for providers, whose calls wait on the network. No dashboard,
                    # so no sampling profiler either (the workers take this config with them).
                    with dask.config.set({"distributed.worker.profile.enabled": False}):
                        self._cluster = LocalCluster(
                            n_workers=2,
                            threads_per_worker=1 if in_process else 16,
                            host="127.0.0.1",
                            dashboard_address=None,
                            processes=True,
                            silence_logs=logging.WARNING,
                        )
                self._client = Client(self.address or self._cluster)
                self._client.register_plugin(ProfilerOffPlugin())
            return self._client

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
        queue, totals = start_run(items, results, retry_failed)
        client = self._connect(settings)
        if capabilities_of(settings.model).in_process:
            client.register_plugin(InProcessModelPlugin(settings))
        pending: set[Any] = set()

        def submit_next() -> None:
            item = next(queue, None)
            if item is not None:
                pending.add(client.submit(run_remote, item, settings, target, pure=False))

        for _ in range(self.window):
            submit_next()
        while pending:
            done = _first_done(pending, poll=stop is not None)
            for future in done:
                pending.discard(future)
                keep_record(future.result(), results, totals, on_record)
            if stop is not None and stop.is_set():
                client.cancel(list(pending))
                break
            for _ in done:
                submit_next()
        return totals

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
            self._client = self._cluster = None


def _first_done(pending: set[Any], *, poll: bool) -> set[Any]:
    """The futures done once one is; with ``poll``, whatever is done after STOP_POLL_S."""
    from distributed import wait

    try:
        return set(
            wait(
                list(pending), timeout=STOP_POLL_S if poll else None, return_when="FIRST_COMPLETED"
            ).done
        )
    except TimeoutError:
        return set()
