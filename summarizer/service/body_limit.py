"""ASGI middleware that reads each request body within a size limit and a time limit.

A body over ``limit`` bytes (declared or streamed) gets 413; a body that does not arrive whole
within ``timeout_s`` gets 408 and the connection is let go, so slow or stalled uploads cannot
hold memory and connections. The body read here is replayed to the app.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from summarizer.service.errors import error_json

DEFAULT_BODY_TIMEOUT_S = 30.0


class BodyLimit:
    def __init__(self, app: Any, limit: int, timeout_s: float = DEFAULT_BODY_TIMEOUT_S):
        self.app = app
        self.limit = limit
        self.timeout_s = timeout_s

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]], send: Any
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        messages = []
        seen = 0
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                message = await asyncio.wait_for(receive(), deadline - time.monotonic())
            except TimeoutError:
                slow = error_json(
                    408,
                    "request_timeout",
                    f"the request body did not arrive within {self.timeout_s:g} s",
                    headers={"Connection": "close"},
                )
                await slow(scope, receive, send)
                return
            messages.append(message)
            seen += len(message.get("body", b""))
            if seen > self.limit:
                await self._too_large(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        replay = iter(messages)

        async def replayed() -> dict[str, Any]:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)

    async def _too_large(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        response = error_json(
            413, "payload_too_large", f"request body is over the {self.limit:,}-byte limit"
        )
        await response(scope, receive, send)
