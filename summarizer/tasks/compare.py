"""One story, several articles: brief each (cached), then line them up by code — the same figure
across articles, who names whom, each stance with its quotes — and let the model do only what
code cannot: say whether two key points of different articles, paired by code, make one claim."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import TypeVar

from summarizer.backends.base import Backend
from summarizer.comparison import (
    ClaimMention,
    ComparedArticle,
    Comparison,
    EntityRow,
    FigureRow,
    NotCompared,
    SameClaimDraft,
    SharedClaim,
    StanceCell,
)
from summarizer.errors import CancelledError, ParseError, SummarizerError
from summarizer.grounding.numbers import (
    Quantity,
    extract_quantities,
)
from summarizer.grounding.quantity_format import format_quantity, notable_quantity
from summarizer.ingest.sentences import split_sentences
from summarizer.prompts import render
from summarizer.redact import redact
from summarizer.schemas import Brief, CallRecord, RunMeta
from summarizer.structured.reask import calls_spent, complete_structured, reasks_spent
from summarizer.tasks.brief import english_paragraphs
from summarizer.tasks.common import embed_safely

COMPARE_PROMPT_VERSION = 3
MIN_SHARED_STEMS = 3  # content words (or numbers) two key points share to be checked as one claim
MAX_CANDIDATES = 24  # pairs checked by the model, one short call each
MIN_ARTICLES = 2

S = TypeVar("S")


def brief_each(
    sources: Sequence[S], brief: Callable[[S], Brief], name: Callable[[S], str] = str
) -> tuple[list[Brief], list[NotCompared]]:
    """Brief every source; one that fails is set aside with its error, and the others go on.

    Raises:
        SummarizerError: the first failure, when fewer than two articles could be briefed.
        CancelledError: the work was cancelled.
    """
    briefs: list[Brief] = []
    failed: list[tuple[S, SummarizerError]] = []
    for source in sources:
        try:
            briefs.append(brief(source))
        except CancelledError:
            raise
        except SummarizerError as exc:
            failed.append((source, exc))
    if len(briefs) < MIN_ARTICLES and failed:
        raise failed[0][1]
    return briefs, [NotCompared(name=name(s), error=redact(str(exc))) for s, exc in failed]


_WORD = re.compile(r"[a-z]{4,}")
_STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "have",
        "been",
        "were",
        "will",
        "which",
        "their",
        "they",
        "than",
        "more",
        "into",
        "also",
        "over",
        "only",
        "after",
        "about",
        "such",
        "would",
        "could",
        "said",
        "says",
        "percent",
        "nearly",
        "about",
        "total",
        "least",
        "most",
        "other",
    ]
)


_NUMBER = re.compile(r"\d[\d,.]*")
_TOKEN = re.compile(r"\S+")
NEAR_WORDS = 6  # words on each side of a figure that say what it measures


def _near(sentence: str, quantity: Quantity) -> str:
    """The words around each place ``sentence`` states ``quantity`` (a long sentence can hold
    several figures, and a word far from this one says nothing of it); the whole sentence when
    the figure is written in words ("half") and cannot be placed."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    windows = []
    for number in _NUMBER.finditer(sentence):
        # A little before the digits for a currency sign (US$, HK$), after them for a unit.
        around = sentence[max(0, number.start() - 4) : number.end() + 24]
        if quantity not in extract_quantities(around, words=True):
            continue
        at = next(i for i, (start, end) in enumerate(tokens) if start <= number.start() < end)
        low, high = max(0, at - NEAR_WORDS), min(len(tokens), at + NEAR_WORDS + 1)
        windows.append(sentence[tokens[low][0] : tokens[high - 1][1]])
    return " ".join(windows) or sentence


def _context(english: dict[str, str], pid: str, quantity: Quantity) -> set[str]:
    """Stems of the content words near ``quantity`` in the English of paragraph ``pid``: around
    it in the sentences that state it, else the whole paragraph."""
    text = english.get(pid, "")
    sentences = [s for s in split_sentences(text) if quantity in extract_quantities(s, words=True)]
    near = " ".join(_near(sentence, quantity) for sentence in sentences)
    words = _WORD.findall((near or text).lower())
    return {word[:5] for word in words if word not in _STOP}


