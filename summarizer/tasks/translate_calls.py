"""One model call's worth of translation, and the run state the calls share: a chunk of
paragraphs as JSON (hosted models), one paragraph as plain text (the local model), and the
samples that ``--candidates`` adds for the consensus choice (``tasks.consensus``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from summarizer.backends.base import Backend, Request
from summarizer.errors import ParseError
from summarizer.grounding.glossary import Glossary, Term
from summarizer.grounding.people import Person
from summarizer.grounding.places import places_in
from summarizer.ingest import Piece
from summarizer.ingest.injection import find_instructions
from summarizer.prompts import RenderedPrompt, render
from summarizer.schemas import CallRecord, TranslationDraft
from summarizer.structured.reask import (
    Structured,
    call_record,
    calls_spent,
    complete_structured,
    reasks_spent,
)
from summarizer.tasks.common import embed_safely
from summarizer.tasks.consensus import SAMPLE_TEMPERATURE, most_agreed
from summarizer.tasks.options import Mode
from summarizer.tasks.replies import clean_plain_reply, repeats_problems
from summarizer.tasks.translate_repair import RepairLog, wrong_facts

# v2 (two worked examples) measured: chrF++ 43.1 vs 43.2 on 100 WMT21 segments
PLAIN_PROMPT_VERSION = 1


@dataclass
class TranslationRun:
    """One article's translation in progress: its settings, and the calls, re-asks, warnings
    and repairs that every call adds to."""

    backend: Backend
    model: str
    glossary: Glossary
    max_reasks: int
    mode: Mode = "chunks"
    candidates: int = 1
    calls: list[CallRecord] = field(default_factory=list)
    reasks: int = 0
    refined: int = 0
    warnings: list[str] = field(default_factory=list)
    repairs: RepairLog = field(default_factory=RepairLog)
    people: tuple[Person, ...] = ()

    def names_in(self, text: str, problems: Sequence[str] = ()) -> list[Term]:
        """The glossary's terms in ``text``, then the document's people it names (one pinyin form
        each), so the prompt gives every paragraph the names it needs; and for a re-ask, each
        place in China one of its ``problems`` says the English does not name.

        Not every place a paragraph names: on the 300 WMT21 segments with the local model
        (eighteenth session, each run with samples for a missing place), the place entries in
        every instructed prompt and re-ask changed the English of paragraphs re-asked for other
        problems, or not re-asked at all: chrF++ 46.23 (evals/runs/places), in every re-ask 46.19
        (places-reask), only where a problem names the place 46.26 (places-missing), against
        46.29 without a place check (seventeenth); the last without the samples (shipped) 46.35
        (eighteenth).
        """
        people = [
            Term(chinese=(p.chinese,), english=p.english, type="person")
            for p in self.people
            if p.chinese in text
        ]
        missing = [
            Term(chinese=(p.chinese,), english=p.english, type="place")
            for p in places_in(text, self.glossary)
            if any(p.chinese in problem for problem in problems)
        ]
        return self.glossary.terms_in(text) + people + missing

    def record(self, result: Structured[TranslationDraft]) -> dict[str, str]:
        self.calls.extend(result.calls)
        self.reasks += result.reasks
        return {item.id: item.english.strip() for item in result.value.paragraphs}


def piece_key(piece: Piece) -> str:
    """A piece's id in prompts and replies: the paragraph id, with ``.N`` for its later parts."""
    return piece.id if piece.part == 0 else f"{piece.id}.{piece.part}"


def _expect_ids(
    expected: list[str], problems: Sequence[str] = ()
) -> Callable[[TranslationDraft], None]:
    """The reply's checks before any other: one translation per id, in order, none empty, and,
    in a re-ask, none that says the ``problems`` back instead of translating (``replies.
    repeats_problems``; the plain-text path treats such a reply as none)."""

    def validate(draft: TranslationDraft) -> None:
        got = [item.id for item in draft.paragraphs]
        if got != expected:
            raise ValueError(
                f"expected exactly one translation for each of the ids {', '.join(expected)} in "
                f"that order, got {', '.join(got) or 'none'}; do not merge, split or skip paragraphs"
            )
        empty = [item.id for item in draft.paragraphs if not item.english.strip()]
        if empty:
            raise ValueError(f"empty translation for {', '.join(empty)}")
        echoes = [item.id for item in draft.paragraphs if repeats_problems(item.english, problems)]
        if echoes:
            raise ValueError(
                f"the English of {', '.join(echoes)} repeats the problems instead of translating: "
                "reply with the translation alone"
            )

    return validate


