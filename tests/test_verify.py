"""``verify``: an English translation made anywhere, checked against its Chinese source."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from summarizer.grounding.glossary import builtin_glossary
from summarizer.ingest import article_from_text
from summarizer.tasks.verify import translation_paragraphs, verify_translation
from tests.server_process import Server, allow_loopback
from tests.test_cli import run

SOURCE = "美国总统特朗普批准英伟达向中国出口H200芯片。\n\n但特朗普要求获得销售额的25%。\n\n发言人汪文斌表示反对。"
GOOD = (
    "US President Donald Trump approved NVIDIA's exports of H200 chips to China.\n\n"
    "But Trump demanded 25% of the sales.\n\nSpokesman Wang Wenbin said China objects."
)
BAD = (
    "US President Trump approved Ying Weida exporting H200 chips to China.\n\n"
    "But Trump demanded 35% of the sales 利益.\n\nSpokesman High Wenbin said China objects."
)


def problems(translation: str) -> set[tuple[str, str]]:
    article = article_from_text(SOURCE, name="zh")
    result = verify_translation(article, translation, builtin_glossary())
    return {(p.paragraph, p.check) for p in result.problems}


def test_a_faithful_translation_passes() -> None:
    assert problems(GOOD) == set()


def test_each_problem_is_named_with_its_paragraph() -> None:
    assert problems(BAD) == {
        ("p1", "names"),  # Ying Weida for NVIDIA
        ("p2", "numbers"),  # 35% for 25%
        ("p2", "untranslated"),
        ("p3", "people"),  # 汪文斌 as "High Wenbin"
    }


def test_a_merged_paragraph_breaks_the_alignment_and_checks_go_document_wide() -> None:
    merged = GOOD.replace(".\n\nBut", ". But")
    found = problems(merged)
    assert found == {("all", "alignment")}
    assert problems(merged.replace("25%", "35%")) == {("all", "alignment"), ("all", "numbers")}


def test_a_translation_that_says_a_list_twice_is_named() -> None:
    looped = GOOD.replace(
        "US President Donald Trump approved NVIDIA's exports of H200 chips to China.",
        "US President Donald Trump approved NVIDIA's exports of H200 chips to China, and "
        "approved NVIDIA's exports of H200 chips to China.",
    )
    assert problems(looped) == {("p1", "repetition")}


def test_a_place_in_china_named_as_another_is_a_problem() -> None:
    article = article_from_text("重庆市发布洪水预警。", name="zh")
    wrong = verify_translation(article, "Huizhou issued a flood warning.", builtin_glossary())
    # Two problems: Chongqing is missing, and Huizhou is a place the source does not name.
    assert [(p.paragraph, p.check) for p in wrong.problems] == [("p1", "places")] * 2
    assert "Chongqing" in wrong.problems[0].detail and "Huizhou" in wrong.problems[1].detail
    right = verify_translation(article, "Chongqing issued a flood warning.", builtin_glossary())
    assert right.problems == []


@pytest.mark.parametrize(
    ("text", "count"), [("a\n\nb\n\nc", 3), ("a\nb\nc", 3), ("a\r\n\r\nb c\nd", 2)]
)
def test_translation_paragraphs(text: str, count: int) -> None:
    assert len(translation_paragraphs(text)) == count


def test_the_cli_exits_1_on_problems_and_0_on_a_clean_translation(tmp_path: Path) -> None:
    source = tmp_path / "zh.txt"
    source.write_text(SOURCE, encoding="utf-8")
    bad, good = tmp_path / "bad.txt", tmp_path / "good.txt"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    failed = run("verify", str(source), str(bad))
    assert failed.returncode == 1
    assert "**p2** (numbers)" in failed.stdout.decode()
    passed = run("verify", str(source), str(good), "--json")
    assert passed.returncode == 0 and json.loads(passed.stdout)["problems"] == []


def test_the_api_verifies_too(tmp_path: Path) -> None:
    allow_loopback()
    server = Server(tmp_path / "cache").start()
    try:
        reply = httpx.post(
            f"{server.url}/v1/verify", json={"source": SOURCE, "translation": BAD}, timeout=30
        )
        assert reply.status_code == 200
        assert {p["check"] for p in reply.json()["problems"]} == {
            "names",
            "numbers",
            "untranslated",
            "people",
        }
    finally:
        server.stop()
