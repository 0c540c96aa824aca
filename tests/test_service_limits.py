"""The real server under hostile clients: stalled uploads are cut off, a non-loopback bind needs a
token, and memory stays bounded over many distinct requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.server_process import Server, allow_loopback, free_port


def test_stalled_uploads_get_408_and_let_go(tmp_path: Path) -> None:
    allow_loopback()
    server = Server(tmp_path / "cache", extra_args=("--body-timeout", "1")).start()
    sockets = []
    try:
        for _ in range(30):
            conn = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            conn.sendall(
                b"POST /v1/brief HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 2000000\r\n\r\n" + b'{"text": "' + b"x" * 100_000
            )
            sockets.append(conn)
        # Meanwhile the service answers others at once.
        assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
        for conn in sockets:
            reply = b""
            while b"\r\n\r\n" not in reply:  # blocks until the server answers (or 30 s)
                chunk = conn.recv(65536)
                if not chunk:
                    break
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 408"), reply[:100]
            assert b"request_timeout" in reply or conn.recv(65536)
    finally:
        for conn in sockets:
            conn.close()
        server.stop()


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    allow_loopback()
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return subprocess.run(
        [sys.executable, "-m", "summarizer", "serve", "--port", str(free_port()), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **(env or {})},
        check=False,
    )


def test_a_network_bind_without_a_token_is_refused() -> None:
    refused = _serve("--host", "0.0.0.0")
    assert refused.returncode != 0 and "SUMMARIZER_API_TOKEN" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_bad_configuration_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "terms.tsv"
    bad.write_text("no tab on this line\n", encoding="utf-8")
    for args, env in (
        (("-m", "fake"), {"SUMMARIZER_GLOSSARY": str(bad)}),
        (("-m", "fake"), {"SUMMARIZER_CACHE_DIR": "/dev/null/cache"}),
    ):
        result = _serve(*args, env=env)
        assert result.returncode != 0, result.stderr
        lines = result.stderr.strip().splitlines()
        assert (
            len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr
        )


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


SOAK_REQUESTS = 20_000
RSS_GROWTH_BOUND_MB = 120.0  # the 64 MiB memo, full, plus allocator slack


def test_soak_memory_stays_bounded_over_distinct_requests(tmp_path: Path) -> None:
    """20,000 distinct requests (briefs of new texts with 3,000 different fake model strings,
    and cleans); RSS measured after a warm-up and at the end."""
    from concurrent.futures import ThreadPoolExecutor

    allow_loopback()
    server = Server(tmp_path / "cache", extra_args=("--allow-model", "fake*")).start()
    assert server.process is not None

    def requests(start: int, stop: int) -> int:
        errors = 0
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for i in range(start, stop):
                text = f"Nvidia sold {i} chips in China on day {i % 97}.\nThe US rules changed."
                if i % 2:
                    reply = client.post("/v1/clean", json={"text": text})
                else:
                    body = {"text": text, "model": f"fake?seed={i % 3000}"}
                    reply = client.post("/v1/brief", json=body)
                errors += reply.status_code != 200
        return errors

    def burst(start: int, count: int) -> int:
        step = count // 4
        with ThreadPoolExecutor(4) as pool:
            parts = [
                pool.submit(requests, start + k * step, start + (k + 1) * step) for k in range(4)
            ]
            return sum(part.result() for part in parts)

    try:
        assert burst(0, 2_000) == 0
        warm = _rss_mb(server.process.pid)
        assert burst(2_000, SOAK_REQUESTS - 2_000) == 0
        end = _rss_mb(server.process.pid)
    finally:
        server.stop()
    assert end - warm < RSS_GROWTH_BOUND_MB, (warm, end)


def test_the_keys_a_server_would_spend_are_named_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from summarizer.cli.serve import is_loopback, spendable_keys

    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-000000")
    assert spendable_keys() == ["OPENAI_API_KEY"]
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5") and not is_loopback("example")
