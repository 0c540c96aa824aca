"""Figures the English leaves out, written into the source as English writes them; figures a
translation makes up."""

from __future__ import annotations

import pytest

from summarizer.grounding.figures_written_in import invented_figures, with_figures_written_in
from summarizer.grounding.numbers import Quantity, extract_quantities, missing_quantities


@pytest.mark.parametrize(
    ("source", "english", "written", "said"),
    [
        # Seen on WMT21 with the local model: each of these figures left out or misread.
        (
            "共入驻光伏发电项目38个，总装机82万千瓦。",
            "It hosts 38 projects with 82 megawatts installed.",
            "共入驻光伏发电项目38个，总装机820,000千瓦。",
            ["82万 → 820,000"],
        ),
        (
            "截至7月25日24时，乌鲁木齐市现有确诊病例135例。",
            "As of July 25, Urumqi has 135 confirmed cases.",
            "截至7月25日24:00，乌鲁木齐市现有确诊病例135例。",
            ["24时 → 24:00"],
        ),
        (
            "7月25日0—24时，31个省报告新增确诊病例46例。",
            "On July 25, 31 provinces reported 46 new cases.",
            "7月25日0:00-24:00，31个省报告新增确诊病例46例。",
            ["0—24时 → 0:00-24:00"],
        ),
        (
            "缘于特朗普去年2月要求国防部起草法案。",
            "because Trump last year asked for a bill.",
            "缘于特朗普去年 February 要求国防部起草法案。",
            ["2月 → February"],
        ),
        (  # the same date twice: both written in, said once
            "新湖南客户端7月25日讯(本报记者)7月25日，活动开始。",
            "The event began.",
            "新湖南客户端 July 25讯(本报记者)July 25，活动开始。",
            ["7月25日 → July 25"],
        ),
        (
            "25日8时至26日8时，重庆大部地区迎来暴雨。",
            "From 8:00 on the 25th, heavy rain fell in Chongqing.",
            "25日8时至 the 26th 8时，重庆大部地区迎来暴雨。",
            ["26日 → the 26th"],
        ),
        (
            "以416.62亿元接手格力电器15%股权",
            "took over 15% of Gree",
            "以41.662 billion 元接手格力电器15%股权",
            ["416.62亿 → 41.662 billion"],
        ),
        # A figure the English states, or one the source writes as English does: left alone.
        (
            "总装机82万千瓦，水质100%达标。",
            "820,000 kilowatts installed; the water meets the standard.",
            "总装机82万千瓦，水质100%达标。",
            [],
        ),
    ],
)
def test_only_the_figures_the_english_leaves_out_are_written_in(
    source: str, english: str, written: str, said: list[str]
) -> None:
    assert with_figures_written_in(source, missing_quantities(source, english)) == (written, said)


@pytest.mark.parametrize(
    "source",
    [
        "总装机82万千瓦。",
        "截至7月25日24时。",
        "7月25日0—24时报告。",
        "以416.62亿元接手。",
        "2019年12月，高瓴资本领衔。",
        "营收1.5万亿元。",
    ],
)
def test_a_figure_written_in_states_what_the_source_gave(source: str) -> None:
    """Each figure written in reads, to the number check, as the figure it replaced: an English
    translation that copies it keeps every figure of the source."""
    written, _ = with_figures_written_in(source, sorted(extract_quantities(source)))
    assert missing_quantities(source, written) == []


@pytest.mark.parametrize(
    ("source", "english", "invented"),
    [
        (  # WMT21, local model: an area the paragraph never gives, added on a re-translation
            "总装机82万千瓦。",
            "It has 820,000 kilowatts installed, covering 1,000 square kilometers.",
            [Quantity("number", "1000")],
        ),
        ("总装机82万千瓦。", "It has 82 megawatts installed.", [Quantity("number", "82")]),
        # Dates, times and small counts are no invention: "24:00" states a 0, a year is checked
        # elsewhere, "five" may be a count.
        ("截至7月25日24时，确诊135例。", "As of 24:00 on July 25, 2020, 135 cases.", []),
        ("确诊5例。", "Five cases, 3 of them imported.", []),
    ],
)
def test_a_figure_the_source_never_gives_is_invented(
    source: str, english: str, invented: list[Quantity]
) -> None:
    assert invented_figures(source, english) == invented
