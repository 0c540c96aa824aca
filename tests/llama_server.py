"""The offline model's weights served over HTTP by llama-cpp-python's own OpenAI-compatible server
(``python -m llama_cpp.server``), on a free loopback port: a real server for the hosted path."""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server_process import die_with_parent, free_port

SERVED_NAME = "qwen-served"


def server_installed() -> bool:
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("llama_cpp", "sse_starlette", "starlette_context")
    )


class LlamaServer:
    """``python -m llama_cpp.server`` on ``weights`` as model ``SERVED_NAME``, with the context
    size and threads the in-process model uses, so the two differ only in the transport."""

    def __init__(self, weights: Path, n_ctx: int, n_threads: int, log: Path):
        self.port = free_port()
        self.api_base = f"http://127.0.0.1:{self.port}/v1"
        self.args = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(weights),
            "--model_alias",
            SERVED_NAME,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(n_ctx),
            "--n_threads",
            str(n_threads),
        ]
        self.process: subprocess.Popen[bytes] | None = None
        self.log = log  # llama.cpp writes much to stderr: a file, not a pipe that fills and blocks

    def start(self, timeout_s: float = 120) -> LlamaServer:
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen(
                self.args,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                preexec_fn=die_with_parent,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                reply = httpx.get(f"{self.api_base}/models", timeout=1, trust_env=False)
                if reply.status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            # Between probes, wait on the process itself: a server that dies wakes this at once.
            try:
                self.process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                continue
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"llama_cpp.server exited: {tail}")
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not answer within {timeout_s:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