def _translate_items(
    run: TranslationRun,
    items: list[tuple[str, str]],
    before: str,
    after: str,
    problems: list[str] | None = None,
    seed: int = 0,
    temperature: float = SAMPLE_TEMPERATURE,
) -> dict[str, str]:
    """The items translated in one JSON call; ``seed`` > 0 asks for a sample at ``temperature``
    (a candidate for the consensus: no re-ask, a sample that fails is no candidate), 0 for the
    model's likeliest reply."""
    expected = [key for key, _ in items]
    prompt = render(
        "translate",
        glossary=run.names_in("".join(text for _, text in items), problems or ()),
        context_before=embed_safely(before),
        context_after=embed_safely(after),
        items=[{"id": key, "text": embed_safely(text)} for key, text in items],
    )
    if problems:
        fix = render("reask", error="; ".join(problems))
        prompt = type(prompt)(prompt.id, prompt.version, prompt.messages + fix.messages)
    max_tokens = max(256, sum(len(text) for _, text in items) * 3)
    return run.record(
        complete_structured(
            run.backend,
            prompt,
            TranslationDraft,
            model=run.model,
            max_reasks=0 if seed else run.max_reasks,
            max_tokens=max_tokens,
            validate=_expect_ids(expected, problems or ()),
            temperature=temperature if seed else 0.0,
            seed=seed,
        )
    )


def _translate_plain(
    run: TranslationRun,
    key: str,
    text: str,
    problems: list[str] | None = None,
    seed: int = 0,
    temperature: float = SAMPLE_TEMPERATURE,
) -> str:
    """One paragraph, plain text. No neighbouring text: measured on the 1.5B model, context
    paragraphs got translated along with the paragraph and once the instructions were echoed.

    A paragraph that names no glossary name but places gets the plainest prompt ("Translate
    into English:"); one that names a person, firm or body of the glossary gets the instructed
    prompt with those entries, and so does a paragraph with a sentence addressed to an AI model
    (the instructed prompt tells the model the text is data). On the local model, all 300 WMT21
    segments (fifteenth session, evals/runs/day-names, plain-any-length, plain-for-places): the
    plain prompt for short sentences only (80 tokens, no glossary name at all) scored chrF++
    45.50; for any length, 45.70 (15 segments changed, 11 for the better); and also where the
    only names are places
    (which the glossary check does not enforce), 46.00 (p = 0.015 against 45.50; 0.98 above the
    plain prompt's run, p = 0.003), numbers kept 0.955 → 0.966, and the one Chinese word left
    (院士) translated. Three hand-written worked examples as earlier chat turns
    (translate_plain@v2, fourteenth session, template in evals/runs/plain-examples/) scored
    chrF++ 45.28 against 45.14 on WMT21 (chance) and 51.14 against 51.92 on the seeds (p = 0.08),
    so the plain prompt stays bare. The checks and their repairs apply the same way to either. With
    ``run.candidates`` > 1 (and no problems to fix) the reply is the consensus of the likeliest
    reply and samples (``tasks.consensus``).
    """
    if (
        not problems
        and all(term.type == "place" for term in run.glossary.terms_in(text))
        and not find_instructions(text)
    ):
        prompt = render("translate_plain", version=PLAIN_PROMPT_VERSION, text=text)
    else:
        prompt = render(
            "translate_paragraph",
            glossary=run.names_in(text, problems or ()),
            context_before="",
            text=embed_safely(text),
            problems=problems or [],
        )
    english, echoed = "", False
    for attempt in range(run.max_reasks + 1):
        heat = temperature if seed else 0.0 if attempt == 0 else 0.4
        english = _plain_reply(run, prompt, text, heat, seed + attempt)
        if english and repeats_problems(english, problems or ()):
            english, echoed = "", True
        if english:
            run.reasks += attempt
            break
    if not english:
        reason = "the reply repeats the problems" if echoed else "empty reply"
        raise ParseError(
            f"{prompt.ref} on {run.model}: no translation for {key} ({reason})", reason=reason
        )
    if problems or seed or run.candidates == 1:
        return english
    samples = (
        _plain_reply(run, prompt, text, SAMPLE_TEMPERATURE, s) for s in range(1, run.candidates)
    )
    candidates = [english, *filter(None, samples)]  # an empty sample is no candidate
    return candidates[_consensus(run, text, candidates)]


