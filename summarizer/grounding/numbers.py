"""Numbers, percentages, amounts and dates in Chinese and English text, in one canonical form,
so a translation or a summary can be checked against its source.

``26.8万`` is 268,000, ``1.5万亿`` and ``一万五千亿`` are 1.5 trillion, ``25%``, ``百分之25`` and
``百分之二十五`` are ``25 percent``, ``三成`` is 30 percent, ``25个百分点`` is ``25 percentage
points``, ``2026年1月13日`` is ``January 13, 2026``, and ``Ⅲ级`` and "Level III" are 3. Chinese
numerals go through cn2an."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from summarizer.grounding.roman import arabic_numerals

_CN_MULTIPLIERS = {
    "十": Decimal(10),
    "百": Decimal(100),
    "千": Decimal(1_000),
    "万": Decimal(10_000),
    "萬": Decimal(10_000),
    "亿": Decimal(10**8),
    "億": Decimal(10**8),
}
_EN_MULTIPLIERS = {
    "thousand": Decimal(1_000),
    "million": Decimal(10**6),
    "billion": Decimal(10**9),
    "trillion": Decimal(10**12),
    "k": Decimal(1_000),
    "m": Decimal(10**6),
    "bn": Decimal(10**9),
}
_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WORD_VALUES = (
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("fifteen", "15"),
    ("twenty", "20"),
    ("thirty", "30"),
    ("fifty", "50"),
    ("hundred", "100"),
    ("half", "0.5"),
    # Ordinals state their number too: 2层至6层 is "from the second to the sixth floor". Not
    # "first", which English uses for much besides counting ("for the first time").
    ("second", "2"),
    ("third", "3"),
    ("fourth", "4"),
    ("fifth", "5"),
    ("sixth", "6"),
    ("seventh", "7"),
    ("eighth", "8"),
    ("ninth", "9"),
    ("tenth", "10"),
)
_WORDS = {word: Decimal(value) for word, value in _WORD_VALUES}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*[日号號])?"
)
# A day of the month without its month: 26日 (a wire story leaves the month to its dateline).
BARE_DAY = re.compile(r"(?<![月\d.])(?<!月 )(?P<d>\d{1,2})\s*[日号號]")
_CN_YEAR = re.compile(r"(?P<y>\d{4})\s*年(?!\s*\d{1,2}\s*月)")
# News capitalises month names; matching them case-sensitively keeps these patterns fast.
_MONTH_NAMES = "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True))
_EN_DATE_MDY = re.compile(
    rf"\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?\b"
)
_EN_DATE_DMY = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH_NAMES})\.?(?:,?\s+(?P<y>\d{{4}}))?\b"
)
_EN_MONTH_YEAR = re.compile(rf"\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<y>\d{{4}})\b")
# A month on its own ("in July", "mid-May", "the last Sunday of July"): full names only, and May
# only where a date cue comes before it ("Theresa May", "May I" are no dates).
_EN_MONTH_ALONE = re.compile(
    r"\b(?P<mon>January|February|March|April|June|July|August|September|October|November|"
    r"December)\b|\b(?:in|of|since|until|by|from|to|early|late|mid|end)[ -](?P<may>May)\b"
)
_DIGIT = re.compile(r"\d")
# A 12-hour clock time ("5:07 PM", "8 a.m."); its hour counts on the 24-hour clock too (17时07分).
_CLOCK = re.compile(
    r"\b(?P<h>1[0-2]|0?[1-9])(?::(?P<min>[0-5]\d))?\s*(?P<half>[ap])\.?m\b\.?", re.I
)
# A decade ("the 1980s", "1980's", "post-90s"): its two digits, and its year if a century shows.
_DECADE = re.compile(r"(?<![\w.,])(?P<c>1[89]|20)?(?P<d>\d0)['’]?s\b")
# Only a hint (a false alarm just runs the date patterns); without a leading \b the regex engine
# can jump from one candidate first letter to the next instead of trying every position.
_MONTH_HINT = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})\b")
# A number not glued to letters (H200, A100 and the 910B are names, not figures). Chinese unit
# characters multiply in turn: 1.5万亿 is 1.5 x 10^4 x 10^8, 2千亿 is 2 x 10^3 x 10^8; "more than"
# may stand between the number and its unit: 600多万 is over 6 million, 250余万 over 2.5 million.
# 千 of a unit is not a thousand: 82万千瓦 is 820,000 kilowatts (千瓦), 3千米 three kilometres.
_KILO = r"千(?![瓦米克伏卡焦帕])"
# A unit written against the number ("820,000kW", "7nm", "5km"); other letters there make a name.
_UNITS = r"[kmgt]?wh?|[kcmn]m|[km]g|ml|[kmg]?hz"
_NUMBER = re.compile(
    rf"(?<![A-Za-z\d.,])(?P<pre>百分之)?(?P<n>{_NUM})(?:\s*(?:[多余餘]\s*)?(?P<cn>(?:[十百万萬亿億]|{_KILO})+))?"
    rf"(?:\s*(?P<pct>%|％|percent(?:age points?)?\b|per cent\b|个百分点|個百分點))?"
    rf"(?:\s*(?P<en>thousand|million|billion|trillion|bn\b))?(?:st|nd|rd|th|{_UNITS})?"
    r"(?![A-Za-z\d])",
    re.IGNORECASE,
)
# Chinese numerals, read only where they are surely figures (a bare 十分 or 千万 is an adverb,
# 一个 is "a"): after 百分之, before 成 (tenths), or with a 万/亿 unit.
_CN_DIGITS = "零〇一二两兩三四五六七八九十百千點点"
_CN_PERCENT = re.compile(rf"百分之(?P<n>[{_CN_DIGITS}万萬亿億]+)")
_CN_TENTHS = re.compile(
    r"(?<![一二三四五六七八九十])(?P<n>[一二两兩三四五六七八九])成(?!不变|不變)"
)
_CN_LARGE = re.compile(
    rf"(?<![{_CN_DIGITS}])(?P<n>[一二两兩三四五六七八九十][{_CN_DIGITS}万萬]*[万萬亿億]+)"
)
_CN_NUMERAL_HINT = re.compile(r"百分之|[一二两兩三四五六七八九]成|[万萬亿億]")
# Run on lower-cased text, case-sensitively and with no leading \b (both slow the scan ~2x);
# the start of the word is checked in code.
_WORD_NUMBER = re.compile(rf"(?P<w>{'|'.join(_WORDS)})\b(?:\s+(?P<pct>percent|per cent))?")


@dataclass(frozen=True, order=True)
class Quantity:
    """A number in canonical form: a value and its kind (``number``, ``percent`` or ``date``)."""

    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.value}%" if self.kind == "percent" else self.value


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def canonical(value: Decimal) -> str:
    """A value as ``Quantity`` holds it: no exponent, no trailing zeros."""
    normalized = value.normalize()
    text = format(normalized, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _date(year: str | None, month: int, day: str | None) -> Quantity | None:
    if not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= int(day) <= 31:
        return None
    parts = [year or "????", f"{month:02d}", f"{int(day):02d}" if day else "??"]
    return Quantity("date", "-".join(parts))


def _take_dates(text: str, found: set[Quantity], years_as_numbers: bool) -> str:
    """Record the dates in ``text`` and blank them out so their digits are not counted twice."""
    # The month-name patterns are the slow ones: try them only where a month name may be.
    english_months = bool(_MONTH_HINT.search(text))
    if not english_months and not _DIGIT.search(text):
        return text
    patterns: list[tuple[re.Pattern[str], bool]] = [
        (_ISO_DATE, False),
        *([(_CN_DATE, False)] if "月" in text else []),
        *(
            [
                (_EN_DATE_MDY, True),
                (_EN_DATE_DMY, True),
                (_EN_MONTH_YEAR, True),
                (_EN_MONTH_ALONE, True),
            ]
            if english_months
            else []
        ),
    ]
    for pattern, english in patterns:

        def replace(match: re.Match[str], english: bool = english) -> str:
            groups = match.groupdict()
            name = groups.get("mon") or groups.get("may") or ""
            month = _MONTHS[name.lower()] if english else int(groups["m"])
            quantity = _date(groups.get("y"), month, groups.get("d"))
            if quantity is None:
                return match.group(0)
            found.add(quantity)
            if years_as_numbers and groups.get("y"):
                found.add(Quantity("number", groups["y"]))
            return " " * len(match.group(0))

        text = pattern.sub(replace, text)
    if "年" in text:
        for match in _CN_YEAR.finditer(text):
            found.add(Quantity("number", match.group("y")))
    return text


def _take_decades(text: str, found: set[Quantity]) -> str:
    """Record the decades in ``text`` ("1980s": 80 and 1980) and blank them out."""

    def replace(match: re.Match[str]) -> str:
        found.add(Quantity("number", match.group("d")))
        if match.group("c"):
            found.add(Quantity("number", match.group("c") + match.group("d")))
        return " " * len(match.group(0))

    return _DECADE.sub(replace, text)


def _take_clock_times(text: str, found: set[Quantity]) -> str:
    """Record the 12-hour clock times in ``text`` (the hour as written and on the 24-hour clock,
    and the minutes) and blank them out."""

    def replace(match: re.Match[str]) -> str:
        hour = int(match.group("h"))
        found.add(Quantity("number", str(hour)))
        found.add(Quantity("number", str(hour % 12 + (12 if match.group("half") in "pP" else 0))))
        if match.group("min"):
            found.add(Quantity("number", str(int(match.group("min")))))
        return " " * len(match.group(0))

    return _CLOCK.sub(replace, text)


def _chinese_value(numeral: str) -> Decimal | None:
    """A Chinese numeral's value by cn2an (imported only when a text has one)."""
    import cn2an

    try:
        return Decimal(str(cn2an.cn2an(numeral.replace("兩", "两"), "smart")))
    except (ValueError, KeyError, InvalidOperation):
        return None


