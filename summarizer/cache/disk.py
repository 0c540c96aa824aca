"""The disk store (diskcache): one machine, the default. Failures warn once and disable it."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
_CACHE_ERRORS = (sqlite3.Error, OSError)


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
