"""Batch jobs of the HTTP service, driven through JobStore on the fake backend."""

from __future__ import annotations

import json
import time

from summarizer.batch.engine import ThreadEngine
from summarizer.config import Settings
from summarizer.service.jobs import JobStore


def test_counts_while_running_after_the_end_and_after_a_restart(settings: Settings) -> None:
    root = settings.resolved_cache_dir() / "batches"
    store = JobStore(root, settings.with_overrides(model="fake?latency=0.05"), ThreadEngine())
    items = [{"id": f"a{i}", "text": f"Nvidia sold {i + 1} chips in China."} for i in range(12)]
    items.append({"id": "empty", "text": "   "})
    job_id = store.create(items, "fake?latency=0.05", None)
    seen = []
    deadline = time.monotonic() + 60
    while (status := store.status(job_id)).state not in ("done", "failed"):
        assert time.monotonic() < deadline, "the job did not end within 60 s"
        seen.append(status.done + status.failed)
        time.sleep(0.02)
    assert seen == sorted(seen) and status.total == 13  # progress only grows
    assert (status.state, status.done, status.failed) == ("done", 12, 1)
    meta = json.loads((root / job_id / "job.json").read_text(encoding="utf-8"))
    assert (meta["done"], meta["failed"], meta["total"]) == (12, 1, 13)
    # A new store (a restarted server) reports the ended job from job.json alone.
    (root / job_id / "results.jsonl").write_text("", encoding="utf-8")
    again = JobStore(root, settings, ThreadEngine()).status(job_id)
    assert (again.state, again.done, again.failed, again.total) == ("done", 12, 1, 13)


def test_a_job_without_stored_counts_is_counted_from_its_files(settings: Settings) -> None:
    root = settings.resolved_cache_dir() / "batches"
    folder = root / "0123abcd"
    folder.mkdir(parents=True)
    (folder / "items.jsonl").write_text('{"id": "a", "text": "x"}\n' * 3, encoding="utf-8")
    (folder / "job.json").write_text(
        json.dumps({"model": "fake", "target": None, "state": "done", "error": None}),
        encoding="utf-8",
    )
    records = [
        {"id": "a", "status": "error"},
        {"id": "a", "status": "ok"},  # retried: its last record counts
        {"id": "b", "status": "ok"},
        {"id": "c", "status": "error"},
    ]
    lines = "".join(json.dumps(r) + "\n" for r in records) + '{"id": "d", "sta'  # torn line
    (folder / "results.jsonl").write_text(lines, encoding="utf-8")
    status = JobStore(root, settings, ThreadEngine()).status("0123abcd")
    assert (status.total, status.done, status.failed) == (3, 2, 1)
