from __future__ import annotations

import pytest

from summarizer.grounding.numbers import Quantity, extract_quantities, missing_quantities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("累计出货26.8万片", {Quantity("number", "268000")}),
        ("营收超过4600亿元", {Quantity("number", "460000000000")}),
        ("销售总额的25%", {Quantity("percent", "25")}),
        ("25 percent of sales", {Quantity("percent", "25")}),
        ("2026年1月13日", {Quantity("date", "2026-01-13")}),
        ("January 13, 2026", {Quantity("date", "2026-01-13")}),
        ("13 January 2026", {Quantity("date", "2026-01-13")}),
        ("52,000 units", {Quantity("number", "52000")}),
        ("3.7 billion HK dollars", {Quantity("number", "3700000000")}),
        ("H200, A100 and the 910B", set()),
    ],
)
def test_extract(text: str, expected: set[Quantity]) -> None:
    assert extract_quantities(text) == expected


@pytest.mark.parametrize(
    ("source", "english", "missing"),
    [
        ("26.8万", "268,000 units", []),
        ("26.8万", "26.8 million units", ["268000"]),
        ("2026年1月13日，25%", "On January 13, 2026, 25 percent", []),
        ("2025年12月8日", "On December 8 local time", []),
        ("2025年12月8日", "On December 9, 2025", ["2025-12-08"]),
        ("从19%跃升至35%", "rose from 19% to 53%", ["35%"]),
        ("三家机构", "three agencies", []),
    ],
)
def test_missing(source: str, english: str, missing: list[str]) -> None:
    assert [str(q) for q in missing_quantities(source, english)] == missing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Three firms and half the market", {("number", "3"), ("number", "0.5")}),
        ("TWELVE percent", {("percent", "12")}),
        ("Someone often said it was done", set()),  # "one", "ten" inside words
        ("one_two", set()),
        ("(five) and 2026年 orders", {("number", "5"), ("number", "2026")}),
        ("in May 2025", {("date", "2025-05-??"), ("number", "2025")}),
        ("Mayor Jane spoke", set()),  # a month hint that is no date
    ],
)
def test_extract_number_words(text: str, expected: set[tuple[str, str]]) -> None:
    assert extract_quantities(text, words=True) == {Quantity(k, v) for k, v in expected}
