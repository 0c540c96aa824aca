"""The HTTP service (FastAPI): the same pipeline as the CLI, behind JSON routes and a reader page.

Model calls run in worker threads with a per-request timeout, and so do ingest (HTML
extraction) and building a backend (the first may import litellm): none blocks the event
loop. Errors are JSON ``{"error": {"code", "message"}}`` with a stable code; never a traceback,
never a key.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from summarizer import __version__
from summarizer.batch.engine import BatchEngine
from summarizer.config import Settings, load_settings
from summarizer.service.api_models import ErrorOut
from summarizer.service.auth import TokenAuth
from summarizer.service.body_limit import DEFAULT_BODY_TIMEOUT_S, BodyLimit
from summarizer.service.errors import install_error_handlers
from summarizer.service.jobs import DEFAULT_DEADLINE_S, DEFAULT_MAX_RUNNING
from summarizer.service.memo import ResponseMemo
from summarizer.service.routes_articles import articles_router
from summarizer.service.routes_batches import batches_router
from summarizer.service.routes_meta import meta_router
from summarizer.service.routes_stream import stream_router
from summarizer.service.routes_tools import tools_router
from summarizer.service.state import ServiceState

log = logging.getLogger(__name__)
DEFAULT_MODEL_TIMEOUT_S = 900.0


def create_app(
    settings: Settings | None = None,
    *,
    token: str | None = None,
    model_timeout_s: float = DEFAULT_MODEL_TIMEOUT_S,
    allowed_models: tuple[str, ...] | None = None,
    engine: BatchEngine | None = None,
    max_jobs: int = DEFAULT_MAX_RUNNING,
    job_deadline_s: float = DEFAULT_DEADLINE_S,
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S,
) -> FastAPI:
    """The service.

    Args:
        settings: the pipeline's settings; ``settings.model`` is the default model.
        token: required on every route but /healthz (default ``SUMMARIZER_API_TOKEN``).
        model_timeout_s: how long one request may wait for the model.
        allowed_models: shell patterns of the models clients may ask for; None allows any.
        engine: runs batch jobs (default: threads in this process).
        max_jobs: batch jobs running at once; more are refused with 429 and Retry-After.
        job_deadline_s: how long one batch job may run before it is stopped.
        body_timeout_s: how long a client may take to send a request body (408 after).
    """
    settings = settings or load_settings()
    token = token if token is not None else os.environ.get("SUMMARIZER_API_TOKEN") or None
    state = ServiceState(
        settings,
        model_timeout_s=model_timeout_s,
        allowed_models=allowed_models,
        engine=engine,
        max_jobs=max_jobs,
        job_deadline_s=job_deadline_s,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resumed = state.jobs.resume_all()
        if resumed:
            log.warning("resumed %d batch job(s)", len(resumed))
        yield
        state.close()

    app = FastAPI(
        title="summarizer",
        version=__version__,
        lifespan=lifespan,
        description="English briefs of Chinese news, with checked evidence.",
        responses={
            status: {"model": ErrorOut}
            for status in (400, 401, 404, 408, 413, 422, 429, 502, 503, 504)
        },
    )
    install_error_handlers(app)
    app.include_router(meta_router(state))
    app.include_router(articles_router(state))
    app.include_router(stream_router(state))
    app.include_router(tools_router(state))
    app.include_router(batches_router(state))
    # JSON escaping can double an article's size; allow for it, the article limit still applies.
    app.add_middleware(ResponseMemo, paths=frozenset({"/v1/brief"}))
    app.add_middleware(
        BodyLimit, limit=settings.max_input_bytes * 2 + 64_000, timeout_s=body_timeout_s
    )
    if token:
        app.add_middleware(TokenAuth, token=token)  # added last, so it runs first
    app.state.service = state
    return app
