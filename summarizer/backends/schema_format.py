"""How a model server takes a JSON schema, found once by asking and kept on disk.

OpenAI-compatible servers differ: vLLM and OpenAI take ``{"type": "json_schema", ...}``,
llama-cpp-python's server takes ``{"type": "json_object", "schema": ...}`` and rejects the other,
and some take neither (or take it and ignore it). A structured step sends the form the server
honours; with none, the prompt's own JSON instructions and the re-ask carry the step."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarizer.config import SchemaFormat
from summarizer.errors import BackendError

SCHEMA_FORMATS: tuple[SchemaFormat, ...] = ("json_schema", "json_object", "none")

# A question no model answers in JSON unless the server holds it to the schema.
PROBE_MESSAGES = ({"role": "user", "content": "Say hello to Ada in a few words."},)
PROBE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"greeting": {"type": "string"}},
    "required": ["greeting"],
    "additionalProperties": False,
}

MEMO_FILE = "server-schema-formats.json"  # in the cache directory

# Answers that say nothing of the request's form: no HTTP answer at all (None), a key or model
# the server refuses, a busy or unreachable server. Any other error answers the form.
TEACHES_NOTHING = frozenset({None, 401, 403, 404, 408, 429, 502, 503, 504})

_lock = threading.Lock()
_known: dict[str, SchemaFormat] = {}  # this process's answers, also when the file can't be written


def response_format(mode: SchemaFormat, name: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    """The ``response_format`` request field for ``schema`` in the server's form, or None."""
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}
    if mode == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


def holds_to_probe_schema(reply: str) -> bool:
    try:
        value = json.loads(reply)
    except ValueError:
        return False
    return isinstance(value, dict) and isinstance(value.get("greeting"), str)


def probe_schema_format(send: Callable[[dict[str, Any]], str]) -> SchemaFormat:
    """The first form the server honours, by sending the probe question in each form.

    Args:
        send: sends ``PROBE_MESSAGES`` with the given ``response_format``, returns the reply text.

    A form the server answers with an error is taken as rejected (llama-cpp-python's server
    answers 500 to ``json_schema``), except errors that teach nothing of the form: a busy or
    unreachable server (429, 503, no answer), a refused key, an unknown model.

    Raises:
        BackendError: one of those: nothing was learned, nothing is remembered.
    """
    for mode in SCHEMA_FORMATS:
        format_field = response_format(mode, "probe", PROBE_SCHEMA)
        if format_field is None:
            break
        try:
            reply = send(format_field)
        except BackendError as exc:
            if exc.status in TEACHES_NOTHING:
                raise
            continue  # rejected: the server does not take this form
        if holds_to_probe_schema(reply):
            return mode
    return "none"


class SchemaFormatMemo:
    """Probe answers per (base URL, model), in a JSON file so later runs skip the probe."""

    def __init__(self, path: Path):
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            value = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def get(self, api_base: str, model: str) -> SchemaFormat | None:
        key = f"{api_base} {model}"
        if key in _known:
            return _known[key]
        found = self._read().get(key)
        return found if found in SCHEMA_FORMATS else None

    def put(self, api_base: str, model: str, mode: SchemaFormat) -> None:
        key = f"{api_base} {model}"
        with _lock:
            _known[key] = mode
            known = self._read()
            known[key] = mode
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                temporary = self.path.with_suffix(".tmp")
                temporary.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
                temporary.replace(self.path)
            except OSError:
                pass  # an unwritable cache directory: the answer holds for this process only
