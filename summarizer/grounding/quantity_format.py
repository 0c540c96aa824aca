"""Quantities as a reader writes them (550 billion, 25%, January 13, 2026), and which of them
are worth showing as figures."""

from __future__ import annotations

import re
from decimal import Decimal

from summarizer.grounding.numbers import Quantity, canonical, extract_quantities

MONTH_TITLES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# "on December 2025": a month without its day, or a year alone, takes "in". Only where the date
# ends a clause: in "a report on 2025 sales", "on" is "about".
_ON_MONTH_OR_YEAR = re.compile(
    rf"\b([Oo])n (?=(?:(?:{'|'.join(MONTH_TITLES)}) )?(?:1[89]|20)\d\d(?:[,.;:!?)]|$))"
)
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))


def format_quantity(quantity: Quantity) -> str:
    """A normalised quantity as a reader writes it: 550 billion, 30,000, 25%, January 13, 2026."""
    if quantity.kind == "percent":
        return f"{quantity.value}%"
    if quantity.kind == "date":
        year, month, day = quantity.value.split("-")
        name = MONTH_TITLES[int(month) - 1] if month.isdigit() else ""
        parts = [f"{name} {int(day)}" if day.isdigit() else name]
        if year.isdigit():
            parts.append(year)
        return (
            ", ".join(p for p in parts if p) if day.isdigit() else " ".join(p for p in parts if p)
        )
    value = Decimal(quantity.value)
    for scale, word in _SCALES:
        # 1.5 trillion, 2.394 billion; 2,394,513 stays in digits, every one of them a fact.
        if value >= scale and (value / scale) * 1000 == int(value / scale * 1000):
            return f"{canonical(value / scale)} {word}"
    return f"{value:,}"


def notable_quantity(quantity: Quantity) -> bool:
    """Percentages, dates and amounts; not small counts ("two firms"), bare years or a month
    alone ("in July")."""
    if quantity.kind == "date":
        year, _, day = quantity.value.split("-")
        return year.isdigit() or day.isdigit()
    if quantity.kind != "number":
        return True
    value = float(quantity.value)
    return value >= 10 and not (value.is_integer() and 1900 <= value <= 2100)


# A run of figures as Chinese writes it: digits or numerals with their units and date markers
# (2025年12月8日, 15万, 2800多, 百分之二十五, 三成, 25个百分点); what a quantity was read from.
_DIGITS = r"[\d.,０-９零〇一二两兩三四五六七八九十百千万萬亿億點点]+"
_SOURCE_FIGURE = re.compile(
    rf"(?:百分之)?{_DIGITS}(?:\s*[年月]\s*{_DIGITS})*(?:\s*[年月日号號时時])?(?:\s*[多余餘])?"
    r"(?:\s*[十百千万萬亿億]+)?(?:%|％|个百分点|個百分點|成)?"
)
_DAY_MARK = re.compile(r"\d{1,2}\s*[日号號]$")


def source_figures(source: str) -> dict[Quantity, str]:
    """Each quantity of ``source`` with the text it was read from (its first occurrence)."""
    wanted = extract_quantities(source)
    spans: dict[Quantity, str] = {}
    for match in _SOURCE_FIGURE.finditer(source):
        text = match.group(0).strip()
        if not any(c.isdigit() for c in text) and not any(c in text for c in "十百千万萬亿億成"):
            continue
        for quantity in extract_quantities(text):
            if quantity in wanted:
                spans.setdefault(quantity, text)
    return spans


def describe_missing(quantity: Quantity, source: str) -> str:
    """A figure of ``source`` as a reader and the model can act on it: its English form, with
    the source's own text when that differs ("July 24 (7月24日)", "150,000 (15万)"); a day
    the source gives without a month is "the 24th (24日)", a year "the year 2019 (2019年)"."""
    shown = format_quantity(quantity)
    original = source_figures(source).get(quantity)
    if original is None:
        return shown
    if quantity.kind == "number" and "月" not in original and _DAY_MARK.search(original):
        shown = f"the {ordinal(int(quantity.value))}"
    elif quantity.kind == "number" and original.endswith("年"):
        shown = f"the year {quantity.value}"
    return shown if original.replace(",", "") == shown.replace(",", "") else f"{shown} ({original})"


def ordinal(day: int) -> str:
    """1st, 2nd, 3rd, 11th, 24th."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def month_prepositions(english: str) -> str:
    """``english`` with "on" before a month and year, or a year alone, made "in" where the date
    ends a clause: "the report in Global Times on December 2025, the US..." reads "in December
    2025"; "on December 5, 2025" and "a report on 2025 sales" are left alone."""
    return _ON_MONTH_OR_YEAR.sub(lambda m: "In " if m.group(1) == "O" else "in ", english)
