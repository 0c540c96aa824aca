"""Numbered sentences for prompts that select instead of generate: the model answers with ids
("s4"), and code copies those sentences verbatim, so a quote or key point is grounded by
construction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from summarizer.ingest.sentences import split_sentences

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
    shown: list[dict[str, str]], limit: int = MAX_SENTENCES
) -> list[NumberedSentence]:
    """``s1..sN`` over the shown paragraphs, in order; at most ``limit`` of them."""
    numbered: list[NumberedSentence] = []
    for paragraph in shown:
        for sentence in split_sentences(paragraph["text"]):
            if len(numbered) == limit:
                return numbered
            numbered.append(NumberedSentence(f"s{len(numbered) + 1}", paragraph["id"], sentence))
    return numbered


def chosen(ids: list[str], sentences: list[NumberedSentence]) -> list[NumberedSentence]:
    """The sentences ``ids`` name, in the order given, each once."""
    by_id = {s.id: s for s in sentences}
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


def check_ids(sentences: list[NumberedSentence], minimum: int = 1) -> Callable[[list[str]], None]:
    """A validator for a list of chosen ids: all known, and at least ``minimum`` distinct."""
    known = {s.id for s in sentences}

    def validate(ids: list[str]) -> None:
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(
                f"unknown sentence id(s) {', '.join(unknown[:5])}; use ids from s1 to s{len(known)}"
            )
        if len(set(ids)) < minimum:
            raise ValueError(f"choose at least {minimum} different sentences")

    return validate
