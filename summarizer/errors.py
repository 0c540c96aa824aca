"""One root error for the whole package, so callers can catch ``SummarizerError`` alone."""

from __future__ import annotations


class SummarizerError(Exception):
    """Root of every error this package raises on purpose."""


class InputError(SummarizerError):
    """The input article cannot be used (empty, binary, undecodable, too large)."""


class InputTooLargeError(InputError):
    """The input is over the size limit (checked while reading, whatever the source)."""


class RenderError(SummarizerError):
    """A prompt template failed to render (missing variable, unknown template)."""


class ConfigError(SummarizerError):
    """A setting or model string is malformed or names something that does not exist."""


class BackendError(SummarizerError):
    """A model backend failed; ``transient`` says whether retrying may help, ``status`` is the
    server's HTTP status when it answered one."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ):
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.status = status


class ModelUnavailableError(BackendError):
    """The model cannot run here (weights missing or corrupt, extra not installed, no key)."""


class ParseError(SummarizerError):
    """The model's reply could not be turned into a valid object after all re-asks."""

    def __init__(self, message: str, *, last_reply: str = "", reason: str = ""):
        super().__init__(message)
        self.last_reply = last_reply
        self.reason = reason


class CancelledError(SummarizerError):
    """The work was cancelled (a client went away, a user pressed cancel) before it finished."""
