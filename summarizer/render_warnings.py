"""Warnings in words a reader understands: the checks speak to developers ("translation check
failed: p34: 64% from the source is missing"); the brief tells a reader what to distrust."""

from __future__ import annotations

import re

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (
            r"^translation check failed: (?P<p>p\d+): (?P<q>.+) from the source is missing$",
            r"\g<p>: the original's figure \g<q> is not in the English; check this paragraph",
        ),
        (
            r"^translation check failed: (?P<p>p\d+): untranslated: (?P<z>.+)$",
            r"\g<p>: a few Chinese characters were left untranslated (\g<z>)",
        ),
        (
            r"^translation check failed: (?P<p>p\d+): (?P<zh>\S+) should be rendered as "
            r"'(?P<en>[^']+)'.*$",
            r"\g<p>: the name \g<zh> is not given as \g<en>, the name the press uses; check it",
        ),
        (
            r"^translation check failed: (?P<p>p\d+): translation is (?P<x>[\d.]+)x the source "
            r"length.*$",
            r"\g<p>: the English is \g<x> times as long as the original; it may repeat or add text",
        ),
        (
            r"^translation check failed: (?P<p>p\d+): the English says '(?P<w>.+)' (?P<n>\d+) "
            r"times: it repeats itself$",
            r"\g<p>: the English repeats itself (\g<n> times: \g<w>…); check this paragraph",
        ),
        (
            r"^translation check failed: (?P<p>p\d+): the reply refuses to translate.*$",
            r"\g<p>: the model refused to translate this paragraph; read the original",
        ),
        (
            r"^(?P<p>p\d+): Chinese left in the English after every repair route: (?P<z>.+)$",
            r"\g<p>: some Chinese could not be translated (\g<z>)",
        ),
        (
            r"^summary check: figure '(?P<v>.+)' cited (?P<a>p\d+) but is in (?P<b>p\d+); corrected$",
            r"the figure \g<v> is from \g<b>, not \g<a>; corrected",
        ),
        (
            r"^summary check: figure '(?P<v>.+)': .+ is not in the source$",
            r"the model gave a figure, \g<v>, that the article does not contain; it was left out",
        ),
        (
            r"^(?P<p>p\d+): a sentence addressed to AI models was withheld from the model "
            r"\(prompt injection\?\): (?P<s>.+)$",
            r"\g<p>: a sentence that gives orders to AI models was not shown to the model: \g<s>",
        ),
    )
)


def reader_warning(warning: str) -> str:
    """``warning`` in plain words, or as it is when no rule knows it."""
    for pattern, replacement in _RULES:
        if pattern.match(warning):
            return pattern.sub(replacement, warning)
    return warning
