"""Settings, through pydantic-settings: flags beat ``SUMMARIZER_*`` environment variables, which
beat the config file (TOML), which beats the defaults. No I/O at import.

The config file is ``--config FILE``, else ``SUMMARIZER_CONFIG``, else ``config.toml`` in the
platform's config directory (``~/.config/summarizer/`` on Linux) when it exists. Its keys are the
field names below, e.g. ``model = "openai/gpt-4o-mini"`` or ``allowed_models = ["fake*"]``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from summarizer.errors import ConfigError

# How a model server takes a JSON schema in ``response_format`` (see backends.schema_format).
SchemaFormat = Literal["json_schema", "json_object", "none"]

DEFAULT_MODEL = "local/qwen2.5-coder-1.5b"
DEFAULT_MAX_INPUT_BYTES = 1_000_000
ENV_PREFIX = "SUMMARIZER_"
CONFIG_ENV = "SUMMARIZER_CONFIG"

_config_file: ContextVar[Path | None] = ContextVar("summarizer_config_file", default=None)


def default_cache_dir() -> Path:
    """The per-user cache directory (``~/.cache/summarizer`` on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("summarizer", appauthor=False))


def default_config_file() -> Path:
    """Where the config file is looked for when none is named."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("summarizer", appauthor=False)) / "config.toml"


class _ConfigFileSource(PydanticBaseSettingsSource):
    """The TOML config file being loaded (set by ``load_settings``); unknown keys are errors."""

    def __init__(self, settings_cls: type[BaseSettings]):
        super().__init__(settings_cls)
        self.path = _config_file.get()
        self.values: dict[str, Any] = read_config_file(self.path) if self.path else {}
        unknown = set(self.values) - set(settings_cls.model_fields)
        if unknown:
            raise ConfigError(f"{self.path}: unknown setting(s): {', '.join(sorted(unknown))}")

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.values)


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: not valid TOML: {exc}") from None


V = TypeVar("V")


def _first_match(model: str, by_pattern: Mapping[str, V]) -> V | None:
    """The value of the first shell pattern (``local/*``) in ``by_pattern`` that ``model``
    matches, case-sensitively."""
    from fnmatch import fnmatchcase

    return next((v for pattern, v in by_pattern.items() if fnmatchcase(model, pattern)), None)


class Settings(BaseSettings):
    """Everything a run can be configured with. Each field ``name`` is read from the environment
    variable ``SUMMARIZER_<NAME>`` and from the key ``name`` of the config file."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, extra="forbid", env_ignore_empty=True
    )

    model: str = Field(DEFAULT_MODEL, description="litellm model string, local/<name> or fake")
    cache_dir: Path | None = Field(None, description="response cache directory")
    cache: str | None = Field(None, description="redis:// URL of a shared response cache")
    no_cache: bool = Field(False, description="do not read or write the response cache")
    max_reasks: int = Field(2, ge=0, description="re-asks with the validation error")
    max_attempts: int = Field(4, ge=1, description="attempts on transient provider errors")
    retry_wait: float = Field(0.5, ge=0, description="initial backoff in seconds")
    max_input_bytes: int = Field(DEFAULT_MAX_INPUT_BYTES, ge=1, description="input size limit")
    chunk_tokens: int = Field(350, ge=1, description="estimated tokens per translation chunk")
    candidates: int = Field(
        1,
        ge=1,
        le=16,
        description="translations drawn per paragraph, the consensus kept (more calls, better "
        "English: see README Evals)",
    )
    glossary: Path | None = Field(None, description="user glossary TSV, on top of the built-in")
    api_base: str | None = Field(
        None, description="base URL of an OpenAI-compatible server (vLLM, llama.cpp, LM Studio)"
    )
    api_key: SecretStr | None = Field(None, description="key for that server, if it wants one")
    model_servers: dict[str, str] = Field(
        default_factory=dict,
        description="base URL per model (shell pattern → URL), so models on different servers "
        "can be compared in one eval run; a config-file table [model_servers]",
    )
    schema_formats: dict[str, SchemaFormat] = Field(
        default_factory=dict,
        description="how each served model's server takes a JSON schema (shell pattern → "
        "json_schema, json_object or none); unset: probed once per server and model",
    )
    max_in_flight: int = Field(
        8, ge=1, description="requests in flight at once to one server (base URL), whatever -j"
    )
    allow_private_urls: bool = Field(
        False,
        description="read URLs on loopback, private and link-local addresses (SSRF guard off)",
    )
    allowed_models: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="shell patterns of the models `serve` offers (empty: any)"
    )
    paragraph_translation: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="shell patterns of served or hosted models that translate one paragraph per "
        "plain-text call, as the local model does (small models derail in multi-paragraph JSON)",
    )

    @field_validator("allowed_models", "paragraph_translation", mode="before")
    @classmethod
    def _split_patterns(cls, value: Any) -> Any:
        if isinstance(value, str):  # the environment gives one comma-separated string
            return tuple(p.strip() for p in value.split(",") if p.strip())
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _ConfigFileSource(settings_cls))

    def api_base_for(self, model: str) -> str | None:
        """The base URL that serves ``model``: the first ``model_servers`` pattern it matches,
        else ``api_base``."""
        url = _first_match(model, self.model_servers)
        return url if url is not None else self.api_base

    def translates_by_paragraph(self, model: str) -> bool:
        return _first_match(model, dict.fromkeys(self.paragraph_translation, True)) is not None

    def schema_format_for(self, model: str) -> SchemaFormat | None:
        """The configured schema form for ``model``: the first ``schema_formats`` pattern it
        matches, else None (the backend probes the server)."""
        return _first_match(model, self.schema_formats)

    @property
    def use_cache(self) -> bool:
        return not self.no_cache

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields changed (validated); ``None`` leaves a field as it is."""
        kept = {k: v for k, v in changes.items() if v is not None}
        if not kept:
            return self
        try:
            return Settings.model_validate({**self.model_dump(), **kept})
        except ValidationError as exc:
            raise ConfigError(describe_settings_error(exc)) from None


def describe_settings_error(error: ValidationError) -> str:
    """One line naming each bad setting by the variable a user would set."""
    problems = []
    for item in error.errors()[:3]:
        name = str(item["loc"][0]) if item["loc"] else "settings"
        problems.append(f"{ENV_PREFIX}{name.upper()}={item.get('input')!r}: {item['msg']}")
    return "; ".join(problems)


def config_file_in_use(config_file: Path | None = None) -> Path | None:
    """The config file a run reads: the one named, ``SUMMARIZER_CONFIG``, or the default if any."""
    if config_file is not None:
        return config_file
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named)
    default = default_config_file()
    return default if default.is_file() else None


@contextmanager
def _reading(path: Path | None) -> Iterator[None]:
    token = _config_file.set(path)
    try:
        yield
    finally:
        _config_file.reset(token)


def load_settings(config_file: Path | None = None, **flags: object) -> Settings:
    """Settings from flags (``None`` means not given), the environment and the config file.

    Raises:
        ConfigError: a malformed value, an unknown key, or an unreadable config file.
    """
    given: dict[str, Any] = {k: v for k, v in flags.items() if v is not None}
    with _reading(config_file_in_use(config_file)):
        try:
            return Settings(**given)
        except ValidationError as exc:
            raise ConfigError(describe_settings_error(exc)) from None


def explain_settings(
    config_file: Path | None = None, **flags: object
) -> list[tuple[str, Any, str]]:
    """Each setting's effective value and where it came from: flag, environment, file, default."""
    settings = load_settings(config_file, **flags)
    path = config_file_in_use(config_file)
    with _reading(path):
        from_env = EnvSettingsSource(Settings, env_prefix=ENV_PREFIX, env_ignore_empty=True)()
        from_file = _ConfigFileSource(Settings)()
    rows = []
    for name in Settings.model_fields:
        if flags.get(name) is not None:
            source = "flag"
        elif name in from_env:
            source = f"env {ENV_PREFIX}{name.upper()}"
        elif name in from_file:
            source = f"file {path}"
        else:
            source = "default"
        value = getattr(settings, name)
        rows.append((name, "***" if isinstance(value, SecretStr) else value, source))
    return rows
