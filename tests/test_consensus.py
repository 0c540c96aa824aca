"""Several translations per paragraph, the consensus kept (--candidates)."""

from __future__ import annotations

import json
import re

import pytest

from summarizer.backends import FakeBackend, Request
from summarizer.ingest import article_from_text
from summarizer.schemas import Translation
from summarizer.tasks.consensus import SAMPLE_TEMPERATURE, most_agreed
from summarizer.tasks.options import PipelineOptions
from summarizer.tasks.translate import translate
from tests.conftest import seed
from tests.test_cli import run

AGREED = "Washington halted the sale of the chips to China."
CLOSE = "Washington halted the sales of the chips to China."
ODD = "The chips are stopped."


def test_the_candidate_closest_to_the_others_is_kept() -> None:
    assert most_agreed([ODD, AGREED, CLOSE]) in (1, 2)
    assert most_agreed([AGREED, ODD, ODD]) in (1, 2)  # agreement, not quality, decides


def test_a_tie_goes_to_the_earlier_candidate_and_one_candidate_is_kept() -> None:
    assert most_agreed([AGREED, AGREED, AGREED]) == 0
    assert most_agreed([ODD]) == 0
    with pytest.raises(ValueError):
        most_agreed([])


def test_only_eligible_candidates_are_chosen_unless_none_is() -> None:
    # ODD agrees least, but it is the only eligible one; every candidate still counts as another.
    assert most_agreed([AGREED, CLOSE, ODD], [False, False, True]) == 2
    assert most_agreed([ODD, AGREED, CLOSE], [True, False, True]) == 2
    assert most_agreed([ODD, AGREED, CLOSE], [False, False, False]) in (1, 2)


def by_seed(replies: dict[int, str]) -> FakeBackend:
    """A fake whose reply depends on the request's seed (0: the greedy reply)."""
    return FakeBackend(responder=lambda request: replies[request.seed])


def test_paragraph_mode_asks_for_samples_and_keeps_the_consensus() -> None:
    article = article_from_text("美国政府叫停了对华芯片销售。", name="t")
    fake = by_seed({0: ODD, 1: AGREED, 2: CLOSE, 3: ""})
    options = PipelineOptions(mode="paragraphs", candidates=4)
    result = translate(article, fake, model="fake", options=options)
    assert result.paragraphs[0].text in (AGREED, CLOSE)
    asked = [(r.temperature, r.seed) for r in fake.history]
    assert asked == [(0.0, 0)] + [(SAMPLE_TEMPERATURE, s) for s in (1, 2, 3)]
    assert all(r.messages == fake.history[0].messages for r in fake.history)  # one prompt
    assert result.meta.calls == 4 and result.meta.reasks == 0  # an empty sample is no re-ask


@pytest.mark.parametrize(
    ("source", "wrong", "right"),
    [
        (  # the name: only the third names NVIDIA as the glossary does
            "英伟达叫停了对华芯片销售。",
            "Yingweida halted the sale of the chips to China.",
            "NVIDIA stopped selling chips to China.",
        ),
        (  # the figure: only the third keeps the amount
            "美国政府叫停了对华芯片销售，涉及金额达25亿美元。",
            "The US government halted chip sales to China, involving a large amount.",
            "The US halted chip sales to China worth $2.5 billion.",
        ),
    ],
)
def test_the_consensus_is_a_candidate_with_the_names_and_figures_right(
    source: str, wrong: str, right: str
) -> None:
    article = article_from_text(source, name="t")
    fake = by_seed({0: wrong, 1: wrong, 2: right})
    options = PipelineOptions(mode="paragraphs", candidates=3)
    result = translate(article, fake, model="fake", options=options)
    # The two wrong replies agree best, but the third is kept, and no re-ask is needed.
    assert result.paragraphs[0].text == right
    assert all(c.passed for c in result.checks)
    assert result.meta.calls == 3 and result.meta.reasks == 0


def test_names_and_figures_count_alike_and_agreement_breaks_the_tie() -> None:
    article = article_from_text("英伟达的销售额增长了25%。", name="t")
    unnamed = "Sales grew 25%."
    echo = "英伟达 = NVIDIA"  # names NVIDIA, but drops the figure (and leaves Chinese)
    replies = {0: unnamed, 1: unnamed, 2: echo}
    fake = FakeBackend(responder=lambda request: replies.get(request.seed, unnamed))
    options = PipelineOptions(mode="paragraphs", candidates=3)
    result = translate(article, fake, model="fake", options=options)
    assert result.paragraphs[0].text == unnamed
    failed = {c.name for c in result.checks if not c.passed}
    assert failed == {"glossary_names"}  # the missing name is said, not hidden by an echo


