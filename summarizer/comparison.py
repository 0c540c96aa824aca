"""The ``Comparison`` of several briefs of one story: figures, entities, stances and claims side by
side, each cell tied to a paragraph of its article. Versioned apart from ``Brief``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from summarizer.schemas import Evidence, RunMeta, StanceLabel, StrictModel, unwrap_ids

COMPARISON_SCHEMA_VERSION = "compare.2"


class ComparedArticle(StrictModel):
    label: str = Field(description="A1, A2, ...: how the tables name the article.")
    name: str
    outlet: str | None = None
    headline: str
    language: str


class FigureRow(StrictModel):
    """One quantity (normalised: 4600亿 = 460 billion, 百分之25 = 25%) and where each article
    states it: article label → paragraph ids."""

    value: str
    kind: str
    stated_in: dict[str, list[str]]


class EntityRow(StrictModel):
    name: str
    type: str
    named_in: list[str]


class StanceCell(StrictModel):
    label: StanceLabel
    target: str
    evidence: list[Evidence]


class ClaimMention(StrictModel):
    article: str
    paragraph: str
    text: str


class SharedClaim(StrictModel):
    """Key points of different articles that state the same claim (the model picked them by id;
    code checked the ids)."""

    mentions: list[ClaimMention]


class NotCompared(StrictModel):
    """An article that could not be briefed; the comparison is of the others."""

    name: str
    error: str


class Comparison(StrictModel):
    schema_version: str = COMPARISON_SCHEMA_VERSION
    articles: list[ComparedArticle]
    figures: list[FigureRow]
    entities: list[EntityRow]
    stance: dict[str, StanceCell]
    shared_claims: list[SharedClaim]
    only_in: dict[str, list[ClaimMention]] = Field(
        description="Key points no other article states, by article label."
    )
    not_compared: list[NotCompared] = Field(
        default_factory=list, description="Articles left out because their brief failed, and why."
    )
    warnings: list[str] = Field(default_factory=list)
    meta: RunMeta


class ClaimGroupsDraft(StrictModel):
    """The model's answer: groups of key-point ids ("k3") that state the same claim."""

    groups: list[list[Annotated[str, Field(pattern=r"^k[0-9]+$")]]] = Field(max_length=20)

    @field_validator("groups", mode="before")
    @classmethod
    def _unwrap(cls, value: object) -> object:
        return [unwrap_ids(group) for group in value] if isinstance(value, list) else value
