"""``POST /v1/brief/stream``: the brief as Server-Sent Events, each part as soon as it exists.

Events, in order: ``article`` (the cleaned Article), ``paragraph`` (one per translated paragraph,
as the model finishes it), ``summary``, ``stance``, then ``done`` (the whole Brief) or ``error``
(``{"error": {"code", "message"}}``, the body of the same failure on ``/v1/brief``). A client that
disconnects cancels the model work still to come; the call in flight finishes, no other starts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from summarizer.backends.cancel import CancellableBackend
from summarizer.errors import CancelledError, SummarizerError
from summarizer.redact import redact
from summarizer.service.api_models import BriefIn
from summarizer.service.errors import ApiError, status_for
from summarizer.service.state import ServiceState
from summarizer.tasks.brief import make_brief

_END = ("", "")


def _frame(kind: str, data: str) -> bytes:
    return f"event: {kind}\ndata: {data}\n\n".encode()


def _error(code: str, message: str) -> str:
    return json.dumps({"error": {"code": code, "message": redact(message)}}, ensure_ascii=False)


def stream_router(state: ServiceState) -> APIRouter:
    router = APIRouter()
    running: set[asyncio.Task[None]] = set()

    @router.post(
        "/v1/brief/stream",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def brief_stream(body: BriefIn) -> StreamingResponse:
        model = body.model or state.settings.model
        state.refuse_unless_offered(model)
        # Bad input and unknown models fail before the stream starts, as plain JSON errors.
        article, backend, options = await state.inputs(body)
        cancellable = CancellableBackend(backend)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()

        def send(kind: str, data: str) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, (kind, data))

        def emit(kind: str, payload: BaseModel) -> None:
            send(kind, payload.model_dump_json())

        def work() -> None:
            try:
                brief = make_brief(
                    article,
                    cancellable,
                    model=model,
                    options=options,
                    target=body.target,
                    on_event=emit,
                )
                send("done", brief.model_dump_json())
            except CancelledError:
                pass  # nobody is listening
            except SummarizerError as exc:
                send("error", _error(status_for(exc)[1], str(exc)))
            finally:
                send(*_END)

        async def run() -> None:
            try:
                await state.run_model(work)
            except ApiError as exc:  # the model timeout
                cancellable.cancel()
                send("error", _error(exc.code, exc.message))
                send(*_END)

        async def events() -> AsyncIterator[bytes]:
            task = asyncio.create_task(run())
            running.add(task)  # held until the work ends, even after the client has gone
            task.add_done_callback(running.discard)
            try:
                while True:
                    kind, data = await queue.get()
                    if (kind, data) == _END:
                        break
                    yield _frame(kind, data)
            finally:
                cancellable.cancel()  # a client that went away stops the calls still to come

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return router
