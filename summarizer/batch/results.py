"""The append-only JSONL of a batch and its running totals.

The output file is the only state. Each record (a brief, or an error with the stage that failed)
is written as one line and flushed, so a run killed at any moment leaves at most a torn last
line; the next run drops it, skips every id already recorded and does the rest.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.errors import InputError


@dataclass
class BatchTotals:
    total: int = 0
    skipped: int = 0
    done: int = 0
    failed: int = 0
    calls: int = 0
    cached_calls: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    started: float = field(default_factory=time.perf_counter)

    def add(self, record: dict[str, Any]) -> None:
        if record["status"] == "ok":
            self.done += 1
            meta = record["brief"]["meta"]
            self.calls += meta["calls"]
            self.cached_calls += meta["cached_calls"]
            self.tokens += meta["prompt_tokens"] + meta["completion_tokens"]
            self.cost_usd += meta["cost_usd"] or 0.0
        else:
            self.failed += 1

    def summary(self) -> str:
        """Counts without rates: what a progress bar shows beside itself."""
        return (
            f"{self.done} ok, {self.failed} failed, {self.skipped} skipped · "
            f"{self.cached_calls}/{self.calls} calls cached · {self.tokens} tokens"
        )

    def line(self) -> str:
        if self.total == self.skipped:
            return f"nothing to do: all {self.total} articles already recorded"
        elapsed = time.perf_counter() - self.started
        finished = self.done + self.failed
        rate = finished / elapsed if elapsed > 0 else 0.0
        todo = self.total - self.skipped - finished
        eta = f"{todo / rate:.0f}s" if rate > 0 else "?"
        return (
            f"{finished}/{self.total - self.skipped} ({self.done} ok, {self.failed} failed, "
            f"{self.skipped} skipped) · {self.cached_calls}/{self.calls} calls cached · "
            f"{rate:.1f}/s · ETA {eta} · {self.tokens} tokens · ${self.cost_usd:.4f}"
        )


class ResultsFile:
    """The append-only JSONL output: read back ids on start, append whole lines under a lock."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self.records: dict[str, str] = {}  # id -> status of its last record
        path.parent.mkdir(parents=True, exist_ok=True)
        self._owner = OutputLock(path)  # before reading: a second writer fails here, at once
        if path.exists():
            self._recover()
        self._handle = path.open("a", encoding="utf-8")

    def _recover(self) -> None:
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a torn last line from a killed run: drop it
            with self.path.open("r+b") as handle:
                handle.truncate(end)
        for line in data[:end].decode("utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and "id" in record:
                self.records[str(record["id"])] = str(record.get("status"))

    def drop_failed(self) -> None:
        """Rewrite the file without error records, so retried ids end up recorded once."""
        with self._lock:
            self._handle.close()
            kept = []
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    if json.loads(line).get("status") == "error":
                        continue
                except (json.JSONDecodeError, AttributeError):
                    continue
                kept.append(line + "\n")
            temporary = self.path.with_suffix(self.path.suffix + ".tmp")
            temporary.write_text("".join(kept), encoding="utf-8")
            os.replace(temporary, self.path)
            self.records = {k: v for k, v in self.records.items() if v != "error"}
            self._handle = self.path.open("a", encoding="utf-8")

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self._handle.write(line)
            self._handle.flush()
            self.records[str(record["id"])] = str(record["status"])

    def counts(self) -> tuple[int, int]:
        """How many ids are recorded as done and as failed (each id by its last record)."""
        with self._lock:
            statuses = list(self.records.values())
        return statuses.count("ok"), statuses.count("error")

    def close(self) -> None:
        self._handle.close()
        self._owner.release()


class OutputLock:
    """An exclusive lock on a results file (``<file>.lock``, flock): one writer per output, across
    processes. The lock file holds the owner's pid; the kernel drops the lock if it dies.

    Raises:
        InputError: another process holds the lock (its pid is named).
    """

    def __init__(self, output: Path):
        import fcntl

        self.path = output.with_name(output.name + ".lock")
        self._handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._handle.seek(0)
            holder = self._handle.read().strip() or "unknown"
            self._handle.close()
            raise InputError(
                f"{output}: another batch (pid {holder}) is writing this output; wait for it "
                "or choose another -o"
            ) from None
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(str(os.getpid()))
        self._handle.flush()

    def release(self) -> None:
        if not self._handle.closed:
            self._handle.close()  # closing the descriptor releases the flock
