"""``eval compare``: which differences between two systems on the same examples are real.

Corpus chrF++ and BLEU use sacrebleu's paired approximate-randomisation test; per-example scores (ROUGE-L,
key-point recall and precision, stance, the numbers each segment keeps) a paired permutation test
(scipy). A difference is called real when
p < 0.05."""

from __future__ import annotations

from typing import Any

import numpy as np

from evals.metrics import SEED_LABELS, numbers_kept, stance_scores
from evals.report import Run
from evals.scoring import budgeted_key_points, headline_rouge_l
from evals.stats import Difference, paired_corpus_test, paired_permutation


def system_names(run: Run) -> list[str]:
    return list(dict.fromkeys(f"{e['model']} · {e['variant']}" for e in run.examples))


def _examples(run: Run, system: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {
        (e["dataset"], e["task"], e["id"]): e
        for e in run.examples
        if f"{e['model']} · {e['variant']}" == system
    }


def _translation(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[Difference]:
    a, b, references, sources = [], [], [], []
    for left, right in pairs:
        right_segments = {s["id"]: s for s in right["segments"]}
        for segment in left["segments"]:
            if segment["id"] in right_segments:
                a.append(segment["output"] or "")
                b.append(right_segments[segment["id"]]["output"] or "")
                references.append(segment["reference"])
                sources.append(segment["source"])
    if not references:
        return []
    corpus = [paired_corpus_test(kind, a, b, references) for kind in ("chrf", "bleu")]
    return corpus + _numbers_kept(sources, a, b)


def _numbers_kept(sources: list[str], a: list[str], b: list[str]) -> list[Difference]:
    """Numbers kept (the share of the sources' quantities each system states), tested by
    swapping each segment's count of kept quantities between the systems."""
    kept_a, kept_b, total = [], [], 0
    for source, left, right in zip(sources, a, b, strict=True):
        (kept, needed), (other, _) = numbers_kept(source, left), numbers_kept(source, right)
        if needed:
            kept_a.append(kept)
            kept_b.append(other)
            total += needed
    if not total:
        return []
    return [
        paired_permutation(
            "numbers kept",
            kept_a,
            kept_b,
            statistic=lambda values: float(np.sum(values.astype(float))) / total,
        )
    ]


def _summary(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[Difference]:
    differences = [
        paired_permutation(
            key,
            [left.get(key) or 0.0 for left, _ in pairs],
            [right.get(key) or 0.0 for _, right in pairs],
        )
        for key in ("rouge_l", "key_point_recall")
    ]
    budgeted = [(budgeted_key_points(left), budgeted_key_points(right)) for left, right in pairs]
    scored = [(a, b) for a, b in budgeted if a is not None and b is not None]
    if scored:
        for index, name in ((0, "key-point recall, first 7"), (1, "key-point precision")):
            differences.append(
                paired_permutation(
                    name, [a[index] for a, _ in scored], [b[index] for _, b in scored]
                )
            )
    headlines = [(headline_rouge_l(left), headline_rouge_l(right)) for left, right in pairs]
    if headlines and all(a is not None and b is not None for a, b in headlines):
        differences.append(
            paired_permutation(
                "headline ROUGE-L",
                [a or 0.0 for a, _ in headlines],
                [b or 0.0 for _, b in headlines],
            )
        )
    return differences


def _stance(
    pairs: list[tuple[dict[str, Any], dict[str, Any]]], labels: tuple[str, ...]
) -> list[Difference]:
    gold = [left["gold"] for left, _ in pairs]

    def macro(predicted: np.ndarray) -> float:
        return stance_scores(list(predicted), gold, labels).macro_f1

    def correct(example: dict[str, Any]) -> float:
        return float(example.get("predicted") == example["gold"])

    return [
        paired_permutation(
            "stance accuracy",
            [correct(left) for left, _ in pairs],
            [correct(right) for _, right in pairs],
        ),
        paired_permutation(
            "stance macro-F1",
            [left.get("predicted") for left, _ in pairs],
            [right.get("predicted") for _, right in pairs],
            statistic=macro,
        ),
    ]


def compare_systems(
    run_a: Run, system_a: str, run_b: Run, system_b: str
) -> list[tuple[str, Difference]]:
    """Every difference between the two systems, per dataset, on the examples both ran."""
    left, right = _examples(run_a, system_a), _examples(run_b, system_b)
    shared = [key for key in left if key in right]
    labels = run_a.meta.get("stance_labels", {})
    results: list[tuple[str, Difference]] = []
    for dataset in dict.fromkeys(key[0] for key in shared):
        for task, scorer in (("translation", _translation), ("summary", _summary)):
            pairs = [(left[k], right[k]) for k in shared if k[0] == dataset and k[1] == task]
            if pairs:
                results += [(dataset, d) for d in scorer(pairs)]
        stance = [(left[k], right[k]) for k in shared if k[0] == dataset and k[1] == "stance"]
        if stance:
            dataset_labels = tuple(labels.get(dataset, SEED_LABELS))
            results += [(dataset, d) for d in _stance(stance, dataset_labels)]
    return results


def comparison_table(results: list[tuple[str, Difference]], name_a: str, name_b: str) -> str:
    lines = [
        f"A = {name_a}",
        f"B = {name_b}",
        "",
        "| dataset | metric | n | A | B | B − A | p | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for dataset, d in results:
        verdict = "real" if d.real else "could be chance"
        lines.append(
            f"| {dataset} | {d.metric} | {d.n} | {d.a:.3f} | {d.b:.3f} | {d.b - d.a:+.3f} | "
            f"{d.p_value:.3f} | {verdict} |"
        )
    return "\n".join(lines) + "\n"
