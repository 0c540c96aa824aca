"""Pure metric functions. Each has tests on cases whose values were computed independently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.grounding.checks import term_rendered
from summarizer.grounding.glossary import Glossary
from summarizer.grounding.numbers import extract_quantities, missing_quantities

LABELS = ("supportive", "critical", "neutral", "mixed")


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


def glossary_accuracy(
    sources: Sequence[str], hypotheses: Sequence[str], glossary: Glossary
) -> float | None:
    """Share of glossary names in the sources whose English form appears in the hypothesis."""
    hits = total = 0
    for source, hypothesis in zip(sources, hypotheses, strict=True):
        for term in glossary.terms_in(source):
            if term.type == "place":
                continue
            total += 1
            hits += term_rendered(term, hypothesis)
    return hits / total if total else None


def number_preservation(sources: Sequence[str], hypotheses: Sequence[str]) -> float | None:
    """Share of the sources' numbers, percentages and dates that the hypotheses state."""
    total = kept = 0
    for source, hypothesis in zip(sources, hypotheses, strict=True):
        needed = len(extract_quantities(source))
        total += needed
        kept += needed - len(missing_quantities(source, hypothesis))
    return kept / total if total else None


# ------------------------------------------------------------------------ summary


def rouge_l(hypothesis: str, reference: str) -> float:
    """ROUGE-L F1 with the rouge-score package's English tokenisation and Porter stemming."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return float(scorer.score(reference, hypothesis)["rougeL"].fmeasure)


def key_point_recall(
    hypothesis_points: Sequence[str], reference_points: Sequence[str], threshold: float = 0.3
) -> float:
    """Share of reference key points covered by some hypothesis point.

    Covered means the best ROUGE-L recall of the reference point against one hypothesis point
    reaches ``threshold``: a lexical proxy, reported apart from any LLM judge.
    """
    from rouge_score import rouge_scorer

    if not reference_points:
        return 0.0
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    covered = 0
    for reference in reference_points:
        best = max(
            (scorer.score(reference, h)["rougeL"].recall for h in hypothesis_points), default=0.0
        )
        covered += best >= threshold
    return covered / len(reference_points)


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


@dataclass(frozen=True)
class StanceScores:
    accuracy: float
    macro_f1: float
    n: int


def stance_scores(predicted: Sequence[str], gold: Sequence[str]) -> StanceScores:
    """Accuracy and macro-F1 over the labels that occur in gold or predictions."""
    if not gold:
        return StanceScores(0.0, 0.0, 0)
    correct = sum(p == g for p, g in zip(predicted, gold, strict=True))
    labels = sorted(set(gold) | set(predicted))
    f1s = []
    for label in labels:
        tp = sum(p == label and g == label for p, g in zip(predicted, gold, strict=True))
        fp = sum(p == label and g != label for p, g in zip(predicted, gold, strict=True))
        fn = sum(p != label and g == label for p, g in zip(predicted, gold, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return StanceScores(correct / len(gold), sum(f1s) / len(f1s), len(gold))


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
