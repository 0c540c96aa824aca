"""Paragraph-aligned translation with a glossary, chunking with context, and checks that trigger
one targeted re-ask per failing paragraph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from summarizer.backends.base import Backend, Capabilities, Request
from summarizer.errors import ParseError
from summarizer.grounding.checks import (
    glossary_problems,
    length_problems,
    number_problems,
    untranslated_chinese,
)
from summarizer.grounding.dateline import without_datelines
from summarizer.grounding.glossary import Glossary, Term
from summarizer.grounding.people import Person, document_people, enforce_people
from summarizer.ingest import Piece, chunk_paragraphs, estimate_tokens
from summarizer.prompts import RenderedPrompt, render
from summarizer.schemas import (
    Article,
    CallRecord,
    Check,
    CritiqueDraft,
    RunMeta,
    TranslatedParagraph,
    Translation,
    TranslationDraft,
)
from summarizer.structured.reask import Structured, call_record, complete_structured
from summarizer.tasks.common import Progress, embed_safely, no_progress
from summarizer.tasks.consensus import SAMPLE_TEMPERATURE, most_agreed
from summarizer.tasks.options import Mode, PipelineOptions
from summarizer.tasks.replies import clean_plain_reply
from summarizer.tasks.translate_repair import RepairLog, paragraph_problems, repair

CONTEXT_CHARS = 300
PLAIN_PROMPT_TOKENS = 80  # about 80 Chinese characters: one news sentence or two
# v2 (two worked examples) measured: chrF++ 43.1 vs 43.2 on 100 WMT21 segments
PLAIN_PROMPT_VERSION = 1


def default_mode(capabilities: Capabilities) -> Mode:
    """Chunks of paragraphs as JSON (fewer calls) for a model that returns aligned multi-paragraph
    JSON reliably; one paragraph per plain-text call for one that does not (the local model)."""
    return "chunks" if capabilities.multi_paragraph_json else "paragraphs"


@dataclass
class _Run:
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

    def names_in(self, text: str) -> list[Term]:
        """The glossary's terms in ``text``, then the document's people it names (one pinyin form
        each), so the prompt gives every paragraph the names it needs."""
        people = [
            Term(chinese=(p.chinese,), english=p.english, type="person")
            for p in self.people
            if p.chinese in text
        ]
        return self.glossary.terms_in(text) + people

    def record(self, result: Structured[TranslationDraft]) -> dict[str, str]:
        self.calls.extend(result.calls)
        self.reasks += result.reasks
        return {item.id: item.english.strip() for item in result.value.paragraphs}


def _piece_key(piece: Piece) -> str:
    return piece.id if piece.part == 0 else f"{piece.id}.{piece.part}"


def _expect_ids(expected: list[str]) -> Callable[[TranslationDraft], None]:
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

    return validate


def _translate_items(
    run: _Run,
    items: list[tuple[str, str]],
    before: str,
    after: str,
    problems: list[str] | None = None,
    seed: int = 0,
) -> dict[str, str]:
    """The items translated in one JSON call; ``seed`` > 0 asks for a sample at temperature (a
    candidate for the consensus: no re-ask, a sample that fails is no candidate), 0 for the
    model's likeliest reply."""
    expected = [key for key, _ in items]
    prompt = render(
        "translate",
        glossary=run.names_in("".join(text for _, text in items)),
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
            validate=_expect_ids(expected),
            temperature=SAMPLE_TEMPERATURE if seed else 0.0,
            seed=seed,
        )
    )


def _translate_plain(run: _Run, key: str, text: str, problems: list[str] | None = None) -> str:
    """One paragraph, plain text. No neighbouring text: measured on the 1.5B model, context
    paragraphs got translated along with the paragraph and once the instructions were echoed.

    A short paragraph with no glossary name gets the plainest prompt ("Translate into
    English:"): on short news sentences it beat the instructed prompt on the local model (eval
    runs in evals/runs/). The checks and their repairs apply the same way to either. With
    ``run.candidates`` > 1 (and no problems to fix) the reply is the consensus of the likeliest
    reply and samples (``tasks.consensus``).
    """
    if (
        not problems
        and not run.glossary.terms_in(text)
        and estimate_tokens(text) <= PLAIN_PROMPT_TOKENS
    ):
        prompt = render("translate_plain", version=PLAIN_PROMPT_VERSION, text=text)
    else:
        prompt = render(
            "translate_paragraph",
            glossary=run.names_in(text),
            context_before="",
            text=embed_safely(text),
            problems=problems or [],
        )
    english = ""
    for attempt in range(run.max_reasks + 1):
        english = _plain_reply(run, prompt, text, 0.0 if attempt == 0 else 0.4, attempt)
        if english:
            run.reasks += attempt
            break
    if not english:
        raise ParseError(
            f"{prompt.ref} on {run.model}: empty translation for {key}", reason="empty reply"
        )
    if problems or run.candidates == 1:
        return english
    samples = (
        _plain_reply(run, prompt, text, SAMPLE_TEMPERATURE, s) for s in range(1, run.candidates)
    )
    candidates = [english, *filter(None, samples)]  # an empty sample is no candidate
    return candidates[most_agreed(candidates)]


