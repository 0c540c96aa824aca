"""People named in Chinese text who are not in the glossary, found with jieba's part-of-speech
tags and written in pinyin (王毅 → Wang Yi), so a translation can be given and checked against
one rendering per person.

jieba tags are noisy: a place (石家庄) or a word (江水) can come out as a name, and a three-character
name can lose its last character. Only tokens tagged as person names, two or three characters
long, beginning with a common surname and not inside a glossary name are kept; foreign names
transliterated into Chinese (特朗普) rarely start with one and are left to the glossary, and a
part of a dotted foreign name (唐纳德·特朗普) is never taken for one. Nor is a "name" with a
character that spells foreign names (刘易斯 Lewis), one whose one-character given name is a number,
adverb or verb in jieba's dictionary (郑万 of 郑万高铁), one ending in a preposition (任教于), a
foreign city (吉隆坡), a whole title in 《》 (《柳叶刀》, The Lancet), three characters whose last
repeats the first (农惠农 of 支农惠农), or one starting with the conjunction 和 that jieba does not
know as a name. People known by an English name (马云 Jack Ma, 陈茂波 Paul Chan) are glossary
lines, so they are never written in pinyin.

On the 300 WMT21 segments, the people whose pinyin the professional reference does not contain
went from 28 to 15 with the sixteenth session's rules and to 5 with the seventeenth's (the titles,
the repeats, 和 and the glossary's people with English names: Jack Ma, David Ho, Elaine Chao,
Grace Meng, Sean Lau, Paul Chan, Christopher Hui); the ones it does contain went from 56 to 54
(the two lost are Duterte and Duda, foreign names whose pinyin happened to match). With the
eighteenth's word rule (龙卷风 tornado, 马达声 engine noise and 米其林 Michelin are words jieba's
dictionary tags as names and counts often; the rule drops the historical 范仲淹 with them) 3 are
left of the 55 found: 吉克隽 of the four-character 吉克隽逸, 马伊 of 马伊琍, and 董继玲, who writes her
name Chiling Tong. A person the English leaves out is asked again (``tasks.translate_repair``).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from summarizer.grounding.gazetteer import city_in_english
from summarizer.grounding.glossary import Glossary, english_pattern
from summarizer.grounding.names import pinyin_name
from summarizer.ingest.language import convert_script

# The commonest Chinese surnames (simplified), about 95% of the population; one character each.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "夏侯")
_PERSON_TAGS = frozenset({"nr", "nrfg"})
# A place jieba's dictionary tags as a name (石家庄) ends like a place.
_PLACE_ENDINGS = frozenset("庄村镇县市省区州湖河江山岛港湾路街")
# jieba often cuts a three-character name after two (王礼 | 稳): a following one-character
# adjective or noun morpheme is taken back into the name; a verb (李明 | 去) is not.
_NAME_TAIL_TAGS = frozenset({"a", "ag", "n", "ng", "nr", "g"})
_HAN_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
# The dot between the parts of a foreign name written in Chinese (唐纳德·特朗普): such a part is a
# transliteration, and its pinyin is no English name.
_NAME_DOTS = frozenset("·•・‧∙")
_lock = threading.Lock()
# A three-character "name" jieba's dictionary counts this often is a word (龙卷风 tornado); the
# names of people it lists are counted a few times each.
_WORD_FREQUENCY = 20


@dataclass(frozen=True)
class Person:
    chinese: str  # as written in the text (Traditional stays Traditional)
    simplified: str
    english: str  # pinyin, surname first: Wang Yi, Ouyang Xiaoming


# Characters that spell foreign names in Chinese (刘易斯 Lewis, 马拉卡 Malaka) and are rare in a
# Chinese given name: a "given name" with one of them is a transliteration, not pinyin material.
_TRANSLITERATION = frozenset("斯尼拉卡特扎塔尔埃奥普索纳姆")
# A one-character given name jieba's dictionary knows as a number, adverb, verb or function word
# is a word after a surname-like character (郑万 in 郑万高铁, 武直 "armed helicopter").
_NOT_GIVEN_TAGS = ("m", "d", "v", "p", "c", "u", "r", "q", "f")
# A name does not end with a preposition or particle (任教于 "teaches at").
_FUNCTION_ENDINGS = frozenset("于的了在是与及着")


def _looks_like_person(name: str) -> bool:
    if not _HAN_ONLY.match(name):
        return False
    if name[:2] in _COMPOUND_SURNAMES:
        return 3 <= len(name) <= 4
    return (
        2 <= len(name) <= 3
        and name[0] in _SURNAMES
        and name[-1] not in "庄村镇县市省区州河湖氏"
        and name[-1] not in _FUNCTION_ENDINGS
        and not _TRANSLITERATION.intersection(name[1:])
        and not (len(name) == 2 and _dictionary_tag(name[1]).startswith(_NOT_GIVEN_TAGS))
        and not (len(name) == 3 and name[0] == name[2])  # 支农惠农: a pattern of words
        # A surname that is mostly the conjunction "and" (和小微 of 涉农和小微企业) begins a name
        # only when jieba's dictionary knows the whole name.
        and not (_dictionary_tag(name[0]) == "c" and not _in_dictionary(name))
        and city_in_english(name) is None  # 吉隆坡 is Kuala Lumpur
    )


def _in_dictionary(word: str) -> bool:
    import jieba

    return bool(jieba.dt.FREQ.get(word))


def _dictionary_tag(word: str) -> str:
    import jieba.posseg

    return str(jieba.posseg.dt.word_tag_tab.get(word, ""))


def _name_tokens(tokens: list[tuple[str, str]]) -> list[tuple[int, str]]:
    """(offset, name) for each token jieba tags as a person, mended where jieba splits a name:
    a compound surname tagged apart (欧阳 | 夏丹), a last character cut off (王礼 | 稳)."""
    names: list[tuple[int, str]] = []
    offset = 0
    for index, (word, flag) in enumerate(tokens):
        start = offset
        offset += len(word)
        if flag not in _PERSON_TAGS:
            continue
        before = tokens[index - 1][0] if index else ""
        if before in _COMPOUND_SURNAMES and len(word) <= 2:
            start, word = start - len(before), before + word
        following = tokens[index + 1] if index + 1 < len(tokens) else ("", "")
        if len(word) == 2 and len(following[0]) == 1 and following[1] in _NAME_TAIL_TAGS:
            word += following[0]
            following = tokens[index + 2] if index + 2 < len(tokens) else ("", "")
        if following[0][:1] in _PLACE_ENDINGS or (_common_word(word) and flag != "nrfg"):
            continue  # 蒋口 | 河 is a river
        if before[-1:] in _NAME_DOTS or following[0][:1] in _NAME_DOTS:
            continue  # 唐纳德·特朗普 is Donald Trump, not "Tang Nade"
        if before[-1:] == "《" and following[0][:1] == "》":
            continue  # 《柳叶刀》 is The Lancet: a whole title is a work, not its author
        names.append((start, word))
    return names


def _common_word(word: str) -> bool:
    """A two-character word in jieba's dictionary that it tags as a name is usually a common word
    that is also a name (阳光 sunlight, 顾客 customer, 许可 permission); a three-character one is
    usually a person (汪文斌, counted 7 times; 柳云龙 2) unless the dictionary counts it as often
    as a word (龙卷风 tornado 69, 米其林 Michelin 41, 马达声 engine noise 20; the historical 范仲淹,
    86, is lost with them). Unknown names come from jieba's HMM and are kept."""
    import jieba

    frequency = int(jieba.dt.FREQ.get(word, 0))
    if frequency > 0 if len(word) == 2 else frequency >= _WORD_FREQUENCY:
        return True
    # A surname character before a common word is often not a name at all: 高 + 带宽 is "high
    # bandwidth". A given name that is such a word (verb, noun, time...) is left out.
    given = word[1:]
    tag = _dictionary_tag(given)
    return len(given) == 2 and not tag.startswith("nr") and int(jieba.dt.FREQ.get(given, 0)) >= 100


