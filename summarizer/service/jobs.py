"""Batch jobs for the HTTP service: state on disk, so a job survives a server restart.

A job is a folder ``<root>/<id>/`` holding ``items.jsonl`` (the submitted articles),
``results.jsonl`` (the batch runner's append-only output) and ``job.json`` (model, target,
state, and the counts once it has ended). On start the service resumes every job that is not
finished; the response cache makes sure nothing already done is computed again. A status poll
costs the same for ten articles or ten thousand: a running job is counted from its live results
file, an ended one from ``job.json``.

Bounds: at most ``max_running`` jobs run at once (a new one beyond that is refused with
``JobLimitError``; resumed ones wait their turn), each has a deadline, and a job can be
cancelled. A job folder whose ``job.json`` cannot be read is moved to ``quarantine/`` and named
in the log; the service starts regardless.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from summarizer.batch.engine import BatchEngine
from summarizer.batch.inputs import BatchItem, discover_items
from summarizer.batch.results import ResultsFile
from summarizer.config import Settings
from summarizer.errors import SummarizerError

log = logging.getLogger(__name__)
ACTIVE = ("queued", "running")
DEFAULT_MAX_RUNNING = 4
DEFAULT_DEADLINE_S = 6 * 3600.0


class JobLimitError(SummarizerError):
    """As many jobs as the service runs at once are running already."""


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
        return asdict(self)


class JobStore:
    """Creates, runs (one background thread per job, on ``engine``), cancels and reports jobs."""

    def __init__(
        self,
        root: Path,
        settings: Settings,
        engine: BatchEngine,
        *,
        max_running: int = DEFAULT_MAX_RUNNING,
        deadline_s: float = DEFAULT_DEADLINE_S,
    ):
        self.root = root
        self.settings = settings
        self.engine = engine
        self.max_running = max_running
        self.deadline_s = deadline_s
        self._lock = threading.Lock()
        self._threads: dict[str, threading.Thread] = {}
        self._running: dict[str, ResultsFile] = {}
        self._stops: dict[str, threading.Event] = {}
        self._waiting: list[str] = []  # resumed jobs beyond the cap, in order
        root.mkdir(parents=True, exist_ok=True)

    def _dir(self, job_id: str) -> Path:
        return self.root / job_id

    def exists(self, job_id: str) -> bool:
        return job_id.isalnum() and (self._dir(job_id) / "job.json").is_file()

    def running_count(self) -> int:
        with self._lock:
            return sum(thread.is_alive() for thread in self._threads.values())

    def create(self, items: list[dict[str, Any]], model: str, target: str | None) -> str:
        """Store a new job and start it.

        Raises:
            JobLimitError: ``max_running`` jobs are running already.
        """
        if self.running_count() >= self.max_running:
            raise JobLimitError(
                f"{self.max_running} batch jobs are running, the most this server runs at once"
            )
        job_id = uuid.uuid4().hex
        folder = self._dir(job_id)
        folder.mkdir()
        with (folder / "items.jsonl").open("w", encoding="utf-8") as handle:
            for item in items:
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        meta = {"model": model, "target": target, "state": "queued", "error": None}
        self._write_meta(job_id, {**meta, "total": len(items)})
        self.start(job_id)
        return job_id

    def _meta(self, job_id: str) -> dict[str, Any]:
        data = json.loads((self._dir(job_id) / "job.json").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "state" not in data or "model" not in data:
            raise ValueError("job.json lacks its state or model")
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
            self._stops[job_id] = threading.Event()
            thread = threading.Thread(
                target=self._run, args=(job_id,), daemon=True, name=f"job-{job_id}"
            )
            self._threads[job_id] = thread
            thread.start()

    def resume_all(self) -> list[str]:
        """Restart the jobs that were queued or running when the service stopped (up to the
        cap; the rest start as others end). Unreadable job folders are quarantined."""
        resumed = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            if folder.name == "quarantine" or not (folder / "job.json").exists():
                continue
            try:
                state = self._meta(folder.name)["state"]
            except (OSError, ValueError) as exc:
                self._quarantine(folder, exc)
                continue
            if state in ACTIVE:
                resumed.append(folder.name)
        for job_id in resumed:
            if self.running_count() < self.max_running:
                self.start(job_id)
            else:
                self._waiting.append(job_id)
        return resumed

    def _quarantine(self, folder: Path, problem: BaseException) -> None:
        target = self.root / "quarantine" / folder.name
        target.parent.mkdir(exist_ok=True)
        shutil.move(str(folder), str(target))
        log.warning(
            "batch job %s quarantined to %s: its job.json is unreadable (%s)",
            folder.name,
            target,
            str(problem).splitlines()[0] if str(problem) else type(problem).__name__,
        )

    def cancel(self, job_id: str) -> JobStatus:
        """Stop a job: no new article starts; the records written so far are kept, and the
        articles in flight are dropped unrecorded."""
        meta = self._meta(job_id)
        if meta["state"] in ACTIVE:
            meta.update(state="cancelled", error="cancelled by a client")
            self._write_meta(job_id, meta)
            stop = self._stops.get(job_id)
            if stop is not None:
                stop.set()
            with self._lock:
                if job_id in self._waiting:
                    self._waiting.remove(job_id)
        return self.status(job_id)

    def _run(self, job_id: str) -> None:
        meta = self._meta(job_id)
        if meta["state"] not in ACTIVE:
            return
        meta.update(state="running")
        self._write_meta(job_id, meta)
        settings = self.settings.with_overrides(model=meta["model"])
        folder = self._dir(job_id)
        stop = self._stops[job_id]
        deadline = threading.Timer(self.deadline_s, stop.set)
        deadline.daemon = True
        deadline.start()
        results = ResultsFile(folder / "results.jsonl")
        self._running[job_id] = results
        try:
            items: list[BatchItem] = discover_items(str(folder / "items.jsonl"))
            self.engine.run(items, results, settings, target=meta["target"], stop=stop)
            if not stop.is_set():
                meta.update(state="done")
            elif self._meta(job_id)["state"] == "cancelled":
                meta.update(state="cancelled", error="cancelled by a client")
            else:
                meta.update(state="failed", error=f"deadline of {self.deadline_s:.0f} s passed")
        except Exception as exc:  # a failed job is reported through its status, never lost
            meta.update(state="failed", error=f"{type(exc).__name__}: {exc}")
        finally:
            deadline.cancel()
            results.close()
        meta["done"], meta["failed"] = results.counts()
        self._write_meta(job_id, meta)
        self._running.pop(job_id, None)
        self._start_waiting()

    def _start_waiting(self) -> None:
        with self._lock:
            next_job = self._waiting.pop(0) if self._waiting else None
        if next_job is not None:
            self.start(next_job)

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
