"""Request and response models of the HTTP service (they also shape its OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_BATCH_ITEMS = 10_000


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, description="The article as plain text.")
    html: str | None = Field(default=None, description="The article as a saved HTML page.")
    url: str | None = Field(
        default=None,
        max_length=2000,
        description="The article's web address (http or https; public addresses only unless "
        "the service allows private ones).",
    )

    @model_validator(mode="after")
    def _one_source(self) -> ArticleIn:
        if sum(v is not None for v in (self.text, self.html, self.url)) != 1:
            raise ValueError('give exactly one of "text", "html" or "url"')
        return self


class TranslateIn(ArticleIn):
    model: str | None = None
    glossary: str | None = Field(
        default=None, description="Extra glossary lines: chinese<TAB>english."
    )


class BriefIn(TranslateIn):
    target: str | None = Field(default=None, max_length=300)


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(min_length=2, max_length=10)
    model: str | None = None
    target: str | None = Field(default=None, max_length=300)


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(description="The Chinese text.")
    translation: str = Field(description="Its English translation, paragraphs in the same order.")
    glossary: str | None = Field(
        default=None, description="Extra glossary lines: chinese<TAB>english."
    )


class BatchItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200)
    text: str | None = None
    html: str | None = None
    url: str | None = Field(default=None, max_length=2000)


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[BatchItemIn] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)
    model: str | None = None
    target: str | None = Field(default=None, max_length=300)


def batch_request_body() -> dict[str, Any]:
    """The OpenAPI request body of ``POST /v1/batches``, whose route reads the raw body itself
    (JSON or JSONL), so FastAPI cannot derive it."""
    item = BatchItemIn.model_json_schema()
    batch = BatchIn.model_json_schema()
    batch.pop("$defs", None)
    batch["properties"]["items"]["items"] = item
    listed = {"type": "array", "items": item, "minItems": 1, "maxItems": MAX_BATCH_ITEMS}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"anyOf": [batch, listed]}},
            "application/x-ndjson": {
                "schema": {"type": "string", "description": "One item object per line."}
            },
        },
    }


class ModelInfo(BaseModel):
    model: str
    usable: bool
    reason: str
    default: bool


class BatchStatus(BaseModel):
    id: str
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    total: int
    done: int
    failed: int
    model: str
    error: str | None = None


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
