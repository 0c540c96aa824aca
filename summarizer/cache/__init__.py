"""A response cache around any backend: on disk (diskcache, one machine, the default) or in
Redis (shared by the machines of a Dask cluster). Both keep the same keys and the same rule.

The key is the sha256 of canonical JSON over the model, the output-affecting parameters, the
rendered messages, the prompt id@version and the schema version: a template edit or a new schema
misses, an identical request hits. Only completions and usage are stored, never keys or headers.
A broken or unwritable cache warns once and the run goes on uncached.
"""

from __future__ import annotations

from summarizer.cache.backend import CachedBackend
from summarizer.cache.disk import ResponseCache
from summarizer.cache.key import cache_key
from summarizer.cache.store import CacheStore, open_cache

__all__ = ["CacheStore", "CachedBackend", "ResponseCache", "cache_key", "open_cache"]
