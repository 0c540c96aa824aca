"""Key points: sentences of the article the model picks by id, from a shortlist code makes.

Each key point is a whole sentence of the English, copied verbatim with its paragraph id, so it
is grounded by construction. A long article is asked about in parts (the whole article is shown,
the part named by its sentence range): asked once for the whole article, the local model picked
the lead sentences (key-point recall 0.20 against the naive prompt's 0.31 on the seeds).

Within each part the model picks among the sentences code scores as stating the most facts
(``grounding.informative``: names and figures), sent as the allowed ids of the reply's schema.
Free to pick any sentence of the part (keypoints@v3), it picked slogans and sentences that only
introduce what follows. Offering each part's strongest judgement too (``grounding.opinion``;
keypoints@v5, twenty-second session, template in evals/runs/argument-shortlist/), since the
prompt asks for the author's argument as well, lowered key-point recall on the seeds from 0.36
to 0.33: the model took the judgement sentences, an opening slogan among them.
"""

from __future__ import annotations

from collections.abc import Callable

from summarizer.backends.base import Backend
from summarizer.grounding.informative import rank_facts
from summarizer.ingest.injection import WITHHELD
from summarizer.prompts import render
from summarizer.schemas import CallRecord, KeyPoint, SentenceChoiceDraft
from summarizer.structured.reask import complete_structured
from summarizer.tasks.sentences import (
    NumberedSentence,
    ReadingView,
    check_ids,
    choice_schema,
    chosen,
)

KEY_POINTS_PROMPT_VERSION = 4
MAX_KEY_POINTS = 6
MIN_KEY_POINTS = 3
MIN_KEY_POINT_WORDS = 8
KEY_POINT_PARTS = 3
SHORTLIST_PER_PICK = 2  # candidates offered for each sentence asked for


def _parts(sentences: list[NumberedSentence]) -> list[list[NumberedSentence]]:
    """The article in ``KEY_POINT_PARTS`` consecutive parts of about equal length, or whole when
    short: key sentences are then chosen in every part, not only from the lead."""
    if len(sentences) < 4 * KEY_POINT_PARTS:
        return [sentences]
    size = -(-len(sentences) // KEY_POINT_PARTS)
    return [sentences[i : i + size] for i in range(0, len(sentences), size)]


def shortlist(part: list[NumberedSentence], wanted: int) -> list[NumberedSentence]:
    """The sentences of ``part`` offered as key points: those stating the most facts, in article
    order. A withheld sentence (its text replaced by a marker) is never offered."""
    usable = [s for s in part if WITHHELD not in s.text]
    top = rank_facts([s.plain for s in usable], SHORTLIST_PER_PICK * wanted)
    return [usable[i] for i in sorted(top)]


def _ids_in(part: list[NumberedSentence], wanted: int) -> Callable[[SentenceChoiceDraft], None]:
    known = check_ids(part, wanted)
    return lambda draft: known(draft.sentences)


def _states_something(sentence: str) -> bool:
    text = sentence.strip().rstrip("\"'”’)")
    return len(text.split()) >= MIN_KEY_POINT_WORDS and not text.endswith(("?", "？"))


def key_points(
    view: ReadingView, backend: Backend, model: str, max_reasks: int
) -> tuple[list[KeyPoint], list[CallRecord], int]:
    """The key points of the article ``view`` shows: a few picks in each part, in article order.

    Returns:
        The key points, the calls made and the re-asks among them.

    Raises:
        ParseError: a part's call gave no valid reply after its re-asks.
    """
    sentences = view.sentences
    parts = _parts(sentences)
    # Asked for two per part (or four of a short article); at least one per part (three of a
    # short one) is accepted, so a whole brief never fails on one missing pick.
    count, least = (2, 1) if len(parts) > 1 else (min(4, len(sentences)), min(3, len(sentences)))
    calls: list[CallRecord] = []
    reasks = 0
    picked: list[NumberedSentence] = []
    for number, part in enumerate(parts, start=1):
        offered = shortlist(part, min(count, len(part)))
        if not offered:
            continue
        wanted = min(count, len(offered))
        candidates = [s.id for s in offered]
        prompt = render(
            "keypoints",
            version=KEY_POINTS_PROMPT_VERSION,
            count=wanted,
            part=number,
            parts=len(parts),
            first=part[0].id,
            last=part[-1].id,
            candidates=candidates,
            **view.template_variables(),
        )
        result = complete_structured(
            backend,
            prompt,
            SentenceChoiceDraft,
            model=model,
            max_reasks=max_reasks,
            max_tokens=16 * wanted + 16,
            validate=_ids_in(offered, min(least, wanted)),
            schema=choice_schema(candidates, wanted + 1),
        )
        calls += result.calls
        reasks += result.reasks
        picked += chosen(result.value.sentences[: wanted + 1], offered)
    order = {s.id: i for i, s in enumerate(sentences)}
    usable = sorted(dict.fromkeys(picked), key=lambda s: order[s.id])
    # A short sentence or a question carries no fact on its own ("The statement was incomplete.",
    # "Why does the US take a cut?"): dropped, unless that would leave fewer than three points.
    stated = [s for s in usable if _states_something(s.plain)]
    kept = stated if len(stated) >= MIN_KEY_POINTS else usable
    points = [KeyPoint(text=s.plain, paragraphs=[s.paragraph]) for s in kept]
    return points[:MAX_KEY_POINTS], calls, reasks