def _plain_reply(
    run: TranslationRun, prompt: RenderedPrompt, text: str, temperature: float, seed: int
) -> str:
    limit = max(128, len(text) * 3)
    request = Request(
        run.model, prompt.messages, prompt.ref, temperature=temperature, max_tokens=limit, seed=seed
    )
    completion = run.backend.complete(request)
    run.calls.append(call_record(prompt.ref, completion))
    return clean_plain_reply(completion.text)


def translate_one(
    run: TranslationRun,
    key: str,
    text: str,
    before: str,
    after: str,
    problems: list[str] | None = None,
    seed: int = 0,
    temperature: float = SAMPLE_TEMPERATURE,
) -> str:
    """One paragraph again, alone; ``problems`` are the checks it failed, shown to the model.
    ``seed`` > 0 asks for a sample at ``temperature`` instead of the likeliest reply."""
    if run.mode == "paragraphs":
        return _translate_plain(run, key, text, problems, seed, temperature)
    return _translate_items(run, [(key, text)], before, after, problems, seed, temperature)[key]


def translate_chunk(
    run: TranslationRun, chunk: list[tuple[str, str]], before: str, after: str
) -> dict[str, str]:
    """English for each ``(key, text)`` of a chunk, ``before`` and ``after`` shown as context:
    one JSON call (or one per paragraph if the model breaks the alignment), or one plain call
    per paragraph; with ``candidates`` > 1, the consensus of that many replies per paragraph."""
    if run.mode == "paragraphs":
        return {key: _translate_plain(run, key, text) for key, text in chunk}
    english = _translate_items_or_singly(run, chunk, before, after)
    if run.candidates == 1:
        return english
    samples = []
    for seed in range(1, run.candidates):  # 0 is the likeliest reply
        try:
            samples.append(_translate_items(run, chunk, before, after, seed=seed))
        except ParseError as exc:  # a sample that breaks the alignment is no candidate
            run.calls.extend(calls_spent(exc))
    for key, text in chunk:
        candidates = [english[key], *(s[key] for s in samples)]  # validated: all ids, none empty
        english[key] = candidates[_consensus(run, text, candidates)]
    return english


def _consensus(run: TranslationRun, source: str, candidates: list[str]) -> int:
    """The candidate most agreed with among those that get the most names and numbers right
    (the fewest ``wrong_facts``: glossary names and the source's figures); the checks and their
    repairs then act on it, as on a single reply.

    On the 300 WMT21 segments with the local model (twenty-fifth session, all in one eval run of
    the same samples): agreement alone chose samples that dropped a figure the greedy reply kept
    (numbers kept 0.974, chrF++ 47.34, `consensus-wrapper-lines`); this choice keeps 0.989 at
    chrF++ 47.16 (`consensus-facts`; against the plain prompt's 45.02, +2.14). Counting every
    check instead (places, people, length) chose worse English for no gain in figures (chrF++
    47.04, numbers 0.982). No candidate of segment 1916 writes 中央广播电视总台 as the
    glossary's China Media Group, so that name stays missing (and flagged) in every variant."""
    wrong = [len(wrong_facts(source, candidate, run.glossary)) for candidate in candidates]
    fewest = min(wrong)
    return most_agreed(candidates, [count == fewest for count in wrong])


def _translate_items_or_singly(
    run: TranslationRun, chunk: list[tuple[str, str]], before: str, after: str
) -> dict[str, str]:
    try:
        return _translate_items(run, chunk, before, after)
    except ParseError as exc:
        if len(chunk) == 1:
            raise
        run.calls.extend(calls_spent(exc))
        run.reasks += reasks_spent(exc)
        # The model merged or dropped paragraphs even after re-asks: go one paragraph at a time.
        run.warnings.append(
            f"chunk {chunk[0][0]}..{chunk[-1][0]} re-translated paragraph by paragraph: {exc.reason}"
        )
        result: dict[str, str] = {}
        for key, text in chunk:
            result.update(_translate_items(run, [(key, text)], before, after))
        return result
