"""Structured output from an untrusted model: extract and validate JSON (``parse``), and re-ask
with the validation error until it holds or the budget is spent (``reask``)."""

from __future__ import annotations

from summarizer.structured.parse import describe_validation_error, extract_json, parse_reply
from summarizer.structured.reask import Structured, call_record, complete_structured

__all__ = [
    "Structured",
    "call_record",
    "complete_structured",
    "describe_validation_error",
    "extract_json",
    "parse_reply",
]
