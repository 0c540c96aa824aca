"""Confidence intervals and paired tests, from libraries: scipy for per-example metrics,
sacrebleu for corpus BLEU and chrF++ (its bootstrap CIs and paired approximate randomisation)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

RESAMPLES = 1000
SEED = 12345  # fixed: a report regenerated from the same run shows the same intervals
ALPHA = 0.05


@dataclass(frozen=True)
class Estimate:
    """A score with its 95% interval and the number of units it rests on."""

    value: float | None
    low: float | None
    high: float | None
    n: int

    def as_dict(self) -> dict[str, float | int | None]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n}


def mean_ci(values: Sequence[float]) -> Estimate:
    """The mean of per-example scores with a percentile bootstrap 95% interval."""
    from scipy import stats

    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return Estimate(None, None, None, 0)
    value = float(data.mean())
    if data.size < 2 or np.all(data == data[0]):
        return Estimate(value, value, value, int(data.size))
    result = stats.bootstrap(
        (data,),
        np.mean,
        n_resamples=RESAMPLES,
        confidence_level=1 - ALPHA,
        method="percentile",
        rng=np.random.default_rng(SEED),
    )
    interval = result.confidence_interval
    return Estimate(value, float(interval.low), float(interval.high), int(data.size))


def paired_ci(
    statistic: Callable[[np.ndarray, np.ndarray], float], a: Sequence[object], b: Sequence[object]
) -> Estimate:
    """A statistic of paired samples (e.g. macro-F1 of predictions against gold labels) with a
    percentile bootstrap 95% interval that resamples the pairs together."""
    from scipy import stats

    first, second = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if first.size == 0:
        return Estimate(None, None, None, 0)
    value = float(statistic(first, second))
    if first.size < 2:
        return Estimate(value, value, value, int(first.size))
    result = stats.bootstrap(
        (first, second),
        statistic,
        paired=True,
        vectorized=False,
        n_resamples=RESAMPLES,
        confidence_level=1 - ALPHA,
        method="percentile",
        rng=np.random.default_rng(SEED),
    )
    interval = result.confidence_interval
    low, high = float(interval.low), float(interval.high)
    if np.isnan(low) or np.isnan(high):  # every resample gave the same value
        low = high = value
    return Estimate(value, low, high, int(first.size))


def corpus_ci(kind: str, hypotheses: Sequence[str], references: Sequence[str]) -> Estimate:
    """Corpus chrF++ (``kind="chrf"``) or BLEU over segments, with sacrebleu's bootstrap 95% CI."""
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    if not hypotheses:
        return Estimate(None, None, None, 0)
    metric = CHRF(word_order=2) if kind == "chrf" else BLEU()
    resamples = RESAMPLES if len(hypotheses) > 1 else 1
    np.random.seed(SEED)  # sacrebleu draws its resamples from numpy's global generator
    score = metric.corpus_score(list(hypotheses), [list(references)], n_bootstrap=resamples)
    ci = getattr(score, "_ci", None)
    if ci is None or resamples == 1:
        return Estimate(float(score.score), float(score.score), float(score.score), len(hypotheses))
    low, high = max(0.0, score.score - ci), min(100.0, score.score + ci)
    return Estimate(float(score.score), float(low), float(high), len(hypotheses))


@dataclass(frozen=True)
class Difference:
    """System B minus system A on the same examples, and whether chance explains it."""

    metric: str
    a: float
    b: float
    p_value: float
    n: int

    @property
    def real(self) -> bool:
        return self.p_value < ALPHA


def paired_permutation(
    metric: str,
    a: Sequence[Any],
    b: Sequence[Any],
    statistic: Callable[[np.ndarray], float] | None = None,
) -> Difference:
    """Paired permutation test of statistic(b) - statistic(a) on the same examples: each
    example's two values are swapped at random. ``statistic`` defaults to the mean; pass one
    for a set-level score such as macro-F1 (it receives one system's values, in example order).
    """
    from scipy import stats

    score = statistic or (lambda values: float(np.mean(values.astype(float))))
    first, second = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    value_a, value_b = float(score(first)), float(score(second))
    if first.size < 2 or all(x == y for x, y in zip(first, second, strict=True)):
        return Difference(metric, value_a, value_b, 1.0, int(first.size))
    result = stats.permutation_test(
        (first, second),
        lambda x, y: score(y) - score(x),
        permutation_type="samples",
        vectorized=False,
        n_resamples=RESAMPLES * 2,
        alternative="two-sided",
        rng=np.random.default_rng(SEED),
    )
    return Difference(metric, value_a, value_b, float(result.pvalue), int(first.size))


def paired_corpus_test(
    kind: str, a: Sequence[str], b: Sequence[str], references: Sequence[str]
) -> Difference:
    """sacrebleu's paired approximate-randomisation test of corpus chrF++ or BLEU, B against A.

    sacrebleu counts only shuffles whose difference is strictly larger than the observed one, so
    two systems with the same score would come out "significant" (p = 1/(n+1)); an observed
    difference of zero is given p = 1 here. For the same reason a difference that rests on a few
    segments comes out far too sure: when only k segments differ, swapping all k mirrors the
    difference exactly, so an exact two-sided test can give no p below 2 / 2^k (k = 4: 0.125,
    where sacrebleu says 1 / 2001); p is kept at or above that floor."""
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF
    from sacrebleu.significance import PairedTest

    metric = CHRF(word_order=2) if kind == "chrf" else BLEU()
    name = "chrF++" if kind == "chrf" else "BLEU"
    test = PairedTest(  # seeds its own resampling (sacrebleu's fixed seed)
        [("baseline", list(a)), ("candidate", list(b))],
        {name: metric},
        [list(references)],
        test_type="ar",
        n_samples=RESAMPLES * 2,
    )
    _, results = test()
    scores: list[Any] = next(value for key, value in results.items() if key != "System")
    baseline, candidate = scores
    p_value = candidate.p_value if candidate.p_value is not None else 1.0
    if candidate.score == baseline.score:
        p_value = 1.0
    differing = sum(x != y for x, y in zip(a, b, strict=True))
    p_value = max(p_value, min(1.0, 2.0 / 2.0**differing))
    return Difference(name, float(baseline.score), float(candidate.score), float(p_value), len(a))
