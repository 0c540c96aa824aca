"""Number errors a small model makes in a known way, set right by code.

The checks in ``grounding.numbers`` flag a figure of the source that the English does not state,
and the translation step then asks again. Two slips come back on a re-ask as often as not, and
their fix is mechanical, so code makes it (and says so):

- **an amount off by a power of ten**: 万 is ten thousand and 亿 a hundred million, so the digits
  the model copies are right and the size is not: 17.5亿 written "17.5 billion" (it is 1.75
  billion), 16万 written "16,000"; a plain amount gains or loses a zero the same way (2800多元
  written "28,000 yuan");
- **a long number with one digit more, less or other**: 2394513 copied as "23,945,133" (a digit
  written twice), a number of five digits or more with one slip in its digits;
- **a month the article never gives**: Chinese news dates an event by its day alone (26日, the
  26th of the dateline's month); the model supplies a month, and often the wrong one ("June 26"
  in a July story). Code writes "the 26th" (or the source's own date, when it gives that day
  whole) unless the article gives that month somewhere;
- **a weekday the article never gives**: 25日 comes back as "on Tuesday" or "today"; code
  writes "on the 25th";
- **an hour the English drops**: 截至7月25日24时 comes back "as of July 25" through every
  route; code writes "as of July 25, 24:00";
- **a year the article never gives**: the same dates, 7月13日 or 13日, come back as "July 13,
  2023" in a 2020 story. Code takes the year off unless the article gives it somewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from summarizer.grounding.numbers import (
    BARE_DAY,
    Quantity,
    canonical,
    english_amounts,
    english_dates,
    extract_quantities,
    missing_quantities,
)
from summarizer.grounding.quantity_format import MONTH_TITLES, format_quantity, ordinal


@dataclass(frozen=True)
class NumberFix:
    """A figure of the English rewritten by code."""

    wrote: str
    now: str

    def __str__(self) -> str:
        return f"{self.wrote!r} → {self.now!r}"


# How far off a misread 万 or 亿 puts an amount: 17.5亿 is 1.75 billion, not 17.5 billion (x10);
# 16万 is 160,000, not 16,000 (x0.1); 1.5万亿 is 1.5 trillion, not 15 billion (x0.01).
_SIZE_SLIPS = frozenset(Decimal(10) ** k for k in (-4, -3, -2, -1, 1, 2, 3, 4))
# A number of this many digits or more that is one slip of a digit away from a source number the
# English lacks is that number miscopied; shorter numbers are too often other figures.
_SLIP_DIGITS = 5
# A month anywhere (7月, 七月); a day with no month before it is ``BARE_DAY``.
_MONTH = re.compile(r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
# 当天, "that day", points back to the day the source gave; 今天 is today.
_SOURCE_DAY_NAME = re.compile(r"星期|礼拜|禮拜|[周週][一二三四五六日天末]|[今昨明][天日]")
_DAY_NAME = re.compile(
    r"\b(?:[Oo]n (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|[Tt]oday(?!['’]s))\b"
)
_MONTH_NUMBERS = {name: number for number, name in enumerate(MONTH_TITLES, start=1)}
_MONTH_YEAR = re.compile(rf"\b(?P<mon>{'|'.join(_MONTH_NUMBERS)}),? (?P<y>(?:1[89]|20)\d\d)\b")
# A date given to the hour, or to a span of hours (7月25日24时, 7月25日0—24时); not to the minute.
_CN_DATE_HOUR = re.compile(
    r"(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号](?:(?P<start>\d{1,2})[—–\-~至到])?(?P<h>\d{1,2})[时点]"
    r"(?!\d{1,2}分)"
)
_TIME_AFTER = re.compile(r",? (?:at )?\d{1,2}[:.]\d\d")
_CN_MONTHS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)} | {
    "十": 10,
    "十一": 11,
    "十二": 12,
}


def rescale_amounts(source: str, english: str) -> tuple[str, list[NumberFix]]:
    """``english`` with each amount that is a source amount off by a power of ten, or miscopied
    by one digit, rewritten as the source says, and what was rewritten.

    Only a sure slip is rewritten: a source amount of at least 1,000 missing from the English,
    and exactly one English amount of at least 1,000 that the source does not state and that is
    a power of ten (10^-4 to 10^4) away from it, or (both of five digits or more) one digit. An
    amount in other units ("820 megawatts" for 82万千瓦) is left for the checks to flag.
    """
    needed = [
        q
        for q in missing_quantities(source, english)
        if q.kind == "number" and Decimal(q.value) >= 1_000
    ]
    if not needed:
        return english, []
    stated = extract_quantities(source)
    amounts = [
        (match, value)
        for match, value in english_amounts(english)
        if value >= 1_000 and Quantity("number", canonical(value)) not in stated
    ]
    rewrites: dict[int, tuple[re.Match[str], str]] = {}
    for quantity in needed:
        size = Decimal(quantity.value)
        slips = [
            match
            for match, value in amounts
            if value / size in _SIZE_SLIPS or _one_digit_apart(value, size)
        ]
        if len(slips) == 1 and slips[0].start() not in rewrites:
            rewrites[slips[0].start()] = (slips[0], format_quantity(quantity))
    return _rewrite(english, rewrites)


def _one_digit_apart(written: Decimal, meant: Decimal) -> bool:
    """Whole numbers of ``_SLIP_DIGITS`` digits or more whose digits differ by one inserted,
    dropped or changed digit (2394513 and 23945133)."""
    if written != written.to_integral_value() or meant != meant.to_integral_value():
        return False
    a, b = str(int(written)), str(int(meant))
    if min(len(a), len(b)) < _SLIP_DIGITS or a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def drop_invented_months(source: str, english: str, document: str) -> tuple[str, list[NumberFix]]:
    """``english`` with each date whose month ``document`` (the whole article) never gives set
    to what ``source`` says of that day, and what was rewritten: the source's date when it gives
    that day whole (7月25日: "December 25" → "July 25"), else the day alone (26日: "June 26" →
    "the 26th")."""
    days = {int(m.group("d")) for m in BARE_DAY.finditer(source)}
    whole: dict[int, set[Quantity]] = {}
    for quantity in extract_quantities(source):
        given = quantity.value.split("-")[2] if quantity.kind == "date" else ""
        if given.isdigit():
            whole.setdefault(int(given), set()).add(quantity)
    if not days and not whole:
        return english, []
    months = {_month_number(m.group("m")) for m in _MONTH.finditer(document)}
    rewrites: dict[int, tuple[re.Match[str], str]] = {}
    for match, date in english_dates(english):
        month, day = (int(part) for part in date.value.split("-")[1:])
        if month in months:
            continue
        if len(whole.get(day, ())) == 1:
            rewrites[match.start()] = (match, format_quantity(next(iter(whole[day]))))
        elif day in days and day not in whole:
            rewrites[match.start()] = (match, f"the {ordinal(day)}")
    return _rewrite(english, rewrites)


def drop_invented_years(source: str, english: str, document: str) -> tuple[str, list[NumberFix]]:
    """``english`` with the year taken off each date that ``source`` gives without one (7月13日,
    13日) when ``document`` (the whole article) never names that year ("July 13, 2023" → "July
    13"), and what was rewritten; the same for a month the source gives alone (2月, "February
    2017" → "February"). A year the article gives anywhere stands."""
    days = {int(m.group("d")) for m in BARE_DAY.finditer(source)}
    months = set()
    for quantity in extract_quantities(source):
        year, month, day = quantity.value.split("-") if quantity.kind == "date" else ("", "", "")
        if year == "????" and day.isdigit():
            days.add(int(day))
        elif year == "????" and month.isdigit():
            months.add(int(month))
    if not days and not months:
        return english, []
    years = set(_YEAR.findall(document))
    rewrites: dict[int, tuple[re.Match[str], str]] = {}
    for match, date in english_dates(english):
        year = match.group("y")
        if year is None or year in years or int(date.value.split("-")[2]) not in days:
            continue
        kept = match.group(0)[: match.start("y") - match.start()].rstrip(", ")
        rewrites[match.start()] = (match, kept)
    # A month the source gives alone (去年2月) comes back with a year as well: "February 2017".
    for match in _MONTH_YEAR.finditer(english):
        if match.group("y") not in years and _MONTH_NUMBERS[match.group("mon")] in months:
            rewrites.setdefault(match.start(), (match, match.group("mon")))
    return _rewrite(english, rewrites)


def drop_invented_weekdays(source: str, english: str) -> tuple[str, list[NumberFix]]:
    """``english`` with "on Tuesday" or "today" set to "on the 25th" when ``source`` gives the
    day as 25日 and names no day of the week and no 今天: the model turns a day of the month into
    a weekday it makes up (three of the 300 WMT21 segments, none of them right) or into "today"
    (one). Only when the source gives one such day, so which day is meant is sure."""
    days = {int(m.group("d")) for m in BARE_DAY.finditer(source)}
    if len(days) != 1 or _SOURCE_DAY_NAME.search(source):
        return english, []
    now = f"on the {ordinal(days.pop())}"
    rewrites = {
        m.start(): (m, now.capitalize() if m.group(0)[0].isupper() and m.start() == 0 else now)
        for m in _DAY_NAME.finditer(english)
    }
    return _rewrite(english, rewrites)


def add_dropped_hours(source: str, english: str) -> tuple[str, list[NumberFix]]:
    """``english`` with the hour of a date the source gives to the hour (截至7月25日24时, 7月25日
    0—24时) put back after that date when the English states the date and drops the hour ("As
    of July 25," → "As of July 25, 24:00,"), and what was rewritten. Seen on WMT21 with the local
    model: the hour dropped by the first reply, the re-ask, the samples and a translation of the
    source with the hour written in as 24:00."""
    missing = set(missing_quantities(source, english))
    rewrites: dict[int, tuple[re.Match[str], str]] = {}
    for hour in _CN_DATE_HOUR.finditer(source):
        hours = [h for h in (hour.group("start"), hour.group("h")) if h is not None]
        if not all(Quantity("number", str(int(h))) in missing for h in hours):
            continue
        time = "-".join(f"{int(h)}:00" for h in hours)
        month, day = int(hour.group("m")), int(hour.group("d"))
        for match, date in english_dates(english):
            _, m, d = date.value.split("-")
            if (int(m), int(d)) == (month, day) and not _TIME_AFTER.match(english, match.end()):
                rewrites.setdefault(match.start(), (match, f"{match.group(0)}, {time}"))
                break
    return _rewrite(english, rewrites)


def _rewrite(
    english: str, rewrites: dict[int, tuple[re.Match[str], str]]
) -> tuple[str, list[NumberFix]]:
    done: list[NumberFix] = []
    for start in sorted(rewrites, reverse=True):
        match, now = rewrites[start]
        english = english[:start] + now + english[match.end() :]
        done.append(NumberFix(match.group(0), now))
    return english, done[::-1]


def _month_number(text: str) -> int:
    return int(text) if text.isdigit() else _CN_MONTHS.get(text, 0)
