"""Which sentences read as the author's judgement: the evidence step's shortlist."""

from __future__ import annotations

import pytest

from summarizer.grounding.opinion import opinion_score, rank_opinions
from summarizer.tasks.sentences import NumberedSentence, check_ids, choice_schema

REPORTS = [
    "The ministry said on Tuesday that exports rose 4.2% to 310 billion dollars in March.",
    "According to the company, the plant will open in 2027 and employ 1,200 workers.",
    "On January 13, the government approved the application.",
    "The chip is made by a contractor in Taiwan.",
]
OPINIONS = [
    "In short, the new rules are nothing but an attempt to keep a rival down.",
    "This absurd policy must be scrapped before it does more harm.",
    "Who would want to trade on such humiliating terms?",
    "The decision is a betrayal of every promise the government ever made.",
]


@pytest.mark.parametrize("opinion", OPINIONS)
@pytest.mark.parametrize("report", REPORTS)
def test_a_judgement_scores_above_a_report(opinion: str, report: str) -> None:
    assert opinion_score(opinion) > opinion_score(report)


@pytest.mark.parametrize("report", REPORTS)
def test_a_plain_report_scores_nothing(report: str) -> None:
    assert opinion_score(report) <= 0


def test_someone_elses_words_weigh_less_than_the_same_words_unattributed() -> None:
    own = "The sanctions are a disgraceful act of bullying."
    assert opinion_score(own) > opinion_score(
        "A spokesman said the sanctions are a disgraceful act of bullying."
    )


@pytest.mark.parametrize(
    ("aside", "manner"),
    [
        # Seed 000's English: 明确 rendered "clearly" reports how customs acted.
        (
            "Clearly, customs issued a notice to stop the chips.",
            "A few hours later, customs clearly issued a notice to stop the chips.",
        ),
        (
            "The notice is clearly a warning to Washington.",
            "The notice clearly stipulates that the chips may not enter.",
        ),
        (
            "This clearly shows who holds the cards.",
            "The rules clearly list who holds the licences.",
        ),
    ],
)
def test_clearly_judges_as_an_aside_not_as_the_manner_of_a_verb(aside: str, manner: str) -> None:
    assert opinion_score(aside) > opinion_score(manner) + 0.4
    assert opinion_score(manner) < 0.5


def test_the_shortlist_is_strongest_first_and_leaves_reports_out() -> None:
    sentences = [*REPORTS[:2], OPINIONS[0], REPORTS[2], OPINIONS[1], REPORTS[3], OPINIONS[3]]
    ranked = rank_opinions(sentences, limit=8)
    assert set(ranked) == {2, 4, 6}
    scores = [opinion_score(sentences[i]) for i in ranked]
    assert scores == sorted(scores, reverse=True)


def test_with_too_few_opinions_the_shortlist_falls_back_to_every_sentence() -> None:
    ranked = rank_opinions([*REPORTS, OPINIONS[0]], limit=3)
    assert ranked[0] == 4 and len(ranked) == 3


def test_the_choice_schema_allows_only_the_shortlist() -> None:
    schema = choice_schema(["s7", "s2"], maximum=3)
    sentences = schema["properties"]["sentences"]
    assert sentences["items"]["enum"] == ["s7", "s2"] and sentences["maxItems"] == 2
    assert sentences["minItems"] == 1 and schema["required"] == ["sentences"]


def test_an_id_outside_a_shortlist_is_refused_naming_the_shortlist() -> None:
    shortlist = [NumberedSentence(i, "p1", "text") for i in ("s7", "s2")]
    validate = check_ids(shortlist)
    validate(["s2"])
    with pytest.raises(ValueError, match="use ids among s7, s2"):
        validate(["s3"])
    contiguous = [NumberedSentence(f"s{i}", "p1", "text") for i in (4, 5, 6)]
    with pytest.raises(ValueError, match="use ids from s4 to s6"):
        check_ids(contiguous)(["s9"])
