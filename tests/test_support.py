"""Whether a stance rationale's reasons are made of the article's words (grounding.support)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from summarizer.grounding.support import (
    article_stems,
    content_stems,
    supported_rationale,
    unsupported,
)

ARTICLE = article_stems(
    [
        "On December 8, President Trump posted that NVIDIA may sell H200 chips to China.",
        "The US will collect 25% of the sales as an import duty, a cunning calculation.",
        "China's share of traditional chip production has risen, and it develops its own chips.",
    ]
)


def test_content_stems_leave_out_function_words_numbers_and_words_about_the_text() -> None:
    assert content_stems("The article argues that the 25% duty is a calculation.") == [
        "duti",
        "calcul",
    ]


def test_a_reason_made_of_the_articles_words_stays() -> None:
    assert unsupported("arguing that the import duty is a cunning calculation", ARTICLE) == []
    # Other forms of the same words: stems, not spellings, are compared.
    assert unsupported("calling the duties calculated and cunning", ARTICLE) == []


def test_a_reason_made_of_words_the_article_never_uses_is_found() -> None:
    reason = "arguing that it violates international trade rules and threatens employment"
    assert unsupported(reason, ARTICLE) == [
        "violates",
        "international",
        "trade",
        "rules",
        "threatens",
        "employment",
    ]


def test_a_part_with_too_few_content_words_is_not_judged() -> None:
    assert unsupported("It takes no side.", ARTICLE) == []


def test_half_the_words_in_the_article_is_enough() -> None:
    # duty, chips in the article; tariffs, harm not: two of four missing is not most.
    assert unsupported("the duty on chips is a tariff that harms", ARTICLE) == []
    assert unsupported("the duty is a tariff that harms farmers", ARTICLE) != []


def test_the_leading_clause_stays_and_an_invented_reason_after_it_goes() -> None:
    rationale = (
        "The article criticizes the US decision on H200 chips, arguing that it is a violation "
        "of international trade rules and a threat to American employment. It calls the 25% "
        "import duty a cunning calculation."
    )
    kept, dropped = supported_rationale(rationale, ARTICLE)
    assert kept == (
        "The article criticizes the US decision on H200 chips. It calls the 25% import duty a "
        "cunning calculation."
    )
    assert dropped == [
        "arguing that it is a violation of international trade rules and a threat to American "
        "employment."
    ]


def test_a_later_sentence_of_invented_reasons_goes() -> None:
    rationale = (
        "The article criticizes the sale of H200 chips. The author cites economists who warn of "
        "inflation and unemployment."
    )
    kept, dropped = supported_rationale(rationale, ARTICLE)
    assert kept == "The article criticizes the sale of H200 chips."
    assert dropped == ["The author cites economists who warn of inflation and unemployment."]


def test_a_supported_rationale_is_kept_whole() -> None:
    rationale = (
        "The article criticizes the import duty, calling it a cunning calculation on NVIDIA's "
        "sales."
    )
    assert supported_rationale(rationale, ARTICLE) == (rationale, [])
    assert supported_rationale("", ARTICLE) == ("", [])


def test_threads_stem_at_once() -> None:
    """A batch briefs articles on several threads; a stemmer shared between them mixed their
    words and raised IndexError."""
    texts = [f"the violations of international trade rules number {i}" * 20 for i in range(64)]
    with ThreadPoolExecutor(8) as pool:
        stems = list(pool.map(content_stems, texts))
    assert all(s[:4] == ["violat", "internat", "trade", "rule"] for s in stems)
