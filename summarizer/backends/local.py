"""The offline default model, run in-process by llama-cpp-python and served to litellm as the
custom provider ``local`` so local and hosted models take the same code path."""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.backends.base import Capabilities
from summarizer.backends.weight_layout import choose_repack, weights_repacked
from summarizer.backends.weights import (
    QWEN_CODER_1_5B,
    WeightsSpec,
    ensure_weights,
    weights_status,
)
from summarizer.errors import ModelUnavailableError

PROVIDER = "local"
LOCAL_MODELS: dict[str, WeightsSpec] = {QWEN_CODER_1_5B.name: QWEN_CODER_1_5B}
# Earlier names that still work: the first releases called the Coder model "qwen2.5-1.5b".
ALIASES = {"qwen2.5-1.5b": QWEN_CODER_1_5B.name}
N_CTX = 8192

# One llama.cpp context per process: one call at a time. Measured here, the 1.5B model derails
# in multi-paragraph JSON (it ends strings at quotation marks and invents ids), so translation
# goes one paragraph per plain-text call; single-object JSON is held by the schema grammar.
CAPABILITIES = Capabilities(
    in_process=True,
    max_concurrency=1,
    multi_paragraph_json=False,
    json_schema=True,
    priced=False,
)


def is_local(model: str) -> bool:
    """Whether ``model`` names a model this package runs in-process (``local/<name>``)."""
    provider, slash, _ = model.partition("/")
    return provider == PROVIDER and bool(slash)


def canonical_local(model: str) -> str:
    """``local/<name>`` (or a bare ``<name>``) with an alias replaced by the name it stands for."""
    name = model.removeprefix(f"{PROVIDER}/")
    return f"{PROVIDER}/{ALIASES.get(name, name)}"


def local_spec(model: str) -> WeightsSpec:
    name = canonical_local(model).partition("/")[2]
    try:
        return LOCAL_MODELS[name]
    except KeyError:
        known = ", ".join(f"{PROVIDER}/{n}" for n in LOCAL_MODELS)
        raise ModelUnavailableError(f"unknown local model {model!r}; known: {known}") from None


def llama_cpp_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def local_status(model: str, cache_dir: Path) -> tuple[bool, str]:
    spec = local_spec(model)
    if not llama_cpp_installed():
        return (
            False,
            "llama-cpp-python not installed; run: pip install 'summarizer[local]', or use -m fake (demo output) or a hosted model (-m openai/gpt-4o-mini with OPENAI_API_KEY)",
        )
    return weights_status(spec, cache_dir)


@dataclass
class LocalModel:
    """One loaded GGUF model; calls are serialised because a llama.cpp context is not thread-safe.
    Its weights are repacked by llama.cpp or not, whichever reads faster on this machine
    (``backends.weight_layout``)."""

    path: Path
    n_ctx: int = N_CTX
    n_threads: int | None = None

    def __post_init__(self) -> None:
        # Imported here: llama_cpp is an optional extra and costs a second to load.
        from summarizer.backends.prefix_snapshots import SnapshotLlama

        self._lock = threading.Lock()
        threads = self.n_threads or os.cpu_count() or 2
        self.repacked = choose_repack(self.path, threads)
        with weights_repacked(self.repacked):
            self._llama: Any = SnapshotLlama(
                model_path=str(self.path), n_ctx=self.n_ctx, n_threads=threads, verbose=False
            )

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        schema: dict[str, Any] | None,
        temperature: float,
        max_tokens: int,
        seed: int,
    ) -> tuple[str, int, int]:
        """Generate a reply; returns its text and the prompt and completion token counts."""
        response_format = {"type": "json_object", "schema": schema} if schema else None
        with self._lock:
            result = self._llama.create_chat_completion(
                messages=messages,
                temperature=temperature,
                max_tokens=max_tokens,
                seed=seed,
                response_format=response_format,
            )
            self._llama.remember()
        usage = result.get("usage", {})
        text = result["choices"][0]["message"]["content"] or ""
        return text, int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))

    def close(self) -> None:
        llama, self._llama = self._llama, None
        if llama is not None:
            llama.close()


_loaded: dict[str, LocalModel] = {}
_load_lock = threading.Lock()


def get_local_model(model: str, cache_dir: Path) -> LocalModel:
    """Load a local model once per process; it is closed cleanly at exit."""
    spec = local_spec(model)
    with _load_lock:
        if spec.name not in _loaded:
            if not llama_cpp_installed():
                raise ModelUnavailableError(
                    "llama-cpp-python is not installed; run: pip install 'summarizer[local]', or use -m fake "
                    "(demo output) or a hosted model (-m openai/gpt-4o-mini with OPENAI_API_KEY)"
                )
            _loaded[spec.name] = LocalModel(ensure_weights(spec, cache_dir))
            if len(_loaded) == 1:
                atexit.register(close_local_models)
        return _loaded[spec.name]


def close_local_models() -> None:
    with _load_lock:
        for model in _loaded.values():
            model.close()
        _loaded.clear()


def _schema_from(optional_params: dict[str, Any]) -> dict[str, Any] | None:
    response_format = optional_params.get("response_format")
    if not isinstance(response_format, dict):
        return None
    if response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema", {}).get("schema")
        return schema if isinstance(schema, dict) else None
    schema = response_format.get("schema")
    return schema if isinstance(schema, dict) else None


def make_handler(litellm: Any, cache_dir: Path) -> Any:
    """A ``litellm.CustomLLM`` that serves ``local/<name>`` from llama.cpp."""

    class LocalLLMHandler(litellm.CustomLLM):  # type: ignore[misc]
        def completion(self, model: str, messages: list[Any], *args: Any, **kwargs: Any) -> Any:
            optional_params: dict[str, Any] = kwargs.get("optional_params") or {}
            model_response = kwargs["model_response"]
            local = get_local_model(model, cache_dir)
            text, prompt_tokens, completion_tokens = local.chat(
                [{"role": m["role"], "content": m["content"]} for m in messages],
                schema=_schema_from(optional_params),
                temperature=float(optional_params.get("temperature", 0.0)),
                max_tokens=int(optional_params.get("max_tokens", 1024)),
                seed=int(optional_params.get("seed", 0)),
            )
            model_response.choices[0].message.content = text
            model_response.model = f"local/{model}"
            model_response.usage = litellm.Usage(
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                total_tokens=prompt_tokens + completion_tokens,
            )
            return model_response

        async def acompletion(
            self, model: str, messages: list[Any], *args: Any, **kwargs: Any
        ) -> Any:
            return await asyncio.to_thread(self.completion, model, messages, *args, **kwargs)

    return LocalLLMHandler()
