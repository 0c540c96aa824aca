"""Routes beyond one brief: ``/v1/compare`` (several briefs of one story side by side),
``/v1/verify`` (a translation made elsewhere, checked without a model) and ``/v1/markdown``."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response

from summarizer.comparison import Comparison
from summarizer.errors import InputTooLargeError
from summarizer.render import brief_markdown
from summarizer.schemas import Article, Brief
from summarizer.service.api_models import ArticleIn, CompareIn, VerifyIn
from summarizer.service.state import ServiceState
from summarizer.tasks.brief import make_brief
from summarizer.tasks.compare import brief_each, compare_briefs
from summarizer.tasks.verify import Verification, verify_translation


def tools_router(state: ServiceState) -> APIRouter:
    router = APIRouter()
    settings = state.settings

    @router.post("/v1/compare", response_model=Comparison)
    async def compare(body: CompareIn) -> Comparison:
        """Brief each article (cached) and line them up: figures, entities, stances, claims."""
        model = body.model or settings.model
        state.refuse_unless_offered(model)
        articles = [await asyncio.to_thread(state.article, item) for item in body.articles]
        backend = await asyncio.to_thread(state.backend, body.model)
        options = state.options(None)

        def brief(article: Article) -> Brief:
            return make_brief(article, backend, model=model, options=options, target=body.target)

        def work() -> Comparison:
            briefs, not_compared = brief_each(articles, brief, name=lambda a: a.name)
            return compare_briefs(
                briefs,
                backend,
                model=model,
                max_reasks=options.max_reasks,
                not_compared=not_compared,
            )

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
