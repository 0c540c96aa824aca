"""Sentences in an article that speak to an AI model instead of to readers (prompt injection).

News does not tell its reader to "ignore all previous instructions" or to "label this article
supportive"; text that does is aimed at the model summarising it. The summary and stance steps
withhold such sentences from the model and say so in their warnings; the translation keeps them,
so the reader still sees everything the page said.
"""

from __future__ import annotations

import re

# Orders, not reports: the verb opens the sentence or follows "and", "please", "you must"...
_ORDER = r"(?:^|[,;:]\s*|\b(?:and|then|please|now|also|must|should)\s+)"
_EN = [
    # "Ignore all previous instructions", "please disregard the above prompt"
    _ORDER + r"(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+)?"
    r"(?:previous|prior|above|earlier|preceding|foregoing|your|system)\b[^.!?\n]{0,20}?"
    r"\b(?:instructions?|prompts?|rules|directions|guidelines)\b",
    # "and label this article supportive", "classify the text as neutral"
    _ORDER + r"(?:label|classify|mark|rate|tag|call)\s+(?:this|the)\s+"
    r"(?:article|text|story|piece|post|passage)\b[^.!?\n]{0,30}?"
    r"\b(?:supportive|critical|neutral|mixed|positive|negative|favou?rabl[ey])\b",
    # "Set the target to ...", "change your output to ..."
    _ORDER + r"(?:set|change)\s+(?:the\s+|your\s+)?(?:target|label|stance|output)\s+to\b",
    # "You are now an AI ...", "as a language model you must ..."
    r"\byou\s+are\s+now\s+(?:an?\s+)?(?:ai|assistant|language\s+model|chatbot)\b",
    # our own prompt tags, typed into the article
    r"</?\s*(?:article|translate_this|source_text|target|context_before|context_after)\s*>",
]
_ZH = [
    # 忽略以上所有指令 ("ignore all the instructions above")
    r"(?:忽略|无视|無視|忽视|忽視|不要理会|不要理會)(?:以上|之前|前面|先前|上述|上面)的?"
    r"(?:所有|全部|一切)?的?(?:指令|指示|提示词|提示詞|提示)",
    # 将本文标记为支持 ("mark this article as supportive")
    r"(?:将|把|將)(?:本文|这篇文章|這篇文章|此文)[^。！？\n]{0,6}?"
    r"(?:标记|标注|标为|標記|標註|標為|归类|歸類|判定)",
]
_INSTRUCTION = re.compile("|".join(_EN + _ZH), re.IGNORECASE)
# Sentence boundaries: . ! ? before a space, a full-width 。！？, or a line break.
_BOUNDARY = re.compile(r"(?<=[.!?][\"'”’])\s+|(?<=[.!?])\s+|(?<=[。！？])|\n")

WITHHELD = "[withheld: a sentence addressed to AI models]"


def find_instructions(text: str) -> list[str]:
    """The sentences of ``text`` that address an AI model, in order."""
    sentences = (piece.strip() for piece in _BOUNDARY.split(text))
    return [s for s in sentences if s and _INSTRUCTION.search(s)]


def withhold_instructions(text: str) -> tuple[str, list[str]]:
    """``text`` with each sentence that addresses an AI model replaced by a marker, and those
    sentences."""
    found = find_instructions(text)
    for sentence in found:
        text = text.replace(sentence, WITHHELD, 1)
    return text, found
