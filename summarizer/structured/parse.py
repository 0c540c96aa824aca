"""Pure parsing of model replies: find the JSON, validate it, explain what is wrong."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from summarizer.errors import ParseError

T = TypeVar("T", bound=BaseModel)

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_DECODER = json.JSONDecoder()


def _balanced_object(text: str) -> str | None:
    """The first top-level ``{...}`` in ``text``, honouring strings and escapes."""
    start = text.find("{")
    if start < 0:
        return None
    depth = 0
    in_string = False
    escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    return None


def extract_json(reply: str) -> Any:
    """The JSON object in a reply that may be fenced, chatty or have trailing commas.

    Raises:
        ParseError: no JSON object, or one cut off before its end.
    """
    candidates = [m.group(1) for m in _FENCE.finditer(reply)] + [reply]
    for candidate in candidates:
        start = candidate.find("{")
        if start < 0:
            continue
        try:  # the common case, well-formed JSON, is parsed in C in one pass
            return _DECODER.raw_decode(candidate, start)[0]
        except json.JSONDecodeError:
            pass
        block = _balanced_object(candidate)
        if block is None:
            continue
        for text in (block, _TRAILING_COMMA.sub(r"\1", block)):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                continue
        raise ParseError("reply has malformed JSON", last_reply=reply, reason="malformed JSON")
    if "{" in reply:
        raise ParseError(
            "reply JSON is truncated (no closing brace)", last_reply=reply, reason="truncated JSON"
        )
    raise ParseError("reply contains no JSON object", last_reply=reply, reason="no JSON object")


def describe_validation_error(error: ValidationError) -> str:
    """A short, model-readable list of what is wrong, one item per problem."""
    problems = []
    for item in error.errors()[:8]:
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        problems.append(f"{where}: {item['msg']}")
    return "; ".join(problems)


def parse_reply(reply: str, model: type[T]) -> T:
    """Extract and validate one object of type ``model`` from a model reply.

    Raises:
        ParseError: with the reason, which a re-ask can show the model.
    """
    data = extract_json(reply)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        reason = describe_validation_error(exc)
        raise ParseError(
            f"reply does not match {model.__name__}: {reason}", last_reply=reply, reason=reason
        ) from exc
