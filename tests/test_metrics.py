"""Metrics against values computed independently (sacrebleu's documented examples, hand counts)."""

from __future__ import annotations

import pytest

from evals.metrics import (
    KEY_POINT_BUDGET,
    NLPCC_LABELS,
    SEED_LABELS,
    corpus_bleu,
    corpus_chrf_pp,
    entity_name_accuracy,
    figure_faithfulness,
    glossary_accuracy,
    han_free_share,
    key_point_precision,
    key_point_recall,
    majority_label,
    number_preservation,
    quote_matches,
    rouge_l,
    stance_scores,
)
from summarizer.grounding.glossary import builtin_glossary


def test_bleu_identity_and_disjoint() -> None:
    assert corpus_bleu(["the cat sat on the mat"], ["the cat sat on the mat"]) == pytest.approx(
        100.0
    )
    assert corpus_bleu(["xyz qwv"], ["the cat sat on the mat"]) == pytest.approx(0.0)


def test_bleu_sacrebleu_readme_example() -> None:
    # sacrebleu's README example, two reference streams: "BLEU = 48.53".
    hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
    refs = ["The dog bit the man.", "It was not unexpected.", "The man bit him first."]
    more = ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."]
    assert corpus_bleu(hyps, refs, more) == pytest.approx(48.53, abs=0.01)


def test_chrf_pp_identity_and_bounds() -> None:
    assert corpus_chrf_pp(["abc def"], ["abc def"]) == pytest.approx(100.0)
    partial = corpus_chrf_pp(["the cat sat"], ["the cat sat on the mat"])
    assert 0 < partial < 100


def test_rouge_l_hand_counted() -> None:
    # LCS("a b c d e", "a x c y e") = "a c e" = 3; P = R = 3/5; F1 = 0.6
    assert rouge_l("a b c d e", "a x c y e") == pytest.approx(0.6)
    # LCS = "police killed gunman" = 3; P = 3/3, R = 3/5; F1 = 2PR/(P+R) = 0.75
    assert rouge_l("police killed gunman", "the police killed the gunman") == pytest.approx(0.75)
    # with stemming "kill" and "killed" match: LCS = 3 of 3 and 4; F1 = 2*1*0.75/1.75
    assert rouge_l("police killed gunman", "police kill the gunman") == pytest.approx(
        2 * 1.0 * 0.75 / 1.75
    )


def test_key_point_recall() -> None:
    reference = [
        "China asked firms to stop buying H200 chips",
        "Shanghai chip revenue doubled in five years",
    ]
    hypothesis = ["Beijing told firms to stop buying Nvidia H200 chips this week"]
    assert key_point_recall(hypothesis, reference) == 0.5


def test_key_points_are_scored_on_a_budget() -> None:
    reference = ["Beijing told firms to stop buying H200 chips", "Revenue doubled in five years"]
    # Eight points: the one that says a reference point comes eighth, past the budget of seven.
    filler = [f"The weather was fine on day {n}" for n in range(7)]
    points = [*filler, "China told firms to stop buying H200 chips"]
    assert key_point_recall(points, reference) == 0.5  # unbounded: the long list is rewarded
    assert key_point_recall(points, reference, KEY_POINT_BUDGET) == 0.0
    assert key_point_precision(points, reference) == 0.0
    # One point that says a reference point, one that says nothing the reader listed.
    assert key_point_precision(points[-1:] + filler[:1], reference) == 0.5
    assert key_point_precision([], reference) == 0.0


def test_glossary_and_numbers() -> None:
    glossary = builtin_glossary()
    sources = ["黄仁勋说增长了25%。", "寒武纪在2026年1月13日上市。"]
    good = ["Jensen Huang said growth was 25%.", "Cambricon listed on January 13, 2026."]
    bad = ["Huang Renxun said growth was 35%.", "Cambricon listed on January 13, 2026."]
    assert glossary_accuracy(sources, good, glossary) == 1.0
    assert glossary_accuracy(sources, bad, glossary) == 0.5
    assert number_preservation(sources, good) == 1.0
    assert number_preservation(sources, bad) == 0.5


def test_entities_figures() -> None:
    assert entity_name_accuracy(
        ["NVIDIA", "Jensen Huang"], ["Nvidia", "Jensen Huang", "TSMC"]
    ) == pytest.approx(2 / 3)
    assert entity_name_accuracy(["United States"], ["the United States"]) == 1.0
    assert figure_faithfulness(3, 1) == 0.75 and figure_faithfulness(0, 0) is None


