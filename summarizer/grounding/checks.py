"""Grounding checks done by code, never by the model: quotes, figures, names, leftover Chinese."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from summarizer.grounding.glossary import Glossary, Term, english_pattern
from summarizer.grounding.numbers import Quantity, extract_quantities, missing_quantities
from summarizer.grounding.quantity_format import describe_missing

_NOT_ALNUM = re.compile(r"[\W_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def normalize_for_match(text: str) -> str:
    """Fold width and case, and keep only letters and digits, so a quote matches its source
    whatever its spacing, punctuation or symbols."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def find_quote(quote: str, paragraphs: dict[str, str], claimed: str) -> str | None:
    """The id of the paragraph that contains ``quote`` (the claimed one first), or ``None``."""
    needle = normalize_for_match(quote)
    if len(needle) < 4:
        return None
    order = [claimed, *(pid for pid in paragraphs if pid != claimed)]
    for pid in order:
        text = paragraphs.get(pid)
        if text is not None and needle in normalize_for_match(text):
            return pid
    return None


def untranslated_chinese(english: str) -> list[str]:
    return _HAN.findall(english)


def wrong_forms_in(term: Term, english: str) -> list[str]:
    """The known wrong renderings of ``term`` that ``english`` uses (outside an accepted form)."""
    return [
        wrong
        for wrong in term.wrong
        if english_pattern(wrong).search(english) and not _inside_right_form(wrong, english, term)
    ]


def term_rendered(term: Term, english: str) -> bool:
    """``english`` names the term in an accepted form and never in a known wrong one."""
    accepted = any(english_pattern(form).search(english) for form in term.english_forms())
    return accepted and not wrong_forms_in(term, english)


def missing_terms(source: str, english: str, glossary: Glossary) -> list[Term]:
    """The glossary's names that ``source`` names and ``english`` leaves out in every accepted
    form; not its places ("US", "U.S.", "America": places have too many right forms to check)."""
    return [
        term
        for term in glossary.terms_in(source)
        if term.type != "place"
        and not any(english_pattern(form).search(english) for form in term.english_forms())
    ]


@lru_cache(maxsize=4096)
def glossary_problems(source: str, english: str, glossary: Glossary) -> tuple[str, ...]:
    """Names whose glossary English is missing from ``english``, or that appear in a wrong form.

    Cached (the translation step checks each paragraph twice), so it returns a tuple.
    """
    problems: list[str] = []
    for term in missing_terms(source, english, glossary):
        # The form the source writes, and what is wrong said plainly: "英伟达/英偉達 should be
        # rendered as 'NVIDIA'" got back English that still left the name out.
        written = next((c for c in term.chinese if c in source), term.chinese[0])
        problems.append(
            f"{written} should be rendered as {term.english!r}: the source names "
            f"{term.english} and the English leaves it out"
        )
    wrong_forms = glossary.wrong_forms
    if wrong_forms is None or not wrong_forms.search(english):
        return tuple(problems)  # the usual case: no known wrong rendering anywhere
    for term in glossary.terms:
        for wrong in term.wrong:
            if english_pattern(wrong).search(english) and not _inside_right_form(
                wrong, english, term
            ):
                problems.append(f"{wrong!r} should be {term.english!r}")
    return tuple(problems)


def _inside_right_form(wrong: str, english: str, term: Term) -> bool:
    """True when every occurrence of ``wrong`` is part of an accepted form (Hygon Information)."""
    spans = [m.span() for m in english_pattern(wrong).finditer(english)]
    right = [
        m.span() for form in term.english_forms() for m in english_pattern(form).finditer(english)
    ]
    return all(any(a <= s and e <= b for a, b in right) for s, e in spans)


# Far beyond the usual length the model has added its own commentary (repeats have their own
# check below). The usual is about 4 characters of English per Han character (3.1 to 5.0 in the
# seed article's hand-written references), and a headline or a name-heavy line runs longer: at
# 6x, the check flagged 24 of the 300 WMT21 professional references, and on the local model its
# re-ask replaced good translations with worse ones ("Chen Mabao says Hong Kong's economy..."
# became "Chen Maobo, the leader of Hong Kong's economy..."). Twice the usual is the bound.
MAX_LENGTH_RATIO = 8.0


