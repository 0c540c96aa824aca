"""A backend that stops making calls once its work is cancelled: a streaming client that goes
away, or a cancel button, must not leave minutes of model work running for nobody.

A call already in flight runs to its end (llama.cpp cannot be interrupted mid-call); every later
call raises ``CancelledError`` before it starts.
"""

from __future__ import annotations

import threading

from summarizer.backends.base import Backend, Capabilities, Completion, Request
from summarizer.errors import CancelledError


class CancellableBackend:
    def __init__(self, inner: Backend, cancelled: threading.Event | None = None):
        self.inner = inner
        self.cancelled = cancelled or threading.Event()

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def cancel(self) -> None:
        self.cancelled.set()

    def complete(self, request: Request) -> Completion:
        if self.cancelled.is_set():
            raise CancelledError(f"cancelled before {request.prompt} on {request.model}")
        return self.inner.complete(request)