def _take_chinese_numerals(text: str, found: set[Quantity]) -> str:
    """Record the Chinese numerals that are figures and blank them out."""

    def take(kind: str, scale: Decimal) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            value = _chinese_value(match.group("n"))
            if value is None:
                return match.group(0)
            found.add(Quantity(kind, canonical(value * scale)))
            return " " * len(match.group(0))

        return replace

    text = _CN_PERCENT.sub(take("percent", Decimal(1)), text)
    text = _CN_TENTHS.sub(take("percent", Decimal(10)), text)
    return _CN_LARGE.sub(take("number", Decimal(1)), text)


@lru_cache(maxsize=8192)
def extract_quantities(text: str, *, words: bool = False) -> frozenset[Quantity]:
    """Every number, percentage, amount and date in ``text``.

    Args:
        text: Chinese or English text.
        words: also read English number words ("three", "half"); used on the side that must
            *contain* figures, never on the side whose figures are required.
    """
    found: set[Quantity] = set()
    rest = _take_dates(arabic_numerals(text), found, years_as_numbers=words)
    if _CN_NUMERAL_HINT.search(rest):
        rest = _take_chinese_numerals(rest, found)
    if "0s" in rest or "0's" in rest or "0’s" in rest:
        rest = _take_decades(rest, found)
    rest = _take_clock_times(rest, found)
    for match in _NUMBER.finditer(rest):
        value = _decimal(match.group("n"))
        if value is None:
            continue
        for unit in match.group("cn") or "":
            value *= _CN_MULTIPLIERS[unit]
        if match.group("en"):
            value *= _EN_MULTIPLIERS[match.group("en").lower()]
        kind = "percent" if match.group("pct") or match.group("pre") else "number"
        found.add(Quantity(kind, canonical(value)))
    if words:
        lowered = rest.lower()
        for match in _WORD_NUMBER.finditer(lowered):
            start = match.start()
            if start and (lowered[start - 1].isalnum() or lowered[start - 1] == "_"):
                continue  # inside a word: "someone", "often"
            value = _WORDS[match.group("w")]
            kind = "percent" if match.group("pct") else "number"
            found.add(Quantity(kind, canonical(value)))
    return frozenset(found)