def pos_tokens(simplified: str) -> list[tuple[str, str]]:
    """(word, part-of-speech tag) for each of jieba's words of ``simplified``."""
    import jieba
    import jieba.posseg

    with _lock:  # jieba builds its dictionary on first use; only one thread may do that
        if not jieba.dt.initialized:
            jieba.setLogLevel(logging.WARNING)
            jieba.dt.initialize()
    return [(token.word, token.flag) for token in jieba.posseg.cut(simplified)]


# jieba's tags for proper nouns: people, places, organisations, other names.
_PROPER_TAGS = ("nr", "ns", "nt", "nz")


def is_proper_name(span: str, source: str) -> bool:
    """Every word of ``source`` that ``span`` touches is tagged a proper noun by jieba (巢湖,
    乌鲁木齐, 白洋淀): a span worth writing in pinyin when nothing translates it. 院士 or 累计确诊
    are words, and their pinyin would pass for a name."""
    simplified = convert_script(source, "simplified")
    start = source.find(span)
    if start < 0:
        return False
    end = start + len(span)
    position = 0
    touched = []
    for word, flag in pos_tokens(simplified):
        if position < end and position + len(word) > start:
            touched.append(flag)
        position += len(word)
    return bool(touched) and all(flag.startswith(_PROPER_TAGS) for flag in touched)