def _same_thing(labels: list[str], context: dict[str, set[str]]) -> list[list[str]]:
    """The articles stating one value, grouped by whether they speak of the same thing: linked
    when the words around the value share a content word (25% "of sales" in two articles), apart
    when they do not (50% "of innovation resources" and 50% "of what US customers buy")."""
    groups: list[list[str]] = []
    for label in labels:
        linked = [g for g in groups if any(context[label] & context[other] for other in g)]
        merged = [label] + [member for g in linked for member in g]
        groups = [g for g in groups if g not in linked] + [merged]
    return [sorted(g, key=labels.index) for g in groups]


def _figures(briefs: dict[str, Brief]) -> list[FigureRow]:
    rows: dict[Quantity, dict[str, list[str]]] = {}
    for label, brief in briefs.items():
        for paragraph in brief.article.paragraphs:
            for quantity in sorted(extract_quantities(paragraph.original or paragraph.text)):
                if notable_quantity(quantity):
                    rows.setdefault(quantity, {}).setdefault(label, []).append(paragraph.id)
    _merge_partial_dates(rows)
    english = {
        label: {p.id: p.text for p in english_paragraphs(brief.article, brief.translation)}
        for label, brief in briefs.items()
    }
    split: list[tuple[Quantity, dict[str, list[str]]]] = []
    for quantity, stated in rows.items():
        if len(stated) < 2 or quantity.kind == "date":
            split.append((quantity, stated))
            continue
        context = {
            label: set().union(*(_context(english[label], pid, quantity) for pid in pids))
            for label, pids in stated.items()
        }
        for group in _same_thing(list(stated), context):
            split.append((quantity, {label: stated[label] for label in group}))
    ranked = sorted(split, key=lambda pair: -len(pair[1]))  # stable: ties keep text order
    return [
        FigureRow(value=format_quantity(q), kind=q.kind, stated_in=stated) for q, stated in ranked
    ]


def _merge_partial_dates(rows: dict[Quantity, dict[str, list[str]]]) -> None:
    """ "January 13" in one article and "January 13, 2026" in another are one date when no other
    year has that day."""
    for partial in [q for q in rows if q.kind == "date" and q.value.startswith("????-")]:
        day = partial.value[4:]
        full = [q for q in rows if q.kind == "date" and q.value[4:] == day and q is not partial]
        full = [q for q in full if not q.value.startswith("????")]
        if len(full) == 1:
            for label, paragraphs in rows.pop(partial).items():
                rows[full[0]].setdefault(label, []).extend(paragraphs)


def _entities(briefs: dict[str, Brief]) -> list[EntityRow]:
    rows: dict[str, EntityRow] = {}
    for label, brief in briefs.items():
        for entity in brief.summary.entities:
            key = entity.name.casefold().removeprefix("the ")
            row = rows.setdefault(key, EntityRow(name=entity.name, type=entity.type, named_in=[]))
            if label not in row.named_in:
                row.named_in.append(label)
    return sorted(rows.values(), key=lambda row: -len(row.named_in))


def _stems(text: str) -> set[str]:
    """What a key point is about, for finding candidates: stems of its content words, and its
    numbers."""
    words = {word[:5] for word in _WORD.findall(text.lower()) if word not in _STOP}
    return words | set(_NUMBER.findall(text))


def _candidates(points: dict[str, ClaimMention]) -> list[tuple[str, str]]:
    """Pairs of key points of different articles that share enough content words to perhaps make
    one claim, those sharing the rarest words first (a word every point has, "chips", says
    little), at most ``MAX_CANDIDATES``."""
    stems = {key: _stems(point.text) for key, point in points.items()}
    spread = Counter(stem for found in stems.values() for stem in found)
    weight = {stem: math.log(len(points) / count) for stem, count in spread.items()}
    scored = []
    for left, right in combinations(points, 2):
        if points[left].article == points[right].article:
            continue
        shared = stems[left] & stems[right]
        if len(shared) >= MIN_SHARED_STEMS:
            scored.append((-sum(weight[stem] for stem in shared), left, right))
    return [(left, right) for _, left, right in sorted(scored)[:MAX_CANDIDATES]]


