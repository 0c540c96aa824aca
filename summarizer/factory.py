"""Turn a model string into a ready backend (fake or litellm, with retries and cache), say what
a model can do without loading it, and which configured models can run now."""

from __future__ import annotations

import os
from dataclasses import dataclass

from summarizer.backends import local
from summarizer.backends.base import HOSTED, SERVED, Backend, Capabilities
from summarizer.backends.fake import fake_from_model_string, is_fake
from summarizer.backends.retry import RetryingBackend
from summarizer.backends.schema_format import MEMO_FILE, SchemaFormatMemo
from summarizer.cache import CachedBackend, CacheStore, open_cache
from summarizer.config import SchemaFormat, Settings
from summarizer.demo import demo_reply
from summarizer.errors import BackendError, ConfigError, ModelUnavailableError
from summarizer.redact import register_secret

# Provider prefixes and the environment variable that holds their key.
PROVIDER_KEYS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "groq": "GROQ_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "together_ai": "TOGETHERAI_API_KEY",
}


# Providers whose models an OpenAI-compatible server at api_base can serve without their own key.
SERVER_PROVIDERS = frozenset({"openai", "hosted_vllm", "openai_like"})


def capabilities_of(model: str, api_base: str | None = None) -> Capabilities:
    """What ``model`` (served at ``api_base``, if given) can do, without building its backend
    (no litellm import, no weights, no probe of the server)."""
    if is_fake(model):
        return fake_from_model_string(model).capabilities
    if local.is_local(model):
        return local.CAPABILITIES
    if api_base and model.split("/", 1)[0] in SERVER_PROVIDERS:
        return SERVED
    return HOSTED


def make_backend(
    settings: Settings,
    model: str | None = None,
    *,
    raw: Backend | None = None,
    cache: CacheStore | None = None,
) -> Backend:
    """The backend for ``model`` (default: the settings' model) with retries and cache.

    Args:
        settings: cache, retry and model settings.
        model: a litellm model string, ``local/<name>`` or ``fake[?knobs]``.
        raw: use this backend instead of building one (tests pass a scripted fake here).
        cache: share this open response cache instead of opening the settings' one.
    """
    model = model or settings.model
    if not model:
        raise ConfigError("no model given")
    inner: Backend
    if raw is not None:
        inner = raw
    elif is_fake(model):
        inner = fake_from_model_string(model, demo_reply)
    else:
        from summarizer.backends.litellm_backend import LiteLLMBackend

        status = model_status(model, settings)
        if not status.usable:  # fail now, not after retrying a request that cannot succeed
            raise ModelUnavailableError(f"{model}: {status.reason}")

        api_key = settings.api_key.get_secret_value() if settings.api_key else None
        if api_key:
            register_secret(api_key)
        inner = LiteLLMBackend(
            settings.resolved_cache_dir(),
            model,
            api_base=settings.api_base_for(model),
            api_key=api_key,
            max_in_flight=settings.max_in_flight,
            schema_format=settings.schema_format_for(model),
            multi_paragraph_json=not settings.translates_by_paragraph(model),
        )
    backend: Backend = RetryingBackend(
        inner, max_attempts=settings.max_attempts, initial_wait=settings.retry_wait
    )
    if settings.use_cache:
        backend = CachedBackend(
            backend, cache or open_response_cache(settings), endpoint=settings.api_base_for(model)
        )
    return backend


def preload_model(settings: Settings) -> None:
    """Load the settings' model now if it runs in-process (a Dask worker does it at start-up)."""
    if local.is_local(settings.model):
        local.get_local_model(settings.model, settings.resolved_cache_dir())


def release_models() -> None:
    """Close every in-process model this process loaded."""
    local.close_local_models()


def open_response_cache(settings: Settings) -> CacheStore:
    """Redis when ``cache_url`` is set (``--cache`` / ``SUMMARIZER_CACHE``), else the disk cache."""
    return open_cache(settings.cache or settings.resolved_cache_dir() / "responses")


@dataclass(frozen=True)
class ModelStatus:
    model: str
    usable: bool
    reason: str


def model_status(model: str, settings: Settings) -> ModelStatus:
    """Whether ``model`` can run now: a key is set, or local weights are installed."""
    if is_fake(model):
        return ModelStatus(model, True, "built-in fake backend (demo output, marked [FAKE])")
    if local.is_local(model):
        usable, reason = local.local_status(model, settings.resolved_cache_dir())
        return ModelStatus(model, usable, reason)
    provider = model.split("/", 1)[0]
    served_at = settings.api_base_for(model)
    if served_at and provider in SERVER_PROVIDERS:
        return ModelStatus(model, True, f"served at {served_at} (not checked)")
    if provider == "ollama" or provider == "ollama_chat":
        return ModelStatus(model, True, "local Ollama server (not checked)")
    if provider not in PROVIDER_KEYS:
        from summarizer.backends.litellm_backend import provider_of

        routed = provider_of(model, settings.resolved_cache_dir())
        if routed is None:
            return ModelStatus(
                model, False, "litellm knows no provider for it; write provider/model"
            )
        if routed not in PROVIDER_KEYS:
            return ModelStatus(model, True, f"{routed} (key not checked)")
        provider = routed
    variable = PROVIDER_KEYS[provider]
    if os.environ.get(variable):
        return ModelStatus(model, True, f"{variable} is set")
    return ModelStatus(model, False, f"{variable} is not set")


def known_schema_format(settings: Settings, model: str) -> SchemaFormat | None:
    """How ``model``'s server takes a JSON schema, if the config says or a probe has found out."""
    configured = settings.schema_format_for(model)
    api_base = settings.api_base_for(model)
    if configured is not None or api_base is None:
        return configured
    return SchemaFormatMemo(settings.resolved_cache_dir() / MEMO_FILE).get(api_base, model)


def server_models(api_base: str, api_key: str | None = None, timeout_s: float = 5.0) -> list[str]:
    """The model names an OpenAI-compatible server offers (its ``GET /models``).

    Raises:
        BackendError: the server does not answer, or answers something else.
    """
    import httpx

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    url = api_base.rstrip("/") + "/models"
    try:
        reply = httpx.get(url, headers=headers, timeout=timeout_s, trust_env=False)
        reply.raise_for_status()
        return [str(item["id"]) for item in reply.json()["data"]]
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise BackendError(f"{api_base}: no model list ({type(exc).__name__}: {exc})") from None
