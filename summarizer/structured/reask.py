"""Ask a backend for a structured object: constrained JSON where the backend supports it, then
validation, then re-asks that show the model its validation error, then a clear ``ParseError``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from summarizer.backends.base import Backend, Completion, Request
from summarizer.errors import ParseError
from summarizer.prompts import RenderedPrompt, render
from summarizer.schemas import CallRecord
from summarizer.structured.parse import extract_json, parse_reply

T = TypeVar("T", bound=BaseModel)
Validator = Callable[[T], None]
# The last resort after the re-asks: given a reply's JSON object, the same object corrected by
# code (a headline shortened, a summary cut to its whole sentences) and a note per correction;
# no notes when there is nothing it can correct.
Repair = Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]


@lru_cache(maxsize=32)
def _json_schema(output: type[BaseModel]) -> dict[str, Any]:
    return output.model_json_schema()


class ReasksExhausted(ParseError):
    """No valid reply after every re-ask. ``calls`` and ``reasks`` are what the attempt spent,
    so a caller that recovers (a fallback, a skipped sample) still counts them."""

    def __init__(self, message: str, *, last_reply: str, reason: str, calls: list[CallRecord]):
        super().__init__(message, last_reply=last_reply, reason=reason)
        self.calls = calls
        self.reasks = max(0, len(calls) - 1)  # every call after the first was a re-ask


def calls_spent(exc: ParseError) -> list[CallRecord]:
    """The calls a failed ``complete_structured`` made (none for any other ``ParseError``)."""
    return list(exc.calls) if isinstance(exc, ReasksExhausted) else []


def reasks_spent(exc: ParseError) -> int:
    """The re-asks a failed ``complete_structured`` made (0 for any other ``ParseError``)."""
    return exc.reasks if isinstance(exc, ReasksExhausted) else 0


@dataclass
class Structured(Generic[T]):
    value: T
    calls: list[CallRecord] = field(default_factory=list)
    reasks: int = 0
    repairs: list[str] = field(default_factory=list)


def call_record(prompt: str, completion: Completion) -> CallRecord:
    return CallRecord(
        prompt=prompt,
        model=completion.model,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        cost_usd=completion.cost_usd,
        latency_s=completion.latency_s,
        cached=completion.cached,
        attempts=completion.attempts,
    )


def complete_structured(
    backend: Backend,
    prompt: RenderedPrompt,
    output: type[T],
    *,
    model: str,
    max_reasks: int = 2,
    max_tokens: int = 1024,
    validate: Validator[T] | None = None,
    temperature: float = 0.0,
    seed: int = 0,
    reask_temperature: float = 0.4,
    repair: Repair | None = None,
    schema: dict[str, Any] | None = None,
    trim: Repair | None = None,
) -> Structured[T]:
    """Get a valid ``output`` object for ``prompt``.

    Args:
        validate: extra checks on the parsed object; a ``ValueError`` it raises is shown to the
            model in a re-ask like a schema error.
        temperature: the first ask's, with ``seed`` (0: the likeliest reply); re-ask k samples at
            ``reask_temperature`` (at 0 a small model repeats its invalid reply), seed + k.
        repair: when every reply failed, corrects a reply by code; the corrected object must
            pass every check, and the result lists what was corrected.
        schema: the JSON schema sent with the request when it is narrower than ``output``'s
            (ids limited to a list, say); the reply is still validated against ``output``.
        trim: like ``repair``, but tried on each invalid reply before a re-ask is spent on it:
            for corrections that only drop the model's words (a cut-off last sentence).

    Raises:
        ReasksExhausted: still invalid after ``max_reasks`` re-asks (a ``ParseError``); carries
            the last reply, the reason and the calls spent.
    """
    schema = schema or _json_schema(output)
    messages = prompt.messages
    calls: list[CallRecord] = []
    replies: list[str] = []
    last_error: ParseError | None = None
    for reask in range(max_reasks + 1):
        request = Request(
            model=model,
            messages=messages,
            prompt=prompt.ref,
            schema=schema,
            schema_name=output.__name__,
            max_tokens=max_tokens,
            temperature=temperature if reask == 0 else reask_temperature,
            seed=seed + reask,
        )
        completion = backend.complete(request)
        calls.append(call_record(prompt.ref, completion))
        replies.append(completion.text)
        try:
            value = parse_reply(completion.text, output)
            if validate is not None:
                validate(value)
            return Structured(value=value, calls=calls, reasks=reask)
        except ParseError as exc:
            last_error = exc
        except ValueError as exc:
            last_error = ParseError(str(exc), last_reply=completion.text, reason=str(exc))
        if trim is not None and (trimmed := _repaired([completion.text], output, trim, validate)):
            value, notes = trimmed
            return Structured(value=value, calls=calls, reasks=reask, repairs=notes)
        followup = render("reask", error=last_error.reason or str(last_error)).messages
        messages = (*messages, {"role": "assistant", "content": completion.text}, *followup)
    assert last_error is not None
    if repair is not None:
        repaired = _repaired(replies, output, repair, validate)
        if repaired is not None:
            value, notes = repaired
            return Structured(value=value, calls=calls, reasks=max_reasks, repairs=notes)
    raise ReasksExhausted(
        f"{prompt.ref} on {model}: no valid {output.__name__} after {max_reasks} re-ask(s): "
        f"{last_error.reason or last_error}",
        last_reply=last_error.last_reply,
        reason=last_error.reason,
        calls=calls,
    )


def _repaired(
    replies: list[str], output: type[T], repair: Repair, validate: Validator[T] | None
) -> tuple[T, list[str]] | None:
    """The latest reply that ``repair`` makes valid, with its notes."""
    for reply in reversed(replies):
        try:
            data = extract_json(reply)
        except ParseError:
            continue
        if not isinstance(data, dict):
            continue
        fixed, notes = repair(data)
        if not notes:
            continue
        try:
            value = output.model_validate(fixed)
            if validate is not None:
                validate(value)
        except ValueError:  # pydantic's ValidationError is a ValueError
            continue
        return value, notes
    return None
