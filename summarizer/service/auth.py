"""ASGI middleware for the service's optional token: every route but ``/healthz`` requires it.

Programs send ``Authorization: Bearer <token>``. A browser cannot add a header to a page load,
so the same token is also accepted as the password of HTTP Basic auth (any user name): the
browser asks for it once and then sends it with the page's own API calls.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from summarizer.service.errors import error_json

PUBLIC_PATHS = frozenset({"/healthz"})


def token_in(authorization: bytes) -> bytes | None:
    """The token carried by an Authorization header value, Bearer or Basic; None if neither."""
    scheme, _, value = authorization.strip().partition(b" ")
    scheme = scheme.lower()
    if scheme == b"bearer":
        return value.strip()
    if scheme == b"basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            return None
        return decoded.partition(b":")[2]
    return None


class TokenAuth:
    """Refuse requests without the right token with a JSON 401 (and a Basic challenge)."""

    def __init__(self, app: Any, token: str):
        self.app = app
        self.token = token.encode("utf-8")

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]], send: Any
    ) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)  # lifespan events, /healthz
            return
        given = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                given = token_in(value) or b""
                break
        if hmac.compare_digest(given, self.token):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # policy violation
            return
        denied = error_json(401, "unauthorized", "missing or wrong token")
        denied.headers["WWW-Authenticate"] = 'Basic realm="summarizer", charset="UTF-8"'
        await denied(scope, receive, send)
