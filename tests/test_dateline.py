from __future__ import annotations

import pytest

from summarizer.grounding.dateline import parse_dateline, parse_site_name, with_site_name


@pytest.mark.parametrize(
    ("text", "english", "rest"),
    [
        (
            "新华社北京3月5日电（记者 张三 李小明）国务院表示……",
            "BEIJING, March 5 (Xinhua, reporters Zhang San and Li Xiaoming) —",
            "国务院表示……",
        ),
        (
            "中新社上海12月8日电 英伟达股价上涨。",
            "SHANGHAI, December 8 (China News Service) —",
            "英伟达股价上涨。",
        ),
        ("新華社華盛頓1月3日電 美方表示。", "WASHINGTON, January 3 (Xinhua) —", "美方表示。"),
        ("本报重庆1月3日电 消息。", "CHONGQING, January 3 —", "消息。"),
        # A paper's own report is dated 讯 ("news"), not 电 ("wire").
        (
            "本报北京3月5日讯（记者 李明）会议开幕。",
            "BEIJING, March 5 (reporter Li Ming) —",
            "会议开幕。",
        ),
        (
            "人民網北京3月5日訊 會議開幕。",
            "BEIJING, March 5 (People's Daily Online) —",
            "會議開幕。",
        ),
        # A foreign city by its English name, not its pinyin ("XINI", "JILONGPO").
        (
            "新华社悉尼7月26日电（记者陈宇）研究人员……",
            "SYDNEY, July 26 (Xinhua, reporter Chen Yu) —",
            "研究人员……",
        ),
        ("新华社吉隆坡7月25日电 会议举行。", "KUALA LUMPUR, July 25 (Xinhua) —", "会议举行。"),
        # An agency's web desk files without a place.
        ("中新网7月26日电 综合外媒报道。", "July 26 (Chinanews.com) —", "综合外媒报道。"),
    ],
)
def test_datelines(text: str, english: str, rest: str) -> None:
    dateline = parse_dateline(text)
    assert dateline is not None and (dateline.english, dateline.rest) == (english, rest)


@pytest.mark.parametrize(
    "text",
    [
        "据新华社北京3月5日电 消息",
        "美国总统特朗普看似对华妥协",
        "新华社北京13月5日电 消息",
        "新华社北京3月5日电",
        "7月26日电 消息",  # neither agency nor place
    ],
)
def test_not_datelines(text: str) -> None:
    assert parse_dateline(text) is None


def test_cities_have_their_english_names() -> None:
    from summarizer.grounding.gazetteer import city_in_english

    assert city_in_english("悉尼") == "Sydney"  # the larger of two Sydneys
    assert city_in_english("圣保罗") == "Sao Paulo"  # diacritics dropped, as the wires write it
    assert city_in_english("華盛頓") == "Washington"  # Traditional script too
    assert city_in_english("高雄") == "Kaohsiung"
    assert city_in_english("院士") is None and city_in_english("美国") is None
    # The mainland's cities are left to pinyin, and Japan's kanji names are Chinese words too.
    assert city_in_english("江津") is None and city_in_english("湖南") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "河北今年以来河湖生态补水17.5亿立方米-中新网",
            ("河北今年以来河湖生态补水17.5亿立方米", "Chinanews.com"),
        ),
        (
            "跨省游恢复 全国首趟跨省动车旅游专列开行 - 新华网",
            ("跨省游恢复 全国首趟跨省动车旅游专列开行", "Xinhuanet"),
        ),
        ("白金海被开除党籍 -中新网", ("白金海被开除党籍", "Chinanews.com")),
        ("英伟达发布新芯片_網易", ("英伟达发布新芯片", "NetEase")),
        # Every site's Traditional form, as its glossary line gives it.
        ("两岸关系出现新动向 | 觀察者網", ("两岸关系出现新动向", "Guancha")),
        ("国产芯片再获突破-中國新聞網", ("国产芯片再获突破", "Chinanews.com")),
        ("中新网", None),  # the name alone is no headline
        ("据中新网报道，暴雨持续。", None),  # named inside, not at the end
        ("暴雨持续。" * 20 + "-中新网", None),  # too long for a headline
    ],
)
def test_site_names_ending_a_headline(text: str, found: tuple[str, str] | None) -> None:
    assert parse_site_name(text) == found


@pytest.mark.parametrize(
    ("english", "written"),
    [
        ("Heavy rain hit Chongqing.", "Heavy rain hit Chongqing - Chinanews.com"),
        ("Chips head to the U.S.", "Chips head to the U.S. - Chinanews.com"),
    ],
)
def test_the_site_name_is_written_back_after_the_headline(english: str, written: str) -> None:
    assert with_site_name(english, "Chinanews.com") == written
