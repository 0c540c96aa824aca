"""Every bad request gets a 4xx in the one error shape, and the log gets one line, no traceback.
Driven in process (ASGI), the app as `summarizer serve` builds it."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.config import Settings
from summarizer.service.app import create_app

JSON = {"content-type": "application/json"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(cache_dir=tmp_path / "cache", model="fake", no_cache=True))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "code", "words"),
    [
        ("/v1/brief", b'{"text": "a \\ud800 b"}', JSON, 400, "input_error", "lone surrogate"),
        ("/v1/clean", b'{"html": "<p>a \\ud800 b</p>"}', JSON, 400, "input_error", "surrogate"),
        ("/v1/translate", b'{"text": "\\ud800"}', JSON, 400, "input_error", "surrogate"),
        ("/v1/batches", b"[" * 50_000, JSON, 400, "invalid_request", "nested too deeply"),
        ("/v1/brief", b'{"text": ' + b"[" * 50_000, JSON, 400, "invalid_request", "JSON"),
        ("/v1/brief", b'{"text": "\xff\xfe"}', JSON, 400, "invalid_request", "UTF-8"),
        (
            "/v1/brief",
            gzip.compress(b'{"text": "hi"}'),
            {**JSON, "content-encoding": "gzip"},
            400,
            "invalid_request",
            "uncompressed",
        ),
        (
            "/v1/batches",
            b'{"items": [{"id": "", "text": "x"}]}',
            JSON,
            422,
            "invalid_request",
            "items.0.id",
        ),
        (
            "/v1/brief",
            b'{"text": "\\u0000\\u0001\\u0002\\u0003\\u0004 x"}',
            JSON,
            400,
            "input_error",
            "binary",
        ),
    ],
)
def test_bad_requests_are_4xx_in_one_shape(
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    path: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
    code: str,
    words: str,
) -> None:
    with caplog.at_level(logging.INFO):
        reply = client.post(path, content=body, headers=headers)
    assert reply.status_code == status, reply.text
    assert reply.json()["error"]["code"] == code and words in reply.json()["error"]["message"]
    assert "Traceback" not in caplog.text


def test_unknown_routes_and_methods_use_the_error_shape(client: TestClient) -> None:
    missing = client.get("/no/such/route")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.put("/v1/brief")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=300),
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=80),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    ),
    st.sampled_from(["/v1/clean", "/v1/brief", "/v1/translate"]),
    st.sampled_from(["text", "html"]),
)
def test_hostile_text_never_gets_a_5xx(
    client: TestClient, text: str, path: str, field: str
) -> None:
    """Any string, lone surrogates and control characters included, as JSON escapes."""
    body = json.dumps({field: text}, ensure_ascii=True).encode()  # \\ud800 survives as an escape
    reply = client.post(path, content=body, headers=JSON)
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        assert set(reply.json()) == {"error"} and reply.json()["error"]["code"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=30,
    )
)
def test_any_json_batch_body_gets_a_4xx_or_a_job(client: TestClient, value: object) -> None:
    reply = client.post("/v1/batches", content=json.dumps(value).encode(), headers=JSON)
    assert reply.status_code in (202, 400, 422, 429), reply.text
