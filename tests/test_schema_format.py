"""How a served model gets its JSON schema: the probe, its memo on disk, and the config table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from summarizer.backends.base import Request
from summarizer.backends.litellm_backend import LiteLLMBackend
from summarizer.backends.schema_format import SchemaFormatMemo, probe_schema_format
from summarizer.config import Settings
from summarizer.errors import BackendError
from summarizer.factory import capabilities_of, make_backend
from tests.openai_stub import OpenAIStub, Scripted
from tests.server_process import allow_loopback

GREETING = json.dumps({"greeting": "Hello, Ada."})


def structured(model: str) -> Request:
    return Request(
        model=model,
        messages=({"role": "user", "content": "Give a number."},),
        schema={"type": "object", "properties": {"n": {"type": "integer"}}},
        schema_name="Number",
    )


def sender(answers: dict[str, Any]) -> tuple[list[str], Any]:
    """A probe ``send`` that answers each form from ``answers`` (a reply, or an error to raise)."""
    asked: list[str] = []

    def send(format_field: dict[str, Any]) -> str:
        asked.append(format_field["type"])
        answer = answers[format_field["type"]]
        if isinstance(answer, BaseException):
            raise answer
        return str(answer)

    return asked, send


def test_probe_takes_the_first_form_the_server_holds_to() -> None:
    asked, send = sender({"json_schema": GREETING, "json_object": GREETING})
    assert probe_schema_format(send) == "json_schema" and asked == ["json_schema"]


def test_a_form_answered_with_an_error_is_rejected_not_retried() -> None:
    """llama-cpp-python's server answers 500 to the json_schema form and takes json_object."""
    rejected = BackendError("500", transient=True, status=500)
    asked, send = sender({"json_schema": rejected, "json_object": GREETING})
    assert probe_schema_format(send) == "json_object" and asked == ["json_schema", "json_object"]


def test_a_server_that_ignores_the_schema_gets_prompt_only_json() -> None:
    asked, send = sender({"json_schema": "Hello Ada!", "json_object": "Hi, Ada."})
    assert probe_schema_format(send) == "none" and asked == ["json_schema", "json_object"]


@pytest.mark.parametrize(
    ("status", "transient"), [(429, True), (503, True), (None, True), (401, False)]
)
def test_a_busy_unreachable_or_refusing_server_teaches_nothing(
    status: int | None, transient: bool
) -> None:
    busy = BackendError("busy", transient=transient, status=status)
    _, send = sender({"json_schema": busy, "json_object": GREETING})
    with pytest.raises(BackendError) as raised:
        probe_schema_format(send)
    assert raised.value is busy


def test_memo_keeps_answers_per_server_and_model(tmp_path: Path) -> None:
    memo = SchemaFormatMemo(tmp_path / "formats.json")
    memo.put("http://a/v1", "openai/m", "json_object")
    assert memo.get("http://a/v1", "openai/m") == "json_object"
    assert memo.get("http://b/v1", "openai/m") is None
    on_disk = json.loads((tmp_path / "formats.json").read_text())
    assert on_disk == {"http://a/v1 openai/m": "json_object"}


def test_server_that_ignores_schemas_is_probed_once_then_sent_none(tmp_path: Path) -> None:
    """A server that answers in prose whatever it is sent: after the probe (two questions) the
    structured request goes without response_format, and a second backend reads the memo."""
    allow_loopback()
    model = "openai/prose-only"
    with OpenAIStub(default="Hello there.") as stub:
        backend = LiteLLMBackend(tmp_path, model, api_base=stub.url)
        backend.complete(structured(model))
        assert [r.get("response_format", {}).get("type") for r in stub.requests] == [
            "json_schema",
            "json_object",
            None,
        ]
        assert backend.capabilities.json_schema is False
        again = LiteLLMBackend(tmp_path, model, api_base=stub.url)
        again.complete(structured(model))
        assert "response_format" not in stub.requests[-1] and len(stub.requests) == 4


def test_config_names_the_form_and_no_probe_is_sent(tmp_path: Path) -> None:
    allow_loopback()
    model = "openai/configured"
    with OpenAIStub(default='{"n": 3}') as stub:
        settings = Settings(
            cache_dir=tmp_path,
            no_cache=True,
            api_base=stub.url,
            schema_formats={"openai/conf*": "json_object"},
        )
        make_backend(settings, model).complete(structured(model))
        assert len(stub.requests) == 1
        sent = stub.requests[0]["response_format"]
        assert sent["type"] == "json_object" and sent["schema"]["properties"]["n"]


def test_probe_retries_a_busy_server_then_learns(tmp_path: Path) -> None:
    """A 429 during the probe is retried (with its Retry-After) and then the probe goes on."""
    allow_loopback()
    model = "openai/busy-at-first"
    script = [Scripted(status=429, headers={"Retry-After": "0"}), Scripted(text=GREETING)]
    with OpenAIStub(script=script, default='{"n": 1}') as stub:
        settings = Settings(cache_dir=tmp_path, no_cache=True, api_base=stub.url, retry_wait=0)
        completion = make_backend(settings, model).complete(structured(model))
        assert completion.text == '{"n": 1}' and completion.attempts == 2
        assert [r["response_format"]["type"] for r in stub.requests] == ["json_schema"] * 3


def test_served_models_are_unpriced() -> None:
    assert capabilities_of("openai/gpt-4o-mini").priced
    assert not capabilities_of("openai/qwen", "http://127.0.0.1:8000/v1").priced


def test_schema_formats_setting_rejects_an_unknown_form() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings(schema_formats={"openai/*": "xml"})
