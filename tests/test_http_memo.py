"""The in-memory response memo, driven as the ASGI app it is, in front of a counting app."""

from __future__ import annotations

import asyncio
from typing import Any

from summarizer.service.memo import ResponseMemo


class CountingApp:
    """Answers with the request body echoed; ``status`` and ``cacheable`` shape the reply."""

    def __init__(self, status: int = 200, cacheable: bool = True, delay: float = 0.0):
        self.calls = 0
        self.running = 0
        self.most_running = 0
        self.status = status
        self.cacheable = cacheable
        self.delay = delay

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls += 1
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        await asyncio.sleep(self.delay)  # a model at work
        self.running -= 1
        headers = [(b"content-type", b"application/json")]
        if self.cacheable:
            headers.append((b"x-summarizer-cache", b"miss"))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"echo:" + body})


async def call_async(
    app: Any,
    body: bytes,
    *,
    path: str = "/v1/brief",
    method: str = "POST",
    content_type: bytes = b"application/json",
    chunks: int = 1,
) -> tuple[int, dict[bytes, bytes], bytes]:
    size = max(1, len(body) // chunks)
    pieces = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    messages = [
        {"type": "http.request", "body": piece, "more_body": i < len(pieces) - 1}
        for i, piece in enumerate(pieces)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(b"content-type", content_type)],
    }
    await app(scope, receive, send)
    start = sent[0]
    return start["status"], dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def call(app: Any, body: bytes, **options: Any) -> tuple[int, dict[bytes, bytes], bytes]:
    return asyncio.run(call_async(app, body, **options))


def test_identical_requests_reach_the_app_once_and_replay_byte_for_byte() -> None:
    inner = CountingApp()
    memo = ResponseMemo(inner, paths=frozenset({"/v1/brief"}))
    status, headers, first = call(memo, b'{"text": "x"}')
    assert (status, headers[b"x-summarizer-cache"]) == (200, b"miss")
    status, headers, again = call(memo, b'{"text": "x"}', chunks=3)  # chunking does not matter
    assert (status, headers[b"x-summarizer-cache"], again) == (200, b"hit", first)
    assert inner.calls == 1


def test_anything_different_goes_to_the_app() -> None:
    inner = CountingApp()
    memo = ResponseMemo(inner, paths=frozenset({"/v1/brief"}))
    call(memo, b'{"text": "x"}')
    call(memo, b'{"text": "y"}')
    call(memo, b'{"text": "x"}', content_type=b"text/plain")
    call(memo, b'{"text": "x"}', path="/v1/translate")
    call(memo, b'{"text": "x"}', path="/v1/translate")
    assert inner.calls == 5


def test_errors_and_unmarked_responses_are_not_kept() -> None:
    for inner in (CountingApp(status=502), CountingApp(cacheable=False)):
        memo = ResponseMemo(inner, paths=frozenset({"/v1/brief"}))
        call(memo, b'{"text": "x"}')
        call(memo, b'{"text": "x"}')
        assert inner.calls == 2 and memo.size == 0


def test_memory_stays_under_its_bound_dropping_the_least_recent() -> None:
    inner = CountingApp()
    memo = ResponseMemo(inner, paths=frozenset({"/v1/brief"}), max_bytes=500)
    bodies = [b"%03d" % i + b"." * 112 for i in range(6)]  # 120 bytes stored each: 4 fit
    for body in bodies[:3]:
        call(memo, body)
    call(memo, bodies[0])  # touch the oldest: now the most recent
    for body in bodies[3:]:
        call(memo, body)
    assert memo.size == 480 and len(memo.entries) == 4
    calls = inner.calls
    call(memo, bodies[0])  # kept, it was used recently
    assert inner.calls == calls
    call(memo, bodies[1])  # dropped
    assert inner.calls == calls + 1


def test_identical_requests_in_flight_wait_for_the_first_answer() -> None:
    inner = CountingApp(delay=0.2)
    memo = ResponseMemo(inner, paths=frozenset({"/v1/brief"}))

    async def burst() -> list[tuple[int, dict[bytes, bytes], bytes]]:
        return list(await asyncio.gather(*(call_async(memo, b'{"text": "x"}') for _ in range(20))))

    replies = asyncio.run(burst())
    assert inner.calls == 1  # one pipeline run for twenty readers
    assert {body for _, _, body in replies} == {b'echo:{"text": "x"}'}
    assert sorted(h[b"x-summarizer-cache"] for _, h, _ in replies) == [b"hit"] * 19 + [b"miss"]
    assert memo.in_flight == {}


def test_when_the_first_answer_fails_each_waiting_request_runs_on_its_own() -> None:
    inner = CountingApp(status=503, delay=0.1)
    memo = ResponseMemo(inner, paths=frozenset({"/v1/brief"}))

    async def burst() -> list[tuple[int, dict[bytes, bytes], bytes]]:
        return list(await asyncio.gather(*(call_async(memo, b'{"text": "x"}') for _ in range(5))))

    replies = asyncio.run(burst())
    assert [status for status, _, _ in replies] == [503] * 5 and inner.calls == 5
    # The four waiting requests ran side by side, not one after another.
    assert inner.most_running == 4
    assert memo.in_flight == {} and memo.size == 0
