"""Group paragraphs into chunks under a token budget, splitting only oversized paragraphs."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from summarizer.ingest.sentences import split_sentences
from summarizer.schemas import Paragraph

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate: about one token per Han character, four other characters each."""
    han = len(_HAN.findall(text))
    return han + math.ceil((len(text) - han) / 4)


@dataclass(frozen=True)
class Piece:
    """A paragraph, or one sentence-aligned part of a paragraph too long for one chunk."""

    id: str
    part: int
    text: str


def _split_paragraph(paragraph: Paragraph, budget: int) -> list[Piece]:
    pieces: list[Piece] = []
    current = ""
    for sentence in split_sentences(paragraph.text):
        joined = (
            f"{current} {sentence}".strip()
            if current and sentence[0].isascii()
            else current + sentence
        )
        if current and estimate_tokens(joined) > budget:
            pieces.append(Piece(paragraph.id, len(pieces), current))
            current = sentence
        else:
            current = joined
    if current:
        pieces.append(Piece(paragraph.id, len(pieces), current))
    return pieces


def chunk_paragraphs(
    paragraphs: list[Paragraph], budget_tokens: int, max_paragraphs: int | None = None
) -> list[list[Piece]]:
    """Chunks of whole paragraphs whose estimated size stays under ``budget_tokens``.

    A paragraph over the budget on its own is split at sentence ends into parts that each
    become their own chunk (a single sentence over the budget stays whole). ``max_paragraphs``
    caps how many paragraphs share a chunk.
    """
    if budget_tokens < 1:
        raise ValueError("budget_tokens must be positive")
    chunks: list[list[Piece]] = []
    current: list[Piece] = []
    used = 0
    for paragraph in paragraphs:
        size = estimate_tokens(paragraph.text)
        if size > budget_tokens:
            if current:
                chunks.append(current)
                current, used = [], 0
            chunks.extend([piece] for piece in _split_paragraph(paragraph, budget_tokens))
            continue
        full = max_paragraphs is not None and len(current) >= max_paragraphs
        if current and (used + size > budget_tokens or full):
            chunks.append(current)
            current, used = [], 0
        current.append(Piece(paragraph.id, 0, paragraph.text))
        used += size
    if current:
        chunks.append(current)
    return chunks
