"""End to end on the real offline default model (needs the [local] extra)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from summarizer.backends.local import local_status
from summarizer.config import DEFAULT_MODEL, Settings
from summarizer.factory import make_backend
from summarizer.ingest import article_from_text
from summarizer.tasks.translate import translate

MODEL = DEFAULT_MODEL
PARAGRAPH = "当地时间2026年1月13日，美国政府正式批准了英伟达向中国出口H200芯片的申请。"

pytestmark = pytest.mark.local_model


@pytest.fixture(scope="module")
def local_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # Weights are assembled once per user cache; responses go to a fresh cache so the model runs.
    settings = Settings()
    usable, reason = local_status(MODEL, settings.resolved_cache_dir())
    if not usable:
        pytest.skip(f"local model not usable here: {reason}")
    return Settings(cache_dir=settings.resolved_cache_dir(), no_cache=True)


def test_translates_a_short_chinese_paragraph(local_settings: Settings) -> None:
    article = article_from_text(PARAGRAPH, name="short")
    result = translate(article, make_backend(local_settings, MODEL), model=MODEL)
    english = result.paragraphs[0].text
    assert not re.search(r"[\u4e00-\u9fff]", english)
    assert re.search(r"nvidia", english, re.IGNORECASE)
    assert "H200" in english and "2026" in english
    assert (
        result.meta.calls >= 1
        and result.meta.completion_tokens > 0
        and result.meta.cached_calls == 0
    )


SHORT_ARTICLE = (
    "美国商务部本周批准英伟达向中国出口H200芯片，但要求将销售额的25%交给美国政府。\n"
    "评论人士认为，这一条件说明华盛顿既想赚中国的钱，又想遏制中国科技发展。"
)


HAN = re.compile(r"[\u3400-\u9fff]")


def test_brief_end_to_end(local_settings: Settings) -> None:
    from summarizer.tasks.brief import make_brief

    article = article_from_text(SHORT_ARTICLE, name="short-brief")
    brief = make_brief(
        article,
        make_backend(local_settings, MODEL),
        model=MODEL,
        target="US export controls on AI chips to China",
    )
    assert brief.translation is not None
    english = " ".join(p.text for p in brief.translation.paragraphs)
    # What a small model can get wrong: names, numbers, language, and the drift of the label.
    assert re.search(r"nvidia", english, re.IGNORECASE) and "H200" in english
    assert re.search(r"25(%| percent)", english)
    summary = brief.summary
    written = " ".join([summary.headline, summary.tldr, *(k.text for k in summary.key_points)])
    assert not HAN.search(english + written), "Chinese left in the English"
    assert len(re.findall(r"[A-Za-z]+", summary.headline)) >= 3, summary.headline
    assert re.search(r"nvidia|h200|chip", written, re.IGNORECASE)
    # Key points are whole sentences of the English, at least three different ones (or every
    # sentence, when the article has fewer).
    from summarizer.ingest import split_sentences

    points = [k.text for k in summary.key_points]
    sentences = [s for p in brief.translation.paragraphs for s in split_sentences(p.text)]
    assert len(set(points)) >= min(3, len(sentences)), points
    assert all(point in english and point[-1] in '.!?"”' for point in points)
    checks = {c.name: c.passed for c in brief.translation.checks}
    assert checks["numbers_preserved"] and checks["glossary_names"], brief.translation.checks
    assert brief.stance.target == "US export controls on AI chips to China"
    # The second paragraph says Washington wants China's money yet holds back its technology:
    # critical of the controls, not supportive of them.
    assert brief.stance.label in {"critical", "mixed"}, brief.stance
    for evidence in brief.stance.evidence:  # every surviving quote is really in the text
        assert evidence.paragraph in {"p1", "p2"}
    assert brief.meta.calls >= 4 and brief.meta.cached_calls == 0


def test_schema_replies_match_the_stock_sampler_token_for_token(local_settings: Settings) -> None:
    """The grammar is checked against the model's own choice first (fast path); at temperature 0
    the reply must be the one llama-cpp-python's stock chain writes, and valid for the schema."""
    import json

    from summarizer.backends.local import get_local_model

    local = get_local_model(MODEL, local_settings.resolved_cache_dir())
    llama = local._llama
    stances = ["supportive", "critical", "neutral", "mixed"]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "headline": {"type": "string"},
            "stance": {"enum": ["supportive", "critical", "neutral", "mixed"]},
        },
        "required": ["headline", "stance"],
        "additionalProperties": False,
    }
    messages = [
        {"role": "system", "content": "Reply with JSON only."},
        {"role": "user", "content": f"Headline and stance toward NVIDIA of: {SHORT_ARTICLE}"},
    ]
    replies, resampled = {}, 0
    try:
        for check_first in (False, True):
            llama.check_first = check_first
            checked_before = llama.sampling_counts.checked
            resampled_before = llama.sampling_counts.resampled
            text, _, completion_tokens = local.chat(
                messages, schema=schema, temperature=0.0, max_tokens=120, seed=0
            )
            replies[check_first] = text
            checked = llama.sampling_counts.checked - checked_before
            resampled = llama.sampling_counts.resampled - resampled_before
            # One sample per token written, plus the end-of-text token that is not counted as one.
            assert checked == (completion_tokens + 1 if check_first else 0)
    finally:
        llama.check_first = True
    assert replies[True] == replies[False]
    reply = json.loads(replies[True])
    assert set(reply) == {"headline", "stance"} and reply["stance"] in stances
    # Somewhere in that reply the model wanted a token the grammar forbids, and the slow path
    # chose instead (counted for this reply alone, not the module's earlier calls).
    assert resampled >= 1, llama.sampling_counts
    # At a temperature (re-asks) the draw differs from the stock chain's, but stays in the grammar.
    for seed in range(3):
        text, _, _ = local.chat(messages, schema=schema, temperature=0.9, max_tokens=120, seed=seed)
        assert set(json.loads(text)) == {"headline", "stance"}, text


