"""Routes on one article: ``/v1/clean``, ``/v1/translate`` and ``/v1/brief``."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response

from summarizer.schemas import Article, Brief, Translation
from summarizer.service.api_models import ArticleIn, BriefIn, TranslateIn
from summarizer.service.state import ServiceState, result_key
from summarizer.tasks.brief import make_brief
from summarizer.tasks.translate import translate


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

    return router
