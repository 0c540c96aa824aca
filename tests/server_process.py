"""Start the real service (``summarizer serve``) as a subprocess on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest_socket


def allow_loopback() -> None:
    """Sockets for this test, but connections only to loopback (pytest-socket stays on guard)."""
    pytest_socket.enable_socket()
    pytest_socket.socket_allow_hosts(["127.0.0.1", "::1"], allow_unix_socket=True)


def die_with_parent() -> None:
    """In the child, before exec: on Linux, be killed when the test process dies, so a pytest run
    that is itself killed (a CI timeout) leaves no server behind holding the cores."""
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(
        self,
        cache_dir: Path,
        *,
        model: str = "fake",
        env: dict[str, str] | None = None,
        port: int | None = None,
        extra_args: tuple[str, ...] = (),
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cache_dir = cache_dir
        self.args = [
            sys.executable,
            "-m",
            "summarizer",
            "--cache-dir",
            str(cache_dir),
            "serve",
            "--port",
            str(self.port),
            "-m",
            model,
            *extra_args,
        ]
        # No provider keys: the tests must never reach a live provider.
        clean = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        self.env = {**clean, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None
        # A file, not a pipe: a pipe nobody reads blocks a server that logs more than it holds.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as this object)

    def log_text(self) -> str:
        """What the server has written to stderr so far."""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", errors="replace")

    def start(self) -> Server:
        self.process = subprocess.Popen(
            self.args,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            preexec_fn=die_with_parent,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            # Between probes, wait on the process itself: a server that dies wakes this at once.
            try:
                self.process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"server exited: {self.log_text()}")
        raise RuntimeError("server did not start within 60 s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
