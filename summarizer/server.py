"""The HTTP service (FastAPI): the same pipeline as the CLI, behind JSON routes and a reader page.

Model calls run in worker threads with a per-request timeout, and so do ingest (HTML
extraction) and building a backend (the first may import litellm): none blocks the event
loop. Errors are JSON ``{"error": {"code", "message"}}`` with a stable code; never a traceback,
never a key.
"""

from __future__ import annotations

import asyncio
import fnmatch
import hashlib
import json
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from summarizer import __version__
from summarizer.api_models import (
    ArticleIn,
    BatchIn,
    BatchStatus,
    BriefIn,
    ErrorOut,
    ModelInfo,
    TranslateIn,
    batch_request_body,
)
from summarizer.backends.base import Backend
from summarizer.config import Settings
from summarizer.errors import (
    BackendError,
    ConfigError,
    InputError,
    ModelUnavailableError,
    ParseError,
    SummarizerError,
)
from summarizer.glossary import Glossary, load_glossary, parse_glossary
from summarizer.http_auth import TokenAuth
from summarizer.http_limit import BodyLimit
from summarizer.http_memo import ResponseMemo
from summarizer.ingest import article_from_text
from summarizer.jobs import JobStore
from summarizer.models import make_backend, model_status, open_response_cache
from summarizer.redact import redact
from summarizer.schemas import Article, Brief, Translation
from summarizer.tasks.brief import make_brief
from summarizer.tasks.translate import translate

log = logging.getLogger(__name__)
DEFAULT_MODEL_TIMEOUT_S = 900.0


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": {"code": code, "message": redact(message)}}
    )


def _status_for(exc: SummarizerError) -> tuple[int, str]:
    if isinstance(exc, InputError):
        return (413, "payload_too_large") if "limit" in str(exc) else (400, "input_error")
    if isinstance(exc, ConfigError):
        return 400, "config_error"
    if isinstance(exc, ParseError):
        return 502, "parse_error"
    if isinstance(exc, ModelUnavailableError):
        return 503, "backend_unavailable"
    if isinstance(exc, BackendError):
        return (503, "backend_unavailable") if exc.transient else (502, "backend_error")
    return 500, "internal_error"


