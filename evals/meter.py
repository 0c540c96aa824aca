"""A backend wrapper that meters the calls of one example: how many ran, how many came from the
cache, and the tokens and seconds of the calls that really ran (cached ones cost none)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from summarizer.backends.base import Backend, Capabilities, Completion, Request


@dataclass
class Meter:
    calls: int = 0
    cached_calls: int = 0
    tokens_run: int = 0
    seconds_run: float = 0.0
    cost_usd: float = 0.0
    prompts: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {
            "prompts": sorted(self.prompts),
            "calls": self.calls,
            "cached_calls": self.cached_calls,
            "tokens_run": self.tokens_run,
            "seconds_run": round(self.seconds_run, 3),
            "cost_usd": round(self.cost_usd, 6),
        }


class MeteredBackend:
    """Counts every completion that passes through into the current ``Meter``."""

    def __init__(self, inner: Backend):
        self.inner = inner
        self.meter = Meter()
        self._lock = threading.Lock()

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def start(self) -> Meter:
        """A fresh meter for the next example; returns it."""
        with self._lock:
            self.meter = Meter()
            return self.meter

    def complete(self, request: Request) -> Completion:
        completion = self.inner.complete(request)
        with self._lock:
            self.meter.calls += 1
            self.meter.prompts.add(request.prompt)
            if completion.cached:
                self.meter.cached_calls += 1
            else:
                self.meter.tokens_run += completion.prompt_tokens + completion.completion_tokens
                self.meter.seconds_run += completion.latency_s
                self.meter.cost_usd += completion.cost_usd or 0.0
        return completion
