"""Datelines of Chinese wire copy, rendered by code: 新华社北京3月5日电（记者 张三）becomes
"BEIJING, March 5 (Xinhua, reporter Zhang San) —", and a paper's own 本报北京3月5日讯 "BEIJING,
March 5 —". A small model drops a dateline, and with it
the date and the place; code keeps both. So too the site name a web headline ends with:
重庆发布洪水预警-中新网 is "… - Chinanews.com", where the local model dropped the name or wrote
another outlet's ("- Xinhua News", "- China Daily", "New York Times")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.grounding.gazetteer import city_in_english
from summarizer.grounding.glossary import builtin_glossary
from summarizer.grounding.names import pinyin_name

# Agencies and web desks that file under a dateline (新华社北京3月5日电, 中新网7月26日电), and the
# web desks whose name ends a page's headline (标题-中新网). Their English names and Traditional
# forms are the glossary's.
AGENCIES = ("新华社", "中新社", "中新网", "人民网", "央视网", "环球网")
SITES = (
    *AGENCIES,
    "新华网",
    "中国新闻网",
    "中国日报网",
    "光明网",
    "新浪网",
    "网易",
    "凤凰网",
    "澎湃新闻",
    "观察者网",
)
_OWN_PAPER = ("本报", "本報")  # "this paper": a daily's own reporter files; no agency to name
MAX_HEADLINE = 80  # characters: a longer line ending in a site's name is not a headline
_MONTHS = "January February March April May June July August September October November December"
_NOT_A_PLACE = re.compile(r"[据據社网網报報讯訊称稱]")
_REPORTER = re.compile(r"^(?:通讯员|通訊員|记者|記者)\s*")


@cache
def _outlet_forms(names: tuple[str, ...]) -> dict[str, str]:
    """Each Chinese form of the outlets ``names`` (simplified and Traditional, as the glossary
    lists them) to the English name the glossary gives."""
    terms = builtin_glossary().terms
    forms: dict[str, str] = {}
    for name in names:
        term = next(t for t in terms if name in t.chinese)
        forms.update(dict.fromkeys(term.chinese, term.english))
    return forms


@cache
def _dateline_pattern() -> re.Pattern[str]:
    forms = sorted([*_outlet_forms(AGENCIES), *_OWN_PAPER], key=len, reverse=True)
    agencies = "|".join(forms)
    return re.compile(
        rf"^\s*(?P<agency>{agencies})?\s*(?P<place>[\u4e00-\u9fff]{{2,4}}?)?\s*"
        r"(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日\s*[电電讯訊]"
        r"(?:\s*[（(](?P<credit>[^（）()]{1,40})[）)])?\s*"
    )


@cache
def _site_suffix_pattern() -> re.Pattern[str]:
    sites = "|".join(sorted(_outlet_forms(SITES), key=len, reverse=True))
    return re.compile(rf"^(?P<rest>.*?\S)\s*[-－–—_|｜]\s*(?P<site>{sites})\s*$")


@dataclass(frozen=True)
class Dateline:
    english: str  # "BEIJING, March 5 (Xinhua) —"
    rest: str  # the paragraph after the dateline, to translate


def _place(chinese: str) -> str:
    """The glossary's name, else the city's English name (悉尼 → SYDNEY), else pinyin."""
    for term in builtin_glossary().terms_in(chinese):
        if term.type == "place" and chinese in term.chinese:
            return term.english.removeprefix("the ").upper()
    return (city_in_english(chinese) or pinyin_name(chinese)).upper()


def _reporters(credit: str) -> list[str]:
    names = re.split(r"[\s、,，]+", _REPORTER.sub("", credit.strip()))
    return [
        pinyin_name(n, person=True)
        for n in names
        if 2 <= len(n) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", n)
    ]


def parse_dateline(text: str) -> Dateline | None:
    """The dateline opening ``text``, rendered in English, or None when it has none."""
    match = _dateline_pattern().match(text)
    if match is None or not 1 <= int(match.group("month")) <= 12 or not text[match.end() :]:
        return None
    place = match.group("place")
    if place is None and match.group("agency") is None:  # 7月26日电 alone says too little
        return None
    if place and _NOT_A_PLACE.search(place):  # 据新华社…: a report quoted, not a dateline
        return None
    agency = _outlet_forms(AGENCIES).get(match.group("agency") or "")
    month = _MONTHS.split()[int(match.group("month")) - 1]
    credit_parts = [agency] if agency else []
    credit = match.group("credit")
    if credit and _REPORTER.match(credit.strip()):
        reporters = _reporters(credit)
        if reporters:
            role = "reporter" if len(reporters) == 1 else "reporters"
            credit_parts.append(f"{role} {' and '.join(reporters)}")
    attribution = f" ({', '.join(credit_parts)})" if credit_parts else ""
    date = f"{month} {int(match.group('day'))}"
    # An agency's own web desk files without a place: 中新网7月26日电 is "July 26 (Chinanews.com)".
    english = f"{_place(place)}, {date}{attribution} —" if place else f"{date}{attribution} —"
    return Dateline(english=english, rest=text[match.end() :])


def without_datelines(
    items: list[tuple[str, str]],
) -> tuple[list[tuple[str, str]], dict[str, Dateline]]:
    """The (key, text) items with the opening paragraph's (``p1``) dateline taken out, to be
    rendered by code."""
    datelines: dict[str, Dateline] = {}
    kept = []
    for key, text in items:
        dateline = parse_dateline(text) if key == "p1" else None
        if dateline is not None:
            datelines[key] = dateline
            text = dateline.rest
        kept.append((key, text))
    return kept, datelines


def parse_site_name(text: str) -> tuple[str, str] | None:
    """A headline's trailing site name, as (the headline without it, the site's English name), or
    None when ``text`` is no headline ending in one."""
    match = _site_suffix_pattern().match(text)
    if match is None or len(text) > MAX_HEADLINE:
        return None
    return match.group("rest"), _outlet_forms(SITES)[match.group("site")]


def without_site_names(
    items: list[tuple[str, str]],
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The (key, text) items with the site name taken off the headline (the title, or ``p1``
    when the text opens with its headline), to be added back in English by code."""
    sites: dict[str, str] = {}
    kept = []
    for key, text in items:
        found = parse_site_name(text) if key in ("title", "p1") else None
        if found is not None:
            text, sites[key] = found
        kept.append((key, text))
    return kept, sites


def with_site_name(english: str, site: str) -> str:
    """The English headline with the site's name written back: "… - Chinanews.com"."""
    headline = re.sub(r"(?<![A-Z])\.$", "", english.rstrip())  # a full stop, not "U.S."'s
    return f"{headline} - {site}"
