"""``CachedBackend``: serves identical requests from a store; misses go to the inner backend."""

from __future__ import annotations

from dataclasses import asdict, replace

from summarizer.backends.base import Backend, Capabilities, Completion, Request
from summarizer.cache.key import cache_key
from summarizer.cache.store import CacheStore


class CachedBackend:
    """Serves identical requests from the cache; misses go to ``inner`` and are stored."""

    def __init__(self, inner: Backend, cache: CacheStore, endpoint: str | None = None):
        self.inner = inner
        self.cache = cache
        self.endpoint = endpoint

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def complete(self, request: Request) -> Completion:
        key = cache_key(request, self.endpoint)
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
