"""Numbered sentences for prompts that select instead of generate: the model answers with ids
("s4"), and code copies those sentences verbatim, so a quote or key point is grounded by
construction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from summarizer.ingest.sentences import split_sentences
from summarizer.schemas import SentenceChoiceDraft

MAX_SENTENCES = 150  # about 4,000 tokens of English: the local model's context holds it


@dataclass(frozen=True)
class NumberedSentence:
    id: str
    paragraph: str
    text: str  # as the prompt shows it (angle brackets neutralised)

    @property
    def plain(self) -> str:
        """The sentence as the article has it."""
        return self.text.replace("＜", "<").replace("＞", ">")


def number_sentences(
    shown: list[dict[str, str]], limit: int | None = MAX_SENTENCES
) -> list[NumberedSentence]:
    """``s1..sN`` over the shown paragraphs, in order; at most ``limit`` of them (``None``: all)."""
    numbered: list[NumberedSentence] = []
    for paragraph in shown:
        for sentence in split_sentences(paragraph["text"]):
            if len(numbered) == limit:
                return numbered
            numbered.append(NumberedSentence(f"s{len(numbered) + 1}", paragraph["id"], sentence))
    return numbered


@dataclass(frozen=True)
class ReadingView:
    """The English article as the reading steps show it (summary, key points, stance evidence):
    the same title, paragraphs and numbered sentences, first in each prompt, so a backend that
    keeps the previous prompt's KV cache (llama.cpp) reads the article once. All sentences are
    numbered: ``fit_paragraphs`` has already cut the article to the token budget."""

    title: str | None
    sentences: list[NumberedSentence] = field(default_factory=list)

    @classmethod
    def of(cls, shown: list[dict[str, str]], title: str | None = None) -> ReadingView:
        return cls(title, number_sentences(shown, limit=None))

    def template_variables(self) -> dict[str, object]:
        paragraphs: dict[str, list[NumberedSentence]] = {}
        for sentence in self.sentences:
            paragraphs.setdefault(sentence.paragraph, []).append(sentence)
        return {
            "title": self.title,
            "paragraphs": [{"id": pid, "sentences": found} for pid, found in paragraphs.items()],
        }


def chosen(ids: list[str], sentences: list[NumberedSentence]) -> list[NumberedSentence]:
    """The sentences ``ids`` name, in the order given, each once."""
    by_id = {s.id: s for s in sentences}
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


def check_ids(sentences: list[NumberedSentence], minimum: int = 1) -> Callable[[list[str]], None]:
    """A validator for a list of chosen ids: all known, and at least ``minimum`` distinct."""
    known = {s.id for s in sentences}
    numbers = [int(s.id[1:]) for s in sentences]
    if numbers and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        span = f"from {sentences[0].id} to {sentences[-1].id}"
    else:
        span = f"among {', '.join(s.id for s in sentences)}" if sentences else "from the list"

    def validate(ids: list[str]) -> None:
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(f"unknown sentence id(s) {', '.join(unknown[:5])}; use ids {span}")
        if len(set(ids)) < minimum:
            raise ValueError(f"choose at least {minimum} different sentences")

    return validate


def choice_schema(ids: list[str], maximum: int) -> dict[str, Any]:
    """The JSON schema of a ``SentenceChoiceDraft`` whose ids must come from ``ids``: sent with
    the request, it lets a grammar-constrained model write nothing else."""
    schema = SentenceChoiceDraft.model_json_schema()
    choice = schema["properties"]["sentences"]
    choice["items"] = {"type": "string", "enum": list(ids)}
    choice["maxItems"] = min(maximum, len(ids))
    return schema
