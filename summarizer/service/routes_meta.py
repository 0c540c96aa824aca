"""Routes about the service itself: liveness, the models it offers, and the reader page."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from summarizer import __version__
from summarizer.config import DEFAULT_MODEL
from summarizer.factory import model_status
from summarizer.service.api_models import ModelInfo
from summarizer.service.errors import ApiError
from summarizer.service.state import ServiceState

_ASSET_TYPES = {".js": "text/javascript", ".css": "text/css"}


def meta_router(state: ServiceState) -> APIRouter:
    router = APIRouter()
    settings = state.settings

    @router.get("/healthz")
    async def healthz() -> dict[str, str | int]:
        return {
            "status": "ok",
            "version": __version__,
            "model_work_running": state.model_work_running,
        }

    @router.get("/v1/models", response_model=list[ModelInfo])
    async def models() -> list[ModelInfo]:
        candidates = [settings.model, DEFAULT_MODEL, "fake", "openai/gpt-4o-mini"]
        names = [name for name in dict.fromkeys(candidates) if state.offered(name)]
        statuses = [model_status(name, settings) for name in names]
        return [
            ModelInfo(
                model=s.model, usable=s.usable, reason=s.reason, default=s.model == settings.model
            )
            for s in statuses
        ]

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def reader() -> HTMLResponse:
        return HTMLResponse(_asset("index.html"))

    @router.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        suffix = Path(name).suffix
        if suffix not in _ASSET_TYPES or "/" in name or name.startswith("."):
            raise ApiError(404, "not_found", f"no asset {name}")
        try:
            return Response(_asset(name), media_type=_ASSET_TYPES[suffix])
        except FileNotFoundError:
            raise ApiError(404, "not_found", f"no asset {name}") from None

    return router


def _asset(name: str) -> str:
    return (resources.files("summarizer.service") / "web" / name).read_text(encoding="utf-8")
