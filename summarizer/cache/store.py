"""Where completions are kept: the ``CacheStore`` interface and the one way to open one."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


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
        from summarizer.cache.redis_store import RedisCache

        return RedisCache(location)
    from summarizer.cache.disk import ResponseCache

    return ResponseCache(Path(location))
