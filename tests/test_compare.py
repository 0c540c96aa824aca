"""compare: several briefs of one story lined up by code, shared claims chosen by id."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from summarizer.backends import FakeBackend
from summarizer.backends.base import Request
from summarizer.comparison import Comparison
from summarizer.demo import demo_reply
from summarizer.errors import ParseError
from summarizer.ingest import article_from_text
from summarizer.render_compare import comparison_markdown
from summarizer.schemas import Brief
from summarizer.tasks.brief import make_brief
from summarizer.tasks.compare import _groups, brief_each, compare_briefs
from tests.conftest import seed
from tests.server_process import Server, allow_loopback
from tests.test_cli import run

A = "Nvidia may sell H200 chips to China. The US takes 25% of the sales. Critics call it a toll."
B = "美国允许英伟达向中国出售H200芯片，但要抽取销售额的25%。中国商务部回应称反对。"
C = "Beijing told firms to pause H20 orders. Officials cited security. The ban took effect on 15 January."
D = "美国商务部于2026年1月15日发布新规。中方回应称反对。"


FALSE_FRIEND_EN = (
    "In 2025 the revenue of Shanghai's chip industry exceeded 460 billion yuan, gathering more "
    "than 1,200 enterprises, with 40% of the country's talent and nearly 50% of innovation resources."
)
FALSE_FRIEND_ZH = "中国客户能拿到的H200数量，不能超过美国本土客户购买总量的50%。"
FALSE_FRIEND_ZH_ENGLISH = (
    "The number of H200 chips Chinese customers can obtain cannot exceed 50% of the total "
    "purchased by US customers."
)
B_ENGLISH = "The US allows Nvidia to sell H200 chips to China but takes 25% of the sales."


def briefs() -> list[Brief]:
    fake = FakeBackend(responder=demo_reply)
    made = [
        make_brief(
            article_from_text(text, name=name), fake, model="fake", target="US export controls"
        )
        for name, text in (("a", A), ("b", B), ("c", C))
    ]
    # The Chinese article's English as a translator would write it (the fake's is a stub).
    return [made[0], with_english(made[1], B_ENGLISH), made[2]]


def with_english(brief: Brief, text: str) -> Brief:
    assert brief.translation is not None
    paragraph = brief.translation.paragraphs[0].model_copy(update={"text": text})
    translation = brief.translation.model_copy(update={"paragraphs": [paragraph]})
    return brief.model_copy(update={"translation": translation})


def test_figures_are_aligned_across_languages_by_code() -> None:
    result = compare_briefs(briefs(), FakeBackend(responder=demo_reply), model="fake")
    share = next(row for row in result.figures if row.value == "25%")
    # The same 25% in the English article and in the Chinese one (百分之 or %), with paragraphs.
    assert share.stated_in == {"A1": ["p1"], "A2": ["p1"]}
    assert result.figures[0].value == "25%"  # stated by the most articles first
    # The same value for different things stays apart: the words around it share nothing.
    other = briefs()
    assert other[1].translation is not None
    paragraph = (
        other[1]
        .translation.paragraphs[0]
        .model_copy(update={"text": "Unemployment among graduates rose to 25% in the spring."})
    )
    translation = other[1].translation.model_copy(update={"paragraphs": [paragraph]})
    other[1] = other[1].model_copy(update={"translation": translation})
    apart = compare_briefs(other, FakeBackend(responder=demo_reply), model="fake")
    assert [row.stated_in for row in apart.figures if row.value == "25%"] == [
        {"A1": ["p1"]},
        {"A2": ["p1"]},
    ]
    # Words far from the figure say nothing of it: "exceeded" in A's long sentence belongs to
    # 460 billion, so the two 50% stay apart although B's "exceed" stands next to its 50%.
    far = [
        make_brief(
            article_from_text(text, name=name),
            FakeBackend(responder=demo_reply),
            model="fake",
            target="x",
        )
        for name, text in (("e", FALSE_FRIEND_EN), ("z", FALSE_FRIEND_ZH))
    ]
    far[1] = with_english(far[1], FALSE_FRIEND_ZH_ENGLISH)
    kept_apart = compare_briefs(far, FakeBackend(responder=demo_reply), model="fake")
    assert [row.stated_in for row in kept_apart.figures if row.value == "50%"] == [
        {"A1": ["p1"]},
        {"A2": ["p1"]},
    ]
    date = next(row for row in result.figures if row.kind == "date")
    assert date.value == "January 15" and date.stated_in == {"A3": ["p1"]}
    # The same day with its year in another article: one row, under the full date.
    fake = FakeBackend(responder=demo_reply)
    dated = make_brief(article_from_text(D, name="d"), fake, model="fake", target="x")
    both = compare_briefs([briefs()[2], dated], fake, model="fake")
    day = next(row for row in both.figures if row.kind == "date")
    assert (day.value, day.stated_in) == ("January 15, 2026", {"A2": ["p1"], "A1": ["p1"]})
    nvidia = next(row for row in result.entities if row.name == "NVIDIA")
    assert nvidia.named_in == ["A1", "A2"]
    assert set(result.stance) == {"A1", "A2", "A3"}


def with_points(brief: Brief, *texts: str) -> Brief:
    first = brief.summary.key_points[0]
    points = [first.model_copy(update={"text": t, "paragraphs": ["p1"]}) for t in texts]
    return brief.model_copy(
        update={"summary": brief.summary.model_copy(update={"key_points": points})}
    )


def test_code_pairs_key_points_and_the_model_confirms_each_pair() -> None:
    made = briefs()
    made = [
        with_points(
            made[0],
            "The US will take 25% of Nvidia's H200 sales to China.",
            "Critics call it a toll.",
        ),
        with_points(
            made[1],
            "Washington takes 25% of the H200 chip sales Nvidia makes in China.",
            "Beijing told firms to pause H20 orders.",
        ),
        with_points(
            made[2],
            "The 25% cut of Nvidia's H200 sales goes to the US Treasury.",
            "Officials cited security.",
        ),
    ]

    def reply(request: Request) -> str:
        asked = request.messages[1]["content"]
        if "Treasury" in asked and "Washington" in asked:
            return "I am not sure."  # never valid: this pair is left unchecked, and said so
        return json.dumps({"same_claim": "Treasury" not in asked})

    fake = FakeBackend(responder=reply)
    result = compare_briefs(made, fake, model="fake")
    # Only the three 25% statements share enough words to be checked; "Critics call it a toll"
    # is never put to the model.
    asked = [r.messages[1]["content"] for r in fake.history]  # the pair (re-asks add turns)
    assert all("25%" in a and a.count("25%") == 2 for a in asked)
    assert len(set(asked)) == 3 and not any("toll" in a for a in asked)
    assert [[(m.article, m.text[:10]) for m in c.mentions] for c in result.shared_claims] == [
        [("A1", "The US wil"), ("A2", "Washington")]
    ]
    assert [m.text[:10] for m in result.only_in["A3"]] == ["The 25% cu", "Officials "]
    assert any("not checked" in w for w in result.warnings)
    assert [m.text for m in result.only_in["A1"]] == ["Critics call it a toll."]
    # The unchecked pair's calls were made and are counted: the briefs' own (none, all
    # supplied) plus every call of the comparison.
    assert result.meta.calls == sum(b.meta.calls for b in made) + len(fake.history)
    assert result.meta.reasks == sum(b.meta.reasks for b in made) + 2  # the unchecked pair's


def test_points_confirmed_with_each_other_are_one_claim() -> None:
    order = [f"k{i}" for i in range(1, 9)]
    # k1~k4 and k4~k7, but k1 and k7 not: two claims that share k4, not one chain.
    assert _groups([("k1", "k4"), ("k7", "k4"), ("k2", "k5")], order) == [
        ["k1", "k4"],
        ["k2", "k5"],
        ["k4", "k7"],
    ]
    assert _groups([("k1", "k4"), ("k7", "k4"), ("k1", "k7")], order) == [["k1", "k4", "k7"]]


def test_the_cli_compares_the_seeds(tmp_path: Path) -> None:
    files = [str(seed(p)) for p in ("000", "001", "002", "003", "004")]
    done = run("-q", "compare", *files, "-m", "fake", "--target", "US export controls")
    assert done.returncode == 0, done.stderr.decode()
    text = done.stdout.decode()
    assert "| figure | A1 | A2 | A3 | A4 | A5 |" in text and "| 25% |" in text
    as_json = run(
        "-q", "compare", *files[:2], str(tmp_path / "missing.txt"), "-m", "fake", "--json"
    )
    assert as_json.returncode == 1  # one article could not be read: the others are compared
    assert "missing.txt" in as_json.stderr.decode()
    assert len(Comparison.model_validate_json(as_json.stdout).articles) == 2


def test_the_api_compares(tmp_path: Path) -> None:
    allow_loopback()
    server = Server(tmp_path / "cache").start()
    try:
        body = {"articles": [{"text": A}, {"text": B}], "target": "US export controls"}
        reply = httpx.post(f"{server.url}/v1/compare", json=body, timeout=60)
        assert reply.status_code == 200, reply.text
        assert Comparison.model_validate(reply.json()).figures[0].value == "25%"
        one = httpx.post(f"{server.url}/v1/compare", json={"articles": [{"text": A}]}, timeout=30)
        assert one.status_code == 422
    finally:
        server.stop()


def test_an_article_whose_brief_fails_is_set_aside_and_the_others_compared() -> None:
    def reply(request: Request) -> str:
        text = json.dumps(request.messages, ensure_ascii=False)
        if request.prompt.startswith("summarize") and "ban took effect" in text:
            return "no JSON here"  # C's summary fails on every re-ask
        return demo_reply(request)

    fake = FakeBackend(responder=reply)
    articles = [article_from_text(t, name=n) for n, t in (("a", A), ("c", C), ("b", B))]
    made, not_compared = brief_each(
        articles, lambda a: make_brief(a, fake, model="fake"), name=lambda a: a.name
    )
    assert [b.article.name for b in made] == ["a", "b"]
    assert [n.name for n in not_compared] == ["c"] and "no JSON" in not_compared[0].error
    result = compare_briefs(made, fake, model="fake", not_compared=not_compared)
    assert [a.name for a in result.articles] == ["a", "b"]
    assert "- **not compared** c: " in comparison_markdown(result)
    with pytest.raises(ParseError):  # fewer than two briefed: the first failure is the error
        brief_each(articles[:2], lambda a: make_brief(a, fake, model="fake"))