def test_stance_scores_hand_counted() -> None:
    gold = ["critical", "critical", "neutral", "supportive"]
    pred = ["critical", "neutral", "neutral", "critical"]
    scores = stance_scores(pred, gold)
    assert scores.accuracy == 0.5
    # Over the four fixed labels: critical F=0.5, neutral F=2/3, supportive 0, mixed 0.
    assert scores.macro_f1 == pytest.approx((0.5 + 2 / 3 + 0 + 0) / 4)
    # NLPCC's metric: mean F1 of FAVOR (supportive, 0) and AGAINST (critical, 0.5).
    assert scores.favor_against_f1 == pytest.approx(0.25)


def test_a_failed_prediction_is_wrong_not_a_class() -> None:
    gold = ["supportive", "critical", "neutral"]
    with_failure = stance_scores(["supportive", None, "neutral"], gold, NLPCC_LABELS)
    assert with_failure.accuracy == pytest.approx(2 / 3)
    # supportive F=1, neutral F=1, critical F=0 over exactly three classes.
    assert with_failure.macro_f1 == pytest.approx(2 / 3)
    out_of_set = stance_scores(["supportive", "pro", "neutral"], gold, NLPCC_LABELS)
    assert out_of_set == with_failure


def test_majority_label_and_quote_matching() -> None:
    assert majority_label(["critical", "neutral", "critical"], SEED_LABELS) == "critical"
    assert majority_label(["neutral", "critical"], SEED_LABELS) == "critical"  # tie: order
    sentence = "Washington's approach of weaponizing its technology has not changed."
    assert quote_matches("approach of weaponizing its technology", sentence, same_language=True)
    assert not quote_matches("Nvidia sold chips on Monday.", sentence, same_language=True)
    assert quote_matches("anything at all", sentence, same_language=False)


def test_han_free_share() -> None:
    assert han_free_share(["all English", "left 利益 in", "fine"]) == pytest.approx(2 / 3)
    assert han_free_share([]) is None


def test_bootstrap_intervals_hold_the_value_and_paired_tests_see_differences() -> None:
    from evals.stats import corpus_ci, mean_ci, paired_permutation

    estimate = mean_ci([0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0])
    assert estimate.low is not None and estimate.high is not None
    assert estimate.value == pytest.approx(0.75)
    assert estimate.value is not None
    assert estimate.low < estimate.value < estimate.high <= 1.0
    assert estimate.n == 8
    chrf = corpus_ci("chrf", ["the cat sat", "a dog ran"], ["the cat sat down", "a dog ran off"])
    assert chrf.low is not None and chrf.high is not None and chrf.value is not None
    assert chrf.low <= chrf.value <= chrf.high and chrf.n == 2
    assert paired_permutation("x", [1.0] * 12, [1.0] * 12).p_value == 1.0
    assert paired_permutation("x", [0.0] * 12, [1.0] * 12).real
    assert not paired_permutation("x", [0.0, 1.0] * 3, [1.0, 0.0] * 3).real


def test_paired_corpus_test_calls_no_difference_chance() -> None:
    from evals.stats import paired_corpus_test

    hyps = ["the cat sat", "a dog", "hello there", "it rained"] * 2
    refs = ["the cat sat on", "the dog", "hello", "it rained today"] * 2
    assert paired_corpus_test("chrf", hyps, list(hyps), refs).p_value == 1.0
    worse = paired_corpus_test("chrf", hyps, ["x", "y", "z", "w"] * 2, refs)
    assert worse.b < worse.a and worse.real  # 8 segments: exact p can reach 2 / 256


def test_paired_corpus_test_does_not_call_a_few_changed_segments_real() -> None:
    """Four segments of forty better, the rest the same: sacrebleu alone says p = 1 / 2001, but
    an exact test over the 2^4 ways to swap them cannot go below 2 / 16."""
    from evals.stats import paired_corpus_test

    refs = [f"the report number {i} came out on July {i % 28 + 1}" for i in range(40)]
    a = [f"report {i} out on July {i % 28 + 1}, 2023" for i in range(40)]
    b = [ref if i < 4 else hyp for i, (ref, hyp) in enumerate(zip(refs, a, strict=True))]
    better = paired_corpus_test("chrf", a, b, refs)
    assert better.b > better.a
    assert better.p_value >= 0.125 and not better.real


def test_segments_naming_only_places_do_not_count_against_the_glossary_score() -> None:
    from evals.scoring import translation_scores

    def record(source: str, output: str) -> dict[str, object]:
        segment = {"id": source, "source": source, "reference": output, "output": output}
        return {"segments": [segment]}

    records = [
        record("北京的天气很好。", "The weather in Beijing is fine."),  # a place only
        record("黄仁勋在北京说。", "Jensen Huang spoke in Beijing."),
        record("寒武纪上市了。", "Cambric went public."),
    ]
    scores = translation_scores(records, builtin_glossary())
    assert scores["glossary_accuracy"]["value"] == 0.5
    assert scores["glossary_accuracy"]["n"] == 2  # segments with a name that is not a place
