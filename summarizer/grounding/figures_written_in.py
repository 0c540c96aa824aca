"""A paragraph's source with the figures its translation leaves out already written as English
writes them (总装机82万千瓦 → 总装机820,000千瓦, 7月25日 → July 25, 24时 → 24:00), for one more
translation that only has to copy them.

A small model loses a figure in two known ways: it misreads 万 and 亿 (82万 written "82
megawatts", 416.62亿元 left out) and it drops the parts of a date or a time it finds awkward
(截至7月25日24时 written "as of July 25"). Code cannot put the figure into the English, but it
can put it into the source in a form the model copies. Only the figures the English leaves out
are written in; a figure the source already writes in digits (100%) is left as it is.
"""

from __future__ import annotations

import re
from decimal import Decimal

from summarizer.grounding.numbers import Quantity, extract_quantities
from summarizer.grounding.quantity_format import format_quantity, ordinal

# The Chinese forms of a figure that English writes otherwise, longest first at each place: a
# date (with its year, or its month alone), a day of the month alone (26日), an hour on the
# 24-hour clock (24时) or two (0—24时), an amount counted in 万 or 亿.
_FIGURE = re.compile(
    r"(?P<date>(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号])?)"
    r"|(?<![\d.])(?P<day>\d{1,2})[日号]"
    r"|(?<![\d.])(?P<start>\d{1,2})[—–\-~至到](?P<end>\d{1,2})(?:时|點|点)(?!\d{1,2}分)"
    r"|(?<![\d.])(?P<hour>\d{1,2})(?:时|點|点)(?!\d{1,2}分)"
    r"|(?<![\d.])(?P<amount>\d+(?:\.\d+)?(?:万亿|萬億|[万萬亿億]))"
)


def _english(match: re.Match[str], quantity: Quantity) -> str:
    """How English writes the figure ``match`` found: a date or an amount as a reader writes it,
    a day as "the 26th", an hour as 24:00 (and hours as 0:00-24:00)."""
    if match.group("day"):
        return f"the {ordinal(int(match.group('day')))}"
    if match.group("start"):
        return f"{int(match.group('start'))}:00-{int(match.group('end'))}:00"
    if match.group("hour"):
        return f"{int(match.group('hour'))}:00"
    return format_quantity(quantity)


def _latin(character: str) -> bool:
    """A letter or digit of an alphabetic script (a Han character is a letter too, unspaced)."""
    return character.isalnum() and ord(character) < 0x2E80


def _gap(neighbour: str, edge: str) -> str:
    """A space between a figure written in and the character next to it, where English wants
    one: an English word next to any word, or two figures side by side."""
    wanted = neighbour.isalnum() and _latin(edge) and (edge.isalpha() or _latin(neighbour))
    return " " if wanted else ""


def with_figures_written_in(source: str, missing: list[Quantity]) -> tuple[str, list[str]]:
    """``source`` with each figure of ``missing`` that Chinese writes otherwise than English
    written in English, and what was written in (``82万 → 820,000``)."""
    wanted = set(missing)
    written: list[str] = []

    def replace(match: re.Match[str]) -> str:
        found = extract_quantities(match.group(0)) & wanted
        if not found:
            return match.group(0)
        english = _english(match, min(found))
        written.append(f"{match.group(0)} → {english}")
        # Chinese needs no spaces, but a word or figure written in does, where it touches
        # another: 截至7月25日24时 → "截至 July 25 24:00", not "截至July 2524:00".
        before, after = source[match.start() - 1 : match.start()], source[match.end() :][:1]
        return f"{_gap(before, english[:1])}{english}{_gap(after, english[-1:])}"

    return _FIGURE.sub(replace, source), list(dict.fromkeys(written))


def invented_figures(source: str, english: str) -> list[Quantity]:
    """The amounts and percentages of 10 or more that ``english`` states and ``source`` does not:
    a figure the model made up (a translation asked again added "covering a total area of 1,000
    square kilometers" to a paragraph that gives no area). Smaller numbers are left out: "8:00"
    states a 0, and "five" may be a count the source writes as a word."""
    stated = {quantity.value for quantity in extract_quantities(source)}
    return [
        quantity
        for quantity in sorted(extract_quantities(english))
        if quantity.kind != "date"
        and quantity.value not in stated
        and Decimal(quantity.value) >= 10
    ]
