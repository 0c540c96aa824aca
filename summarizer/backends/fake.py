"""A scripted fake backend for tests and demos (``-m fake``).

It replays a queue of replies or calls a function; with neither it echoes the request, plainly
marked ``[FAKE]``. It knows nothing of the pipeline's prompts: the demo replies that ``-m fake``
gives come from a responder the factory passes in. Knobs for batch tests and benchmarks come from
the model string: ``fake?latency=0.2&error_rate=0.3&seed=7``.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from summarizer.backends.base import Capabilities, Completion, Request
from summarizer.errors import BackendError, ConfigError

Reply = str | BaseException
# Costs nothing; otherwise it claims what a hosted model can do (tests override it).
FAKE_CAPABILITIES = Capabilities(priced=False)
Responder = Callable[[Request], str]


def echo_reply(request: Request) -> str:
    """The reply of a fake with no script: the start of the last message, marked as fake."""
    last = request.messages[-1]["content"] if request.messages else ""
    return "[FAKE] " + " ".join(last.split())[:200]


@dataclass
class FakeBackend:
    """Answers from ``replies`` (in order), or ``responder``, or ``echo_reply``.

    Attributes:
        history: every request received, in order, when ``keep_history`` is set (tests read it;
            a long-running service builds its fakes without it, so memory stays bounded).
        capabilities: what it claims to be able to do (a test can pose as an in-process model).
    """

    replies: list[Reply] | None = None
    responder: Responder | None = None
    latency_s: float = 0.0
    error_rate: float = 0.0
    seed: int | None = None
    name: str = "fake"
    keep_history: bool = True
    capabilities: Capabilities = FAKE_CAPABILITIES
    history: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(self.seed)
        self._queue = list(self.replies) if self.replies is not None else None

    def complete(self, request: Request) -> Completion:
        with self._lock:
            if self.keep_history:
                self.history.append(request)
            fail = self.error_rate > 0 and self._random.random() < self.error_rate
            scripted = self._next_scripted()
        started = time.perf_counter()
        if self.latency_s:
            # Like a provider, the fake gives up at the request's timeout.
            time.sleep(min(self.latency_s, request.timeout_s))
            if self.latency_s > request.timeout_s:
                raise BackendError(
                    f"fake: no reply within the request's {request.timeout_s:g} s timeout",
                    transient=True,
                )
        if fail:
            raise BackendError("fake transient error (error_rate knob)", transient=True)
        if isinstance(scripted, BaseException):
            raise scripted
        text = scripted if scripted is not None else (self.responder or echo_reply)(request)
        prompt_tokens = sum(len(m["content"]) for m in request.messages) // 4
        return Completion(
            text=text,
            model=self.name,
            prompt_tokens=prompt_tokens,
            completion_tokens=len(text) // 4,
            cost_usd=0.0,
            latency_s=round(time.perf_counter() - started, 4),
        )

    def _next_scripted(self) -> Reply | None:
        if self._queue is None:
            return None
        if not self._queue:
            raise BackendError("fake backend: no scripted replies left")
        return self._queue.pop(0)


def is_fake(model: str) -> bool:
    return model == "fake" or model.startswith("fake?")


def fake_from_model_string(model: str, responder: Responder | None = None) -> FakeBackend:
    """Build a fake from ``fake`` or ``fake?latency=0.2&error_rate=0.3&seed=1``, with no history."""
    _, _, query = model.partition("?")
    params = {k: v[-1] for k, v in parse_qs(query, strict_parsing=False).items()}
    unknown = set(params) - {"latency", "error_rate", "seed"}
    if unknown:
        raise ConfigError(f"unknown fake backend option(s): {', '.join(sorted(unknown))}")
    try:
        latency = float(params.get("latency", 0))
        error_rate = float(params.get("error_rate", 0))
        seed = int(params["seed"]) if "seed" in params else None
    except ValueError as exc:
        raise ConfigError(f"bad fake backend option in {model!r}: {exc}") from exc
    if not 0 <= error_rate <= 1 or latency < 0:
        raise ConfigError(f"fake backend options out of range in {model!r}")
    return FakeBackend(
        responder=responder,
        latency_s=latency,
        error_rate=error_rate,
        seed=seed,
        name=model,
        keep_history=False,
    )
