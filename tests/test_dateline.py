from __future__ import annotations

import pytest

from summarizer.grounding.dateline import parse_dateline


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
    ],
)
def test_not_datelines(text: str) -> None:
    assert parse_dateline(text) is None
