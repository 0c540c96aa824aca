"""Batch jobs for the HTTP service: state on disk, so a job survives a server restart.

A job is a folder ``<root>/<id>/`` holding ``items.jsonl`` (the submitted articles),
``results.jsonl`` (the batch runner's append-only output) and ``job.json`` (model, target,
state, and the counts once it has ended). On start the service resumes every job that is not
finished; the response cache makes sure nothing already done is computed again. A status poll
costs the same for ten articles or ten thousand: a running job is counted from its live results
file, an ended one from ``job.json``.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.batch.engine import BatchEngine
from summarizer.batch.inputs import BatchItem, discover_items
from summarizer.batch.results import ResultsFile
from summarizer.config import Settings


@dataclass(frozen=True)
class JobStatus:
    id: str
    state: str
    total: int
    done: int
    failed: int
    model: str
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "total": self.total,
            "done": self.done,
            "failed": self.failed,
            "model": self.model,
            "error": self.error,
        }


class JobStore:
    """Creates, runs (one background thread per job, on ``engine``) and reports batch jobs."""

    def __init__(self, root: Path, settings: Settings, engine: BatchEngine):
        self.root = root
        self.settings = settings
        self.engine = engine
        self._lock = threading.Lock()
        self._threads: dict[str, threading.Thread] = {}
        self._running: dict[str, ResultsFile] = {}
        root.mkdir(parents=True, exist_ok=True)

    def _dir(self, job_id: str) -> Path:
        return self.root / job_id

    def exists(self, job_id: str) -> bool:
        return job_id.isalnum() and (self._dir(job_id) / "job.json").is_file()

    def create(self, items: list[dict[str, Any]], model: str, target: str | None) -> str:
        job_id = uuid.uuid4().hex
        folder = self._dir(job_id)
        folder.mkdir()
        with (folder / "items.jsonl").open("w", encoding="utf-8") as handle:
            for item in items:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        self._write_meta(
            job_id,
            {
                "model": model,
                "target": target,
                "state": "queued",
                "error": None,
                "total": len(items),
            },
        )
        self.start(job_id)
        return job_id

    def _meta(self, job_id: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self._dir(job_id) / "job.json").read_text(encoding="utf-8")
        )
        return data

    def _write_meta(self, job_id: str, meta: dict[str, Any]) -> None:
        path = self._dir(job_id) / "job.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(meta), encoding="utf-8")
        temporary.replace(path)

    def start(self, job_id: str) -> None:
        with self._lock:
            thread = self._threads.get(job_id)
            if thread is not None and thread.is_alive():
                return
            thread = threading.Thread(
                target=self._run, args=(job_id,), daemon=True, name=f"job-{job_id}"
            )
            self._threads[job_id] = thread
            thread.start()

    def resume_all(self) -> list[str]:
        """Restart every job that was queued or running when the service stopped."""
        resumed = []
        for folder in sorted(self.root.iterdir()):
            if (folder / "job.json").is_file() and self._meta(folder.name)["state"] in (
                "queued",
                "running",
            ):
                self.start(folder.name)
                resumed.append(folder.name)
        return resumed

    def _run(self, job_id: str) -> None:
        meta = self._meta(job_id)
        meta.update(state="running")
        self._write_meta(job_id, meta)
        settings = self.settings.with_overrides(model=meta["model"])
        folder = self._dir(job_id)
        results = ResultsFile(folder / "results.jsonl")
        self._running[job_id] = results
        try:
            items: list[BatchItem] = discover_items(str(folder / "items.jsonl"))
            self.engine.run(items, results, settings, target=meta["target"])
            meta.update(state="done")
        except Exception as exc:  # a failed job is reported through its status, never lost
            meta.update(state="failed", error=f"{type(exc).__name__}: {exc}")
        finally:
            results.close()
        meta["done"], meta["failed"] = results.counts()
        self._write_meta(job_id, meta)
        self._running.pop(job_id, None)

    def status(self, job_id: str) -> JobStatus:
        meta = self._meta(job_id)
        live = self._running.get(job_id)
        if live is not None:
            done, failed = live.counts()
        elif "done" in meta:
            done, failed = meta["done"], meta["failed"]
        else:  # queued, or left running by a server that stopped: read the file once
            done, failed = self._count_file(job_id)
        total = meta.get("total")
        if total is None:  # a job created before totals were stored
            items = self._dir(job_id) / "items.jsonl"
            total = sum(1 for line in items.open(encoding="utf-8") if line.strip())
        return JobStatus(
            job_id, meta["state"], total, done, failed, meta["model"], meta.get("error")
        )

    def _count_file(self, job_id: str) -> tuple[int, int]:
        statuses: dict[str, str] = {}
        results = self.results_path(job_id)
        if results.exists():
            for line in results.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(record, dict) and "id" in record:
                    statuses[str(record["id"])] = str(record.get("status"))
        values = list(statuses.values())
        return values.count("ok"), values.count("error")

    def results_path(self, job_id: str) -> Path:
        return self._dir(job_id) / "results.jsonl"
