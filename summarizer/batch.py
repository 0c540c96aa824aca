"""Many articles: concurrency, resume, an append-only JSONL of whole records, progress.

The output file is the only state. Each record (a brief, or an error with the stage that failed)
is written as one line and flushed, so a run killed at any moment leaves at most a torn last
line; the next run drops it, skips every id already recorded and does the rest.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.backends.base import Backend
from summarizer.batch_inputs import BatchItem
from summarizer.config import Settings
from summarizer.errors import SummarizerError
from summarizer.redact import redact
from summarizer.tasks.brief import make_brief


def default_concurrency(model: str) -> int:
    """A local model runs one article at a time (one llama.cpp context); providers take more."""
    if model.startswith("local/"):
        return 1
    return 8


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

    def line(self) -> str:
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
        if path.exists():
            self._recover()
        path.parent.mkdir(parents=True, exist_ok=True)
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


def run_item(
    item: BatchItem, backend: Backend, settings: Settings, target: str | None
) -> dict[str, Any]:
    """One article to one record; every failure becomes an error record, never an exception."""
    stage = "ingest"

    def track(step: str, done: int, total: int) -> None:
        nonlocal stage
        stage = step

    try:
        article = item.load(settings.max_input_bytes)
        brief = make_brief(
            article,
            backend,
            model=settings.model,
            settings=settings,
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


def keep_record(
    record: dict[str, Any],
    results: ResultsFile,
    totals: BatchTotals,
    on_record: Callable[[BatchTotals], None] | None,
) -> None:
    """The driver's one way to finish an article: append the record whole, count it, report."""
    results.append(record)
    totals.add(record)
    if on_record is not None:
        on_record(totals)


def run_batch(
    items: list[BatchItem],
    results: ResultsFile,
    backend: Backend,
    settings: Settings,
    *,
    concurrency: int,
    target: str | None = None,
    retry_failed: bool = False,
    on_record: Callable[[BatchTotals], None] | None = None,
) -> BatchTotals:
    """Run every item not yet recorded; returns the totals of this run."""
    if retry_failed:
        results.drop_failed()
    todo = [item for item in items if item.id not in results.records]
    totals = BatchTotals(total=len(items), skipped=len(items) - len(todo))
    pending: set[Future[dict[str, Any]]] = set()
    queue = iter(todo)
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        # Submit lazily (a bounded window), so a huge batch does not queue every article at once.
        for item in queue:
            pending.add(pool.submit(run_item, item, backend, settings, target))
            if len(pending) >= concurrency * 2:
                break
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                keep_record(future.result(), results, totals, on_record)
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(pool.submit(run_item, nxt, backend, settings, target))
    return totals


@dataclass(frozen=True)
class Estimate:
    articles: int
    unreadable: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None


def estimate_batch(items: list[BatchItem], settings: Settings) -> Estimate:
    """Tokens and cost of a batch, from the cleaned articles and the pipeline's call pattern.

    Per article: a translation call per chunk (Chinese only; prompt overhead about 450 tokens,
    about one English token out per source token), then a summary and a stance call over the
    English (about 450 tokens of instructions each; about 700 and 300 tokens out).
    """
    from summarizer.ingest import chunk_paragraphs, estimate_tokens

    prompt = completion = unreadable = 0
    for item in items:
        try:
            article = item.load(settings.max_input_bytes)
        except SummarizerError:
            unreadable += 1
            continue
        source_tokens = sum(estimate_tokens(p.text) for p in article.paragraphs)
        english_tokens = source_tokens
        if article.language in ("zh", "mixed"):
            chunks = chunk_paragraphs(article.paragraphs, settings.translate_chunk_tokens)
            prompt += source_tokens + 450 * len(chunks)
            completion += source_tokens
        prompt += 2 * (english_tokens + 450)
        completion += 700 + 300
    return Estimate(
        len(items), unreadable, prompt, completion, _price(settings.model, prompt, completion)
    )


def _price(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    if model.startswith(("local/", "fake")):
        return 0.0
    from summarizer.backends.litellm_backend import load_litellm

    litellm = load_litellm(Path(os.devnull))
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
        )
    except Exception:  # litellm raises many types for models it has no price for
        return None
    return float(prompt_cost + completion_cost)
