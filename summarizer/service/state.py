"""What the service's routes share: settings, the models it offers, a bounded set of backends,
the result cache, the glossary and the batch jobs. Built once per app."""

from __future__ import annotations

import asyncio
import fnmatch
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from summarizer import __version__
from summarizer.backends.base import Backend
from summarizer.backends.fake import is_fake
from summarizer.batch.engine import BatchEngine, ThreadEngine
from summarizer.cache import CacheStore
from summarizer.config import Settings
from summarizer.errors import InputTooLargeError, ModelUnavailableError
from summarizer.factory import make_backend, open_response_cache
from summarizer.fetch import load_url
from summarizer.grounding.glossary import Glossary, load_glossary, parse_glossary
from summarizer.ingest import article_from_text
from summarizer.schemas import Article
from summarizer.service.api_models import ArticleIn, TranslateIn
from summarizer.service.errors import ApiError
from summarizer.service.jobs import DEFAULT_DEADLINE_S, DEFAULT_MAX_RUNNING, JobStore
from summarizer.tasks.options import PipelineOptions

T = TypeVar("T")
MAX_BACKENDS = 16


class ServiceState:
    """Shared by every route of one app.

    Args:
        settings: the pipeline's settings; ``settings.model`` is the default model.
        model_timeout_s: how long one request may wait for the model.
        allowed_models: shell patterns of the models clients may ask for; None allows any.
        engine: runs the batch jobs (default: threads here, sharing this state's backends).
        max_jobs: batch jobs running at once; more are refused (429).
        job_deadline_s: how long one batch job may run before it is stopped.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        model_timeout_s: float,
        allowed_models: tuple[str, ...] | None,
        engine: BatchEngine | None = None,
        max_jobs: int = DEFAULT_MAX_RUNNING,
        job_deadline_s: float = DEFAULT_DEADLINE_S,
    ):
        self.settings = settings
        self.model_timeout_s = model_timeout_s
        self.allowed_models = allowed_models
        self.shared_cache: CacheStore | None = (
            open_response_cache(settings) if settings.use_cache else None
        )
        self.base_glossary = load_glossary(settings.glossary)
        self.fingerprint = pipeline_fingerprint(self.base_glossary)
        # Least recently used first out: a client cycling through model strings cannot grow it.
        self._backends: OrderedDict[str, Backend] = OrderedDict()
        self._backends_lock = threading.Lock()
        self.model_work_running = 0  # requests now waiting on the model (reported by /healthz)
        self.engine = engine or ThreadEngine(backend_for=lambda job: self.backend(job.model))
        self.jobs = JobStore(
            settings.resolved_cache_dir() / "batches",
            settings,
            self.engine,
            max_running=max_jobs,
            deadline_s=job_deadline_s,
        )

    def offered(self, model: str) -> bool:
        """The default model, and what --allow-model lists; with no list, any real model. The
        fake is offered only when asked for: it is for tests and demos, not for clients."""
        if model == self.settings.model:
            return True
        if self.allowed_models is None:
            return not is_fake(model)
        return any(fnmatch.fnmatchcase(model, pattern) for pattern in self.allowed_models)

    def refuse_unless_offered(self, model: str) -> None:
        if not self.offered(model):
            raise ApiError(400, "model_unavailable", f"{model}: this server does not offer it")

    def backend(self, requested: str | None) -> Backend:
        """The backend of a model clients may ask for; built once (in a worker thread: the
        first backend of a hosted model imports litellm) and kept while it is in use."""
        model = requested or self.settings.model
        self.refuse_unless_offered(model)
        try:
            with self._backends_lock:
                backend = self._backends.get(model)
                if backend is None:
                    backend = make_backend(self.settings, model, cache=self.shared_cache)
                    self._backends[model] = backend
                    while len(self._backends) > MAX_BACKENDS:
                        self._backends.popitem(last=False)
                self._backends.move_to_end(model)
                return backend
        except ModelUnavailableError as exc:
            if requested:  # the client asked for a model this server cannot run
                raise ApiError(400, "model_unavailable", str(exc)) from None
            raise

    def options(self, extra_glossary: str | None) -> PipelineOptions:
        glossary = self.base_glossary
        if extra_glossary:
            glossary = glossary.extended(parse_glossary(extra_glossary, "request", "request"))
        return PipelineOptions.from_settings(self.settings, glossary=glossary)

    def article(self, body: ArticleIn) -> Article:
        limit = self.settings.max_input_bytes
        if body.url is not None:
            return load_url(
                body.url, max_bytes=limit, allow_private=self.settings.allow_private_urls
            )
        text = body.text if body.text is not None else body.html or ""
        if len(text.encode("utf-8", errors="replace")) > limit:
            raise InputTooLargeError(f"article: input is over the {limit:,}-byte limit")
        return article_from_text(text, name="request", html=body.html is not None)

    async def inputs(self, body: TranslateIn) -> tuple[Article, Backend, PipelineOptions]:
        """The article, backend and options of a request, built off the event loop (ingest can
        be slow, and the first backend of a hosted model imports litellm)."""
        article = await asyncio.to_thread(self.article, body)
        backend = await asyncio.to_thread(self.backend, body.model)
        return article, backend, self.options(body.glossary)

    async def run_model(self, function: Callable[[], T]) -> T:
        """``function`` in a worker thread, given at most the model timeout."""
        self.model_work_running += 1  # only ever changed on the event loop: no lock needed
        try:
            return await asyncio.wait_for(asyncio.to_thread(function), timeout=self.model_timeout_s)
        except TimeoutError:
            raise ApiError(
                504, "timeout", f"the model did not finish within {self.model_timeout_s:.0f} s"
            ) from None
        finally:
            self.model_work_running -= 1

    def close(self) -> None:
        self.engine.close()


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
    # surrogatepass: a lone surrogate in a request still gets a key (its ingest says what is wrong)
    return "result:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
