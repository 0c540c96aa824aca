"""Pydantic models for everything that crosses a module boundary.

Two families live here: the *drafts* a model is asked to produce (small, so a 1.5B model can fill
them under a JSON-schema grammar) and the *results* the pipeline returns after checking the drafts
against the source (with paragraph ids, checks and run metadata).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = "1"

Language = Literal["zh", "en", "mixed", "unknown"]
Script = Literal["traditional", "simplified", "mixed", "none"]
StanceLabel = Literal["supportive", "critical", "neutral", "mixed"]
EntityType = Literal["person", "organisation", "product", "place", "other"]
Genre = Literal["news report", "commentary/opinion", "analysis", "press release", "other"]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _at_most_words(value: str, limit: int, name: str) -> str:
    words = _count_words(value)
    if words > limit:
        raise ValueError(f"{name} has {words} words; at most {limit} allowed")
    return value


def _count_words(text: str) -> int:
    return len(text.split())


# ----------------------------------------------------------------------------------- ingest


class Paragraph(StrictModel):
    id: str
    text: str
    original: str | None = Field(
        default=None, description="The text before script conversion, kept for quoting."
    )


class Removal(StrictModel):
    text: str
    reason: str


class Repair(StrictModel):
    kind: str
    before: str
    after: str


class Article(StrictModel):
    schema_version: str = SCHEMA_VERSION
    name: str = Field(description="Where the article came from: a file name, '-' or an id.")
    title: str | None = None
    published: str | None = None
    source: str | None = Field(default=None, description="Outlet or platform named by the text.")
    language: Language
    script: Script
    encoding: str
    paragraphs: list[Paragraph]
    removed: list[Removal] = []
    repairs: list[Repair] = []
    warnings: list[str] = []
    metadata: dict[str, str] = {}

    def paragraph_ids(self) -> list[str]:
        return [p.id for p in self.paragraphs]

    def text_of(self, paragraph_id: str) -> str | None:
        return next((p.text for p in self.paragraphs if p.id == paragraph_id), None)


# ----------------------------------------------------------------------------------- runs


class CallRecord(StrictModel):
    """One model call as the pipeline saw it (after cache and retries)."""

    prompt: str = Field(description="prompt id@version")
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float = 0.0
    cached: bool = False
    attempts: int = 1


class RunMeta(StrictModel):
    model: str
    prompts: list[str] = []
    calls: int = 0
    cached_calls: int = 0
    attempts: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float = 0.0

    @classmethod
    def from_calls(cls, model: str, calls: list[CallRecord], reasks: int = 0) -> RunMeta:
        costs = [c.cost_usd for c in calls if c.cost_usd is not None]
        return cls(
            model=model,
            prompts=sorted({c.prompt for c in calls}),
            calls=len(calls),
            cached_calls=sum(c.cached for c in calls),
            attempts=sum(c.attempts for c in calls),
            reasks=reasks,
            prompt_tokens=sum(c.prompt_tokens for c in calls),
            completion_tokens=sum(c.completion_tokens for c in calls),
            cost_usd=round(sum(costs), 6) if costs else None,
            latency_s=round(sum(c.latency_s for c in calls), 3),
        )

    @classmethod
    def merge(cls, model: str, metas: list[RunMeta]) -> RunMeta:
        costs = [m.cost_usd for m in metas if m.cost_usd is not None]
        return cls(
            model=model,
            prompts=sorted({p for m in metas for p in m.prompts}),
            calls=sum(m.calls for m in metas),
            cached_calls=sum(m.cached_calls for m in metas),
            attempts=sum(m.attempts for m in metas),
            reasks=sum(m.reasks for m in metas),
            prompt_tokens=sum(m.prompt_tokens for m in metas),
            completion_tokens=sum(m.completion_tokens for m in metas),
            cost_usd=round(sum(costs), 6) if costs else None,
            latency_s=round(sum(m.latency_s for m in metas), 3),
        )


class Check(StrictModel):
    """A grounding check done by code, not by the model."""

    name: str
    passed: bool
    details: list[str] = []


# ----------------------------------------------------------------------------------- drafts


class TranslatedItem(StrictModel):
    id: str
    english: str


class TranslationDraft(StrictModel):
    paragraphs: list[TranslatedItem] = Field(min_length=1)


class CritiqueItem(StrictModel):
    id: str
    problem: str = Field(min_length=1)


class CritiqueDraft(StrictModel):
    issues: list[CritiqueItem] = Field(max_length=12)


class EntityDraft(StrictModel):
    name: str = Field(min_length=1, max_length=80)
    type: EntityType


class FigureDraft(StrictModel):
    value: str = Field(min_length=1, max_length=60)
    measures: str = Field(min_length=1, max_length=120)
    paragraph: str


HEADLINE_MAX_WORDS = 15
TLDR_MAX_WORDS = 60
SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)\]]*$")
# A headline ending in one of these was cut off ("US lets Nvidia sell H200 chips to").
_DANGLING = (
    "a an the of to from and or but with for toward towards into about against between through "
    "in on by at as that which who than because while if after before its their his her "
    "is are was were be will would"
)
DANGLING_WORDS = frozenset(_DANGLING.split())


def _whole_headline(value: str) -> str:
    tokens = value.split()
    last = re.sub(r"[^\w']", "", tokens[-1]) if tokens else ""
    if last.casefold() in DANGLING_WORDS:
        raise ValueError(f"headline stops mid-phrase at {last!r}; write it whole")
    return value


class OverviewDraft(StrictModel):
    """The summary call of summarize@v2, @v3 and @v5: key points are chosen apart, by sentence id.
    The fields come in the order a grammar makes the model write them: the genre and the TL;DR
    before the headline (summarize@v5), so the headline condenses what is already written."""

    # Generous caps (a grammar cuts text at its cap): length is asked for in the prompt and
    # checked here, and a sentence cut off is re-asked, never shipped.
    genre: Genre
    tldr: str = Field(min_length=1, max_length=700)
    headline: str = Field(min_length=1, max_length=160)
    entities: list[EntityDraft] = Field(max_length=12)
    figures: list[FigureDraft] = Field(max_length=8)
    outlet: str | None

    @field_validator("headline")
    @classmethod
    def _headline_short(cls, value: str) -> str:
        return _whole_headline(_at_most_words(value, HEADLINE_MAX_WORDS, "headline"))

    @field_validator("tldr")
    @classmethod
    def _tldr_whole(cls, value: str) -> str:
        _at_most_words(value, TLDR_MAX_WORDS, "tldr")
        if not SENTENCE_END.search(value.strip()):
            raise ValueError("tldr stops mid-sentence; end it with a full stop")
        return value


# A sentence id as the prompts number them. The pattern goes into the JSON schema, so a
# grammar-constrained local model can write nothing else; a model without a grammar that wraps
# the id ("[s3]", ">>s3", "<ARTICLE>s3</ARTICLE>") gets it read out of the wrapping.
SentenceId = Annotated[str, Field(pattern=r"^s[0-9]+$")]
_WRAPPED_ID = re.compile(r"(?<![A-Za-z0-9])([sk][0-9]+)(?![0-9])")


def unwrap_ids(value: object) -> object:
    if not isinstance(value, list):
        return value
    unwrapped = []
    for item in value:
        found = _WRAPPED_ID.findall(item) if isinstance(item, str) else []
        unwrapped.append(found[0] if len(found) == 1 else item)
    return unwrapped


class SentenceChoiceDraft(StrictModel):
    """Sentences picked by id (select, don't generate): code copies their text verbatim."""

    sentences: list[SentenceId] = Field(min_length=1, max_length=6)

    @field_validator("sentences", mode="before")
    @classmethod
    def _unwrap(cls, value: object) -> object:
        return unwrap_ids(value)


class EvidenceDraft(StrictModel):
    quote: str = Field(min_length=1, max_length=400)
    paragraph: str


class StanceDraft(StrictModel):
    target: str = Field(min_length=1)
    label: StanceLabel
    confidence: float = Field(ge=0.0, le=1.0)
    rationale: str = Field(min_length=1, max_length=700)
    evidence: list[EvidenceDraft] = Field(min_length=1, max_length=5)


# ----------------------------------------------------------------------------------- results


class TranslatedParagraph(StrictModel):
    id: str
    source: str
    text: str


class Translation(StrictModel):
    schema_version: str = SCHEMA_VERSION
    source_language: Language
    title: str | None = None
    paragraphs: list[TranslatedParagraph]
    refined_paragraphs: int = Field(
        default=0, description="Paragraphs re-translated after critique."
    )
    checks: list[Check] = []
    warnings: list[str] = []
    meta: RunMeta


class KeyPoint(StrictModel):
    text: str
    paragraphs: list[str]


class Entity(StrictModel):
    name: str
    chinese: str | None = None
    type: EntityType
    from_glossary: bool = False


class Figure(StrictModel):
    value: str
    measures: str
    paragraph: str
    found_by: Literal["model", "code"] = "model"  # code: read from a key sentence


class Summary(StrictModel):
    schema_version: str = SCHEMA_VERSION
    headline: str
    tldr: str
    key_points: list[KeyPoint]
    entities: list[Entity]
    figures: list[Figure]
    genre: Genre
    outlet: str | None
    checks: list[Check] = []
    warnings: list[str] = []
    meta: RunMeta


class Evidence(StrictModel):
    quote: str
    paragraph: str
    source: Literal["source", "translation"]


class Stance(StrictModel):
    schema_version: str = SCHEMA_VERSION
    target: str
    target_inferred: bool
    label: StanceLabel
    confidence: float
    rationale: str
    evidence: list[Evidence]
    supported: bool = Field(
        description="False when no evidence quote survived the checks. (A label whose every "
        "quote reads as a report rather than the author's side is set to neutral by code.)"
    )
    checks: list[Check] = []
    warnings: list[str] = []
    meta: RunMeta


class Brief(StrictModel):
    schema_version: str = SCHEMA_VERSION
    package_version: str
    created_at: str
    article: Article
    translation: Translation | None
    summary: Summary
    stance: Stance
    meta: RunMeta
    warnings: list[str] = []
