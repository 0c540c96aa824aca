"""The ``Comparison`` of several briefs of one story: figures, entities, stances and claims side by
side, each cell tied to a paragraph of its article. Versioned apart from ``Brief``."""

from __future__ import annotations

from pydantic import Field

from summarizer.schemas import Evidence, RunMeta, StanceLabel, StrictModel

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
    """Key points of different articles that make the same claim: code paired points that share
    content words, the model confirmed each pair, confirmed pairs sharing a point are one claim."""

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


class SameClaimDraft(StrictModel):
    """The model's answer for one pair of key points: do they make the same claim?"""

    same_claim: bool
