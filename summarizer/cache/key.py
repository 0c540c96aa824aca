"""The cache key: sha256 of canonical JSON over everything that shapes a model's reply."""

from __future__ import annotations

import hashlib
import json

from summarizer.backends.base import Request
from summarizer.schemas import SCHEMA_VERSION


def cache_key(request: Request, endpoint: str | None = None) -> str:
    """The key of ``request``; ``endpoint`` (a server's base URL) keeps two servers that serve
    models of the same name apart."""
    payload = {
        "model": request.model,
        "params": request.output_params(),
        "messages": list(request.messages),
        "prompt": request.prompt,
        "schema_version": SCHEMA_VERSION,
    }
    if endpoint:
        payload["endpoint"] = endpoint
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
