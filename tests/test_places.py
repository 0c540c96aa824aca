"""Places in China: found in Chinese text, named in English by pinyin or a city's English name,
and asked again when the translation puts another place in their stead."""

from __future__ import annotations

import pytest

from summarizer.backends import FakeBackend
from summarizer.grounding.glossary import builtin_glossary
from summarizer.grounding.places import place_problems, places_in
from summarizer.ingest import article_from_text
from summarizer.schemas import Article, Translation
from summarizer.tasks.options import PipelineOptions
from summarizer.tasks.translate import translate


def places(text: str) -> list[tuple[str, str]]:
    return [(p.chinese, p.english) for p in places_in(text, builtin_glossary())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A district by its pinyin, though GeoNames lists it under another name ("Jijiang").
        ("受强降雨影响，江津区驴子溪出现超警戒水位洪水。", [("江津区", "Jiangjin District")]),
        # A large city by the English name GeoNames gives it, not its pinyin (Haerbin).
        ("哈尔滨市民排队接种疫苗。", [("哈尔滨", "Harbin")]),
        # Provinces whose English is not their pinyin, and one that is, in Traditional script.
        ("陕西和内蒙古自治区发布预警。", [("陕西", "Shaanxi"), ("内蒙古自治区", "Inner Mongolia Autonomous Region")]),
        ("黑龍江開展專項行動。", [("黑龍江", "Heilongjiang")]),
        # Glossary places are the glossary's (北京), foreign places are no pinyin (悉尼), and a
        # foreign name jieba cuts after a "person" is no Chinese place (瓦|莱州 is Valais).
        ("北京和悉尼的代表出席。", []),
        ("瓦莱州警方表示，一架小型飞机坠落。", []),
    ],
)  # fmt: skip
def test_places_in_china_are_found_with_their_english(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert places(text) == expected


@pytest.mark.parametrize(
    ("english", "problems"),
    [
        ("Chongqing's flood control headquarters issued a warning.", 0),
        ("The Chong Qing flood control headquarters issued a warning.", 0),
        ("The Huizhou flood control headquarters issued a warning.", 2),
    ],
)
def test_a_place_another_place_stands_in_for_is_a_problem(english: str, problems: int) -> None:
    source = "重庆市防汛抗旱指挥部决定发布江河洪水预警。"
    found = place_problems(source, english, builtin_glossary())
    assert len(found) == problems
    # Chongqing is missing, and Huizhou is a place the source does not name.
    assert all("重庆市 is the place Chongqing" in problem for problem in found[:1])
    assert all("names Huizhou, a place the source does not" in problem for problem in found[1:])


def _translated_after_reask(article: Article, first: str, second: str) -> tuple[Translation, str]:
    """``article`` translated by a fake that replies ``first``, then ``second`` to the re-ask;
    the translation and the re-ask's prompt."""
    replies = iter([first, second])
    fake = FakeBackend(responder=lambda request: next(replies))
    result = translate(article, fake, model="fake", options=PipelineOptions(mode="paragraphs"))
    return result, fake.history[1].messages[-1]["content"]


def test_a_wrong_place_is_asked_again_with_its_name_given() -> None:
    """Seen on WMT21 with the local model: 重庆 written "Huizhou", 黑龙江 "Liaoning"."""
    article = article_from_text("黑龙江开展冒用知名医院名称清理整治专项行动。", name="t")
    wrong = "Liaoning launched a campaign against the misuse of famous hospitals' names."
    right = "Heilongjiang launched a campaign against the misuse of famous hospitals' names."
    result, reask = _translated_after_reask(article, wrong, right)
    assert result.paragraphs[0].text == right
    assert "黑龙江 = Heilongjiang" in reask and "黑龙江 is the place Heilongjiang" in reask
    assert not any("place check" in w for w in result.warnings)

    stubborn = FakeBackend(responder=lambda request: wrong)
    result = translate(article, stubborn, model="fake", options=PipelineOptions(mode="paragraphs"))
    assert result.paragraphs[0].text == wrong
    assert any(w.startswith("p1: place check: 黑龙江") for w in result.warnings)


@pytest.mark.parametrize(
    ("source", "english", "invented"),
    [
        # Seen on WMT21 with the local model: a place it knows for a name it could not read.
        (
            "范仲淹笔下“沙鸥翔集”的美景在宁夏银川的黄河湿地公园成为了现实。",
            "The scene has come true in the Qinghai Lake Park in Yinchuan, Ningxia.",
            ["Qinghai"],
        ),
        (
            "但从1997年起，高安场镇里的居民越来越多。",
            "Since 1997, the residents of Hangzhou Town have grown in number.",
            ["Hangzhou"],
        ),
        # A source names a place by its name without the suffix, its first character (a railway
        # of two cities, a city's stock exchange), a province's short name, or 首都 for Beijing.
        ("全长约18.9千米的郑万高铁小三峡隧道贯通。", "A tunnel of the Zhengzhou-Wanzhou railway opened.", []),
        ("深交所发布公告。", "The Shenzhen Stock Exchange made an announcement.", []),
        ("其中万州、云阳等16个区县出现大暴雨。", "Wanzhou and Yunyang saw heavy rain.", []),
        ("沪深两市成交额超过万亿元。", "Turnover in Shanghai and Shenzhen topped a trillion yuan.", []),
        ("院子里时常传出悠扬的秦腔。", "Shaanxi opera is often heard from the courtyard.", []),
        ("首都城市绿化不断升级。", "Greening in Beijing keeps improving.", []),
        ("新华社北京3月5日电", "BEIJING, March 5 (Xinhua)", []),  # the dateline code writes
    ],
)  # fmt: skip
def test_a_place_the_source_does_not_name_is_a_problem(
    source: str, english: str, invented: list[str]
) -> None:
    found = place_problems(source, english, builtin_glossary())
    assert [p for p in found if "a place the source does not name" in p] == [
        f"the English names {name}, a place the source does not name: translate the place "
        "names the source gives"
        for name in invented
    ]


def test_an_invented_place_is_asked_again() -> None:
    """The re-ask is told which place the source does not name, and its English is kept."""
    article = article_from_text("巴弄卓康哨点的战士们进行战术和体能训练。", name="t")
    invented = "The soldiers of the Baotou Dongkang post are in tactical and physical training."
    right = "The soldiers of the Banong Zhuokang post are in tactical and physical training."
    result, reask = _translated_after_reask(article, invented, right)
    assert result.paragraphs[0].text == right
    assert "the English names Baotou, a place the source does not name" in reask
