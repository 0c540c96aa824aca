"""Stance toward a target. The model picks the evidence first, by sentence id, then the label;
code copies the chosen sentences verbatim, so every quote is in the text by construction."""

from __future__ import annotations

from typing import Literal

from summarizer.backends.base import Backend
from summarizer.prompts import render
from summarizer.schemas import (
    Article,
    Check,
    Evidence,
    Paragraph,
    RunMeta,
    Stance,
    StanceChoiceDraft,
    StanceChoiceWithTargetDraft,
)
from summarizer.structured.reask import complete_structured
from summarizer.tasks.common import embed_safely, prompt_paragraphs
from summarizer.tasks.sentences import check_ids, chosen, number_sentences
from summarizer.tasks.summarize import fit_paragraphs

PROMPT_VERSION = 2


def label_stance(
    article: Article,
    english: list[Paragraph],
    backend: Backend,
    *,
    model: str,
    target: str | None = None,
    max_reasks: int = 2,
) -> Stance:
    """Label the article's stance toward ``target`` (or toward its main subject).

    Raises:
        ParseError: no valid choice of sentences and label after the re-asks.
    """
    paragraphs, warnings = fit_paragraphs(english)
    shown, withheld = prompt_paragraphs(paragraphs)
    warnings += withheld
    sentences = number_sentences(shown)
    prompt = render(
        "stance",
        version=PROMPT_VERSION,
        target=embed_safely(target) if target else None,
        sentences=sentences,
    )
    known = check_ids(sentences)
    schema: type[StanceChoiceDraft | StanceChoiceWithTargetDraft] = (
        StanceChoiceDraft if target else StanceChoiceWithTargetDraft
    )
    result = complete_structured(
        backend,
        prompt,
        schema,
        model=model,
        max_reasks=max_reasks,
        max_tokens=300,
        validate=lambda draft: known(draft.evidence),
    )
    draft = result.value
    origin: Literal["source", "translation"] = (
        "translation" if article.language != "en" else "source"
    )
    evidence = [
        Evidence(quote=s.plain, paragraph=s.paragraph, source=origin)
        for s in chosen(draft.evidence, sentences)
    ]
    return Stance(
        # A given target is fixed: the model (or text inside the article) cannot change it.
        target=target or _named_target(draft),
        target_inferred=target is None,
        label=draft.label,
        confidence=draft.confidence,
        rationale=draft.rationale.strip(),
        evidence=evidence,
        supported=bool(evidence),
        checks=[Check(name="quotes_verbatim", passed=True, details=[])],
        warnings=warnings,
        meta=RunMeta.from_calls(model, result.calls, result.reasks),
    )


def _named_target(draft: StanceChoiceDraft | StanceChoiceWithTargetDraft) -> str:
    named = draft.target.strip() if isinstance(draft, StanceChoiceWithTargetDraft) else ""
    return named or "the article's main subject"
