"""Routes on one article: ``/v1/clean``, ``/v1/translate`` and ``/v1/brief``."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response

from summarizer.comparison import Comparison
from summarizer.errors import InputTooLargeError
from summarizer.render import brief_markdown
from summarizer.schemas import Article, Brief, Translation
from summarizer.service.api_models import ArticleIn, BriefIn, CompareIn, TranslateIn, VerifyIn
from summarizer.service.state import ServiceState, result_key
from summarizer.tasks.brief import make_brief
from summarizer.tasks.compare import compare_briefs
from summarizer.tasks.translate import translate
from summarizer.tasks.verify import Verification, verify_translation


def articles_router(state: ServiceState) -> APIRouter:
    router = APIRouter()
    settings = state.settings

    @router.post("/v1/clean", response_model=Article)
    async def clean(body: ArticleIn) -> Article:
        # Off the event loop: HTML extraction of a large page takes a while.
        return await asyncio.to_thread(state.article, body)

    @router.post("/v1/translate", response_model=Translation)
    async def translate_route(body: TranslateIn) -> Translation:
        model = body.model or settings.model
        article, backend, options = await state.inputs(body)
        return await state.run_model(
            lambda: translate(article, backend, model=model, options=options)
        )

    @router.post("/v1/brief", response_model=Brief)
    async def brief(body: BriefIn) -> Response:
        model = body.model or settings.model
        state.refuse_unless_offered(model)  # not even a stored brief of a model no longer offered
        # Identical requests get the stored brief: the same inputs, prompts, glossary, schema and
        # package version would only replay cached model calls.
        key = result_key("brief", {**body.model_dump(), "model": model}, state.fingerprint)
        cache = state.shared_cache
        stored = cache.get(key) if cache else None
        if stored is not None and isinstance(stored.get("json"), str):
            return Response(
                stored["json"], media_type="application/json", headers={"X-Summarizer-Cache": "hit"}
            )
        article, backend, options = await state.inputs(body)
        result = await state.run_model(
            lambda: make_brief(article, backend, model=model, options=options, target=body.target)
        )
        payload = result.model_dump_json()
        if cache is not None:
            cache.set(key, {"json": payload})
        return Response(
            payload, media_type="application/json", headers={"X-Summarizer-Cache": "miss"}
        )

    @router.post("/v1/compare", response_model=Comparison)
    async def compare(body: CompareIn) -> Comparison:
        """Brief each article (cached) and line them up: figures, entities, stances, claims."""
        model = body.model or settings.model
        state.refuse_unless_offered(model)
        articles = [await asyncio.to_thread(state.article, item) for item in body.articles]
        backend = await asyncio.to_thread(state.backend, body.model)
        options = state.options(None)

        def work() -> Comparison:
            briefs = [
                make_brief(a, backend, model=model, options=options, target=body.target)
                for a in articles
            ]
            return compare_briefs(briefs, backend, model=model, max_reasks=options.max_reasks)

        return await state.run_model(work)

    @router.post("/v1/verify", response_model=Verification)
    async def verify(body: VerifyIn) -> Verification:
        """Check an English translation made anywhere against its Chinese source (no model)."""

        def check() -> Verification:
            article = state.article(ArticleIn(text=body.source))
            limit = settings.max_input_bytes
            if len(body.translation.encode("utf-8", errors="replace")) > limit:
                raise InputTooLargeError(f"translation: input is over the {limit:,}-byte limit")
            return verify_translation(
                article, body.translation, state.options(body.glossary).glossary
            )

        return await asyncio.to_thread(check)

    @router.post(
        "/v1/markdown",
        response_class=Response,
        responses={200: {"content": {"text/markdown": {}}}},
    )
    async def markdown(brief: Brief) -> Response:
        """A brief (as ``/v1/brief`` returns it) as the Markdown the CLI prints."""
        return Response(brief_markdown(brief), media_type="text/markdown; charset=utf-8")

    return router
