"""Which sentences state facts: the key-point step's shortlist."""

from __future__ import annotations

import pytest

from summarizer.grounding.informative import fact_score, rank_facts
from summarizer.ingest.injection import WITHHELD
from summarizer.tasks.keypoints import shortlist
from summarizer.tasks.sentences import NumberedSentence

FACTS = [
    "On January 13 the US approved sales of Nvidia's H200 chips to approved customers in China.",
    "Washington will take 25% of the revenue, and buyers may get at most 50% of US volumes.",
    "Shanghai's chip industry had revenue above 460 billion yuan in 2025, the city said.",
]
EMPTY = [
    "One sentence: the move is steady, accurate, and tough!",
    "There is also an operation that circumvents legal restrictions.",
    "Why does the government take a share of a company's sales?",
    "Although this path is difficult, it is a long-term strategy.",
]


@pytest.mark.parametrize("empty", EMPTY)
@pytest.mark.parametrize("fact", FACTS)
def test_a_sentence_of_names_and_figures_outranks_one_that_states_nothing(
    fact: str, empty: str
) -> None:
    assert fact_score(fact) > fact_score(empty)


def test_a_question_and_a_short_sentence_score_less_than_the_same_facts_stated() -> None:
    stated = "The Commerce Department approved the H200 licences for Alibaba and Tencent in July."
    assert fact_score("Did the Commerce Department approve H200 licences in July?") < fact_score(
        stated
    )
    assert fact_score("Nvidia approved it in July.") < fact_score(
        "Nvidia approved the licence for its customers in China in July, the company said."
    )


def test_a_sentence_s_first_word_is_no_name_for_its_capital() -> None:
    assert fact_score("Beijing moved to curb purchases of the chip after the remarks.") == (
        fact_score("Officials moved to curb purchases of the chip after the remarks.")
    )


def test_a_subheading_in_title_case_gets_no_credit_for_its_capitals() -> None:
    heading = "What The New Export Rules Mean For Nvidia And Its Chinese Customers"
    assert fact_score(heading) < fact_score(FACTS[2])
    assert fact_score(heading) == fact_score(heading.lower().capitalize())


def test_ranking_keeps_the_limit_and_breaks_ties_by_position() -> None:
    sentences = [EMPTY[1], FACTS[0], EMPTY[1], FACTS[1]]
    ranked = rank_facts(sentences, 3)
    assert len(ranked) == 3 and set(ranked[:2]) == {1, 3}
    assert ranked[2] == 0  # the earlier of two equal sentences


def test_the_shortlist_is_in_article_order_and_never_offers_a_withheld_sentence() -> None:
    texts = [EMPTY[0], FACTS[2], f"{WITHHELD} 2025 Nvidia H200 China US", EMPTY[1], FACTS[0]]
    part = [NumberedSentence(f"s{i}", "p1", text) for i, text in enumerate(texts, start=1)]
    offered = shortlist(part, 1)
    assert [s.id for s in offered] == ["s2", "s5"]
