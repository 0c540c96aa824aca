"""Pure metric functions. Each has tests on cases whose values were computed independently."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from summarizer.grounding.checks import normalize_for_match, term_rendered
from summarizer.grounding.glossary import Glossary
from summarizer.grounding.numbers import extract_quantities, missing_quantities

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# ------------------------------------------------------------------------ translation


def corpus_bleu(
    hypotheses: Sequence[str], references: Sequence[str], *more: Sequence[str]
) -> float:
    """sacreBLEU corpus BLEU (13a tokenisation); ``more`` adds further reference streams."""
    import sacrebleu

    streams = [list(references), *(list(m) for m in more)]
    return float(sacrebleu.corpus_bleu(list(hypotheses), streams).score)


def corpus_chrf_pp(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """chrF++ (character n-grams plus word bigrams, ``word_order=2``)."""
    import sacrebleu

    return float(sacrebleu.corpus_chrf(list(hypotheses), [list(references)], word_order=2).score)


def glossary_hits(source: str, hypothesis: str, glossary: Glossary) -> tuple[int, int]:
    """(rendered as the glossary says, glossary names) in one segment; places are not counted
    (China, Beijing: every translation gets them, and they would flatter the score)."""
    terms = [term for term in glossary.terms_in(source) if term.type != "place"]
    return sum(term_rendered(term, hypothesis) for term in terms), len(terms)


def glossary_accuracy(
    sources: Sequence[str], hypotheses: Sequence[str], glossary: Glossary
) -> float | None:
    """Share of glossary names in the sources whose English form appears in the hypothesis."""
    pairs = [glossary_hits(s, h, glossary) for s, h in zip(sources, hypotheses, strict=True)]
    total = sum(n for _, n in pairs)
    return sum(hit for hit, _ in pairs) / total if total else None


def han_free_share(hypotheses: Sequence[str]) -> float | None:
    """Share of segments whose English has no Chinese character left in it."""
    if not hypotheses:
        return None
    return sum(not _HAN.search(h) for h in hypotheses) / len(hypotheses)


def numbers_kept(source: str, hypothesis: str) -> tuple[int, int]:
    """(kept, needed): how many of the source's numbers, percentages and dates the hypothesis
    states, and how many the source has."""
    needed = len(extract_quantities(source))
    return needed - len(missing_quantities(source, hypothesis)) if needed else 0, needed


def number_preservation(sources: Sequence[str], hypotheses: Sequence[str]) -> float | None:
    """Share of the sources' numbers, percentages and dates that the hypotheses state."""
    counts = [numbers_kept(s, h) for s, h in zip(sources, hypotheses, strict=True)]
    total = sum(needed for _, needed in counts)
    return sum(kept for kept, _ in counts) / total if total else None


# ------------------------------------------------------------------------ summary


def rouge_l(hypothesis: str, reference: str) -> float:
    """ROUGE-L F1 with the rouge-score package's English tokenisation and Porter stemming."""
    return float(_rouge_l_scorer().score(reference, hypothesis)["rougeL"].fmeasure)


# A brief lists 3 to 7 key points (as the references do). A list longer than that is scored on its
# first seven: a translation cut into 29 bullets covers more reference points without being a
# summary (the naive prompt did exactly that on seed003).
KEY_POINT_BUDGET = 7
KEY_POINT_THRESHOLD = 0.3


def _covers(hypothesis: str, reference: str) -> bool:
    """Whether ``hypothesis`` says ``reference``: the ROUGE-L recall of the reference against it
    reaches KEY_POINT_THRESHOLD (a lexical proxy, reported apart from any LLM judge)."""
    recall = float(_rouge_l_scorer().score(reference, hypothesis)["rougeL"].recall)
    return recall >= KEY_POINT_THRESHOLD


@lru_cache(maxsize=1)
def _rouge_l_scorer() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)


