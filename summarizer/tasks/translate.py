"""Paragraph-aligned translation with a glossary, chunking with context, and checks that trigger
one targeted re-ask per failing paragraph."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial

from summarizer.backends.base import Backend, Capabilities, Request
from summarizer.errors import ParseError
from summarizer.grounding.checks import (
    glossary_problems,
    length_problems,
    number_problems,
    refusal_problems,
    repetition_problems,
    untranslated_chinese,
)
from summarizer.grounding.dateline import with_site_name, without_datelines, without_site_names
from summarizer.grounding.people import document_people, enforce_people
from summarizer.grounding.places import place_problems
from summarizer.ingest import chunk_paragraphs
from summarizer.prompts import render
from summarizer.schemas import (
    Article,
    Check,
    CritiqueDraft,
    RunMeta,
    TranslatedParagraph,
    Translation,
)
from summarizer.structured.reask import (
    call_record,
    calls_spent,
    complete_structured,
    reasks_spent,
)
from summarizer.tasks.common import Progress, embed_safely, no_progress
from summarizer.tasks.consensus import SAMPLE_TEMPERATURE
from summarizer.tasks.options import Mode, PipelineOptions
from summarizer.tasks.replies import clean_plain_reply
from summarizer.tasks.translate_calls import (
    TranslationRun,
    piece_key,
    translate_chunk,
    translate_one,
)
from summarizer.tasks.translate_repair import RESAMPLE_TEMPERATURE, paragraph_problems, repair

CONTEXT_CHARS = 300

SPAN_PROMPT_VERSIONS = (2, 1)  # translate_span: the phrase alone, then in its sentence
SPAN_SAMPLES = 2  # then samples of the first, at a temperature that lets a reply stray from an echo
SPAN_SAMPLE_TEMPERATURE = 0.7


def default_mode(capabilities: Capabilities) -> Mode:
    """Chunks of paragraphs as JSON (fewer calls) for a model that returns aligned multi-paragraph
    JSON reliably; one paragraph per plain-text call for one that does not (the local model)."""
    return "chunks" if capabilities.multi_paragraph_json else "paragraphs"


def _refine(
    run: TranslationRun,
    items: list[tuple[str, str]],
    english: dict[str, str],
    before: str,
    after: str,
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
        improved = translate_one(run, key, sources[key], before, after, problems)
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
    run = TranslationRun(
        backend, model, options.glossary, options.max_reasks, mode, options.candidates
    )
    if article.language != "en":
        run.people = document_people([p.text for p in article.paragraphs], options.glossary)
    most = 1 if run.mode == "paragraphs" else None
    chunks = chunk_paragraphs(article.paragraphs, options.chunk_tokens, max_paragraphs=most)
    texts = {p.id: p.text for p in article.paragraphs}
    document = "\n".join(texts.values())
    order = article.paragraph_ids()
    english_parts: dict[str, list[str]] = {pid: [] for pid in order}
    pieces = Counter(piece.id for chunk in chunks for piece in chunk)
    for index, chunk in enumerate(chunks):
        on_progress("translate", index, len(chunks))
        items, datelines = without_datelines([(piece_key(p), p.text) for p in chunk])
        if index == 0 and article.title:
            items.insert(0, ("title", article.title))
        items, sites = without_site_names(items)
        first, last = order.index(chunk[0].id), order.index(chunk[-1].id)
        before = " ".join(texts[pid] for pid in order[max(0, first - 2) : first])[-CONTEXT_CHARS:]
        after = texts[order[last + 1]][:CONTEXT_CHARS] if last + 1 < len(order) else ""
        translated = translate_chunk(run, items, before, after)
        if options.refine:
            run.refined += _refine(run, items, translated, before, after)
        for key, source in items:
            english = repair(
                key,
                source,
                translated[key],
                run.glossary,
                partial(_retranslate, run, key, source, before, after),
                partial(_translate_span, run),
                partial(_translate_written_in, run, key, before, after),
                partial(_sample_anew, run, key, source, before, after),
                run.repairs,
                document,
            )
            english, unnamed = enforce_people(source, english, run.people)
            run.warnings += [f"{key}: name check: {problem}" for problem in unnamed]
            unplaced = place_problems(source, english, run.glossary)
            run.warnings += [f"{key}: place check: {problem}" for problem in unplaced]
            if key in sites:
                english = with_site_name(english, sites[key])
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


def _retranslate(
    run: TranslationRun,
    key: str,
    source: str,
    before: str,
    after: str,
    problems: list[str],
    seed: int,
    temperature: float = RESAMPLE_TEMPERATURE,
) -> str:
    """A re-ask or a sample for a paragraph that already has English; "" when the model gives
    none that parses (an empty reply, twice: seen on WMT21 for a re-ask). It is then no
    candidate, and the English it would have replaced stays: a failed repair must not lose a
    translated paragraph."""
    try:
        return translate_one(run, key, source, before, after, problems, seed, temperature)
    except ParseError as exc:
        run.calls.extend(calls_spent(exc))
        run.reasks += reasks_spent(exc)
        run.warnings.append(f"{key}: a re-ask gave no translation ({exc.reason}); not used")
        return ""


def _translate_written_in(
    run: TranslationRun, key: str, before: str, after: str, text: str, seed: int
) -> str:
    """A paragraph's source with names and figures written in English, translated as the first
    time was (no problems shown: the names and figures are in the text), or a sample of that
    when ``seed`` > 0; "" when the model gives none."""
    return _retranslate(run, key, text, before, after, [], seed)


def _sample_anew(
    run: TranslationRun, key: str, source: str, before: str, after: str, seed: int
) -> str:
    """A sample of the paragraph's first prompt (no problems shown) at the temperature of
    ``--candidates``' samples, numbered past those candidates (so it is a new one); "" when the
    model gives none."""
    seed += run.candidates - 1
    return _retranslate(run, key, source, before, after, [], seed, SAMPLE_TEMPERATURE)


def _translate_span(run: TranslationRun, span: str, context: str) -> str:
    """A few Chinese characters the paragraph's translation left, translated on their own:
    the phrase alone after three worked examples (translate_span@v2), and when that gives no
    English, the phrase in its sentence (v1); when neither does, ``SPAN_SAMPLES`` samples of
    v2 at ``SPAN_SAMPLE_TEMPERATURE``, the first with English kept.

    Of the 28 spans the local model left in the 300 WMT21 segments, v1 alone got English back
    for 6 (it echoed the Chinese, or wrote "White洋淀"), v2 for 23; v2 misses some that v1 gets
    (防汛抗旱指挥部 echoed), hence both, in that order. Three were left by both (院士, 哨,
    填报志愿): the likeliest reply echoes them, a less likely one may not."""
    english = ""
    tries = [(version, 0) for version in SPAN_PROMPT_VERSIONS]
    tries += [(SPAN_PROMPT_VERSIONS[0], seed) for seed in range(1, SPAN_SAMPLES + 1)]
    for version, seed in tries:
        prompt = render("translate_span", version=version, span=span, context=embed_safely(context))
        request = Request(
            run.model,
            prompt.messages,
            prompt.ref,
            max_tokens=24,
            temperature=SPAN_SAMPLE_TEMPERATURE if seed else 0.0,
            seed=seed,
        )
        completion = run.backend.complete(request)
        run.calls.append(call_record(prompt.ref, completion))
        lines = clean_plain_reply(completion.text).splitlines()  # none for an echo of the prompt
        english = lines[0] if lines else ""
        if english and not untranslated_chinese(english):
            break
    return english


def _assemble(
    article: Article, english_parts: dict[str, list[str]], run: TranslationRun
) -> Translation:
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
        ("no_repetition", repetition_problems),
        ("no_refusal", refusal_problems),
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
