"""Number slips set right by code: amounts off by a power of ten, months the article never gives."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.grounding.number_repair import (
    NumberFix,
    add_dropped_hours,
    drop_invented_months,
    drop_invented_years,
    rescale_amounts,
)
from summarizer.grounding.numbers import Quantity, missing_quantities
from summarizer.grounding.quantity_format import format_quantity


@pytest.mark.parametrize(
    ("source", "english", "fixed", "rewrites"),
    [
        (
            "累计完成生态补水17.5亿立方米。",
            "It supplied 17.5 billion cubic meters of water.",
            "It supplied 1.75 billion cubic meters of water.",
            ["'17.5 billion' → '1.75 billion'"],
        ),
        (
            "确诊分别超过16万例和15万例。",
            "More than 16,000 and 150,000 cases were confirmed.",
            "More than 160,000 and 150,000 cases were confirmed.",
            ["'16,000' → '160,000'"],
        ),
        ("营收1.5万亿元", "revenue of 15 billion yuan", "revenue of 1.5 trillion yuan", None),
        (  # a zero gained on a plain amount
            "去年利润分红得了2800多元",
            "the dividend was 28,000 yuan",
            "the dividend was 2,800 yuan",
            ["'28,000' → '2,800'"],
        ),
        (  # a digit written twice in a long number (WMT21, local model)
            "巴西累计确诊病例2394513例，累计死亡86449例。",
            "Brazil has reported 23,945,133 cases and 86,449 deaths.",
            "Brazil has reported 2,394,513 cases and 86,449 deaths.",
            ["'23,945,133' → '2,394,513'"],
        ),
        ("累计死亡86449例。", "86,419 deaths", "86,449 deaths", ["'86,419' → '86,449'"]),
        # Right already, or not a sure slip: left alone.
        ("死亡8649例。", "8,639 deaths", "8,639 deaths", []),  # four digits: too short to be sure
        ("确诊2394513例", "2,394,513 and 23,945,133", "2,394,513 and 23,945,133", []),
        ("营收1.5万亿元", "revenue of 1.5 trillion yuan", "revenue of 1.5 trillion yuan", []),
        ("总装机82万千瓦。", "a capacity of 820 megawatts", "a capacity of 820 megawatts", []),
        (  # two English amounts could be the slip: code does not guess
            "投资16万元",
            "16,000 yuan, of which 1,600 yuan",
            "16,000 yuan, of which 1,600 yuan",
            [],
        ),
        (  # the English amount is another figure of the source
            "16万元中的1.6万元",
            "16,000 yuan of 16,000 yuan",
            "16,000 yuan of 16,000 yuan",
            [],
        ),
    ],
)
def test_amounts_off_by_a_power_of_ten_are_resized(
    source: str, english: str, fixed: str, rewrites: list[str] | None
) -> None:
    result, done = rescale_amounts(source, english)
    assert result == fixed
    if rewrites is not None:
        assert [str(r) for r in done] == rewrites
    assert missing_quantities(source, result) == [] or result == english


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=10_000, max_value=99_999_999),
    st.sampled_from(["insert", "drop", "change"]),
    st.integers(min_value=0, max_value=8),
    st.integers(min_value=0, max_value=9),
)
def test_a_long_number_miscopied_by_one_digit_is_set_right(
    number: int, slip: str, position: int, digit: int
) -> None:
    digits = str(number)
    at = position % len(digits)
    wrong = {
        "insert": digits[:at] + str(digit) + digits[at:],
        "drop": digits[:at] + digits[at + 1 :],
        "change": digits[:at] + str(digit) + digits[at + 1 :],
    }[slip]
    if wrong == digits or wrong.startswith("0") or len(wrong) < 5:
        return  # no slip, or too short to be sure of one
    source = f"累计确诊病例{number}例。"
    english = f"{format_quantity(Quantity('number', wrong))} cases were confirmed."
    fixed, done = rescale_amounts(source, english)
    assert fixed == f"{format_quantity(Quantity('number', digits))} cases were confirmed."
    assert len(done) == 1


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=9_999),
    st.sampled_from(["万", "亿", "万亿"]),
    st.sampled_from([-2, -1, 1, 2]),
)
def test_resizing_round_trips(number: int, unit: str, slip: int) -> None:
    size = {"万": 10**4, "亿": 10**8, "万亿": 10**12}[unit]
    true_value = Decimal(number) * size
    wrong = true_value * Decimal(10) ** slip
    if wrong < 1_000:
        return  # too small to be taken for an amount
    source = f"该项目投资{number}{unit}元。"
    english = f"The project invested {format_quantity(Quantity('number', str(wrong)))} yuan."
    fixed, done = rescale_amounts(source, english)
    assert len(done) == 1
    assert missing_quantities(source, fixed) == []
    # What is right already stays as it is.
    assert rescale_amounts(source, fixed) == (fixed, [])


# (source, article around it, the model's English, the English after code): dates a source
# gives by day, whose month the model made up.
MONTH_CASES = [
    # A bare day: the model's month is nowhere in the article.
    (
        "当地时间26日，检察官宣布。",
        "",
        "On June 26, prosecutors said.",
        "On the 26th, prosecutors said.",
    ),
    (
        "报告25日公布。",
        "",
        "The report came out on 25 June 2020.",
        "The report came out on the 25th.",
    ),
    # The article's dateline gives July: the model's "July 26" stands.
    (
        "当地时间26日，检察官宣布。",
        "7月26日电",
        "On July 26, prosecutors said.",
        "On July 26, prosecutors said.",
    ),
    # The source gives the day whole: its own date replaces the invented one.
    (
        "7月25日电 会议25日举行。",
        "",
        "July 25 (Xinhua) The meeting was held on December 25.",
        "July 25 (Xinhua) The meeting was held on July 25.",
    ),
    # Nothing to go on: a day the source does not give is left alone.
    (
        "会议举行。",
        "",
        "The meeting was held on December 25.",
        "The meeting was held on December 25.",
    ),
    (
        "去年2月，特朗普要求。",
        "",
        "Last February 3, Trump asked.",
        "Last February 3, Trump asked.",
    ),
]
# The same, whose year the model made up.
YEAR_CASES = [
    # A date given without a year, and a year the article never names: the year goes.
    (
        "警方发现黄某某曾于7月13日17时07分通过乃吉沟检查站。",
        "",
        "Police found Huang had passed the checkpoint on July 13, 2023, at 5:07 PM.",
        "Police found Huang had passed the checkpoint on July 13, at 5:07 PM.",
    ),
    (
        "截至7月25日24时，现有确诊病例135例。",
        "",
        "As of 25 July 2021, there were 135 cases.",
        "As of 25 July, there were 135 cases.",
    ),
    (
        "报告25日公布。",
        "",
        "The report came out on July 25, 2021.",
        "The report came out on July 25.",
    ),
    # A month given alone (WMT21, local model: 去年2月 → "February 2017" in a 2020 story).
    (
        "缘于特朗普去年2月要求国防部起草法案。",
        "",
        "It stems from Trump's February 2017 request to draft a bill.",
        "It stems from Trump's February request to draft a bill.",
    ),
    (
        "缘于特朗普去年2月要求国防部起草法案。",
        "2019年",
        "It stems from Trump's February 2019 request to draft a bill.",
        "It stems from Trump's February 2019 request to draft a bill.",
    ),
    # The article names the year somewhere: it stands.
    (
        "截至7月25日24时，现有确诊病例135例。",
        "2020年以来",
        "As of July 25, 2020, there were 135 cases.",
        "As of July 25, 2020, there were 135 cases.",
    ),
    # The source gives the year itself, or gives no such day: left alone.
    (
        "2020年7月25日，会议举行。",
        "",
        "On July 25, 2020, the meeting was held.",
        "On July 25, 2020, the meeting was held.",
    ),
    (
        "会议举行。",
        "",
        "The meeting was held on July 25, 2021.",
        "The meeting was held on July 25, 2021.",
    ),
]


@pytest.mark.parametrize(
    ("fix", "source", "document", "english", "fixed"),
    [(drop_invented_months, *case) for case in MONTH_CASES]
    + [(drop_invented_years, *case) for case in YEAR_CASES],
)
def test_a_month_or_year_the_article_never_gives_is_dropped(
    fix: Callable[[str, str, str], tuple[str, list[NumberFix]]],
    source: str,
    document: str,
    english: str,
    fixed: str,
) -> None:
    result, done = fix(source, english, document + source)
    assert result == fixed
    assert bool(done) == (fixed != english)


@pytest.mark.parametrize(("source", "document", "english", "fixed"), YEAR_CASES)
def test_taking_a_year_off_loses_no_source_figure(
    source: str, document: str, english: str, fixed: str
) -> None:
    result, _ = drop_invented_years(source, english, document + source)
    assert missing_quantities(source, result) == missing_quantities(source, english)


@pytest.mark.parametrize(
    ("source", "english", "fixed"),
    [
        (  # the WMT21 slip: 25日 became a weekday the story never names
            "突尼斯总统府25日发布公告说，总统赛义德当天提名看守政府内政部长。",
            "The presidency announced on Tuesday that President Saied nominated the minister.",
            "The presidency announced on the 25th that President Saied nominated the minister.",
        ),
        (  # or "today"
            "美国联邦航空局(FAA)24日发布紧急适航指令。",
            "The FAA issued an emergency directive today.",
            "The FAA issued an emergency directive on the 24th.",
        ),
        (
            "24日，FAA发布指令。",
            "Today, the FAA issued a directive.",
            "On the 24th, the FAA issued a directive.",
        ),
        (
            "今天24日，FAA发布指令。",
            "Today, the FAA issued a directive.",
            "Today, the FAA issued a directive.",
        ),
        (  # the source names the weekday: it stands
            "上周五（17日），数千人上街抗议。",
            "On Friday, thousands protested.",
            "On Friday, thousands protested.",
        ),
        (  # two days in the source: which one is meant is not sure
            "25日至26日，重庆迎来暴雨。",
            "Heavy rain fell on Saturday.",
            "Heavy rain fell on Saturday.",
        ),
    ],
)
def test_a_weekday_the_article_never_gives_becomes_its_day(
    source: str, english: str, fixed: str
) -> None:
    from summarizer.grounding.number_repair import drop_invented_weekdays

    assert drop_invented_weekdays(source, english)[0] == fixed


@pytest.mark.parametrize(
    ("source", "english", "fixed"),
    [
        (  # WMT21, local model: the hour dropped through every route
            "截至7月25日24时，乌鲁木齐市现有确诊病例135例。",
            "As of July 25, Urumqi has 135 confirmed cases.",
            "As of July 25, 24:00, Urumqi has 135 confirmed cases.",
        ),
        (
            "7月25日0—24时，31个省报告新增确诊病例46例。",
            "On July 25, 46 new cases were reported in 31 provinces.",
            "On July 25, 0:00-24:00, 46 new cases were reported in 31 provinces.",
        ),
        # The hour stated, a time to the minute, or no such date in the English: left alone.
        ("截至7月25日24时，确诊135例。", "As of 24:00 on July 25, 135 cases.", None),
        ("7月25日12时20分，游客抵达。", "On July 25, the tourists arrived.", None),
        ("截至7月25日24时，确诊135例。", "As of Saturday, 135 cases.", None),
    ],
)
def test_an_hour_the_english_drops_is_put_back_after_its_date(
    source: str, english: str, fixed: str | None
) -> None:
    result, done = add_dropped_hours(source, english)
    assert result == (fixed or english)
    assert bool(done) == (fixed is not None)
    if fixed:
        assert missing_quantities(source, result) == []
