"""Main-text extraction from saved web pages (trafilatura)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.errors import InputError

_HTML_START = re.compile(
    r"^\s*(<!doctype html|<html|<head|<body|<meta|<article|<div)", re.IGNORECASE
)


def looks_like_html(text: str, name: str = "") -> bool:
    return name.lower().endswith((".html", ".htm")) or bool(_HTML_START.match(text[:500]))


@dataclass(frozen=True)
class ExtractedPage:
    text: str
    title: str | None
    date: str | None
    sitename: str | None


def extract_html(html: str, name: str) -> ExtractedPage:
    """Pull the article body, title and date out of a page, leaving navigation and footers."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        with_metadata=True,
    )
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise InputError(f"{name}: no article text found in the HTML page")
    return ExtractedPage(
        text=text,
        title=getattr(document, "title", None) or None,
        date=getattr(document, "date", None) or None,
        sitename=getattr(document, "sitename", None) or None,
    )