def create_app(
    settings: Settings | None = None,
    *,
    token: str | None = None,
    model_timeout_s: float = DEFAULT_MODEL_TIMEOUT_S,
    allowed_models: tuple[str, ...] | None = None,
) -> FastAPI:
    """The service.

    Args:
        settings: the pipeline's settings; ``settings.model`` is the default model.
        token: required on every route but /healthz (default ``SUMMARIZER_API_TOKEN``).
        model_timeout_s: how long one request may wait for the model.
        allowed_models: shell patterns of the models clients may ask for; None allows any.
    """
    settings = settings or Settings.from_env()
    token = token if token is not None else os.environ.get("SUMMARIZER_API_TOKEN") or None
    jobs = JobStore(settings.resolved_cache_dir() / "batches", settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resumed = jobs.resume_all()
        if resumed:
            log.warning("resumed %d batch job(s)", len(resumed))
        yield

    app = FastAPI(
        title="summarizer",
        version=__version__,
        lifespan=lifespan,
        description="English briefs of Chinese news, with checked evidence.",
        responses={
            400: {"model": ErrorOut},
            401: {"model": ErrorOut},
            413: {"model": ErrorOut},
            422: {"model": ErrorOut},
            502: {"model": ErrorOut},
            503: {"model": ErrorOut},
            504: {"model": ErrorOut},
        },
    )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(SummarizerError)
    async def summarizer_error(request: Request, exc: SummarizerError) -> JSONResponse:
        status, code = _status_for(exc)
        return _error(status, code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
            for e in exc.errors()[:5]
        )
        return _error(422, "invalid_request", problems or "invalid request")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error(
            "internal error on %s: %s", request.url.path, redact(f"{type(exc).__name__}: {exc}")
        )
        return _error(500, "internal_error", "internal error; see the server log")

    def _article(body: ArticleIn) -> Article:
        text = body.text if body.text is not None else body.html or ""
        if len(text.encode("utf-8", errors="replace")) > settings.max_input_bytes:
            raise InputError(f"article: input is over the {settings.max_input_bytes:,}-byte limit")
        return article_from_text(text, name="request", html=body.html is not None)

    shared_cache = open_response_cache(settings) if settings.use_cache else None
    backends: dict[str, Backend] = {}
    backends_lock = threading.Lock()
    base_glossary = load_glossary(settings.glossary_path)
    fingerprint = pipeline_fingerprint(base_glossary)

    def _offered(model: str) -> bool:
        return (
            model == settings.model
            or allowed_models is None
            or any(fnmatch.fnmatchcase(model, pattern) for pattern in allowed_models)
        )

    def _refuse_unless_offered(model: str) -> None:
        if not _offered(model):
            raise ApiError(400, "model_unavailable", f"{model}: this server does not offer it")

    def _backend(requested: str | None) -> Backend:
        model = requested or settings.model
        _refuse_unless_offered(model)
        try:
            with backends_lock:  # built in worker threads: the first one may import litellm
                if model not in backends:
                    backends[model] = make_backend(settings, model, cache=shared_cache)
                return backends[model]
        except ModelUnavailableError as exc:
            if requested:  # the client asked for a model this server cannot run
                raise ApiError(400, "model_unavailable", str(exc)) from None
            raise

    def _glossary(extra: str | None) -> Glossary:
        if not extra:
            return base_glossary
        return base_glossary.extended(parse_glossary(extra, "request", "request"))

    async def _inputs(body: TranslateIn) -> tuple[Article, Backend, Glossary]:
        """The article, backend and glossary of a request, built off the event loop (ingest can
        be slow, and the first backend of a hosted model imports litellm)."""
        article = await asyncio.to_thread(_article, body)
        backend = await asyncio.to_thread(_backend, body.model)
        return article, backend, _glossary(body.glossary)

    async def _in_thread(function: Callable[[], Any]) -> Any:
        try:
            return await asyncio.wait_for(asyncio.to_thread(function), timeout=model_timeout_s)
        except TimeoutError:
            raise ApiError(
                504, "timeout", f"the model did not finish within {model_timeout_s:.0f} s"
            ) from None

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/v1/models", response_model=list[ModelInfo])
    async def models() -> list[ModelInfo]:
        candidates = [settings.model, "local/qwen2.5-1.5b", "fake", "openai/gpt-4o-mini"]
        names = [name for name in dict.fromkeys(candidates) if _offered(name)]
        statuses = [model_status(name, settings) for name in names]
        return [
            ModelInfo(
                model=s.model, usable=s.usable, reason=s.reason, default=s.model == settings.model
            )
            for s in statuses
        ]

    @app.post("/v1/clean", response_model=Article)
    async def clean(body: ArticleIn) -> Article:
        # Off the event loop: HTML extraction of a large page takes a while.
        result: Article = await asyncio.to_thread(_article, body)
        return result

    @app.post("/v1/translate", response_model=Translation)
    async def translate_route(body: TranslateIn) -> Translation:
        model = body.model or settings.model
        article, backend, glossary = await _inputs(body)
        result: Translation = await _in_thread(
            lambda: translate(
                article,
                backend,
                model=model,
                glossary=glossary,
                chunk_tokens=settings.translate_chunk_tokens,
                max_reasks=settings.max_reasks,
            )
        )
        return result

    @app.post("/v1/brief", response_model=Brief)
    async def brief(body: BriefIn) -> Response:
        model = body.model or settings.model
        _refuse_unless_offered(model)  # not even a stored brief of a model no longer offered
        # Identical requests get the stored brief: the same inputs, prompts, glossary, schema and
        # package version would only replay cached model calls.
        key = result_key("brief", {**body.model_dump(), "model": model}, fingerprint)
        stored = shared_cache.get(key) if shared_cache else None
        if stored is not None and isinstance(stored.get("json"), str):
            return Response(
                stored["json"], media_type="application/json", headers={"X-Summarizer-Cache": "hit"}
            )
        article, backend, glossary = await _inputs(body)
        result: Brief = await _in_thread(
            lambda: make_brief(
                article,
                backend,
                model=model,
                settings=settings.with_overrides(model=model),
                target=body.target,
                glossary=glossary,
            )
        )
        payload = result.model_dump_json()
        if shared_cache is not None:
            shared_cache.set(key, {"json": payload})
        return Response(
            payload, media_type="application/json", headers={"X-Summarizer-Cache": "miss"}
        )

    @app.post(
        "/v1/batches",
        status_code=202,
        response_model=BatchStatus,
        openapi_extra={"requestBody": batch_request_body()},
    )
    async def create_batch(request: Request) -> BatchStatus:
        body = await _batch_body(request)
        model = body.model or settings.model
        # An unusable model or a bad fake option fails here, not in the job.
        await asyncio.to_thread(_backend, body.model)
        items = [
            {k: v for k, v in item.model_dump().items() if v is not None} for item in body.items
        ]
        if len({item["id"] for item in items}) != len(items):
            raise ApiError(400, "input_error", "batch item ids must be unique")
        job_id = await asyncio.to_thread(jobs.create, items, model, body.target)
        return BatchStatus(**jobs.status(job_id).as_dict())

    @app.get("/v1/batches/{job_id}", response_model=BatchStatus)
    async def batch_status(job_id: str) -> BatchStatus:
        if not jobs.exists(job_id):
            raise ApiError(404, "not_found", f"no batch {job_id}")
        status = await asyncio.to_thread(jobs.status, job_id)  # file reads stay off the loop
        return BatchStatus(**status.as_dict())

    @app.get(
        "/v1/batches/{job_id}/results",
        response_class=StreamingResponse,
        responses={200: {"content": {"application/x-ndjson": {}}}},
    )
    async def batch_results(job_id: str) -> StreamingResponse:
        if not jobs.exists(job_id):
            raise ApiError(404, "not_found", f"no batch {job_id}")
        path = jobs.results_path(job_id)

        async def lines() -> AsyncIterator[bytes]:
            if not path.exists():
                return
            with path.open("rb") as handle:
                for line in handle:
                    if line.endswith(b"\n"):  # a line still being written is left for later
                        yield line

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def reader() -> HTMLResponse:
        return HTMLResponse(_asset("index.html"))

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        types = {".js": "text/javascript", ".css": "text/css"}
        suffix = Path(name).suffix
        if suffix not in types or "/" in name or name.startswith("."):
            raise ApiError(404, "not_found", f"no asset {name}")
        try:
            return Response(_asset(name), media_type=types[suffix])
        except FileNotFoundError:
            raise ApiError(404, "not_found", f"no asset {name}") from None

    # JSON escaping can double an article's size; allow for it, the article limit still applies.
    app.add_middleware(ResponseMemo, paths=frozenset({"/v1/brief"}))
    app.add_middleware(BodyLimit, limit=settings.max_input_bytes * 2 + 64_000)
    if token:
        app.add_middleware(TokenAuth, token=token)  # added last, so it runs first
    return app


async def _batch_body(request: Request) -> BatchIn:
    """A batch as JSON ``{"items": [...]}``, a bare JSON list of items, or a JSONL upload."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "")
    try:
        if "ndjson" in content_type or "jsonl" in content_type:
            items = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
            return BatchIn(items=items)
        if raw.lstrip().startswith(b"["):
            return BatchIn(items=json.loads(raw))
        return BatchIn.model_validate_json(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else "malformed body"
        raise ApiError(422, "invalid_request", f"batch body: {message}") from None


def pipeline_fingerprint(glossary: Glossary) -> str:
    """A digest of everything besides the request that shapes a brief: prompt templates,
    glossary, schema version and package version."""
    from summarizer.prompts import prompts_dir
    from summarizer.schemas import SCHEMA_VERSION

    digest = hashlib.sha256(f"{__version__}|{SCHEMA_VERSION}|{glossary.terms!r}".encode())
    for path in sorted(prompts_dir().rglob("*.j2")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def result_key(route: str, request: dict[str, Any], fingerprint: str) -> str:
    canonical = json.dumps(
        {"route": route, "request": request, "pipeline": fingerprint},
        sort_keys=True,
        ensure_ascii=False,
    )
    return "result:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _asset(name: str) -> str:
    return (resources.files("summarizer") / "web" / name).read_text(encoding="utf-8")
