"""Batch job routes: create (JSON, a bare list, or JSONL), status, and streamed results."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from summarizer.service.api_models import BatchIn, BatchStatus, batch_request_body
from summarizer.service.errors import ApiError
from summarizer.service.jobs import JobLimitError
from summarizer.service.state import ServiceState
from summarizer.structured.parse import describe_validation_error

RETRY_AFTER_S = 30


def batches_router(state: ServiceState) -> APIRouter:
    router = APIRouter()
    jobs = state.jobs

    @router.post(
        "/v1/batches",
        status_code=202,
        response_model=BatchStatus,
        openapi_extra={"requestBody": batch_request_body()},
    )
    async def create_batch(request: Request) -> BatchStatus:
        body = await _batch_body(request)
        model = body.model or state.settings.model
        # An unusable model or a bad fake option fails here, not in the job.
        await asyncio.to_thread(state.backend, body.model)
        items = [
            {k: v for k, v in item.model_dump().items() if v is not None} for item in body.items
        ]
        if len({item["id"] for item in items}) != len(items):
            raise ApiError(400, "input_error", "batch item ids must be unique")
        try:
            job_id = await asyncio.to_thread(jobs.create, items, model, body.target)
        except JobLimitError as exc:
            raise ApiError(
                429, "too_many_jobs", str(exc), headers={"Retry-After": str(RETRY_AFTER_S)}
            ) from None
        return BatchStatus(**jobs.status(job_id).as_dict())

    @router.delete("/v1/batches/{job_id}", response_model=BatchStatus)
    async def cancel_batch(job_id: str) -> BatchStatus:
        """Cancel a job: no new article starts; the records already written are kept."""
        if not jobs.exists(job_id):
            raise ApiError(404, "not_found", f"no batch {job_id}")
        status = await asyncio.to_thread(jobs.cancel, job_id)
        return BatchStatus(**status.as_dict())

    @router.get("/v1/batches/{job_id}", response_model=BatchStatus)
    async def batch_status(job_id: str) -> BatchStatus:
        if not jobs.exists(job_id):
            raise ApiError(404, "not_found", f"no batch {job_id}")
        status = await asyncio.to_thread(jobs.status, job_id)  # file reads stay off the loop
        return BatchStatus(**status.as_dict())

    @router.get(
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

    return router


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
    except ValidationError as exc:
        raise ApiError(
            422, "invalid_request", f"batch body: {describe_validation_error(exc)}"
        ) from None
    except RecursionError:
        raise ApiError(400, "invalid_request", "batch body: JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else "malformed body"
        raise ApiError(400, "invalid_request", f"batch body: {message}") from None
