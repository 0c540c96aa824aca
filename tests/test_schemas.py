from __future__ import annotations

import pytest
from pydantic import ValidationError

from summarizer.schemas import (
    SCHEMA_VERSION,
    Article,
    CallRecord,
    OverviewDraft,
    RunMeta,
    SentenceChoiceDraft,
    StanceDraft,
)


def test_extra_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Article.model_validate(
            {
                "name": "a",
                "language": "zh",
                "script": "none",
                "encoding": "utf-8",
                "paragraphs": [],
                "surprise": 1,
            }
        )


def test_every_result_carries_the_schema_version() -> None:
    article = Article(name="a", language="en", script="none", encoding="utf-8", paragraphs=[])
    assert article.model_dump()["schema_version"] == SCHEMA_VERSION


def test_draft_schemas_carry_limits_into_json_schema() -> None:
    schema = OverviewDraft.model_json_schema()
    assert schema["properties"]["headline"]["maxLength"] == 160
    assert schema["properties"]["figures"]["maxItems"] == 8
    ids = SentenceChoiceDraft.model_json_schema()["properties"]["sentences"]
    assert ids["items"]["pattern"] == "^s[0-9]+$" and ids["maxItems"] == 6
    stance = StanceDraft.model_json_schema()
    assert stance["properties"]["label"]["enum"] == ["supportive", "critical", "neutral", "mixed"]
    assert stance["properties"]["confidence"]["maximum"] == 1.0


def test_run_meta_sums_calls() -> None:
    calls = [
        CallRecord(
            prompt="translate@v1",
            model="m",
            prompt_tokens=10,
            completion_tokens=5,
            cost_usd=0.01,
            latency_s=1.0,
        ),
        CallRecord(
            prompt="stance@v1",
            model="m",
            prompt_tokens=20,
            completion_tokens=5,
            cost_usd=None,
            cached=True,
            attempts=0,
        ),
    ]
    meta = RunMeta.from_calls("m", calls, reasks=1)
    assert (meta.calls, meta.cached_calls, meta.prompt_tokens, meta.cost_usd) == (2, 1, 30, 0.01)
    assert meta.prompts == ["stance@v1", "translate@v1"] and meta.reasks == 1
    merged = RunMeta.merge("m", [meta, meta])
    assert merged.calls == 4 and merged.cost_usd == 0.02 and merged.latency_s == 2.0


def test_wrapped_sentence_ids_are_read_and_anything_else_refused() -> None:
    import pydantic

    draft = SentenceChoiceDraft.model_validate({"sentences": ["[s3]", ">>s4", "<ARTICLE>s1"]})
    assert draft.sentences == ["s3", "s4", "s1"]
    with pytest.raises(pydantic.ValidationError, match="pattern"):
        SentenceChoiceDraft.model_validate({"sentences": ["[交警工作动态]今天上午"]})
    with pytest.raises(pydantic.ValidationError, match="pattern"):
        SentenceChoiceDraft.model_validate({"sentences": ["s1 and s2"]})
