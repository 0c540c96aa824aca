"""The dictionary glosses: the last route for Chinese no model route translated."""

import pytest

from summarizer.grounding.dictionary import gloss


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("志愿", "aspiration"),
        ("套路", "routine"),  # a short sense before "sequence of movements in martial arts"
        ("填报志愿", "fill in and submit aspiration"),  # two words; "to" and "(a form)" dropped
        ("专", "special"),  # the real entry, not the last one ("variant of 專|专")
        ("國際", "international"),  # Traditional script
        ("𠀀", ""),  # in no entry
        ("abc", ""),
    ],
)
def test_gloss(chinese: str, english: str) -> None:
    assert gloss(chinese) == english
