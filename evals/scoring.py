"""Scores of one system (model × variant) on one dataset, every example counted: a failed
example scores zero on its task's metrics and lowers the valid-output rate. Each score carries
its 95% interval, its n and its level (segment, document, example)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from evals.claims import CLAIM_METRICS
from evals.metrics import (
    KEY_POINT_BUDGET,
    SEED_LABELS,
    glossary_hits,
    han_free_share,
    key_point_precision,
    key_point_recall,
    majority_label,
    numbers_kept,
    rouge_l,
    stance_scores,
)
from evals.stats import Estimate, corpus_ci, mean_ci, paired_ci
from summarizer.grounding.glossary import Glossary

MAJORITY = "(majority class)"


def _metric(estimate: Estimate, level: str) -> dict[str, Any]:
    return {**estimate.as_dict(), "level": level}


def _ratio_of_sums(parts: np.ndarray, wholes: np.ndarray) -> float:
    total = float(np.sum(wholes.astype(float)))
    return float(np.sum(parts.astype(float))) / total if total else 0.0


def translation_scores(records: list[dict[str, Any]], glossary: Glossary) -> dict[str, Any]:
    """Segment level: every segment of every document, failed ones as empty output."""
    segments = [s for r in records for s in r["segments"]]
    outputs = [s["output"] for s in segments]
    references = [s["reference"] for s in segments]
    sources = [s["source"] for s in segments]
    # Per segment (hits, names), places left out of both: a segment naming only places is not
    # a segment with names (it used to count as one with every name wrong).
    names = [glossary_hits(s, o, glossary) for s, o in zip(sources, outputs, strict=True)]
    named = [float(hits) for hits, count in names if count]
    name_counts = [count for _, count in names if count]
    counts = [numbers_kept(s, o) for s, o in zip(sources, outputs, strict=True)]
    with_numbers = [(float(kept), needed) for kept, needed in counts if needed]
    return {
        "chrf_pp": _metric(corpus_ci("chrf", outputs, references), "segment"),
        "bleu": _metric(corpus_ci("bleu", outputs, references), "segment"),
        "glossary_accuracy": _metric(
            paired_ci(_ratio_of_sums, named, name_counts)
            if named
            else Estimate(None, None, None, 0),
            "segment",
        ),
        "number_preservation": _metric(
            paired_ci(_ratio_of_sums, [k for k, _ in with_numbers], [n for _, n in with_numbers])
            if with_numbers
            else Estimate(None, None, None, 0),
            "segment",
        ),
        # An empty output (a failed document) has no Chinese in it, and no English either.
        "no_chinese_left": _metric(
            mean_ci([float(bool(o.strip()) and han_free_share([o]) == 1.0) for o in outputs]),
            "segment",
        ),
    }


def budgeted_key_points(record: dict[str, Any]) -> tuple[float, float] | None:
    """Key-point recall and precision of one summary on its first KEY_POINT_BUDGET points,
    from the stored output and reference (so a rescore gives them to earlier runs); a failed
    summary scores zero on both."""
    reference = (record.get("reference") or {}).get("key_points")
    if not reference:
        return None
    points = (record.get("output") or {}).get("key_points") or []
    return key_point_recall(points, reference, KEY_POINT_BUDGET), key_point_precision(
        points, reference
    )


def headline_rouge_l(record: dict[str, Any]) -> float | None:
    """ROUGE-L of one summary's headline against the hand-written one, from the stored output
    and reference (so a rescore gives it to earlier runs); a failed summary scores zero."""
    reference = (record.get("reference") or {}).get("headline")
    if not reference:
        return None
    return rouge_l(str((record.get("output") or {}).get("headline") or ""), reference)


def summary_scores(records: list[dict[str, Any]]) -> dict[str, Any]:
    scores = {}
    for key in ("rouge_l", "key_point_recall", "entity_name_accuracy", "figure_faithfulness"):
        values = [r[key] for r in records if r.get(key) is not None]
        if values:
            scores[key] = _metric(mean_ci(values), "document")
    budgeted = [b for b in map(budgeted_key_points, records) if b is not None]
    if budgeted:
        scores["key_point_recall_budget"] = _metric(mean_ci([r for r, _ in budgeted]), "document")
        scores["key_point_precision"] = _metric(mean_ci([p for _, p in budgeted]), "document")
    headlines = [h for h in map(headline_rouge_l, records) if h is not None]
    if headlines:
        scores["headline_rouge_l"] = _metric(mean_ci(headlines), "document")
    return scores


def compare_scores(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures more than one article states, as (figure, article) pairs against the hand-written
    comparison; the share of articles whose stance matches it; and the claims, by paragraph
    (``evals.claims``)."""
    scores = {}
    for key in (
        "figure_alignment_precision",
        "figure_alignment_recall",
        "compare_stance_agreement",
        *CLAIM_METRICS,
    ):
        values = [r[key] for r in records if r.get(key) is not None]
        if values:
            scores[key] = _metric(mean_ci(values), "document")
    return scores


