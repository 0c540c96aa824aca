"""People outside the glossary: found in Chinese text, written once in pinyin, enforced."""

from __future__ import annotations

import json

import pytest

from summarizer.backends import FakeBackend
from summarizer.grounding.glossary import builtin_glossary
from summarizer.grounding.people import Person, document_people, enforce_people, person_variants
from summarizer.ingest import article_from_text
from summarizer.tasks.options import PipelineOptions
from summarizer.tasks.translate import translate


def names(text: str) -> list[tuple[str, str]]:
    return [(p.chinese, p.english) for p in document_people([text], builtin_glossary())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("外交部发言人汪文斌表示，中方坚决反对。", [("汪文斌", "Wang Wenbin")]),
        # jieba cuts the name after two characters; the third is taken back.
        ("王礼稳负责全村的转移安置工作。", [("王礼稳", "Wang Liwen")]),
        ("主持人欧阳夏丹说，节目今晚播出。", [("欧阳夏丹", "Ouyang Xiadan")]),
        # Traditional script: found through Simplified, reported as written.
        ("記者陳宇報道，會議在悉尼舉行。", [("陳宇", "Chen Yu")]),
        # Common words jieba's dictionary tags as names, places and glossary people are not.
        ("阳光照进超市，顾客在石家庄排队。", []),
        # Words jieba's dictionary tags as names and counts as often as words: tornado, Michelin.
        ("沿海地带可能出现龙卷风，米其林发布声明。", []),
        ("特朗普和黄仁勋会面，毛宁回应。", []),
        ("村民沿着蒋口河转移。", []),
        # 高 is a surname, but 高带宽内存 is high-bandwidth memory.
        ("擁有更大的高帶寬內存，數據處理速度更快。", []),
        # A part of a dotted foreign name is a transliteration: 唐纳德 is Donald, not Tang Nade.
        ("美国总统唐纳德·特朗普要求国防部起草法案，汪文斌回应。", [("汪文斌", "Wang Wenbin")]),
        # Foreign names spelt in Chinese (Lewis, Duterte), words after a surname-like character
        # (郑万高铁 is a railway, 任教于 "taught at") and a foreign city are not people.
        ("赛车手刘易斯在赛后表示满意。", []),
        ("菲律宾总统杜特尔特当天发表讲话。", []),
        ("郑万高铁重庆段今日开通。", []),
        ("他曾任教于北京大学。", []),
        ("代表团抵达吉隆坡，宗明出席。", [("宗明", "Zong Ming")]),
        # A whole title in 《》 is a work (The Lancet); a three-character "name" whose last
        # character repeats its first is a pattern of words (支农惠农); 和 before a name jieba does
        # not know is "and" (涉农和小微企业).
        ("5月在《柳叶刀》上公布了结果，汪文斌回应。", [("汪文斌", "Wang Wenbin")]),
        ("在支农惠农政策激励下，张雄选择返乡创业。", [("张雄", "Zhang Xiong")]),
        ("新疆涉农和小微企业新增贷款均超去年全年。", []),
        # People known by an English name are glossary names, never pinyin: Jack Ma, not Ma Yun.
        ("阿里巴巴创始人马云被印度法院传唤，財政司司長陳茂波表示。", []),
    ],
)
def test_people_are_found_once_in_pinyin(text: str, expected: list[tuple[str, str]]) -> None:
    assert names(text) == expected


def test_variants_of_one_name_become_its_one_form() -> None:
    person = Person(chinese="张继科", simplified="张继科", english="Zhang Jike")
    assert set(person_variants(person)) == {"Zhang Ji Ke", "Zhang Ji-ke", "Zhangjike", "Jike Zhang"}
    english, problems = enforce_people(
        "张继科和林丹同台。", "Zhang Ji Ke met Lin Dan; later Jike Zhang spoke.", (person,)
    )
    assert english == "Zhang Jike met Lin Dan; later Zhang Jike spoke." and problems == []


def test_a_name_translated_as_words_is_flagged() -> None:
    person = Person(chinese="高志凯", simplified="高志凯", english="Gao Zhikai")
    _, problems = enforce_people("高志凯说。", "High Zhikai said.", (person,))
    assert problems == ["高志凯 is not named as Gao Zhikai"]
    # A person the paragraph does not mention is not looked for.
    assert enforce_people("他说。", "He said.", (person,)) == ("He said.", [])


def test_translation_writes_each_person_one_way_across_the_document() -> None:
    article = article_from_text(
        "发言人汪文斌表示，中方已经注意到英伟达的有关报道。\n\n汪文斌还说，中方将继续关注。",
        name="t",
    )
    replies: list[str | BaseException] = [
        "Spokesman Wang Wen Bin said China had noted NVIDIA reports.",
        "Wenbin Wang also said.",
    ]
    fake = FakeBackend(replies=replies)
    options = PipelineOptions(mode="paragraphs", glossary=builtin_glossary())
    result = translate(article, fake, model="fake", options=options)
    assert [p.text for p in result.paragraphs] == [
        "Spokesman Wang Wenbin said China had noted NVIDIA reports.",
        "Wang Wenbin also said.",
    ]
    # The document's name table reaches the glossary of a prompt that has one.
    assert "汪文斌 = Wang Wenbin" in fake.history[0].messages[-1]["content"]
    assert json.dumps(result.warnings).count("not named") == 0


def test_a_person_the_english_leaves_out_is_asked_again_with_the_name_given() -> None:
    """Seen on WMT21 with the local model: 柳云龙 written "Li Yunlong", 郝毓盛 "Hao Yudong"."""
    article = article_from_text("柳云龙也是电影的导演和主演。", name="t")
    wrong = "Li Yunlong is also the director and lead actor of the film."
    right = "Liu Yunlong is also the director and lead actor of the film."
    replies = iter([wrong, right])
    fake = FakeBackend(responder=lambda request: next(replies))
    options = PipelineOptions(mode="paragraphs", glossary=builtin_glossary())
    result = translate(article, fake, model="fake", options=options)
    assert result.paragraphs[0].text == right
    reask = fake.history[1].messages[-1]["content"]
    assert "柳云龙 = Liu Yunlong" in reask and "柳云龙 is not named as Liu Yunlong" in reask
    assert len(fake.history) == 2  # a missing person asks for no samples
    assert not any("not named" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("阿里巴巴创始人马云被印度法院传唤。", "Jack Ma"),
        ("財政司司長陳茂波表示，香港經濟受到打擊。", "Paul Chan"),
        ("美国运输部长赵小兰在会上发言。", "Elaine Chao"),
        ("台积电创始人张忠谋出席论坛。", "Morris Chang"),
    ],
)
def test_people_known_by_an_english_name_come_from_the_glossary(text: str, english: str) -> None:
    people = [t.english for t in builtin_glossary().terms_in(text) if t.type == "person"]
    assert people == [english]
    assert names(text) == []
