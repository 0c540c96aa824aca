"""``verify``: check an English translation made anywhere (another tool, a person) against its
Chinese source, with the same code checks the pipeline's own translation gets. No model call.

Paragraphs are paired in order; when the counts differ the pairing is unknown, so names and
numbers are then checked over the whole text and the misalignment is itself a problem.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from summarizer.grounding.checks import (
    glossary_problems,
    number_problems,
    refusal_problems,
    repetition_problems,
    untranslated_chinese,
)
from summarizer.grounding.glossary import Glossary
from summarizer.grounding.people import Person, document_people, enforce_people
from summarizer.grounding.places import place_problems
from summarizer.schemas import Article


class Problem(BaseModel):
    paragraph: str  # "p3", or "all" for a check over the whole text
    check: str  # alignment, names, people, places, numbers, untranslated, repetition, refusal
    detail: str


class Verification(BaseModel):
    source_paragraphs: int
    translation_paragraphs: int
    aligned: bool
    problems: list[Problem]

    @property
    def passed(self) -> bool:
        return not self.problems


def translation_paragraphs(text: str) -> list[str]:
    """The translation's paragraphs: blocks separated by blank lines, or else one per line."""
    text = text.replace("\r\n", "\n").strip()
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) <= 1:
        blocks = [line.strip() for line in text.split("\n") if line.strip()]
    return [" ".join(block.split()) for block in blocks]


def _pair_problems(
    pid: str, source: str, english: str, glossary: Glossary, people: tuple[Person, ...]
) -> list[Problem]:
    found = [
        Problem(paragraph=pid, check="names", detail=d)
        for d in glossary_problems(source, english, glossary)
    ]
    _, unnamed = enforce_people(source, english, people)
    found += [Problem(paragraph=pid, check="people", detail=d) for d in unnamed]
    found += [
        Problem(paragraph=pid, check="places", detail=d)
        for d in place_problems(source, english, glossary)
    ]
    found += [
        Problem(paragraph=pid, check="numbers", detail=d) for d in number_problems(source, english)
    ]
    found += [
        Problem(paragraph=pid, check="repetition", detail=d)
        for d in repetition_problems(source, english)
    ]
    found += [
        Problem(paragraph=pid, check="refusal", detail=d) for d in refusal_problems(source, english)
    ]
    left = untranslated_chinese(english)
    if left:
        found.append(
            Problem(
                paragraph=pid, check="untranslated", detail="Chinese left: " + ", ".join(left[:5])
            )
        )
    return found


def verify_translation(article: Article, translation: str, glossary: Glossary) -> Verification:
    """Every problem the code checks find in ``translation`` of ``article``."""
    english = translation_paragraphs(translation)
    sources = [p.original or p.text for p in article.paragraphs]
    people = document_people(sources, glossary)
    aligned = len(english) == len(sources)
    problems: list[Problem] = []
    if aligned:
        for paragraph, source, text in zip(article.paragraphs, sources, english, strict=True):
            problems += _pair_problems(paragraph.id, source, text, glossary, people)
    else:
        problems.append(
            Problem(
                paragraph="all",
                check="alignment",
                detail=f"the source has {len(sources)} paragraphs and the translation "
                f"{len(english)}: paragraphs were merged, split or dropped",
            )
        )
        problems += _pair_problems("all", "\n".join(sources), "\n".join(english), glossary, people)
    return Verification(
        source_paragraphs=len(sources),
        translation_paragraphs=len(english),
        aligned=aligned,
        problems=problems,
    )


def verification_markdown(result: Verification, source: str, translation: str) -> str:
    lines = [f"# Verification of {translation} against {source}", ""]
    lines.append(
        f"{result.source_paragraphs} source paragraphs, {result.translation_paragraphs} "
        f"translated; {'aligned' if result.aligned else 'NOT aligned'}."
    )
    lines.append("")
    if result.passed:
        lines.append("No problems found: names, numbers and dates agree, and no Chinese is left.")
    else:
        lines.append(f"## {len(result.problems)} problem(s)")
        lines.append("")
        lines += [f"- **{p.paragraph}** ({p.check}): {p.detail}" for p in result.problems]
    return "\n".join(lines) + "\n"
