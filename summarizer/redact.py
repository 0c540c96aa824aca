"""Keep secrets out of logs, errors, cache files and eval records."""

from __future__ import annotations

import os
import re

_KEY_LIKE = re.compile(
    r"\b(sk|pk|rk|sess|key)-[A-Za-z0-9_\-]{8,}|\bAIza[0-9A-Za-z_\-]{20,}|\bBearer\s+[A-Za-z0-9._\-]{8,}"
)
_SECRET_NAMES = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)
_registered: set[str] = set()


def register_secret(value: str) -> None:
    """Redact ``value`` from now on, wherever it came from (a config file, a flag)."""
    if len(value) >= 4:
        _registered.add(value)


def redact(text: str) -> str:
    """Replace API keys (by pattern, by the values of secret-looking env vars, and registered
    secrets) with ``***``."""
    for name, value in os.environ.items():
        if value and len(value) >= 8 and _SECRET_NAMES.search(name) and value in text:
            text = text.replace(value, "***")
    for value in _registered:
        if value in text:
            text = text.replace(value, "***")
    return _KEY_LIKE.sub("***", text)
