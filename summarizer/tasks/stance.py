"""Stance toward a target, with evidence quotes that code checks against the text.

stance@v1 (the model writes quotes; code keeps those it finds in the text). A select-by-id
version (stance@v2: numbered sentences, evidence first) was measured on the local model and
rejected: it answered "supportive" on all six seeds and fell from 0.56 to 0.40 accuracy on the 25
NLPCC posts (evals/runs/local-full-after), copying its worked example's label.
"""

from __future__ import annotations

from typing import Literal

from summarizer.backends.base import Backend
from summarizer.grounding.checks import find_quote
from summarizer.prompts import render
from summarizer.schemas import Article, Check, Evidence, Paragraph, RunMeta, Stance, StanceDraft
from summarizer.structured.reask import complete_structured
from summarizer.tasks.common import embed_safely, prompt_paragraphs
from summarizer.tasks.summarize import fit_paragraphs

PROMPT_VERSION = 1


def label_stance(
    article: Article,
    english: list[Paragraph],
    backend: Backend,
    *,
    model: str,
    target: str | None = None,
    max_reasks: int = 2,
) -> Stance:
    """Label the article's stance toward ``target`` (or a target the model infers)."""
    paragraphs, warnings = fit_paragraphs(english)
    shown, withheld = prompt_paragraphs(paragraphs)
    warnings += withheld
    prompt = render(
        "stance",
        version=PROMPT_VERSION,
        target=embed_safely(target) if target else None,
        paragraphs=shown,
    )
    result = complete_structured(
        backend, prompt, StanceDraft, model=model, max_reasks=max_reasks, max_tokens=600
    )
    draft = result.value
    translated = article.language != "en"
    english_text = {p.id: p.text for p in english}
    source_text = {p.id: p.original or p.text for p in article.paragraphs}
    evidence: list[Evidence] = []
    dropped: list[str] = []
    for item in draft.evidence:
        found = find_quote(item.quote, english_text, item.paragraph)
        origin: Literal["source", "translation"] = "translation" if translated else "source"
        if found is None and translated:
            found, origin = find_quote(item.quote, source_text, item.paragraph), "source"
        if found is None:
            dropped.append(f"quote not found in the text, dropped: {item.quote[:120]!r}")
            continue
        if found != item.paragraph:
            warnings.append(f"quote cited {item.paragraph} but is in {found}; corrected")
        if all(e.quote != item.quote for e in evidence):
            evidence.append(Evidence(quote=item.quote, paragraph=found, source=origin))
    if not evidence:
        warnings.append("no evidence quote survived the checks: the stance is unsupported")
    checks = [Check(name="quotes_verbatim", passed=not dropped, details=dropped)]
    return Stance(
        # A given target is fixed: the model (or text inside the article) cannot change it.
        target=target or draft.target,
        target_inferred=target is None,
        label=draft.label,
        confidence=draft.confidence,
        rationale=draft.rationale.strip(),
        evidence=evidence,
        supported=bool(evidence),
        checks=checks,
        warnings=warnings + [f"stance check: {d}" for d in dropped],
        meta=RunMeta.from_calls(model, result.calls, result.reasks),
    )