def test_a_prompt_starts_from_the_snapshot_of_an_earlier_one(local_settings: Settings) -> None:
    """Instructed, plain, instructed: the third call shares its system prompt with the first,
    not with the call just before it. From the first call's snapshot it reads only what differs,
    and writes the same reply as when it reads its whole prompt."""
    from summarizer.backends.local import get_local_model
    from summarizer.backends.prefix_snapshots import PrefixSnapshots
    from summarizer.prompts import render

    local = get_local_model(MODEL, local_settings.resolved_cache_dir())
    llama = local._llama
    instructed = render(
        "translate_paragraph", glossary=[], context_before="", text=PARAGRAPH, problems=[]
    )
    plain = render("translate_plain", version=1, text="中国海关禁止H200芯片入境。")
    again = render(
        "translate_paragraph",
        glossary=[],
        context_before="",
        text="特朗普在社交媒体上发文，美国政府将允许英伟达向中国出售H200芯片。",
        problems=[],
    )

    def third_reply(snapshots: PrefixSnapshots | None) -> tuple[str, int]:
        llama.snapshots = snapshots
        for prompt in (instructed, plain):
            local.chat(list(prompt.messages), schema=None, temperature=0.0, max_tokens=60, seed=0)
        before = llama.prompt_tokens_read
        text, prompt_tokens, _ = local.chat(
            list(again.messages), schema=None, temperature=0.0, max_tokens=60, seed=0
        )
        read = llama.prompt_tokens_read - before
        assert 0 < read <= prompt_tokens
        return text, read

    try:
        whole_text, whole_read = third_reply(None)
        snapshots = PrefixSnapshots()
        snapshot_text, snapshot_read = third_reply(snapshots)
    finally:
        llama.snapshots = PrefixSnapshots()
    assert snapshots.restored == 1
    assert snapshot_text == whole_text and "H200" in snapshot_text
    # The instructed system prompt is about 180 tokens; the plain call in between shares none.
    assert snapshot_read < whole_read - 150, (snapshot_read, whole_read)


def test_snapshots_keep_to_their_budget(local_settings: Settings) -> None:
    """Snapshots past the byte budget drop the least recently used; one that begins a newer
    one is dropped as covered."""
    from summarizer.backends.local import get_local_model
    from summarizer.backends.prefix_snapshots import PrefixSnapshots

    local = get_local_model(MODEL, local_settings.resolved_cache_dir())
    llama = local._llama
    messages = [
        [{"role": "user", "content": f"Translate into English: {text}"}]
        for text in ("你好。", "谢谢。", "再见。")
    ]
    snapshots = PrefixSnapshots(budget_bytes=2**40)
    try:
        llama.snapshots = snapshots
        for message in messages:
            local.chat(message, schema=None, temperature=0.0, max_tokens=8, seed=0)
        assert len(snapshots) == 3
        one = max(len(s.state) for s in snapshots._snapshots)
        snapshots.budget_bytes = 2 * one
        local.chat(messages[0], schema=None, temperature=0.0, max_tokens=8, seed=0)
        assert len(snapshots) == 2
        assert snapshots._snapshots[-1].tokens[: len(llama._input_ids)] == list(llama._input_ids)
    finally:
        llama.snapshots = PrefixSnapshots()


def test_the_model_loads_in_the_layout_measured_for_this_machine(local_settings: Settings) -> None:
    """The first load measured both weight layouts on this CPU and stored the answer beside the
    weights; the loaded model uses it."""
    import json

    from summarizer.backends.local import get_local_model
    from summarizer.backends.weight_layout import machine, record_path

    local = get_local_model(MODEL, local_settings.resolved_cache_dir())
    stored = json.loads(record_path(local.path).read_text())
    assert stored["machine"] == machine()
    assert stored["read_repacked"] > 0 and stored["read_plain"] > 0
    assert local.repacked is stored["repack"]
    # What llama.cpp was given when the weights loaded, not only what was decided.
    assert local._llama.model_params.use_extra_bufts is stored["repack"]
