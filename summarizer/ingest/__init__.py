"""Ingest: turn real-world web text into a clean ``Article`` with numbered paragraphs.

Pure functions only: no network and no model. ``load_article`` is the entry point.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from summarizer.config import DEFAULT_MAX_INPUT_BYTES
from summarizer.errors import InputError, InputTooLargeError
from summarizer.ingest.chunk import Piece, chunk_paragraphs, estimate_tokens
from summarizer.ingest.decode import CUT_OFF, check_text, decode_bytes
from summarizer.ingest.html import extract_html, looks_like_html
from summarizer.ingest.language import convert_script, detect_language, detect_script
from summarizer.ingest.noise import strip_noise
from summarizer.ingest.pinyin import repair_mojibake, strip_ruby
from summarizer.ingest.sentences import split_sentences
from summarizer.schemas import Article, Paragraph, Script

__all__ = [
    "Piece",
    "article_from_text",
    "chunk_paragraphs",
    "estimate_tokens",
    "load_article",
    "split_sentences",
]

_TITLE_MAX_CHARS = {"zh": 40, "en": 160}
_SENTENCE_FINAL = tuple(".。？?")


def load_article(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    to_script: Script | None = None,
    html: bool | None = None,
) -> Article:
    """Read, decode and clean one article.

    Args:
        source: a path to a file, or the raw bytes of the article.
        name: what to call the article in errors and output (defaults to the file name).
        max_bytes: refuse input larger than this.
        to_script: convert Chinese text to ``"simplified"`` or ``"traditional"``; the original
            of each converted paragraph is kept for quoting.
        html: force (or forbid) HTML extraction; by default it is detected.

    Raises:
        InputError: the input is missing, empty, binary, undecodable, too large, or has no text.
    """
    if isinstance(source, bytes):
        data = source
        label = name or "<bytes>"
    else:
        path = Path(source)
        label = name or str(path)
        data = read_limited(path, label, max_bytes)
    text, encoding = decode_bytes(data, label, max_bytes)
    article = article_from_text(text, name=label, encoding=encoding, to_script=to_script, html=html)
    if encoding.endswith(CUT_OFF):
        cut = f"{label}: the last character was cut off in the file; it was replaced with �"
        article = article.model_copy(update={"warnings": [cut, *article.warnings]})
    return article


def read_limited(path: Path, label: str, max_bytes: int) -> bytes:
    """The bytes of ``path``, read with the size limit enforced while reading: a device
    (/dev/zero), a FIFO or a growing file can never be read past the limit.

    Raises:
        InputError: missing, unreadable, a directory; InputTooLargeError: over the limit.
    """
    if path.is_dir():
        raise InputError(f"{label}: is a directory, not an article")
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{label}: cannot read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise InputTooLargeError(f"{label}: input is over the {max_bytes:,}-byte limit")
    return data


def article_from_text(
    text: str,
    *,
    name: str = "<text>",
    encoding: str = "utf-8",
    to_script: Script | None = None,
    html: bool | None = None,
) -> Article:
    """Clean already-decoded text (or HTML) into an ``Article``.

    Raises:
        InputError: empty, binary (control characters), invalid Unicode, or no text after
            cleaning; the same rules as for bytes read from a file.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{name}: text is not valid Unicode (a lone surrogate at position {exc.start})"
        ) from None
    text = check_text(text, name)
    metadata: dict[str, str] = {}
    title: str | None = None
    published: str | None = None
    if html or (html is None and looks_like_html(text, name)):
        page = extract_html(text, name)
        text, title, published = page.text, page.title, page.date
        if page.sitename:
            metadata["site"] = page.sitename
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text, repairs, warnings = repair_mojibake(text)
    text, ruby_count = strip_ruby(text)
    if ruby_count:
        metadata["pinyin_annotations_removed"] = str(ruby_count)
    noise = strip_noise(text.split("\n"))
    metadata.update(noise.metadata)
    lines = noise.lines
    language = detect_language("\n".join(lines))
    if title is None and len(lines) > 1 and _looks_like_title(lines[0], lines[1], language):
        title = lines[0].strip('“”"')
        lines = lines[1:]
    elif title is not None and lines and lines[0].strip() == title.strip():
        lines = lines[1:]
    if not lines:
        raise InputError(f"{name}: no article text left after cleaning")
    script = detect_script("\n".join(lines))
    paragraphs = [_paragraph(i, line, to_script) for i, line in enumerate(lines, start=1)]
    if title and to_script:
        title = convert_script(title, to_script)
    return Article(
        name=name,
        title=title,
        published=published or metadata.get("published"),
        source=metadata.get("source") or metadata.get("outlet") or metadata.get("platform"),
        language=language,
        script=script,
        encoding=encoding,
        paragraphs=paragraphs,
        removed=noise.removed,
        repairs=repairs,
        warnings=warnings,
        metadata=metadata,
    )


def _paragraph(index: int, text: str, to_script: Script | None) -> Paragraph:
    if to_script in ("simplified", "traditional"):
        converted = convert_script(text, to_script)
        if converted != text:
            return Paragraph(id=f"p{index}", text=converted, original=text)
    return Paragraph(id=f"p{index}", text=text)


def _looks_like_title(first: str, second: str, language: str) -> bool:
    """A short first line with no sentence-final full stop, followed by longer text."""
    limit = _TITLE_MAX_CHARS["zh" if language in ("zh", "mixed") else "en"]
    stripped = first.rstrip("”\"'…")
    if len(first) > limit or stripped.endswith(_SENTENCE_FINAL):
        return False
    return len(second) >= len(first) * 0.8 or bool(re.search(r"[:：]", first))
