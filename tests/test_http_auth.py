"""The token middleware, driven as the ASGI app it is, in front of a recording app."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from summarizer.service.auth import TokenAuth, token_in

TOKEN = "t0ken-with-enough-length"


class Inner:
    def __init__(self) -> None:
        self.seen: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.seen.append(scope["type"])


def call(scope_type: str, path: str, authorization: bytes | None) -> tuple[Inner, list[Any]]:
    inner = Inner()
    headers = [(b"authorization", authorization)] if authorization is not None else []
    scope = {"type": scope_type, "path": path, "headers": headers, "method": "GET"}
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(TokenAuth(inner, TOKEN)(scope, receive, send))
    return inner, sent


def basic(user: str, password: str) -> bytes:
    return b"Basic " + base64.b64encode(f"{user}:{password}".encode())


@pytest.mark.parametrize(
    ("authorization", "allowed"),
    [
        (None, False),
        (f"Bearer {TOKEN}".encode(), True),
        (f"bearer  {TOKEN} ".encode(), True),
        (b"Bearer nope", False),
        (basic("reader", TOKEN), True),
        (basic("", TOKEN), True),
        (basic("reader", "nope"), False),
        (b"Basic !!!not-base64!!!", False),
        (TOKEN.encode(), False),  # no scheme
    ],
)
def test_http_requests_need_the_token(authorization: bytes | None, allowed: bool) -> None:
    inner, sent = call("http", "/v1/models", authorization)
    assert (inner.seen == ["http"]) is allowed
    if not allowed:
        start = sent[0]
        headers = dict(start["headers"])
        assert start["status"] == 401 and headers[b"www-authenticate"].startswith(b"Basic ")
        assert TOKEN.encode() not in b"".join(m.get("body", b"") for m in sent[1:])


def test_healthz_lifespan_and_websockets() -> None:
    assert call("http", "/healthz", None)[0].seen == ["http"]
    assert call("lifespan", "", None)[0].seen == ["lifespan"]
    inner, sent = call("websocket", "/ws", None)
    assert inner.seen == [] and sent == [{"type": "websocket.close", "code": 1008}]
    assert call("websocket", "/ws", f"Bearer {TOKEN}".encode())[0].seen == ["websocket"]


def test_token_in_reads_bearer_and_basic() -> None:
    assert token_in(b"Bearer abc") == b"abc"
    assert token_in(basic("u", "p:q")) == b"p:q"  # a password may hold a colon
    assert token_in(b"Digest x") is None
