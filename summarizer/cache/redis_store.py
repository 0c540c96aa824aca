"""The Redis cache store: same keys and values as the disk cache, shared across machines.

An unreachable or failing Redis warns once and the run goes on uncached; it never loses a record.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from summarizer.redact import redact

log = logging.getLogger(__name__)
PREFIX = "summarizer:"


class RedisCache:
    def __init__(self, url: str, timeout_s: float = 2.0):
        import redis

        self.url = url
        self.disabled_reason: str | None = None
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError, ValueError)
        self.hits = self.misses = 0
        self._client: Any = redis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
        try:
            self._client.ping()
        except self._errors as exc:
            self._disable(exc)

    def _disable(self, exc: BaseException) -> None:
        if self.disabled_reason is None:
            self.disabled_reason = redact(f"{type(exc).__name__}: {exc}")
            log.warning(
                "response cache at %s unusable (%s); running uncached",
                redact(self.url),
                self.disabled_reason,
            )
        self._client = None

    def get(self, key: str) -> dict[str, Any] | None:
        if self._client is None:
            return None
        try:
            raw = self._client.get(PREFIX + key)
            value = json.loads(raw) if raw is not None else None
        except self._errors as exc:
            self._disable(exc)
            return None
        if isinstance(value, dict):
            self.hits += 1
            return value
        self.misses += 1
        return None

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._client is None:
            return
        try:
            self._client.set(PREFIX + key, json.dumps(value, ensure_ascii=False))
        except self._errors as exc:
            self._disable(exc)

    def _keys(self) -> list[Any]:
        return list(self._client.scan_iter(match=PREFIX + "*", count=1000))

    def stats(self) -> dict[str, Any]:
        location = redact(self.url)
        if self._client is None:
            return {"location": location, "usable": False, "reason": self.disabled_reason}
        try:
            return {
                "location": location,
                "usable": True,
                "entries": len(self._keys()),
                "hits": self.hits,
                "misses": self.misses,
            }
        except self._errors as exc:
            self._disable(exc)
            return {"location": location, "usable": False, "reason": self.disabled_reason}

    def clear(self) -> int:
        if self._client is None:
            return 0
        try:
            keys = self._keys()
            if keys:
                self._client.delete(*keys)
            return len(keys)
        except self._errors as exc:
            self._disable(exc)
            return 0

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
