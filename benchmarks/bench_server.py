"""Load on the HTTP service: 200 concurrent cached ``POST /v1/brief`` requests from a second
process on loopback. Prints p50/p99 latency and errors, against a ``GET /healthz`` baseline
under the same load, in the same run."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.server_process import Server

ARTICLE = (Path(__file__).resolve().parent.parent / "examples" / "zh_h200_netease.txt").read_text(
    encoding="utf-8"
)
REQUESTS = 200


async def hammer(
    url: str, method: str, path: str, body: dict[str, str] | None
) -> tuple[list[float], int]:
    limits = httpx.Limits(max_connections=REQUESTS, max_keepalive_connections=REQUESTS)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def one() -> tuple[float, bool]:
            start = time.perf_counter()
            try:
                response = await client.request(method, path, json=body)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            return time.perf_counter() - start, ok

        results = await asyncio.gather(*(one() for _ in range(REQUESTS)))
    return [r[0] for r in results], sum(not r[1] for r in results)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp)).start()
        try:
            body = {"text": ARTICLE, "target": "US export controls on AI chips to China"}
            httpx.post(
                f"{server.url}/v1/brief", json=body, timeout=60
            ).raise_for_status()  # fill the cache
            base, base_errors = asyncio.run(hammer(server.url, "GET", "/healthz", None))
            times, errors = asyncio.run(hammer(server.url, "POST", "/v1/brief", body))
        finally:
            server.stop()
    p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
    print(
        f"{REQUESTS} concurrent cached /v1/brief: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"mean {statistics.mean(times) * 1000:.0f} ms, errors {errors}"
    )
    print(
        f"baseline {REQUESTS} concurrent /healthz: p50 {percentile(base, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(base, 0.99) * 1000:.0f} ms, errors {base_errors}"
    )
    print(
        f"p99 brief / p99 healthz = {p99 / percentile(base, 0.99):.1f}; target p99 < 100 ms and zero errors: "
        f"{'met' if p99 < 0.1 and errors == 0 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
