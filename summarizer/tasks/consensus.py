"""One translation of a paragraph chosen among several candidates: the one that agrees best with the
others (minimum Bayes risk decoding with chrF++ as the utility: where samples of a model disagree,
the reading closest to the rest is the likeliest to be right).

Measured on the first 100 WMT21 segments with the local model (plain prompt, the greedy reply and
four samples at temperature 0.7): chrF++ 43.7 for the greedy reply alone, 44.1 for the consensus of
the greedy reply and two samples, 44.7 with four; each sample alone scored 40.1 to 41.6. Preferring
the candidates that pass the code checks before agreement scored lower (43.9 with four samples), so
the checks act after the choice, as they do on a single reply. On all 300 segments, through the
whole pipeline (evals/runs/consensus): chrF++ 45.96 against 44.95 for the pipeline with one reply
and 45.02 for the naive prompt, at 1,695 calls against 497.

Other choosers on the same five candidates per segment (the committed run's, replayed from the
response cache; 287 of the 300 segments, scored before the checks): greedy 44.7, agreement by
chrF++ 45.9, by chrF 45.9, by BLEU 44.6, by chrF++ plus BLEU 45.4, by symmetric chrF++ 45.1, with
the greedy reply weighted 1.5 to 3 times 45.7 to 45.3; the best candidate by the reference 48.97.
Which agreement is used hardly matters; what would close the gap to the best candidate is a judge
of each candidate against the source, not against the other candidates. The local model is not that
judge by back-translation: on the first 54 of those segments, the candidate whose Chinese back-
translation (greedy, same model) is closest to the source by chrF scored 41.6 against 42.6 for the
greedy reply and 43.3 for agreement; adding it to agreement moved the score by -0.8 to +0.2. Nor is
it that judge by its token probabilities (noisy-channel scoring, read from llama.cpp's logits): on
the first 90 of those segments (86 scored), the candidate with the highest log P(source |
candidate) under "Translate into Chinese" scored 43.3, the highest log P(candidate | source) per
token 43.2, against 42.7 for the greedy reply and 43.9 for agreement; agreement plus either,
weighted on the same segments, at best 44.2. More samples help little: with eight candidates on the
first 100 segments (93 scored before the checks), agreement among the first k scored 43.1 (k = 1),
43.9 (3), 44.5 (5), 44.9 (7) and 44.8 (8), while the best candidate by the reference went on rising
(48.0 at 5, 49.1 at 8)."""

from __future__ import annotations

from collections.abc import Sequence

SAMPLE_TEMPERATURE = 0.7


def similarity(candidate: str, other: str) -> float:
    """chrF++ of ``candidate`` against ``other``, 0 to 100."""
    from sacrebleu.metrics.chrf import CHRF

    return float(CHRF(word_order=2).sentence_score(candidate, [other]).score)


def agreement(candidates: Sequence[str]) -> list[float]:
    """Each candidate's mean chrF++ against the other candidates (0 for a lone candidate)."""
    scores = []
    for index, candidate in enumerate(candidates):
        others = [c for j, c in enumerate(candidates) if j != index]
        total = sum(similarity(candidate, other) for other in others)
        scores.append(total / len(others) if others else 0.0)
    return scores


def most_agreed(candidates: Sequence[str], eligible: Sequence[bool] | None = None) -> int:
    """The index of the candidate that agrees best with the others; a tie goes to the earlier
    one (the greedy reply comes first). With ``eligible``, the best of the eligible candidates
    (all of them count as others), or of every candidate when none is eligible."""
    if not candidates:
        raise ValueError("no candidate to choose from")
    scores = agreement(candidates)
    indexes = range(len(candidates))
    pool = [i for i in indexes if eligible is None or eligible[i]] or list(indexes)
    return max(pool, key=lambda i: (scores[i], -i))