def english_of_person(simplified: str) -> str:
    """Pinyin, surname first, given name as one word: 张继科 → Zhang Jike, 欧阳夏丹 → Ouyang Xiadan."""
    if simplified[:2] in _COMPOUND_SURNAMES:
        return f"{pinyin_name(simplified[:2])} {pinyin_name(simplified[2:])}"
    return pinyin_name(simplified, person=True)


@lru_cache(maxsize=512)
def people_in(text: str, simplified: str, glossary: Glossary) -> tuple[Person, ...]:
    """The people ``text`` names outside the glossary, in order of first mention, once each.

    ``simplified`` is ``text`` in Simplified script (the same length, character for character,
    as OpenCC's t2s gives for names), which is what jieba's dictionary knows.
    """
    covered = [zh for term in glossary.terms_in(simplified) for zh in term.chinese]
    found: dict[str, Person] = {}
    for start, word in _name_tokens(pos_tokens(simplified)):
        if not _looks_like_person(word) or word in found:
            continue
        if any(word in zh for zh in covered):
            continue
        original = text[start : start + len(word)] if len(text) == len(simplified) else word
        found[word] = Person(chinese=original, simplified=word, english=english_of_person(word))
    return tuple(found.values())


def person_variants(person: Person) -> tuple[str, ...]:
    """Other ways a translation writes the same pinyin name: Zhang Ji Ke, Zhang Ji-ke, Zhangjike,
    Jike Zhang. They are the same person, to be written one way."""
    surname, _, given = person.english.partition(" ")
    from pypinyin import lazy_pinyin

    syllables = [s.capitalize() for s in lazy_pinyin(person.simplified)]
    tail = syllables[2:] if person.simplified[:2] in _COMPOUND_SURNAMES else syllables[1:]
    forms = [
        f"{surname} {' '.join(tail)}",
        f"{surname} {'-'.join(tail).capitalize()}",
        f"{surname}{given.lower()}",
        f"{given} {surname}",
    ]
    return tuple(f for f in dict.fromkeys(forms) if f != person.english)


def document_people(texts: list[str], glossary: Glossary) -> tuple[Person, ...]:
    """The document's table of people outside the glossary, each with the one English form every
    paragraph must use."""
    text = "\n".join(texts)
    return people_in(text, convert_script(text, "simplified"), glossary)


def enforce_people(source: str, english: str, people: tuple[Person, ...]) -> tuple[str, list[str]]:
    """``english`` with every other rendering of a person in ``source`` (Zhang Ji Ke, Jike Zhang)
    replaced by the table's one form, and a problem for each person it does not name at all (a
    name the model translated as words, such as 高 rendered as "high")."""
    for person in people:
        if person.chinese in source or person.simplified in source:
            for variant in person_variants(person):
                english = english_pattern(variant).sub(person.english, english)
    missing = missing_people(source, english, people)
    return english, [f"{person.chinese} is not named as {person.english}" for person in missing]


def missing_people(source: str, english: str, people: tuple[Person, ...]) -> list[Person]:
    """The people of ``people`` that ``source`` names and ``english`` does not name as the
    table writes them."""
    return [
        person
        for person in people
        if (person.chinese in source or person.simplified in source)
        and not english_pattern(person.english).search(english)
    ]
