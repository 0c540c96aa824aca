"""Model backends: the ``Backend`` protocol, the fake, litellm (hosted and local models)."""

from __future__ import annotations

from summarizer.backends.base import Backend, Completion, Message, Request
from summarizer.backends.fake import FakeBackend, fake_from_model_string

__all__ = ["Backend", "Completion", "FakeBackend", "Message", "Request", "fake_from_model_string"]
