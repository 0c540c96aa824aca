"""What a batch reads: a directory of articles, a glob, or a JSONL file of
``{"id": ..., "text" | "path" | "html" | "url": ...}`` records. Each item loads lazily, so one bad
article becomes one error record instead of stopping the batch."""

from __future__ import annotations

import glob
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import InputError, InputTooLargeError
from summarizer.fetch import load_url
from summarizer.ingest import article_from_text, load_article
from summarizer.schemas import Article

ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm", ".text", ""}


@dataclass(frozen=True)
class BatchItem:
    id: str
    path: Path | None = None
    text: str | None = None
    html: bool = False
    url: str | None = None
    problem: str | None = None  # a malformed JSONL record: reported as this item's error

    def load(self, max_bytes: int, *, allow_private_urls: bool = False) -> Article:
        if self.problem is not None:
            raise InputError(f"{self.id}: {self.problem}")
        if self.url is not None:
            try:
                return load_url(self.url, max_bytes=max_bytes, allow_private=allow_private_urls)
            except InputError as exc:
                raise type(exc)(f"{self.id}: {exc}") from None
        if self.path is not None:
            return load_article(self.path, name=self.id, max_bytes=max_bytes)
        text = self.text or ""
        if len(text.encode("utf-8", errors="replace")) > max_bytes:
            raise InputTooLargeError(f"{self.id}: input is over the {max_bytes:,}-byte limit")
        return article_from_text(text, name=self.id, html=True if self.html else None)


def _from_jsonl(path: Path) -> Iterator[BatchItem]:
    base = path.parent
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            fallback = f"{path.name}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield BatchItem(id=fallback, problem=f"line {number} is not valid JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                yield BatchItem(id=fallback, problem=f"line {number} is not a JSON object")
                continue
            item_id = str(record.get("id") or fallback)
            if isinstance(record.get("text"), str):
                yield BatchItem(id=item_id, text=record["text"])
            elif isinstance(record.get("html"), str):
                yield BatchItem(id=item_id, text=record["html"], html=True)
            elif isinstance(record.get("path"), str):
                yield BatchItem(id=item_id, path=(base / record["path"]).resolve())
            elif isinstance(record.get("url"), str):
                yield BatchItem(id=item_id, url=record["url"])
            else:
                yield BatchItem(
                    id=item_id, problem='record has none of "text", "html", "path" or "url"'
                )


def discover_items(source: str) -> list[BatchItem]:
    """The batch's items in a stable order, ids unique.

    Raises:
        InputError: nothing matches, or two items share an id.
    """
    path = Path(source)
    items: list[BatchItem]
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
        )
        items = [BatchItem(id=str(p.relative_to(path)), path=p) for p in files]
    elif path.is_file() and path.suffix.lower() == ".jsonl":
        items = list(_from_jsonl(path))
    elif path.is_file():
        items = [BatchItem(id=path.name, path=path)]
    else:
        files = sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
        items = [BatchItem(id=str(p), path=p) for p in files]
    if not items:
        raise InputError(f"{source}: no articles found (a directory, a glob or a .jsonl file)")
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise InputError(f"{source}: the id {item.id!r} appears twice; ids must be unique")
        seen.add(item.id)
    return items