def _plain_reply(
    run: _Run, prompt: RenderedPrompt, text: str, temperature: float, seed: int
) -> str:
    limit = max(128, len(text) * 3)
    request = Request(
        run.model, prompt.messages, prompt.ref, temperature=temperature, max_tokens=limit, seed=seed
    )
    completion = run.backend.complete(request)
    run.calls.append(call_record(prompt.ref, completion))
    return clean_plain_reply(completion.text)


def _translate_one(
    run: _Run, key: str, text: str, before: str, after: str, problems: list[str] | None = None
) -> str:
    if run.mode == "paragraphs":
        return _translate_plain(run, key, text, problems)
    return _translate_items(run, [(key, text)], before, after, problems)[key]


def _translate_chunk(
    run: _Run, chunk: list[tuple[str, str]], before: str, after: str
) -> dict[str, str]:
    if run.mode == "paragraphs":
        return {key: _translate_plain(run, key, text) for key, text in chunk}
    english = _translate_items_or_singly(run, chunk, before, after)
    if run.candidates == 1:
        return english
    samples = []
    for seed in range(1, run.candidates):  # 0 is the likeliest reply
        try:
            samples.append(_translate_items(run, chunk, before, after, seed=seed))
        except ParseError:  # a sample that breaks the alignment is no candidate
            continue
    for key, _ in chunk:
        candidates = [english[key], *(s[key] for s in samples)]  # validated: all ids, none empty
        english[key] = candidates[most_agreed(candidates)]
    return english


def _translate_items_or_singly(
    run: _Run, chunk: list[tuple[str, str]], before: str, after: str
) -> dict[str, str]:
    try:
        return _translate_items(run, chunk, before, after)
    except ParseError as exc:
        if len(chunk) == 1:
            raise
        # The model merged or dropped paragraphs even after re-asks: go one paragraph at a time.
        run.warnings.append(
            f"chunk {chunk[0][0]}..{chunk[-1][0]} re-translated paragraph by paragraph: {exc.reason}"
        )
        result: dict[str, str] = {}
        for key, text in chunk:
            result.update(_translate_items(run, [(key, text)], before, after))
        return result


def _refine(
    run: _Run, items: list[tuple[str, str]], english: dict[str, str], before: str, after: str
) -> int:
    """Draft → critique → improve: only paragraphs the critique faults get a second translation.

    Returns how many paragraphs were improved.
    """
    prompt = render(
        "critique",
        glossary=run.glossary.terms_in("".join(text for _, text in items)),
        items=[
            {"id": k, "text": embed_safely(t), "english": embed_safely(english[k])}
            for k, t in items
        ],
    )
    result = complete_structured(
        run.backend,
        prompt,
        CritiqueDraft,
        model=run.model,
        max_reasks=run.max_reasks,
        max_tokens=600,
    )
    run.calls.extend(result.calls)
    run.reasks += result.reasks
    faulted: dict[str, list[str]] = {}
    for issue in result.value.issues:
        if issue.id in english:
            faulted.setdefault(issue.id, []).append(issue.problem)
    sources = dict(items)
    for key, problems in faulted.items():
        improved = _translate_one(run, key, sources[key], before, after, problems)
        # Keep the improvement only when it passes the code checks at least as well as the draft.
        if len(paragraph_problems(sources[key], improved, run.glossary)) <= len(
            paragraph_problems(sources[key], english[key], run.glossary)
        ):
            english[key] = improved
    return len(faulted)