def test_one_candidate_is_one_call() -> None:
    article = article_from_text("美国政府叫停了对华芯片销售。", name="t")
    fake = by_seed({0: ODD})
    result = translate(article, fake, model="fake", options=PipelineOptions(mode="paragraphs"))
    assert result.paragraphs[0].text == ODD and len(fake.history) == 1


def test_chunk_mode_chooses_per_paragraph_and_skips_a_misaligned_sample() -> None:
    article = article_from_text("美国政府叫停了对华芯片销售。\n中方表示反对。", name="t")
    second = {0: "China objected.", 1: "China said it was opposed.", 2: "China said it opposed."}

    def reply(request: Request) -> str:
        ids = re.findall(r'<p id="([^"]+)">', request.messages[-1]["content"])
        if request.seed == 3:  # merges the two paragraphs: not a candidate
            return json.dumps({"paragraphs": [{"id": ids[0], "english": "All of it."}]})
        first = {0: ODD, 1: AGREED, 2: CLOSE}[request.seed]
        english = dict(zip(ids, [first, second[request.seed]], strict=True))
        return json.dumps({"paragraphs": [{"id": i, "english": e} for i, e in english.items()]})

    fake = FakeBackend(responder=reply)
    options = PipelineOptions(mode="chunks", candidates=4, chunk_tokens=1000)
    result = translate(article, fake, model="fake", options=options)
    texts = [p.text for p in result.paragraphs]
    assert texts[0] in (AGREED, CLOSE) and texts[1] in (second[1], second[2])
    assert [r.seed for r in fake.history] == [0, 1, 2, 3]  # the failed sample is not re-asked


def test_the_cli_flag_multiplies_the_translation_calls() -> None:
    single = run("translate", str(seed("003")), "-m", "fake", "--json", "--no-cache")
    several = run(
        "translate", str(seed("003")), "-m", "fake", "--json", "--no-cache", "--candidates", "3"
    )
    assert single.returncode == several.returncode == 0, several.stderr.decode()
    metas = [Translation.model_validate_json(r.stdout).meta for r in (single, several)]
    # Every chunk is asked three times; a re-ask that fixes a paragraph's problems is asked once.
    assert metas[0].reasks == metas[1].reasks
    assert metas[1].calls - metas[1].reasks == 3 * (metas[0].calls - metas[0].reasks)
    refused = run("translate", str(seed("003")), "-m", "fake", "--candidates", "0")
    assert refused.returncode != 0 and b"--candidates" in refused.stderr


AMOUNT = "美国政府叫停了对华芯片销售，涉及金额达25亿美元。"
DROPPED = "The US government halted chip sales to China."
KEPT = "The US halted chip sales to China worth $2.5 billion."


def keeps_the_amount_at(fresh_seed: int) -> FakeBackend:
    """Every reply drops the amount (the likeliest, the re-ask, its samples, the translation with
    the figure written in) except a sample of the first prompt at ``fresh_seed``."""

    def reply(request: Request) -> str:
        return KEPT if _of_the_first_prompt(request) and request.seed == fresh_seed else DROPPED

    return FakeBackend(responder=reply)


def _of_the_first_prompt(request: Request) -> bool:
    """A sample of the paragraph as first asked: the source as it is, no problems shown."""
    shown = request.messages[-1]["content"]
    return request.temperature == SAMPLE_TEMPERATURE and shown.endswith(AMOUNT)


def _fresh_seeds(fake: FakeBackend) -> list[int]:
    return [r.seed for r in fake.history if _of_the_first_prompt(r)]


def test_a_figure_every_repair_drops_is_found_in_a_fresh_sample() -> None:
    fake = keeps_the_amount_at(3)
    article = article_from_text(AMOUNT, name="t")
    result = translate(article, fake, model="fake", options=PipelineOptions(mode="paragraphs"))
    assert result.paragraphs[0].text == KEPT
    assert all(c.passed for c in result.checks)
    assert any(
        "a sample translation got more names and numbers right" in w for w in result.warnings
    )
    assert _fresh_seeds(fake) == [1, 2, 3, 4]  # the four fresh samples, asked after every route


def test_fresh_samples_are_numbered_past_the_candidates() -> None:
    fake = keeps_the_amount_at(2)  # a candidate already: no fresh sample repeats it
    article = article_from_text(AMOUNT, name="t")
    options = PipelineOptions(mode="paragraphs", candidates=3)
    result = translate(article, fake, model="fake", options=options)
    assert result.paragraphs[0].text == KEPT  # chosen as the candidate with no wrong figure
    fake = keeps_the_amount_at(5)
    result = translate(article, fake, model="fake", options=options)
    assert result.paragraphs[0].text == KEPT
    assert _fresh_seeds(fake) == [1, 2, 3, 4, 5, 6]  # candidates 1-2, then fresh samples 3-6
