"""Settings from ``SUMMARIZER_*`` environment variables and CLI flags. No I/O at import."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

DEFAULT_MODEL = "local/qwen2.5-1.5b"
DEFAULT_MAX_INPUT_BYTES = 1_000_000


def default_cache_dir() -> Path:
    """The per-user cache directory (``~/.cache/summarizer`` on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("summarizer", appauthor=False))


N = TypeVar("N", int, float)


def _env_number(env: Mapping[str, str], name: str, default: N) -> N:
    """``env[name]`` as a number of ``default``'s type; a malformed value is a ``ConfigError``."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return type(default)(raw)
    except ValueError as exc:
        from summarizer.errors import ConfigError

        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ConfigError(f"{name}={raw!r} is not {kind}") from exc


def _env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything a run can be configured with; CLI flags override the environment."""

    model: str = DEFAULT_MODEL
    cache_dir: Path | None = None
    cache_url: str | None = None
    use_cache: bool = True
    max_reasks: int = 2
    max_attempts: int = 4
    retry_wait_s: float = 0.5
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    translate_chunk_tokens: int = 350
    glossary_path: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        cache_dir = env.get("SUMMARIZER_CACHE_DIR")
        glossary = env.get("SUMMARIZER_GLOSSARY")
        return cls(
            model=env.get("SUMMARIZER_MODEL") or DEFAULT_MODEL,
            cache_dir=Path(cache_dir) if cache_dir else None,
            cache_url=env.get("SUMMARIZER_CACHE") or None,
            use_cache=not _env_bool(env, "SUMMARIZER_NO_CACHE", False),
            max_reasks=_env_number(env, "SUMMARIZER_MAX_REASKS", 2),
            max_attempts=_env_number(env, "SUMMARIZER_MAX_ATTEMPTS", 4),
            retry_wait_s=_env_number(env, "SUMMARIZER_RETRY_WAIT", 0.5),
            max_input_bytes=_env_number(env, "SUMMARIZER_MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES),
            translate_chunk_tokens=_env_number(env, "SUMMARIZER_CHUNK_TOKENS", 350),
            glossary_path=Path(glossary) if glossary else None,
        )

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields changed; ``None`` values leave a field as it is."""
        kept: dict[str, Any] = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **kept)
