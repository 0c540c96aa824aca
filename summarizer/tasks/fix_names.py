"""``fix-names``: find garbled renderings of glossary names in English machine translations
(pinyin such as "Huang Renxun" or "Ying Weida", literal ones such as "Cambric") and propose the
press's names."""

from __future__ import annotations

from dataclasses import dataclass

from summarizer.grounding.glossary import Glossary, english_pattern
from summarizer.grounding.names import pinyin_variants
from summarizer.schemas import Article, Paragraph


@dataclass(frozen=True)
class NameFix:
    paragraph: str
    wrong: str
    right: str
    chinese: str
    start: int
    end: int


def find_name_fixes(article: Article, glossary: Glossary) -> list[NameFix]:
    """Every wrong rendering of a glossary name (a known wrong form, or its pinyin where the press
    uses another name: "Ying Weida" for NVIDIA), longest first, never overlapping."""
    forms = sorted(
        (
            (wrong, term)
            for term in glossary.terms
            for wrong in dict.fromkeys((*term.wrong, *pinyin_variants(term)))
        ),
        key=lambda pair: -len(pair[0]),
    )
    fixes: list[NameFix] = []
    for paragraph in article.paragraphs:
        taken: list[tuple[int, int]] = []
        for wrong, term in forms:
            for match in english_pattern(wrong).finditer(paragraph.text):
                start, end = match.span()
                if any(start < b and a < end for a, b in taken):
                    continue
                taken.append((start, end))
                fixes.append(
                    NameFix(
                        paragraph.id,
                        match.group(0),
                        term.english,
                        "/".join(term.chinese),
                        start,
                        end,
                    )
                )
    return sorted(fixes, key=lambda fix: (article.paragraph_ids().index(fix.paragraph), fix.start))


def apply_name_fixes(article: Article, fixes: list[NameFix]) -> list[Paragraph]:
    """The article's paragraphs with every fix applied (right to left, so offsets stay valid)."""
    by_paragraph: dict[str, list[NameFix]] = {}
    for fix in fixes:
        by_paragraph.setdefault(fix.paragraph, []).append(fix)
    fixed = []
    for paragraph in article.paragraphs:
        text = paragraph.text
        for fix in sorted(by_paragraph.get(paragraph.id, []), key=lambda f: -f.start):
            text = text[: fix.start] + fix.right + text[fix.end :]
        fixed.append(Paragraph(id=paragraph.id, text=text))
    return fixed