def _date_matches(needed: Quantity, available: frozenset[Quantity]) -> bool:
    """``available`` states the date: the same month and day, the year may be left out; a month
    alone (7月, "July") is stated by any date in that month."""
    year, month, day = needed.value.split("-")
    for have in available:
        if have.kind != "date":
            continue
        h_year, h_month, h_day = have.value.split("-")
        if (
            h_month == month
            and (h_day == day or day == "??")
            and (h_year == year or "????" in (h_year, year))
        ):
            return True
    return False


def _day_stated(day: str, available: frozenset[Quantity]) -> bool:
    """A day of the month the source gives alone (26日) is stated by a date on that day ("July
    26"): a translator adds the month a wire story leaves to its dateline."""
    return any(
        have.kind == "date" and have.value.split("-")[2] == f"{int(day):02d}" for have in available
    )


def missing_quantities(source: str, target: str) -> list[Quantity]:
    """The quantities of ``source`` that ``target`` does not state (dates may omit a known year)."""
    available = extract_quantities(target, words=True)
    missing = []
    for needed in sorted(extract_quantities(source)):
        if needed in available:
            continue
        if needed.kind == "date" and _date_matches(needed, available):
            continue
        if (
            needed.kind == "number"
            and needed.value in _bare_days(source)
            and _day_stated(needed.value, available)
        ):
            continue
        missing.append(needed)
    return missing


@lru_cache(maxsize=4096)
def _bare_days(source: str) -> frozenset[str]:
    """The days of the month ``source`` gives without a month (26日, not 7月26日)."""
    return frozenset(str(int(m.group("d"))) for m in BARE_DAY.finditer(source))


def english_amounts(english: str) -> list[tuple[re.Match[str], Decimal]]:
    """The plain amounts of an English text (no percentages, no dates), each with its match in
    ``english`` and its value: "17.5 billion" is 17,500,000,000."""
    rest = _take_dates(english, set(), years_as_numbers=False)  # blanked: the offsets hold
    amounts = []
    for match in _NUMBER.finditer(rest):
        value = _decimal(match.group("n"))
        if value is None or match.group("pct") or match.group("cn") or match.group("pre"):
            continue
        if match.group("en"):
            value *= _EN_MULTIPLIERS[match.group("en").lower()]
        amounts.append((match, value))
    return amounts


def english_dates(english: str) -> list[tuple[re.Match[str], Quantity]]:
    """The month-and-day dates of an English text ("June 26", "26 June 2020"), each with its
    match in ``english`` and its value."""
    if not _MONTH_HINT.search(english):
        return []
    dates = []
    for pattern in (_EN_DATE_MDY, _EN_DATE_DMY):
        for match in pattern.finditer(english):
            quantity = _date(
                match.group("y"), _MONTHS[match.group("mon").lower()], match.group("d")
            )
            if quantity is not None:
                dates.append((match, quantity))
    return sorted(dates, key=lambda pair: pair[0].start())
