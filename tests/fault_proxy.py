"""A loopback HTTP proxy in front of a model server that fails some requests on purpose: an HTTP
error with headers (429 with Retry-After, 503), or a connection closed with no answer. It keeps
the arrival time of every request, so a test can check that a client waited as it was told."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


@dataclass(frozen=True)
class Fault:
    """``status`` with ``headers``, or, with ``drop``, the connection closed unanswered."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


@dataclass
class Arrival:
    at: float
    path: str
    fault: Fault | None


class FaultProxy:
    """Requests to ``/v1/chat/completions`` are numbered from 0; number ``n`` gets ``faults[n]``
    when there is one, else goes to ``upstream``. Other paths always go through."""

    def __init__(self, upstream: str, faults: dict[int, Fault]):
        self.upstream = upstream.rstrip("/")
        self.faults = faults
        self.arrivals: list[Arrival] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.api_base = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def completions(self) -> list[Arrival]:
        with self._lock:
            return [a for a in self.arrivals if a.path.endswith("/chat/completions")]

    def _fault_for(self, path: str) -> Fault | None:
        with self._lock:
            fault = None
            if path.endswith("/chat/completions"):
                number = sum(1 for a in self.arrivals if a.path.endswith("/chat/completions"))
                fault = self.faults.get(number)
            self.arrivals.append(Arrival(time.monotonic(), path, fault))
            return fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._forward("GET", b"")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fault = proxy._fault_for(self.path)
                if fault is not None and fault.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault is not None:
                    payload = b'{"error": {"message": "injected by the test proxy"}}'
                    self.send_response(fault.status)
                    for name, value in {
                        **fault.headers,
                        "Content-Type": "application/json",
                    }.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self._forward("POST", body)

            def _forward(self, method: str, body: bytes) -> None:
                headers = {"Content-Type": self.headers.get("Content-Type", "application/json")}
                reply = httpx.request(
                    method,
                    proxy.upstream + self.path.removeprefix("/v1"),
                    content=body,
                    headers=headers,
                    timeout=600,
                    trust_env=False,
                )
                self.send_response(reply.status_code)
                self.send_header("Content-Type", reply.headers.get("content-type", "text/plain"))
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

        return Handler
