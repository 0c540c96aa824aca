"""Plain-text model replies made clean: what a small model wraps around a translation (fences,
"Here is the translation:", notes, quotation marks, the re-ask's notes said back) taken off, and
an echoed prompt refused."""

from __future__ import annotations

import re
from collections.abc import Sequence

_FENCE = re.compile(r"^```[a-z]*\n?|\n?```$")
_PROMPT_MARKERS = (
    "TRANSLATE_THIS",
    "CONTEXT_BEFORE",
    "<ARTICLE>",
    "＜ARTICLE＞",
    "<GLOSSARY>",
    "DATA TO WORK ON",
)
# A first block that announces the translation: "Sure! Here is...:", "The translation:", or one
# line that says it is a translation ("Based on the information provided, here is the English
# translation:", seen on the local model in WMT21).
_PREAMBLE = re.compile(
    r"^(?:(?:sure|certainly|here is|here's|the (?:english )?translation)\b.*"
    r"|[^\n]*\b(?:translation|translated|here is|here's)\b[^\n]*)[:：]$",
    re.IGNORECASE | re.DOTALL,
)
# A line that introduces the text by what it is ("The news report reads as follows:", seen on a
# local-model sample in WMT21): dropped only as the first of several lines that one paragraph's
# reply split itself into, since a paragraph has no line break of its own.
_INTRODUCTION = re.compile(
    r"^the (?:news |original |english )?(?:report|article|text|paragraph|passage|content)\b"
    r"[^\n]*[:：]$",
    re.IGNORECASE,
)
_NOTE = re.compile(
    r"^(?:this translation|the translation (?:maintains|keeps|preserves|follows|adheres|is)\b|"
    r"note[:：]|notes[:：]|\(note)",
    re.IGNORECASE,
)
# A line that says back what a re-ask told the model ("A previous translation of this paragraph
# had these problems: 23 from the source is missing. Avoid them."), or talks about it: seen in the
# local model's WMT21 replies, where the echo even passed the number check it quoted.
_FEEDBACK_ECHO = re.compile(r"previous translation|had these problems", re.IGNORECASE)
_LABEL = re.compile(r"^(?:english|translation|english translation)\s*[:：]\s*", re.IGNORECASE)
# An abbreviation's period and the sentence's written both ("Corp.. In December", seen in the
# local model's WMT21 replies); an ellipsis ("...") is three and stays.
_DOUBLED_STOP = re.compile(r"(?<=[A-Za-z])\.\.(?=\s|$)")


def _unwrapped_lines(blocks: list[str]) -> list[str]:
    """``blocks`` without a first line that announces the text or a last line that comments on
    it, where the model wrote them on a line of their own inside the block (one line break, not
    a blank line: "The news report reads as follows:\nThe Hunan Daily ...\nThe translation
    maintains the original content ...")."""
    if not blocks:
        return blocks
    first = blocks[0].splitlines()
    if len(first) > 1 and (_PREAMBLE.match(first[0]) or _INTRODUCTION.match(first[0])):
        blocks = ["\n".join(first[1:]).strip(), *blocks[1:]]
    last = blocks[-1].splitlines()
    if len(last) > 1 and _NOTE.match(last[-1]):
        blocks = [*blocks[:-1], "\n".join(last[:-1]).strip()]
    return blocks


def clean_plain_reply(reply: str) -> str:
    """A plain-text translation without fences, preambles, notes or wrapping quotation marks.

    Returns an empty string for a reply that echoes the prompt instead of translating.
    """
    text = _FENCE.sub("", reply.strip()).strip()
    if any(marker in text.upper() for marker in _PROMPT_MARKERS):
        return ""
    text = "\n".join(line for line in text.splitlines() if not _FEEDBACK_ECHO.search(line)).strip()
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) == 1 and _PREAMBLE.match(blocks[0]):
        return ""  # only the announcement ("Here is the accurate English translation:")
    if len(blocks) > 1 and _PREAMBLE.match(blocks[0]):
        blocks = blocks[1:]
    while len(blocks) > 1 and _NOTE.match(blocks[-1]):
        blocks = blocks[:-1]
    blocks = _unwrapped_lines(blocks)
    text = _LABEL.sub("", "\n\n".join(blocks)).strip()
    if len(text) > 1 and text[0] == text[-1] == '"' and text.count('"') == 2:
        text = text[1:-1].strip()
    return _DOUBLED_STOP.sub(".", text)


ECHO_WORDS = 6  # words in a row that a reply shares with the problems it was shown
# What a problem quotes (a name as it should be written, a phrase the English repeats): a good
# translation may well say it, so only the problem's own wording counts as said back.
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")


def _word_runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + ECHO_WORDS]) for i in range(len(words) - ECHO_WORDS + 1)}


def repeats_problems(reply: str, problems: Sequence[str]) -> bool:
    """Whether ``reply`` says back the problems a re-ask showed it (``ECHO_WORDS`` words in a row
    of them) instead of translating. Seen on WMT21 (line 1916) on the local model: "The Chinese
    Broadcasting Corporation (CBC) should be rendered as 'China Media Group': the source names
    China Media Group and the English leaves it out; July 25 (July 25th) from the source is
    missing; ...". It names the name, the date and the place the checks asked for, so it passed
    them and shipped as the translation. What the problems quote is left out: told that it
    repeats "Taiwanese makers such as Wistron, Hon Hai and Quanta", a good reply says it once."""
    wording = _QUOTED.sub(" ", " ".join(problems))
    return bool(problems) and bool(_word_runs(reply) & _word_runs(wording))
