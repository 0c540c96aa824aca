"""The one small protocol every model backend implements."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

Message = dict[str, str]


@dataclass(frozen=True)
class Request:
    """One model call: what to send and every parameter that affects the output."""

    model: str
    messages: tuple[Message, ...]
    prompt: str = "adhoc@v0"
    schema: dict[str, Any] | None = None
    schema_name: str = "reply"
    temperature: float = 0.0
    max_tokens: int = 1024
    seed: int = 0
    timeout_s: float = 600.0

    def output_params(self) -> dict[str, Any]:
        """The parameters that change the model's output (timeouts and retries do not)."""
        return {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
            "schema": self.schema,
            "schema_name": self.schema_name,
        }

    def with_messages(self, messages: tuple[Message, ...]) -> Request:
        return replace(self, messages=messages)


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float = 0.0
    cached: bool = False
    attempts: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, so callers ask it instead of reading the model string.

    Attributes:
        in_process: the model runs inside this process (loaded once per process or worker).
        max_concurrency: calls worth keeping in flight at once (1: one context, one call).
        multi_paragraph_json: returns several aligned paragraphs as JSON reliably; when False,
            translation goes one paragraph per plain-text call.
        json_schema: honours a JSON schema in ``response_format`` (constrained output).
        priced: the provider has a price table, so cost can be known.
    """

    in_process: bool = False
    max_concurrency: int = 8
    multi_paragraph_json: bool = True
    json_schema: bool = True
    priced: bool = True


HOSTED = Capabilities()
# A model on an OpenAI-compatible server of the user's (vLLM, llama.cpp, LM Studio): no price
# table, and whether it honours a JSON schema is known only after asking it.
SERVED = Capabilities(priced=False)


class Backend(Protocol):
    """``complete`` sends one request and returns the model's reply, or raises ``BackendError``;
    ``capabilities`` says what the model behind it can do."""

    @property
    def capabilities(self) -> Capabilities: ...

    def complete(self, request: Request) -> Completion: ...
