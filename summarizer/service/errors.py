"""One error shape for every response: ``{"error": {"code", "message"}}``, with the HTTP status
chosen by the exception's type, never by words in its message. Never a traceback, never a key."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from summarizer.errors import (
    BackendError,
    ConfigError,
    InputError,
    InputTooLargeError,
    ModelUnavailableError,
    ParseError,
    SummarizerError,
)
from summarizer.redact import redact

log = logging.getLogger(__name__)

# Most specific first: the first class an error is an instance of decides its status and code.
STATUS_BY_TYPE: tuple[tuple[type[SummarizerError], int, str], ...] = (
    (InputTooLargeError, 413, "payload_too_large"),
    (InputError, 400, "input_error"),
    (ConfigError, 400, "config_error"),
    (ParseError, 502, "parse_error"),
    (ModelUnavailableError, 503, "backend_unavailable"),
)
_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
}


class ApiError(Exception):
    """An error the routes raise with its status and code already decided."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers


def error_json(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={"error": {"code": code, "message": redact(message)}},
        headers=headers,
    )


def status_for(exc: SummarizerError) -> tuple[int, str]:
    """The HTTP status and stable code of a pipeline error."""
    for kind, status, code in STATUS_BY_TYPE:
        if isinstance(exc, kind):
            return status, code
    if isinstance(exc, BackendError):
        return (503, "backend_unavailable") if exc.transient else (502, "backend_error")
    return 500, "internal_error"


def install_error_handlers(app: FastAPI) -> None:
    """Route every error the app can raise, FastAPI's and Starlette's own included, to one shape."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_json(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(SummarizerError)
    async def summarizer_error(request: Request, exc: SummarizerError) -> JSONResponse:
        status, code = status_for(exc)
        return error_json(status, code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg')}"
            for e in exc.errors()[:5]
        )
        return error_json(422, "invalid_request", problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "invalid_request")
        message = str(exc.detail) if exc.detail else "request refused"
        if exc.status_code == 404:
            message = f"no route {request.url.path}"
        elif exc.status_code == 400 and "parsing the body" in message:
            encoding = request.headers.get("content-encoding")
            message = (
                f"content-encoding {encoding} is not accepted; send the body uncompressed"
                if encoding
                else "the body is not valid JSON in UTF-8 (or is nested too deeply)"
            )
        return error_json(exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error(
            "internal error on %s: %s", request.url.path, redact(f"{type(exc).__name__}: {exc}")
        )
        return error_json(500, "internal_error", "internal error; see the server log")