def length_problems(source: str, english: str) -> list[str]:
    han = sum(len(run) for run in _HAN.findall(source))
    if han < 10 or len(english) <= MAX_LENGTH_RATIO * han:
        return []
    return [f"translation is {len(english) / han:.1f}x the source length: it repeats or adds text"]


# A run of this many words said again is a loop of the model's (a sentence or a list written
# twice), unless the source repeats a phrase (``REPEAT_HAN`` characters or more) as often. On the
# 300 WMT21 segments this flags no reference translation and five of the local model's (a
# sentence three times, a title three times, a re-ask's notes four times, an invented office
# twice), and p24 of the seed article, which lists four suppliers twice.
REPEAT_WORDS = 6
REPEAT_HAN = 4
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def repetition_problems(source: str, english: str) -> list[str]:
    """The English says a run of words more often than the source repeats any phrase."""
    words = [word.casefold() for word in _WORD.findall(english)]
    runs = Counter(tuple(words[i : i + REPEAT_WORDS]) for i in range(len(words) - REPEAT_WORDS + 1))
    if not runs:
        return []
    run, times = runs.most_common(1)[0]
    if times < 2 or times <= source_repeats(source):
        return []
    return [f"the English says {' '.join(run)!r} {times} times: it repeats itself"]


def source_repeats(source: str) -> int:
    """How often the source's most repeated phrase of ``REPEAT_HAN`` Han characters occurs."""
    phrases = Counter(
        run[i : i + REPEAT_HAN]
        for run in _HAN.findall(source)
        for i in range(len(run) - REPEAT_HAN + 1)
    )
    return max(phrases.values(), default=1)


# A reply that refuses instead of translating ("I'm sorry, but I can't assist with that.", "As an
# AI language model, I cannot reproduce copyrighted material."): the local model gave these for
# two of the 300 WMT21 segments, a quote and a photo caption, and they shipped as translations.
_REFUSAL = re.compile(
    r"^\W*(?:I'?m sorry|I am sorry|sorry|I apologi[sz]e)\b[^.]{0,40}\b(?:can(?:'|no)?t|unable)\b"
    r"|^\W*I (?:can(?:'|no)?t|am unable to) (?:assist|help|fulfil|provide|translate|comply|reproduce)"
    r"|\bas an AI\b",
    re.IGNORECASE,
)
_APOLOGY_IN_SOURCE = ("抱歉", "对不起", "對不起")


def refusal_problems(source: str, english: str) -> list[str]:
    """The English is the model refusing the task, not a translation (unless the source
    apologises too)."""
    if not _REFUSAL.search(english) or any(word in source for word in _APOLOGY_IN_SOURCE):
        return []
    return ["the reply refuses to translate instead of translating: translate the text"]


@lru_cache(maxsize=4096)
def number_problems(source: str, english: str) -> tuple[str, ...]:
    """Each figure of ``source`` that ``english`` does not state, in words the model can act on
    when it is asked again ("July 24 (7月24日) from the source is missing"; the canonical
    "????-07-24" told it nothing)."""
    return tuple(
        f"{describe_missing(q, source)} from the source is missing"
        for q in missing_quantities(source, english)
    )


def unsupported_figure(value: str, source_quantities: frozenset[Quantity]) -> str | None:
    """Why a summary figure is not backed by the source, or ``None`` when it is."""
    quantities = extract_quantities(value)
    if not quantities:
        return f"figure {value!r} states no number that can be checked"
    for quantity in quantities:
        if quantity in source_quantities:
            continue
        if quantity.kind == "date" and any(
            s.kind == "date" and s.value.split("-")[1:] == quantity.value.split("-")[1:]
            for s in source_quantities
        ):
            continue
        return f"figure {value!r}: {quantity} is not in the source"
    return None
