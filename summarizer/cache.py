"""A response cache around any backend: on disk (diskcache, one machine, the default) or in
Redis (shared by the machines of a Dask cluster). Both keep the same keys and the same rule.

The key is the sha256 of canonical JSON over the model, the output-affecting parameters, the
rendered messages, the prompt id@version and the schema version: a template edit or a new schema
misses, an identical request hits. Only completions and usage are stored, never keys or headers.
A broken or unwritable cache warns once and the run goes on uncached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Protocol

from summarizer.backends.base import Backend, Completion, Request
from summarizer.schemas import SCHEMA_VERSION

log = logging.getLogger(__name__)
_CACHE_ERRORS = (sqlite3.Error, OSError)


def cache_key(request: Request) -> str:
    payload = {
        "model": request.model,
        "params": request.output_params(),
        "messages": list(request.messages),
        "prompt": request.prompt,
        "schema_version": SCHEMA_VERSION,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CacheStore(Protocol):
    """Where completions are kept. Failures never raise: the store disables itself and warns."""

    disabled_reason: str | None

    def get(self, key: str) -> dict[str, Any] | None: ...

    def set(self, key: str, value: dict[str, Any]) -> None: ...

    def stats(self) -> dict[str, Any]: ...

    def clear(self) -> int: ...

    def close(self) -> None: ...


def open_cache(location: str | Path) -> CacheStore:
    """``redis://host:port/db`` (or ``rediss://``) for Redis, anything else is a directory."""
    if isinstance(location, str) and location.startswith(("redis://", "rediss://", "unix://")):
        from summarizer.cache_redis import RedisCache

        return RedisCache(location)
    return ResponseCache(Path(location))


class ResponseCache:
    """A thin, failure-tolerant wrapper over ``diskcache.Cache`` with hit/miss counters."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._cache: Any = None
        self.disabled_reason: str | None = None
        try:
            import diskcache

            directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(directory), statistics=True)
        except _CACHE_ERRORS as exc:
            self._disable(exc)

    def _disable(self, exc: BaseException) -> None:
        if self.disabled_reason is None:
            self.disabled_reason = f"{type(exc).__name__}: {exc}"
            log.warning("response cache at %s unusable (%s); running uncached", self.directory, exc)
        self._cache = None

    def get(self, key: str) -> dict[str, Any] | None:
        if self._cache is None:
            return None
        try:
            value = self._cache.get(key)
        except _CACHE_ERRORS as exc:
            self._disable(exc)
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._cache is None:
            return
        try:
            self._cache.set(key, value)
        except _CACHE_ERRORS as exc:
            self._disable(exc)

    def stats(self) -> dict[str, Any]:
        if self._cache is None:
            return {
                "directory": str(self.directory),
                "usable": False,
                "reason": self.disabled_reason,
            }
        try:
            hits, misses = self._cache.stats()
            return {
                "directory": str(self.directory),
                "usable": True,
                "entries": len(self._cache),
                "size_bytes": self._cache.volume(),
                "hits": hits,
                "misses": misses,
            }
        except _CACHE_ERRORS as exc:
            self._disable(exc)
            return {
                "directory": str(self.directory),
                "usable": False,
                "reason": self.disabled_reason,
            }

    def clear(self) -> int:
        if self._cache is None:
            return 0
        try:
            return int(self._cache.clear())
        except _CACHE_ERRORS as exc:
            self._disable(exc)
            return 0

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


class CachedBackend:
    """Serves identical requests from the cache; misses go to ``inner`` and are stored."""

    def __init__(self, inner: Backend, cache: CacheStore):
        self.inner = inner
        self.cache = cache

    def complete(self, request: Request) -> Completion:
        key = cache_key(request)
        stored = self.cache.get(key)
        if stored is not None:
            try:
                return replace(Completion(**stored), cached=True, attempts=0, latency_s=0.0)
            except TypeError:
                pass  # an entry from an incompatible version: recompute it
        completion = self.inner.complete(request)
        record = asdict(completion)
        record.pop("extra", None)
        self.cache.set(key, record)
        return completion
