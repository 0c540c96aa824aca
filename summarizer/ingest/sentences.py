"""Sentences of a paragraph, English or Chinese, without breaking at abbreviations ("U.S.",
"Mr.", "No. 3") or decimal points."""

from __future__ import annotations

import re

# A break after Chinese end marks; after . ! ? (and a closing quote or bracket) before space.
_BOUNDARY = re.compile(
    r"(?<=[。！？])(?![”」』）\"'])|(?<=[。！？][”」』）\"'])|(?<=[.!?])(?=\s)|(?<=[.!?][\"'”’)\]])(?=\s)"
)
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "gen",
        "gov",
        "sen",
        "rep",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "fig",
        "approx",
        "est",
        "dept",
        "univ",
    ]
)
_INITIALS = re.compile(r"(?:\b[A-Za-z]\.){1,3}$")  # U.S. / e.g. / J.


def _ends_with_abbreviation(text: str) -> bool:
    word = text.rsplit(None, 1)[-1] if text.split() else ""
    bare = word.rstrip(".").lstrip("(\"'“‘").casefold()
    return bool(_INITIALS.search(word)) or (word.endswith(".") and bare in _ABBREVIATIONS)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order, stripped; a piece that ends with an abbreviation or
    is followed by a lower-case word is joined to the next one."""
    pieces = [p.strip() for p in _BOUNDARY.split(text) if p and p.strip()]
    sentences: list[str] = []
    for piece in pieces:
        if sentences and (
            _ends_with_abbreviation(sentences[-1]) or piece[0].islower() or piece[0].isdigit()
        ):
            separator = " " if sentences[-1][-1].isascii() else ""
            sentences[-1] = f"{sentences[-1]}{separator}{piece}"
        else:
            sentences.append(piece)
    return sentences
