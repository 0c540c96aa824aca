"""A small OpenAI-compatible chat server on 127.0.0.1 for tests of the hosted code path: it
answers ``/v1/chat/completions`` from a script (a reply, or an HTTP error with headers) and keeps
what each request carried, the Authorization header included."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Scripted:
    status: int = 200
    text: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)


class OpenAIStub:
    """``script`` first, then ``responder(body)`` (or ``default``) for every later request."""

    def __init__(
        self,
        script: list[Scripted] | None = None,
        default: str = "ok",
        responder: Callable[[dict[str, Any]], str] | None = None,
    ):
        self.script = list(script or [])
        self.default = default
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self.authorizations: list[str] = []
        self._lock = threading.Lock()
        self.gate = threading.Event()  # cleared by a test: requests then wait at the door
        self.gate.set()
        self.in_flight = 0
        self.most_in_flight = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                data = json.dumps({"object": "list", "data": [{"id": "stub-model"}]}).encode()
                self.send_response(200 if self.path.endswith("/models") else 404)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                with stub._lock:
                    stub.in_flight += 1
                    stub.most_in_flight = max(stub.most_in_flight, stub.in_flight)
                stub.gate.wait(30)
                with stub._lock:
                    stub.in_flight -= 1
                    stub.requests.append(body)
                    stub.authorizations.append(self.headers.get("authorization", ""))
                    if stub.script:
                        step = stub.script.pop(0)
                    elif stub.responder is not None:
                        step = Scripted(text=stub.responder(body))
                    else:
                        step = Scripted(text=stub.default)
                if step.status != 200:
                    payload: dict[str, object] = {
                        "error": {"message": f"stub {step.status}", "type": "stub"}
                    }
                else:
                    payload = {
                        "id": "chatcmpl-stub",
                        "object": "chat.completion",
                        "created": 0,
                        "model": body.get("model", "stub"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": step.text},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
                    }
                data = json.dumps(payload).encode()
                self.send_response(step.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> OpenAIStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# The pipeline's structured steps, by the name of the schema they send as response_format.
TASK_OF_SCHEMA = {
    "TranslationDraft": "translate",
    "OverviewDraft": "summarize",
    "SentenceChoiceDraft": "keypoints",
    "StanceDraft": "stance",
}


def demo_responder(body: dict[str, Any]) -> str:
    """Schema-valid replies to the pipeline's requests, from the package's demo responder."""
    from summarizer.backends.base import Request
    from summarizer.demo import demo_reply

    schema = (body.get("response_format") or {}).get("json_schema") or {}
    if schema.get("name") == "probe":  # the backend asking how this server takes a schema
        return json.dumps({"greeting": "Hello, Ada."})
    task = TASK_OF_SCHEMA.get(schema.get("name", ""), "translate_plain")
    messages = tuple({"role": m["role"], "content": m["content"]} for m in body["messages"])
    request = Request(
        model=body["model"], messages=messages, prompt=f"{task}@v0", schema=schema.get("schema")
    )
    return demo_reply(request)