def _accuracy(predicted: np.ndarray, gold: np.ndarray) -> float:
    return float(np.mean(predicted == gold))


def stance_metric_set(
    predicted: Sequence[str | None], gold: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1 over the fixed label set and mean F1(FAVOR, AGAINST), with CIs."""

    def macro(p: np.ndarray, g: np.ndarray) -> float:
        return stance_scores(list(p), list(g), labels).macro_f1

    def favor_against(p: np.ndarray, g: np.ndarray) -> float:
        return stance_scores(list(p), list(g), labels).favor_against_f1

    return {
        "stance_accuracy": _metric(paired_ci(_accuracy, predicted, gold), "example"),
        "stance_macro_f1": _metric(paired_ci(macro, predicted, gold), "example"),
        "stance_favor_against_f1": _metric(paired_ci(favor_against, predicted, gold), "example"),
    }


def stance_scores_of(records: list[dict[str, Any]], labels: Sequence[str]) -> dict[str, Any]:
    predicted = [r.get("predicted") if r.get("predicted") in labels else None for r in records]
    scores = stance_metric_set(predicted, [r["gold"] for r in records], labels)
    for key in ("evidence_verified", "evidence_precision", "evidence_recall"):
        values = [r[key] for r in records if r.get(key) is not None]
        if values:
            scores[key] = _metric(mean_ci(values), "example")
    # The same quotes counted together: a case with three quotes weighs three times one with one
    # (the mean of shares above lets a single right quote count as much as three). A case with a
    # reference but no quote (failed, or nothing chosen) counts as one quote that missed.
    pooled = [
        (r.get("evidence_matched", 0), max(1, len(r.get("evidence") or [])))
        for r in records
        if r.get("evidence_precision") is not None
    ]
    if pooled:
        matched, quotes = zip(*pooled, strict=True)
        estimate = paired_ci(_ratio_of_sums, list(matched), list(quotes))
        scores["evidence_pooled_precision"] = _metric(estimate, "example")
    return scores


def operations(records: list[dict[str, Any]]) -> dict[str, Any]:
    calls = sum(r.get("calls", 0) for r in records)
    cached = sum(r.get("cached_calls", 0) for r in records)
    ran = calls - cached
    seconds = sum(r.get("seconds_run", 0.0) for r in records)
    uncached_examples = [
        r["seconds_run"] for r in records if r.get("calls") and not r["cached_calls"]
    ]
    return {
        "valid_output_rate": _metric(mean_ci([float(r["ok"]) for r in records]), "example"),
        "calls": calls,
        "cached_calls": cached,
        "reasks": sum(r.get("reasks", 0) for r in records),
        "tokens_run": sum(r.get("tokens_run", 0) for r in records),
        "seconds_per_call_run": round(seconds / ran, 3) if ran else None,
        "latency_s_per_example": _metric(mean_ci(uncached_examples), "example"),
        "cost_usd": round(sum(r.get("cost_usd", 0.0) for r in records), 6),
    }


def score_system(
    records: list[dict[str, Any]], glossary: Glossary, labels: Sequence[str] = SEED_LABELS
) -> dict[str, Any]:
    """Every metric of one system on one dataset, by task."""
    by_task: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_task.setdefault(record["task"], []).append(record)
    metrics: dict[str, Any] = {"examples": len(records)}
    if "translation" in by_task:
        metrics.update(translation_scores(by_task["translation"], glossary))
    if "summary" in by_task:
        metrics.update(summary_scores(by_task["summary"]))
    if "stance" in by_task:
        metrics.update(stance_scores_of(by_task["stance"], labels))
    if "compare" in by_task:
        metrics.update(compare_scores(by_task["compare"]))
    metrics.update(operations(records))
    return metrics


def majority_baseline(records: list[dict[str, Any]], labels: Sequence[str]) -> dict[str, Any]:
    """Always answering the dataset's most frequent gold label."""
    gold = [r["gold"] for r in records if r["task"] == "stance"]
    label = majority_label(gold, labels)
    metrics: dict[str, Any] = {"examples": len(gold), "majority_label": label}
    metrics.update(stance_metric_set([label] * len(gold), gold, labels))
    return metrics
