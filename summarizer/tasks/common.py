"""What the task modules share: progress reporting and safe embedding of article text."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from summarizer.ingest.injection import may_give_orders, withhold_instructions
from summarizer.schemas import Paragraph

Progress = Callable[[str, int, int], None]
# A finished part of a brief as soon as it exists: "article", "paragraph" (one translated
# paragraph), "summary", "stance". Streaming clients show them while the rest is still running.
OnEvent = Callable[[str, BaseModel], None]


def no_progress(step: str, done: int, total: int) -> None:
    """The default progress callback: report nothing."""


def no_events(kind: str, payload: BaseModel) -> None:
    """The default event callback: nobody is streaming."""


def embed_safely(text: str) -> str:
    """Article text cannot open or close our prompt's tags: angle brackets become full-width.

    Quote checks fold full-width forms back (NFKC), so verbatim quotes still match.
    """
    return text.replace("<", "＜").replace(">", "＞")


def prompt_paragraphs(paragraphs: list[Paragraph]) -> tuple[list[dict[str, str]], list[str]]:
    """Paragraphs as the summary and stance prompts show them, and a warning per withheld
    sentence: text that gives orders to AI models never reaches the model (prompt injection)."""
    if not may_give_orders("\n".join(p.text for p in paragraphs)):  # the usual article
        return [{"id": p.id, "text": embed_safely(p.text)} for p in paragraphs], []
    shown: list[dict[str, str]] = []
    warnings: list[str] = []
    for paragraph in paragraphs:
        text, withheld = withhold_instructions(paragraph.text)
        warnings += [
            f"{paragraph.id}: a sentence addressed to AI models was withheld from the model "
            f"(prompt injection?): {sentence[:120]!r}"
            for sentence in withheld
        ]
        shown.append({"id": paragraph.id, "text": embed_safely(text)})
    return shown, warnings
