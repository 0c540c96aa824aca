"""Retries with tenacity: transient provider errors back off exponentially with jitter and honour
a Retry-After hint; permanent errors fail at once."""

from __future__ import annotations

import logging
from dataclasses import replace

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base, wait_exponential_jitter

from summarizer.backends.base import Backend, Capabilities, Completion, Request
from summarizer.errors import BackendError
from summarizer.redact import redact

log = logging.getLogger(__name__)


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, BackendError) and exc.transient


class _RetryAfterOrJitter(wait_base):
    """The provider's Retry-After when it gives one (capped), exponential jitter otherwise."""

    def __init__(self, initial: float, maximum: float):
        self.fallback = wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial)
        self.maximum = maximum

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, BackendError) and exc.retry_after is not None:
            return min(max(exc.retry_after, 0.0), self.maximum)
        return float(self.fallback(retry_state))


class RetryingBackend:
    """Retries ``inner`` on transient errors; the completion records how many attempts it took."""

    def __init__(
        self,
        inner: Backend,
        max_attempts: int = 4,
        initial_wait: float = 0.5,
        max_wait: float = 30.0,
    ):
        self.inner = inner
        self.max_attempts = max(1, max_attempts)
        self.wait = _RetryAfterOrJitter(initial_wait, max_wait)

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def complete(self, request: Request) -> Completion:
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self.wait,
            retry=retry_if_exception(_is_transient),
            reraise=True,
            before_sleep=self._log_retry,
        )
        attempts = 0
        for attempt in retrying:
            with attempt:
                attempts = attempt.retry_state.attempt_number
                completion = self.inner.complete(request)
        return replace(completion, attempts=attempts)

    @staticmethod
    def _log_retry(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        log.info("retrying after attempt %d: %s", state.attempt_number, redact(str(exc)))
