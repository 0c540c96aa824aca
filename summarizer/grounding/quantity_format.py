"""Quantities as a reader writes them (550 billion, 25%, January 13, 2026), and which of them
are worth showing as figures."""

from __future__ import annotations

from summarizer.grounding.numbers import Quantity

_MONTH_TITLES = [
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
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))


def format_quantity(quantity: Quantity) -> str:
    """A normalised quantity as a reader writes it: 550 billion, 30,000, 25%, January 13, 2026."""
    if quantity.kind == "percent":
        return f"{quantity.value}%"
    if quantity.kind == "date":
        year, month, day = quantity.value.split("-")
        name = _MONTH_TITLES[int(month) - 1] if month.isdigit() else ""
        parts = [f"{name} {int(day)}" if day.isdigit() else name]
        if year.isdigit():
            parts.append(year)
        return (
            ", ".join(p for p in parts if p) if day.isdigit() else " ".join(p for p in parts if p)
        )
    value = float(quantity.value)
    for scale, word in _SCALES:
        if value >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:,.0f}" if value.is_integer() else f"{value:,}"


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
