"""litellm: the one path to real models, hosted or local. Imported lazily, configured offline."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from summarizer.backends import local
from summarizer.backends.base import HOSTED, SERVED, Capabilities, Completion, Request
from summarizer.backends.schema_format import (
    MEMO_FILE,
    PROBE_MESSAGES,
    SchemaFormatMemo,
    probe_schema_format,
    response_format,
)
from summarizer.config import SchemaFormat
from summarizer.errors import BackendError
from summarizer.redact import redact

_TRANSIENT = (
    "RateLimitError",
    "APIConnectionError",
    "Timeout",
    "ServiceUnavailableError",
    "InternalServerError",
    "BadGatewayError",
)
_PERMANENT_HINTS = {
    "AuthenticationError": "authentication failed (check the provider's API key variable)",
    "PermissionDeniedError": "permission denied by the provider",
    "NotFoundError": "model not found at the provider",
    "ContextWindowExceededError": "the prompt is longer than the model's context window",
    "ContentPolicyViolationError": "the provider refused the content",
    "BadRequestError": "the provider rejected the request",
}

_import_lock = threading.Lock()
_server_slots: dict[str, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def server_slots(api_base: str, limit: int) -> threading.BoundedSemaphore:
    """The one semaphore of a server in this process: requests to one base URL share a cap,
    however many batches, threads or backends send them."""
    with _slots_lock:
        if api_base not in _server_slots:
            _server_slots[api_base] = threading.BoundedSemaphore(limit)
        return _server_slots[api_base]


_registered_cache_dirs: set[Path] = set()


def load_litellm(cache_dir: Path) -> ModuleType:
    """Import litellm without network access or ``.env`` loading, and register ``local/``."""
    with _import_lock:
        # Before the import: no price-list or tokenizer downloads, no stray .env, quiet logs.
        os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        os.environ.setdefault("LITELLM_MODE", "PRODUCTION")
        os.environ.setdefault("LITELLM_LOG", "ERROR")
        import litellm

        litellm.suppress_debug_info = True
        litellm.drop_params = True
        if cache_dir not in _registered_cache_dirs:
            from summarizer.backends.local import make_handler

            litellm.custom_provider_map = [
                {"provider": local.PROVIDER, "custom_handler": make_handler(litellm, cache_dir)}
            ]
            _registered_cache_dirs.clear()
            _registered_cache_dirs.add(cache_dir)
        return litellm


def provider_of(model: str, cache_dir: Path) -> str | None:
    """The provider litellm would send ``model`` to, or None when it knows none."""
    litellm = load_litellm(cache_dir)
    try:
        return str(litellm.get_llm_provider(model)[1])
    except Exception:  # litellm's BadRequestError for unknown names; odd strings raise others
        return None


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _as_backend_error(exc: BaseException, model: str) -> BackendError:
    kinds = [cls.__name__ for cls in type(exc).__mro__]
    detail = redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)[:300]
    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    for kind in kinds:
        if kind in _PERMANENT_HINTS:
            return BackendError(f"{model}: {_PERMANENT_HINTS[kind]}: {detail}", status=status)
    if any(kind in _TRANSIENT for kind in kinds):
        return BackendError(
            f"{model}: {detail}", transient=True, retry_after=_retry_after(exc), status=status
        )
    return BackendError(f"{model}: {type(exc).__name__}: {detail}", status=status)


class LiteLLMBackend:
    """Any litellm model string: ``openai/gpt-4o-mini``, ``ollama/qwen2.5``,
    ``local/qwen2.5-coder-1.5b``. One backend per model, so it can say what that model can do.

    A model on an OpenAI-compatible server (``api_base``) is unpriced, shares the server's cap
    on requests in flight, and gets JSON schemas in the form the server takes: ``schema_format``
    when given, else the form a one-time probe of the server found (``backends.schema_format``).
    ``multi_paragraph_json=False`` makes a hosted or served model translate one paragraph per
    plain-text call, as the local model does.
    """

    def __init__(
        self,
        cache_dir: Path,
        model: str,
        *,
        api_base: str | None = None,
        api_key: str | None = None,
        max_in_flight: int = 8,
        schema_format: SchemaFormat | None = None,
        multi_paragraph_json: bool = True,
    ):
        self.cache_dir = cache_dir
        self.model = model
        self.api_base = api_base
        self.api_key = api_key
        self.max_in_flight = max_in_flight
        self.multi_paragraph_json = multi_paragraph_json
        self.slots = server_slots(api_base, max_in_flight) if api_base else None
        if schema_format is None and api_base is None:
            schema_format = "json_schema"  # a provider's own API, or the in-process model
        self._schema_format = schema_format
        self._memo = SchemaFormatMemo(cache_dir / MEMO_FILE)

    @property
    def capabilities(self) -> Capabilities:
        if self.api_base is None:
            known = capabilities_of(self.model)
            return replace(
                known, multi_paragraph_json=known.multi_paragraph_json and self.multi_paragraph_json
            )
        return replace(
            SERVED,
            max_concurrency=self.max_in_flight,
            multi_paragraph_json=self.multi_paragraph_json,
            json_schema=self._schema_format != "none",  # unknown until the first structured call
        )

    def schema_format(self) -> SchemaFormat:
        """How this model's server takes a JSON schema: configured, remembered, or probed now."""
        if self._schema_format is not None:
            return self._schema_format
        assert self.api_base is not None
        found = self._memo.get(self.api_base, self.model)
        if found is None:
            found = probe_schema_format(self._probe)
            self._memo.put(self.api_base, self.model, found)
        self._schema_format = found
        return found

    def _probe(self, format_field: dict[str, Any]) -> str:
        probe = Request(model=self.model, messages=PROBE_MESSAGES, prompt="probe@v0", max_tokens=40)
        return self._send(probe, format_field)[0].choices[0].message.content or ""

    def complete(self, request: Request) -> Completion:
        if local.is_local(request.model):
            # Load (and verify) before litellm: its wrapper would turn our error into a transient one.
            local.get_local_model(request.model, self.cache_dir)
        format_field = None
        if request.schema is not None:
            format_field = response_format(
                self.schema_format(), request.schema_name, request.schema
            )
        response, latency = self._send(request, format_field)
        text = response.choices[0].message.content or ""
        usage = getattr(response, "usage", None)
        litellm = load_litellm(self.cache_dir)
        return Completion(
            text=text,
            model=request.model,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            cost_usd=0.0 if self.api_base else _cost(litellm, response, request.model),
            latency_s=round(latency, 4),
        )

    def _send(self, request: Request, format_field: dict[str, Any] | None) -> tuple[Any, float]:
        """One litellm call; returns the response and its latency in seconds."""
        litellm = load_litellm(self.cache_dir)
        kwargs: dict[str, Any] = {
            "model": request.model,
            "messages": [dict(m) for m in request.messages],
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "seed": request.seed,
            "timeout": request.timeout_s,
            # Our retry layer owns retries (backoff, Retry-After, attempt counts); the provider
            # SDK's own silent retries would hide them and multiply the waits.
            "max_retries": 0,
        }
        if self.api_base:
            # An OpenAI-compatible server: it may want no key, but the client needs one to send.
            kwargs["api_base"] = self.api_base
            kwargs["api_key"] = self.api_key or "no-key"
        if format_field is not None:
            kwargs["response_format"] = format_field
        started = time.perf_counter()
        try:
            if self.slots is None:
                response = litellm.completion(**kwargs)
            else:
                with self.slots:  # the server's own capacity, not the batch's -j
                    response = litellm.completion(**kwargs)
        except Exception as exc:
            raise _as_backend_error(exc, request.model) from None
        return response, time.perf_counter() - started


def capabilities_of(model: str) -> Capabilities:
    """What the model behind a litellm model string can do (the local model, or a provider)."""
    return local.CAPABILITIES if local.is_local(model) else HOSTED


def _cost(litellm: ModuleType, response: Any, model: str) -> float | None:
    if not capabilities_of(model).priced:
        return 0.0
    try:
        return float(litellm.completion_cost(completion_response=response))
    except Exception:  # litellm raises many types for unpriced models; cost is then unknown
        return None
