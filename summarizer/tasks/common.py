"""What the task modules share: progress reporting and safe embedding of article text."""

from __future__ import annotations

from collections.abc import Callable

from summarizer.schemas import Paragraph

Progress = Callable[[str, int, int], None]


def no_progress(step: str, done: int, total: int) -> None:
    """The default progress callback: report nothing."""


def embed_safely(text: str) -> str:
    """Article text cannot open or close our prompt's tags: angle brackets become full-width.

    Quote checks fold full-width forms back (NFKC), so verbatim quotes still match.
    """
    return text.replace("<", "＜").replace(">", "＞")


def safe_paragraphs(paragraphs: list[Paragraph]) -> list[dict[str, str]]:
    return [{"id": p.id, "text": embed_safely(p.text)} for p in paragraphs]
