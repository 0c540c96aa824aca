"""Which English sentences state the facts a key point is made of, scored by code.

The key-point step asks the local model to pick the sentences that carry the most important
facts or claims. Measured on the seeds (twenty-first session, `evals/runs/clearly`), it picked
slogans and sentences that only introduce what follows ("One sentence: China's move is steady,
accurate, and tough!", "There is also an operation that circumvents legal restrictions."), and
its six picks covered 8 of the 30 hand-written key points, no more than one plain prompt. The
sentences that state who did what, with names and figures, are the ones a careful reader lists:
so code shortlists those, and the model picks among them only (as for the stance evidence,
``grounding.opinion``).

A sentence states facts when it names people, places, organisations and products, and gives
numbers, amounts and dates. A question, or a sentence of under ten words, states little on
its own. With the shortlist, the picks covered 11 of the 30 (evals/runs/fact-shortlist); the two
features were chosen after reading which seed sentences cover those key points, and the weights
set once, so the seeds are no independent test of them.
"""

from __future__ import annotations

from summarizer.grounding.numbers import extract_quantities

NAME_WEIGHT = 0.7  # a name counts a little less than a figure: names repeat through an article
SHORT_SENTENCE_WORDS = 10
_NOT_NAMES = frozenset({"I", "A", "An", "The", "This", "That", "It", "In", "However", "But"})


def _names(sentence: str) -> set[str]:
    """The capitalised words after the first (names, acronyms, product models such as H200);
    none in a line written in title case, such as a subheading ("What The H200 Ban Means For
    Nvidia"), where capitals mark no names."""
    words = [w.strip("\"'“”‘’()[],.;:!?") for w in sentence.split()[1:]]
    if len(words) >= 3 and sum(w[:1].isupper() for w in words) > len(words) / 2:
        return set()
    return {w for w in words if w[:1].isupper() and w not in _NOT_NAMES}


def fact_score(sentence: str) -> float:
    """How many facts ``sentence`` states: its distinct figures and names, less for a question
    or a short sentence."""
    score = len(extract_quantities(sentence, words=True)) + NAME_WEIGHT * len(_names(sentence))
    if sentence.rstrip().rstrip("\"'”’)").endswith(("?", "？")):
        score -= 2.0
    if len(sentence.split()) < SHORT_SENTENCE_WORDS:
        score -= 1.0
    return score


def rank_facts(sentences: list[str], limit: int) -> list[int]:
    """Indexes of the ``limit`` sentences that state the most facts, most first; ties go to the
    earlier sentence."""
    scores = [fact_score(s) for s in sentences]
    return sorted(range(len(sentences)), key=lambda i: (-scores[i], i))[:limit]
