"""ASGI middleware that answers a repeated identical request from memory.

A brief is a pure function of the request and the server's pipeline, and the route already keeps
finished briefs in the response cache on disk. This memo sits in front of the framework for the
hot case (many clients asking for the same article): the exact request bytes are hashed and, on a
hit, the stored response is replayed without parsing, validating or touching the disk. Only
responses the route marks as cacheable (status 200 with an ``X-Summarizer-Cache`` header) are kept,
in a least-recently-used map bounded in bytes.

Identical requests that arrive while the first is still being answered wait for that answer
instead of running the pipeline again (a burst of readers asking for the same new article costs
one brief, not one per reader). If the first one fails, each waiting request is run on its own.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

CACHE_HEADER = b"x-summarizer-cache"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

Message = dict[str, Any]


class ResponseMemo:
    """Replay stored responses to identical POSTs on ``paths``; at most ``max_bytes`` kept."""

    def __init__(self, app: Any, paths: frozenset[str], max_bytes: int = DEFAULT_MAX_BYTES):
        self.app = app
        self.paths = paths
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[bytes, tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self.in_flight: dict[bytes, asyncio.Future[None]] = {}

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[[], Awaitable[Message]], send: Any
    ) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        messages, body = await _read_body(receive)
        key = self._key(scope, body)
        leader = self.in_flight.get(key)
        if leader is not None:  # the same request is being answered: wait for that answer
            await asyncio.shield(leader)
            if not await self._replay(key, send):  # it failed: try on our own, not as a leader
                await self._answer(key, scope, messages, receive, send)
            return
        if await self._replay(key, send):
            return
        done = self.in_flight[key] = asyncio.get_running_loop().create_future()
        try:
            await self._answer(key, scope, messages, receive, send)
        finally:
            if self.in_flight.get(key) is done:
                del self.in_flight[key]
            done.set_result(None)

    async def _replay(self, key: bytes, send: Any) -> bool:
        stored = self.entries.get(key)
        if stored is None:
            return False
        self.entries.move_to_end(key)
        headers, content = stored
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})
        return True

    async def _answer(
        self,
        key: bytes,
        scope: dict[str, Any],
        messages: list[Message],
        receive: Callable[[], Awaitable[Message]],
        send: Any,
    ) -> None:
        """Run the app on the buffered request, keeping its response if it may be kept."""
        replay = iter(messages)

        async def replayed() -> Message:
            return next(replay, None) or await receive()

        start: Message = {}
        chunks: list[bytes] = []

        async def recorded(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self._store(key, start, b"".join(chunks))
            await send(message)

        await self.app(scope, replayed, recorded)

    @staticmethod
    def _key(scope: dict[str, Any], body: bytes) -> bytes:
        content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
        digest = hashlib.sha256(scope["path"].encode() + b"\0" + content_type + b"\0")
        digest.update(body)
        return digest.digest()

    def _store(self, key: bytes, start: Message, content: bytes) -> None:
        headers = list(start.get("headers", []))
        if start.get("status") != 200 or not any(k == CACHE_HEADER for k, _ in headers):
            return
        if len(content) > self.max_bytes // 4:
            return  # one huge brief must not evict everything else
        headers = [(k, b"hit" if k == CACHE_HEADER else v) for k, v in headers]
        if key in self.entries:  # two identical requests raced through the app
            self.size -= len(self.entries[key][1])
        self.entries[key] = (headers, content)
        self.size += len(content)
        while self.size > self.max_bytes:
            _, (_, dropped) = self.entries.popitem(last=False)
            self.size -= len(dropped)


async def _read_body(receive: Callable[[], Awaitable[Message]]) -> tuple[list[Message], bytes]:
    """Every message of the request body (to replay on a miss) and the body itself."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break
    return messages, b"".join(m.get("body", b"") for m in messages)
