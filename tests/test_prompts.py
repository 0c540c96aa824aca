"""Golden rendered prompts: any template change shows up in review as a diff of tests/golden/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from summarizer.errors import RenderError
from summarizer.grounding.glossary import builtin_glossary
from summarizer.prompts import render
from summarizer.tasks.sentences import ReadingView, number_sentences

GOLDEN = Path(__file__).parent / "golden"
PARAGRAPHS = [
    {"id": "p1", "text": "Nvidia will sell H200 chips to China."},
    {"id": "p2", "text": "The US takes a 25% cut."},
]
SENTENCES = number_sentences(PARAGRAPHS)
VIEW = ReadingView.of(PARAGRAPHS, "A title").template_variables()
CASES: dict[str, dict[str, Any]] = {
    "translate": dict(
        glossary=builtin_glossary().terms_in("英伟达的黄仁勋"),
        context_before="前文。",
        context_after="后文。",
        items=[{"id": "p2", "text": "英伟达的黄仁勋表示欢迎。"}],
    ),
    "translate_paragraph": dict(
        glossary=builtin_glossary().terms_in("英伟达"),
        context_before="前文。",
        text="英伟达表示欢迎。",
        problems=["25% from the source is missing"],
    ),
    "summarize": dict(glossary=builtin_glossary().terms_in("英伟达"), **VIEW),
    "stance": dict(target="US export controls", paragraphs=PARAGRAPHS),
    "stance_evidence": dict(
        side="against", maximum=3, target="US export controls", candidates=["s2", "s1"], **VIEW
    ),
    "keypoints": dict(count=1, part=2, parts=2, first="s2", last="s2", candidates=["s2"], **VIEW),
    "translate_span": dict(span="利益"),
    "critique": dict(
        glossary=[],
        items=[{"id": "p1", "text": "英伟达表示欢迎。", "english": "NVIDIA welcomed it."}],
    ),
    "naive": dict(text="英伟达表示欢迎。", target="US export controls"),
    "naive_translate": dict(text="英伟达表示欢迎。"),
    "translate_plain": dict(text="优秀返乡农民工群体是不可或缺的生力军。"),
    "compare": dict(
        left="The US will take 25% of Nvidia's H200 sales.",
        right="Washington takes a quarter of the H200 revenue.",
    ),
    "reask": dict(error="label: Input should be 'supportive', 'critical', 'neutral' or 'mixed'"),
}
READING_STEPS = ("summarize", "keypoints", "stance_evidence")


def as_text(prompt_id: str) -> str:
    rendered = render(prompt_id, **CASES[prompt_id])
    parts = [f"### {prompt_id}@v{rendered.version}"]
    parts += [f"--- {m['role']}\n{m['content']}" for m in rendered.messages]
    return "\n".join(parts) + "\n"


@pytest.mark.parametrize("prompt_id", sorted(CASES))
def test_golden(prompt_id: str) -> None:
    path = GOLDEN / f"{prompt_id}.txt"
    text = as_text(prompt_id)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_reading_steps_share_the_article_as_their_prefix() -> None:
    """The summary, key-point and evidence prompts differ only after the article, so llama.cpp
    reuses the article's KV cache from one step to the next instead of reading it again."""
    prompts = [render(prompt_id, **CASES[prompt_id]).messages for prompt_id in READING_STEPS]
    systems = {messages[0]["content"] for messages in prompts}
    assert len(systems) == 1
    article = prompts[0][1]["content"].split("</ARTICLE>")[0]
    assert "Nvidia will sell H200 chips" in article and "[s2] The US takes a 25% cut." in article
    for messages in prompts:
        assert messages[1]["content"].startswith(article + "</ARTICLE>")


def test_missing_variable_is_an_error() -> None:
    with pytest.raises(RenderError, match="paragraphs"):
        render("stance", target="x")


def test_unknown_prompt_is_an_error() -> None:
    with pytest.raises(RenderError, match="no template"):
        render("does_not_exist")


def test_worked_examples_become_turns_and_a_malformed_one_is_an_error() -> None:
    from summarizer.prompts import _example_turns

    assert _example_turns("失业率 => unemployment rate\n\n洞庭湖 => Dongting Lake") == [
        {"role": "user", "content": "失业率"},
        {"role": "assistant", "content": "unemployment rate"},
        {"role": "user", "content": "洞庭湖"},
        {"role": "assistant", "content": "Dongting Lake"},
    ]
    with pytest.raises(RenderError, match="input => reply"):
        _example_turns("失业率 unemployment rate")
