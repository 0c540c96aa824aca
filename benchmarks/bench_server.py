"""Load on the HTTP service: 200 concurrent cached ``POST /v1/brief`` requests from a second
process on loopback. Prints p50/p99 latency, errors and throughput, against a ``GET /healthz``
baseline under the same load, in the same run.

The client is deliberately thin (asyncio streams, HTTP/1.1 keep-alive, the request bytes built
once), like ``wrk``: on a 2-core machine a heavy Python client would take the CPU the server needs
and measure itself. 200 connections are opened first, then every round sends 200 requests at once
and waits for all 200 replies; each reply is checked against the expected status and body.
Also reported: one cold round on fresh connections (connect included); the path behind the
in-memory memo (every request's bytes made unique with trailing spaces, so each one is parsed,
validated and answered from the result cache on disk); and the first round of 200 identical
requests to a restarted server, whose memo is empty (one request reads the disk, the others wait
for it).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.server_process import Server

ARTICLE = (Path(__file__).resolve().parent.parent / "examples" / "zh_h200_netease.txt").read_text(
    encoding="utf-8"
)
CONCURRENCY = 200
ROUNDS = 20

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


def http_request(method: str, path: str, body: dict[str, str] | None, pad: int = 0) -> bytes:
    data = json.dumps(body, ensure_ascii=False).encode() + b" " * pad if body is not None else b""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


async def read_reply(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return status, await reader.readexactly(length)


async def one(stream: Stream, request: bytes, expected: bytes) -> tuple[float, bool]:
    reader, writer = stream
    start = time.perf_counter()
    try:
        writer.write(request)
        status, body = await read_reply(reader)
        ok = status == 200 and body == expected
    except (OSError, asyncio.IncompleteReadError, StopIteration, ValueError):
        ok = False
    return time.perf_counter() - start, ok


async def connect(port: int) -> list[Stream]:
    return list(
        await asyncio.gather(
            *(asyncio.open_connection("127.0.0.1", port) for _ in range(CONCURRENCY))
        )
    )


async def cold_round(port: int, request: bytes, expected: bytes) -> list[tuple[float, bool]]:
    """Fresh connections: each request's time includes its TCP connect."""

    async def fresh() -> tuple[float, bool]:
        start = time.perf_counter()
        stream = await asyncio.open_connection("127.0.0.1", port)
        _, ok = await one(stream, request, expected)
        elapsed = time.perf_counter() - start
        stream[1].close()
        return elapsed, ok

    return list(await asyncio.gather(*(fresh() for _ in range(CONCURRENCY))))


async def load(
    port: int, requests: Callable[[int], bytes], expected: bytes
) -> tuple[list[tuple[float, bool]], float]:
    """ROUNDS rounds of CONCURRENCY requests on open connections; ``requests(n)`` is the n-th."""
    streams = await connect(port)
    results: list[tuple[float, bool]] = []
    start = time.perf_counter()
    for round_ in range(ROUNDS):
        batch = [requests(round_ * CONCURRENCY + i) for i in range(CONCURRENCY)]
        results += await asyncio.gather(
            *(
                one(stream, request, expected)
                for stream, request in zip(streams, batch, strict=True)
            )
        )
    elapsed = time.perf_counter() - start
    for _, writer in streams:
        writer.close()
    return results, len(results) / elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, results: list[tuple[float, bool]], rate: float | None = None) -> float:
    times = [t for t, _ in results]
    errors = sum(not ok for _, ok in results)
    p99 = percentile(times, 0.99)
    throughput = f", {rate:,.0f} requests/s" if rate else ""
    print(
        f"{name}: {len(times)} requests, p50 {percentile(times, 0.5) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, max {max(times) * 1000:.1f} ms, errors {errors}{throughput}"
    )
    return p99 if errors == 0 else float("inf")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp)).start()
        try:
            body = {"text": ARTICLE, "target": "US export controls on AI chips to China"}
            first = httpx.post(f"{server.url}/v1/brief", json=body, timeout=60)  # fills the cache
            first.raise_for_status()
            health = httpx.get(f"{server.url}/healthz").content
            brief_request = http_request("POST", "/v1/brief", body)
            health_request = http_request("GET", "/healthz", None)
            cold = asyncio.run(cold_round(server.port, brief_request, first.content))
            base, base_rate = asyncio.run(load(server.port, lambda n: health_request, health))
            briefs, brief_rate = asyncio.run(
                load(server.port, lambda n: brief_request, first.content)
            )
            disk, disk_rate = asyncio.run(
                load(
                    server.port,
                    lambda n: http_request("POST", "/v1/brief", body, pad=n + 1),
                    first.content,
                )
            )
        finally:
            server.stop()
        # A restarted server: empty memo, briefs on disk; 200 identical requests at once.
        restarted = Server(Path(tmp)).start()
        try:
            after_restart = asyncio.run(cold_round(restarted.port, brief_request, first.content))
        finally:
            restarted.stop()
    print(f"{CONCURRENCY} concurrent connections, {ROUNDS} rounds of {CONCURRENCY} requests")
    base_p99 = report("baseline GET /healthz", base, base_rate)
    p99 = report("cached POST /v1/brief", briefs, brief_rate)
    report("cached POST /v1/brief, one cold round (connect included)", cold)
    report("cached POST /v1/brief, memo bypassed (result cache on disk)", disk, disk_rate)
    report("cached POST /v1/brief, first round after a restart (connect included)", after_restart)
    print(
        f"p99 brief / p99 healthz = {p99 / base_p99:.2f}; target p99 < 100 ms and zero errors: "
        f"{'met' if p99 < 0.1 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
