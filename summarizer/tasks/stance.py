"""Stance toward a target, with evidence that is the article's own sentences.

stance@v3 selects instead of generating: the model gets the text as numbered sentences and lists
the ones in which the author takes a side on the target (for, against); code copies those
sentences verbatim as evidence and derives the label from the two lists, so every quote is in the
text and shows the label. A Chinese article is read in Chinese: the model reads it natively, and
the label does not inherit the translation's errors.

stance@v1 (the model writes the label, a rationale and quotes that code checks) still names the
target when none is given. A select-by-id version with a worked example (stance@v2) copied the
example's label and was removed.
"""

from __future__ import annotations

from typing import Literal

from summarizer.backends.base import Backend
from summarizer.grounding.checks import find_quote
from summarizer.prompts import render
from summarizer.schemas import (
    Article,
    CallRecord,
    Check,
    Evidence,
    Paragraph,
    RunMeta,
    SidesDraft,
    Stance,
    StanceDraft,
    StanceLabel,
)
from summarizer.structured.reask import complete_structured
from summarizer.tasks.common import embed_safely, prompt_paragraphs
from summarizer.tasks.sentences import NumberedSentence, check_ids, chosen, number_sentences
from summarizer.tasks.summarize import fit_paragraphs

PROMPT_VERSION = 3
TARGET_PROMPT_VERSION = 1
MAX_EVIDENCE = 4


def label_from_sides(favour: int, against: int) -> StanceLabel:
    """No side taken → neutral; one side → that side; both → the side with at least twice the
    sentences of the other, else mixed."""
    if not favour and not against:
        return "neutral"
    if favour >= 2 * against:
        return "supportive"
    if against >= 2 * favour:
        return "critical"
    return "mixed"


def _readable(article: Article, english: list[Paragraph]) -> tuple[list[Paragraph], bool]:
    """The paragraphs the model reads: a Chinese article's own text, else the English."""
    if article.language == "zh":
        return article.paragraphs, True
    return english, False


def _infer_target(
    english: list[Paragraph], backend: Backend, model: str, max_reasks: int
) -> tuple[str, list[CallRecord], int]:
    """The main target the article argues about, named by the model (stance@v1's target)."""
    paragraphs, _ = fit_paragraphs(english)
    shown, _ = prompt_paragraphs(paragraphs)
    prompt = render("stance", version=TARGET_PROMPT_VERSION, target=None, paragraphs=shown)
    result = complete_structured(
        backend, prompt, StanceDraft, model=model, max_reasks=max_reasks, max_tokens=600
    )
    return result.value.target.strip(), result.calls, result.reasks


def _evidence(
    picked: list[NumberedSentence], article: Article, from_source: bool, english: list[Paragraph]
) -> tuple[list[Evidence], list[str]]:
    """The picked sentences as evidence, each checked to be in its paragraph verbatim."""
    origin: Literal["source", "translation"] = (
        "source" if from_source or article.language == "en" else "translation"
    )
    paragraphs = {p.id: p.text for p in (article.paragraphs if from_source else english)}
    evidence: list[Evidence] = []
    problems: list[str] = []
    for sentence in picked:
        found = find_quote(sentence.plain, paragraphs, sentence.paragraph)
        if found is None:  # cannot happen unless the sentence splitter and the text disagree
            problems.append(
                f"sentence {sentence.id} not found in the text: {sentence.plain[:80]!r}"
            )
            continue
        evidence.append(Evidence(quote=sentence.plain, paragraph=found, source=origin))
    return evidence, problems


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
    calls: list[CallRecord] = []
    reasks = 0
    chosen_target = target
    if chosen_target is None:
        chosen_target, calls, reasks = _infer_target(english, backend, model, max_reasks)
    readable, from_source = _readable(article, english)
    paragraphs, warnings = fit_paragraphs(readable)
    shown, withheld = prompt_paragraphs(paragraphs)
    warnings += withheld
    sentences = number_sentences(shown)
    prompt = render(
        "stance", version=PROMPT_VERSION, target=embed_safely(chosen_target), sentences=sentences
    )
    known = check_ids(sentences, minimum=0)
    result = complete_structured(
        backend,
        prompt,
        SidesDraft,
        model=model,
        max_reasks=max_reasks,
        max_tokens=80,
        validate=lambda draft: known(draft.favour + draft.against),
    )
    favour = chosen(result.value.favour, sentences)
    against = [s for s in chosen(result.value.against, sentences) if s not in favour]
    label = label_from_sides(len(favour), len(against))
    side = {"supportive": favour, "critical": against}.get(label, favour + against)
    evidence, problems = _evidence(side[:MAX_EVIDENCE], article, from_source, english)
    if label != "neutral" and not evidence:
        warnings.append("no evidence quote survived the checks: the stance is unsupported")
    taken = len(favour) + len(against)
    return Stance(
        # A given target is fixed: the model (or text inside the article) cannot change it.
        target=chosen_target,
        target_inferred=target is None,
        label=label,
        confidence=round(max(len(favour), len(against)) / taken, 2) if taken else 0.5,
        rationale=_rationale(label, favour, against),
        evidence=evidence,
        supported=bool(evidence) or label == "neutral",
        checks=[Check(name="quotes_verbatim", passed=not problems, details=problems)],
        warnings=warnings + [f"stance check: {p}" for p in problems],
        meta=RunMeta.from_calls(model, calls + result.calls, reasks + result.reasks),
    )


def _rationale(
    label: StanceLabel, favour: list[NumberedSentence], against: list[NumberedSentence]
) -> str:
    def where(sentences: list[NumberedSentence]) -> str:
        return ", ".join(dict.fromkeys(s.paragraph for s in sentences))

    if label == "neutral":
        return "The author takes no side on the target in any sentence."
    parts = []
    if favour:
        parts.append(f"for it in {len(favour)} sentence(s) ({where(favour)})")
    if against:
        parts.append(f"against it in {len(against)} sentence(s) ({where(against)})")
    return f"The author argues {' and '.join(parts)}."