def key_point_recall(
    hypothesis_points: Sequence[str],
    reference_points: Sequence[str],
    budget: int | None = None,
) -> float:
    """Share of reference key points covered by some hypothesis point (of the first ``budget``
    points when given)."""
    if not reference_points:
        return 0.0
    points = list(hypothesis_points)[:budget] if budget is not None else hypothesis_points
    covered = sum(any(_covers(h, r) for h in points) for r in reference_points)
    return covered / len(reference_points)


def key_point_precision(
    hypothesis_points: Sequence[str],
    reference_points: Sequence[str],
    budget: int = KEY_POINT_BUDGET,
) -> float:
    """Share of the first ``budget`` hypothesis points that cover some reference point: how much
    of what the brief lists is what a careful reader listed. No points at all score 0."""
    points = list(hypothesis_points)[:budget]
    if not points:
        return 0.0
    return sum(any(_covers(h, r) for r in reference_points) for h in points) / len(points)


def entity_name_accuracy(hypothesis_names: Sequence[str], reference_names: Sequence[str]) -> float:
    """Share of reference entities named exactly (case-insensitively) among the hypothesis entities."""
    if not reference_names:
        return 0.0
    found = {name.casefold().removeprefix("the ") for name in hypothesis_names}
    return sum(name.casefold().removeprefix("the ") in found for name in reference_names) / len(
        reference_names
    )


def figure_faithfulness(kept: int, dropped: int) -> float | None:
    """Share of the model's figures that the grounding check found in the source."""
    total = kept + dropped
    return kept / total if total else None


# ------------------------------------------------------------------------ stance

SEED_LABELS = ("supportive", "critical", "neutral", "mixed")
NLPCC_LABELS = ("supportive", "critical", "neutral")  # FAVOR, AGAINST, NONE


@dataclass(frozen=True)
class StanceScores:
    accuracy: float
    macro_f1: float
    favor_against_f1: float
    n: int


def _f1(predicted: Sequence[str | None], gold: Sequence[str], label: str) -> float:
    pairs = list(zip(predicted, gold, strict=True))
    tp = sum(p == label and g == label for p, g in pairs)
    fp = sum(p == label and g != label for p, g in pairs)
    fn = sum(p != label and g == label for p, g in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def stance_scores(
    predicted: Sequence[str | None], gold: Sequence[str], labels: Sequence[str] = SEED_LABELS
) -> StanceScores:
    """Accuracy, macro-F1 over the dataset's fixed label set, and NLPCC-2016's official metric,
    the mean F1 of FAVOR (supportive) and AGAINST (critical).

    A failed or out-of-set prediction (``None``, "pro", ...) is simply wrong: it adds no class.
    """
    if not gold:
        return StanceScores(0.0, 0.0, 0.0, 0)
    correct = sum(p == g for p, g in zip(predicted, gold, strict=True))
    f1 = {label: _f1(predicted, gold, label) for label in labels}
    return StanceScores(
        accuracy=correct / len(gold),
        macro_f1=sum(f1.values()) / len(labels),
        favor_against_f1=(f1["supportive"] + f1["critical"]) / 2,
        n=len(gold),
    )


def majority_label(gold: Sequence[str], labels: Sequence[str]) -> str:
    """The most frequent gold label (ties go to the label listed first)."""
    return max(labels, key=lambda label: (gold.count(label), -labels.index(label)))


def quote_matches(quote: str, reference: str, same_language: bool) -> bool:
    """Whether a quote shows what a hand-written justifying sentence shows: in the same language,
    one contains the other or they share half their words; across a translation, the caller has
    already matched the paragraph, which is all that can be compared."""
    if not same_language:
        return True
    a, b = normalize_for_match(quote), normalize_for_match(reference)
    if a and b and (a in b or b in a):
        return True
    words_a, words_b = set(quote.casefold().split()), set(reference.casefold().split())
    shorter = min(len(words_a), len(words_b))
    return shorter > 0 and len(words_a & words_b) / shorter >= 0.5


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