def translate(
    article: Article,
    backend: Backend,
    *,
    model: str,
    options: PipelineOptions | None = None,
    on_progress: Progress = no_progress,
    on_paragraph: Callable[[TranslatedParagraph], None] | None = None,
) -> Translation:
    """Translate every paragraph of ``article`` into English, keeping ids and order.

    ``options.mode`` is ``"chunks"`` (JSON, several paragraphs a call) or ``"paragraphs"`` (plain
    text, one a call), by default chosen from the backend's capabilities (``default_mode``);
    ``options.refine`` asks the model to critique the draft and re-translates the faulted
    paragraphs (more calls; the eval harness shows whether it pays on a model);
    ``options.candidates`` > 1 translates each paragraph that many times (the likeliest reply and
    samples) and keeps the consensus (``tasks.consensus``). ``on_paragraph``
    gets each paragraph as soon as all of its pieces are translated and checked.

    Raises:
        ParseError: a paragraph could not be translated into valid output even alone.
    """
    options = options or PipelineOptions()
    mode = options.mode or default_mode(backend.capabilities)
    run = _Run(backend, model, options.glossary, options.max_reasks, mode, options.candidates)
    if article.language != "en":
        run.people = document_people([p.text for p in article.paragraphs], options.glossary)
    refine = options.refine
    chunk_tokens = options.chunk_tokens
    chunks = chunk_paragraphs(
        article.paragraphs, chunk_tokens, max_paragraphs=1 if run.mode == "paragraphs" else None
    )
    texts = {p.id: p.text for p in article.paragraphs}
    document = "\n".join(texts.values())
    order = article.paragraph_ids()
    english_parts: dict[str, list[str]] = {pid: [] for pid in order}
    pieces = Counter(piece.id for chunk in chunks for piece in chunk)
    for index, chunk in enumerate(chunks):
        on_progress("translate", index, len(chunks))
        items, datelines = without_datelines([(_piece_key(p), p.text) for p in chunk])
        if index == 0 and article.title:
            items.insert(0, ("title", article.title))
        first, last = order.index(chunk[0].id), order.index(chunk[-1].id)
        before = " ".join(texts[pid] for pid in order[max(0, first - 2) : first])[-CONTEXT_CHARS:]
        after = texts[order[last + 1]][:CONTEXT_CHARS] if last + 1 < len(order) else ""
        translated = _translate_chunk(run, items, before, after)
        if refine:
            run.refined += _refine(run, items, translated, before, after)
        for key, source in items:
            english = repair(
                key,
                source,
                translated[key],
                run.glossary,
                partial(_translate_one, run, key, source, before, after),
                partial(_translate_span, run),
                run.repairs,
                document,
            )
            english, unnamed = enforce_people(source, english, run.people)
            run.warnings += [f"{key}: name check: {problem}" for problem in unnamed]
            if key in datelines:
                english = f"{datelines[key].english} {english}"
            if key == "title":
                english_parts.setdefault("title", []).append(english)
            else:
                pid = key.split(".")[0]
                english_parts[pid].append(english)
                if on_paragraph is not None and len(english_parts[pid]) == pieces[pid]:
                    whole = " ".join(english_parts[pid])
                    on_paragraph(TranslatedParagraph(id=pid, source=texts[pid], text=whole))
    on_progress("translate", len(chunks), len(chunks))
    return _assemble(article, english_parts, run)


def _translate_span(run: _Run, span: str, context: str) -> str:
    """A few Chinese characters the paragraph's translation left, translated on their own."""
    prompt = render("translate_span", span=span, context=embed_safely(context))
    request = Request(model=run.model, messages=prompt.messages, prompt=prompt.ref, max_tokens=24)
    completion = run.backend.complete(request)
    run.calls.append(call_record(prompt.ref, completion))
    lines = clean_plain_reply(completion.text).splitlines()  # none for an echo of the prompt
    return lines[0] if lines else ""


def _assemble(article: Article, english_parts: dict[str, list[str]], run: _Run) -> Translation:
    paragraphs = [
        TranslatedParagraph(id=p.id, source=p.text, text=" ".join(english_parts[p.id]))
        for p in article.paragraphs
    ]
    checks = []
    for name, finder in (
        ("glossary_names", lambda s, e: glossary_problems(s, e, run.glossary)),
        ("numbers_preserved", number_problems),
        ("no_chinese_left", lambda s, e: [f"untranslated: {x}" for x in untranslated_chinese(e)]),
        ("length_plausible", length_problems),
    ):
        details = [f"{p.id}: {problem}" for p in paragraphs for problem in finder(p.source, p.text)]
        checks.append(Check(name=name, passed=not details, details=details))
    aligned = [p.id for p in paragraphs] == article.paragraph_ids() and all(
        p.text for p in paragraphs
    )
    checks.append(Check(name="paragraphs_aligned", passed=aligned))
    run.reasks += run.repairs.reasks
    warnings = (
        run.warnings
        + run.repairs.warnings
        + [f"translation check failed: {d}" for c in checks for d in c.details]
    )
    title = " ".join(english_parts.get("title", [])) or None
    return Translation(
        source_language=article.language,
        title=title,
        paragraphs=paragraphs,
        refined_paragraphs=run.refined,
        checks=checks,
        warnings=warnings,
        meta=RunMeta.from_calls(run.model, run.calls, run.reasks),
    )