def _groups(pairs: list[tuple[str, str]], order: list[str]) -> list[list[str]]:
    """Confirmed pairs as claims: a point joins a pair's group only when it was confirmed with
    every member (A~B and B~C do not make A~C), each group in key-point order."""
    confirmed = {frozenset(pair) for pair in pairs}
    groups: list[list[str]] = []
    for left, right in pairs:
        for group in groups:
            if left in group and right in group:
                break
            if left in group or right in group:
                new = right if left in group else left
                if all(frozenset((new, member)) in confirmed for member in group):
                    group.append(new)
                    break
        else:
            groups.append([left, right])
    return sorted((sorted(g, key=order.index) for g in groups), key=lambda g: order.index(g[0]))


def _claims(
    briefs: dict[str, Brief], backend: Backend, model: str, max_reasks: int
) -> tuple[list[SharedClaim], dict[str, list[ClaimMention]], list[CallRecord], int, list[str]]:
    """Code proposes pairs of key points that share content words; the model checks each pair in
    one short call (the 1.5B model asked to group them all at once put every point in two
    groups); points confirmed with each other form one claim."""
    points = {
        f"k{i}": mention
        for i, mention in enumerate(
            (
                ClaimMention(article=label, paragraph=point.paragraphs[0], text=point.text)
                for label, brief in briefs.items()
                for point in brief.summary.key_points
            ),
            start=1,
        )
    }
    calls: list[CallRecord] = []
    reasks = 0
    warnings: list[str] = []
    confirmed: list[tuple[str, str]] = []
    for left, right in _candidates(points):
        prompt = render(
            "compare",
            version=COMPARE_PROMPT_VERSION,
            left=embed_safely(points[left].text),
            right=embed_safely(points[right].text),
        )
        try:
            result = complete_structured(
                backend, prompt, SameClaimDraft, model=model, max_reasks=max_reasks, max_tokens=16
            )
        except ParseError as exc:
            calls += calls_spent(exc)
            reasks += reasks_spent(exc)
            warnings.append(f"claims {left} and {right} not checked: {exc.reason or exc}")
            continue
        calls += result.calls
        reasks += result.reasks
        if result.value.same_claim:
            confirmed.append((left, right))
    shared = [
        SharedClaim(mentions=[points[key] for key in group])
        for group in _groups(confirmed, list(points))
    ]
    grouped = {key for pair in confirmed for key in pair}
    only_in: dict[str, list[ClaimMention]] = {label: [] for label in briefs}
    for key, mention in points.items():
        if key not in grouped:
            only_in[mention.article].append(mention)
    return shared, only_in, calls, reasks, warnings


def compare_briefs(
    briefs: list[Brief],
    backend: Backend,
    *,
    model: str,
    max_reasks: int = 2,
    not_compared: Sequence[NotCompared] = (),
) -> Comparison:
    """Line up ``briefs`` (of one story): figures, entities and stances by code; shared claims by
    short model calls that check the pairs of key points code proposes. ``not_compared`` names
    the articles of the story that could not be briefed (``brief_each``).

    Raises:
        BackendError: the model could not be reached for the claim step (a pair it answers
            with nothing valid is left unchecked, with a warning).
    """
    labelled = {f"A{i}": brief for i, brief in enumerate(briefs, start=1)}
    shared, only_in, calls, reasks, warnings = _claims(labelled, backend, model, max_reasks)
    return Comparison(
        articles=[
            ComparedArticle(
                label=label,
                name=brief.article.name,
                outlet=brief.summary.outlet or brief.article.source,
                headline=brief.summary.headline,
                language=brief.article.language,
            )
            for label, brief in labelled.items()
        ],
        figures=_figures(labelled),
        entities=_entities(labelled),
        stance={
            label: StanceCell(
                label=brief.stance.label, target=brief.stance.target, evidence=brief.stance.evidence
            )
            for label, brief in labelled.items()
        },
        shared_claims=shared,
        only_in=only_in,
        not_compared=list(not_compared),
        warnings=warnings,
        meta=RunMeta.merge(
            model, [*(b.meta for b in briefs), RunMeta.from_calls(model, calls, reasks)]
        ),
    )
