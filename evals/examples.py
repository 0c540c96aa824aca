"""One example to one record: translation documents, summaries and stance labels, each through
the pipeline or the naive one-prompt baseline. A failure is a record with ``ok: false`` and an
empty output, never a missing row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.claims import CLAIM_METRICS, score_claims
from evals.datasets import CompareRef, Segment, StanceRef, SummaryRef
from evals.meter import MeteredBackend
from evals.metrics import entity_name_accuracy, key_point_recall, quote_matches, rouge_l
from summarizer.backends.base import Request
from summarizer.errors import SummarizerError
from summarizer.grounding.checks import normalize_for_match
from summarizer.ingest import article_from_text, load_article
from summarizer.ingest.language import detect_language
from summarizer.prompts import render
from summarizer.redact import redact
from summarizer.schemas import Article, Paragraph
from summarizer.structured.parse import extract_json
from summarizer.tasks.brief import english_paragraphs, make_brief
from summarizer.tasks.options import PipelineOptions
from summarizer.tasks.stance import label_stance
from summarizer.tasks.translate import translate


@dataclass
class RunContext:
    model: str
    variant: str
    backend: MeteredBackend
    options: PipelineOptions


def _naive_call(ctx: RunContext, prompt_id: str, **variables: Any) -> str:
    prompt = render(prompt_id, **variables)
    request = Request(model=ctx.model, messages=prompt.messages, prompt=prompt.ref, max_tokens=2048)
    return ctx.backend.complete(request).text


def _base(ctx: RunContext, task: str, example_id: str) -> dict[str, Any]:
    return {"task": task, "id": example_id, "model": ctx.model, "variant": ctx.variant}


def _doc_article(doc: str, segments: list[Segment]) -> Article:
    paragraphs = [Paragraph(id=f"p{i}", text=s.zh) for i, s in enumerate(segments, start=1)]
    return Article(
        name=doc,
        language=detect_language("\n".join(s.zh for s in segments)),
        script="none",
        encoding="utf-8",
        paragraphs=paragraphs,
    )


def translation_record(ctx: RunContext, doc: str, segments: list[Segment]) -> dict[str, Any]:
    """A document's segments, translated together (pipeline) or one plain prompt each (naive);
    scored segment by segment."""
    record = _base(ctx, "translation", doc)
    meter = ctx.backend.start()
    outputs = [""] * len(segments)
    try:
        if ctx.variant == "naive":
            for index, segment in enumerate(segments):
                outputs[index] = _naive_call(ctx, "naive_translate", text=segment.zh).strip()
        else:
            result = translate(
                _doc_article(doc, segments), ctx.backend, model=ctx.model, options=ctx.options
            )
            outputs = [p.text for p in result.paragraphs]
            record["reasks"] = result.meta.reasks
        record["ok"] = True
    except SummarizerError as exc:
        record.update(ok=False, error=redact(str(exc)))
        outputs = [""] * len(segments)
    record["segments"] = [
        {"id": s.id, "source": s.zh, "reference": s.en, "output": out}
        for s, out in zip(segments, outputs, strict=True)
    ]
    record.update(meter.as_dict())
    return record


def _naive_brief(ctx: RunContext, article: Article, target: str | None) -> dict[str, Any]:
    text = "\n".join(p.text for p in article.paragraphs)
    data = extract_json(_naive_call(ctx, "naive", text=text, target=target))
    if not isinstance(data, dict):
        raise SummarizerError("naive reply is not a JSON object")
    points = data.get("key_points")
    return {
        "headline": str(data.get("headline", "")),
        "key_points": [str(p) for p in points] if isinstance(points, list) else [],
        "entities": [],
        "stance": str(data.get("stance", "")).strip().lower(),
        "evidence": [],
    }


def summary_record(ctx: RunContext, ref: SummaryRef, target: str | None) -> dict[str, Any]:
    record = _base(ctx, "summary", ref.id)
    reference = {
        "headline": ref.headline,
        "key_points": ref.key_points,
        "entities": [e["name"] for e in ref.entities],
    }
    meter = ctx.backend.start()
    try:
        article = load_article(ref.article, name=ref.id)
        record["source"] = _source_text(article)
        if ctx.variant == "naive":
            output = _naive_brief(ctx, article, target)
        else:
            brief = make_brief(
                article, ctx.backend, model=ctx.model, options=ctx.options, target=target
            )
            summary = brief.summary
            dropped = next(
                (len(c.details) for c in summary.checks if c.name == "figures_in_source"), 0
            )
            output = {
                "headline": summary.headline,
                "tldr": summary.tldr,
                "genre": summary.genre,
                "key_points": [k.text for k in summary.key_points],
                "entities": [e.name for e in summary.entities],
                "stance": brief.stance.label,
                "evidence": [e.quote for e in brief.stance.evidence],
            }
            proposed = [f for f in summary.figures if f.found_by == "model"]
            total = len(proposed) + dropped
            record.update(
                reasks=brief.meta.reasks,
                figure_faithfulness=len(proposed) / total if total else None,
                entity_name_accuracy=entity_name_accuracy(
                    output["entities"], reference["entities"]
                ),
            )
        hypothesis = " ".join([output["headline"], *output["key_points"]])
        record.update(
            ok=True,
            output=output,
            rouge_l=rouge_l(hypothesis, " ".join([ref.headline, *ref.key_points])),
            key_point_recall=key_point_recall(output["key_points"], ref.key_points),
        )
    except SummarizerError as exc:
        record.update(ok=False, error=redact(str(exc)), output=None, rouge_l=0.0)
        record.update(key_point_recall=0.0)
        if ctx.variant != "naive":
            record.update(entity_name_accuracy=0.0)
    record["reference"] = reference
    record.update(meter.as_dict())
    return record


def _source_text(article: Article, limit: int = 20_000) -> str:
    """The cleaned article with its paragraph ids, for the report's detail view."""
    return "\n".join(f"{p.id}\t{p.text}" for p in article.paragraphs)[:limit]


def _reference_paragraphs(article: Article, sentences: list[str]) -> dict[str, list[str]]:
    """Each paragraph id that holds a hand-written justifying sentence, with those sentences."""
    found: dict[str, list[str]] = {}
    for sentence in sentences:
        needle = normalize_for_match(sentence)
        for paragraph in article.paragraphs:
            if needle and needle in normalize_for_match(paragraph.text):
                found.setdefault(paragraph.id, []).append(sentence)
                break
    return found


def _score_evidence(
    evidence: list[dict[str, str]], reference: dict[str, list[str]]
) -> dict[str, Any]:
    """How many quotes show what a justifying sentence shows, and how many of those sentences
    some quote found."""
    matched, hit = 0, set()
    for quote in evidence:
        for sentence in reference.get(quote["paragraph"], []):
            if quote_matches(quote["quote"], sentence, quote["source"] == "source"):
                matched += 1
                hit.add(sentence)
                break
    sentences = sum(len(v) for v in reference.values())
    return {
        "evidence_matched": matched,
        "evidence_precision": matched / len(evidence) if evidence else 0.0,
        "evidence_recall": len(hit) / sentences if sentences else None,
    }


def stance_record(ctx: RunContext, ref: StanceRef) -> dict[str, Any]:
    record = _base(ctx, "stance", ref.id)
    record.update(gold=ref.label, target=ref.target, reference_evidence=ref.evidence)
    meter = ctx.backend.start()
    try:
        article = (
            load_article(ref.article, name=ref.id)
            if ref.article
            else article_from_text(ref.text or "", name=ref.id)
        )
        record["source"] = _source_text(article)
        if ctx.variant == "naive":
            output = _naive_brief(ctx, article, ref.target)
            record.update(predicted=output["stance"] or None, evidence=[])
        else:
            translation = None
            if article.language in ("zh", "mixed"):
                translation = translate(article, ctx.backend, model=ctx.model, options=ctx.options)
            stance = label_stance(
                article,
                english_paragraphs(article, translation),
                ctx.backend,
                model=ctx.model,
                target=ref.target,
                title=translation.title if translation else article.title,
                max_reasks=ctx.options.max_reasks,
            )
            dropped = len(stance.checks[0].details) if stance.checks else 0
            proposed = len(stance.evidence) + dropped
            evidence = [e.model_dump() for e in stance.evidence]
            record.update(
                predicted=stance.label,
                rationale=stance.rationale,
                evidence=evidence,
                evidence_verified=len(stance.evidence) / proposed if proposed else None,
                target_kept=stance.target == ref.target,
            )
            if ref.evidence:
                record.update(
                    _score_evidence(evidence, _reference_paragraphs(article, ref.evidence))
                )
        record["ok"] = True
    except SummarizerError as exc:
        record.update(ok=False, error=redact(str(exc)), predicted=None, evidence=[])
        if ref.evidence and ctx.variant != "naive":
            record.update(evidence_precision=0.0, evidence_recall=0.0)
    record.update(meter.as_dict())
    return record


def _figure_pairs(rows: list[tuple[str, dict[str, list[str]]]]) -> set[tuple[str, str]]:
    """(figure, article) for every figure stated by two or more articles."""
    return {
        (value, article) for value, stated_in in rows if len(stated_in) > 1 for article in stated_in
    }


def compare_record(ctx: RunContext, ref: CompareRef) -> dict[str, Any]:
    """Brief every article (cached when the summaries ran), compare them, and score the figures
    more than one article states, and each stance, against the hand-written comparison."""
    from summarizer.tasks.compare import brief_each, compare_briefs

    record = _base(ctx, "compare", ref.id)
    meter = ctx.backend.start()
    try:
        if ctx.variant == "naive":
            raise SummarizerError("the naive baseline has no comparison")
        briefs, not_compared = brief_each(
            list(ref.articles),
            lambda key: make_brief(
                load_article(ref.articles[key], name=key),
                ctx.backend,
                model=ctx.model,
                options=ctx.options,
                target=ref.target,
            ),
        )
        left_out = {n.name for n in not_compared}
        keys = [key for key in ref.articles if key not in left_out]
        result = compare_briefs(
            briefs,
            ctx.backend,
            model=ctx.model,
            max_reasks=ctx.options.max_reasks,
            not_compared=not_compared,
        )
        label_to_key = {f"A{i}": key for i, key in enumerate(keys, start=1)}
        found = _figure_pairs(
            [
                (row.value, {label_to_key[a]: p for a, p in row.stated_in.items()})
                for row in result.figures
            ]
        )
        expected = _figure_pairs([(f["value"], f["stated_in"]) for f in ref.shared_figures])
        # An article left out scores as a stance missed (and its figures and claims as missed).
        key_to_label = {key: label for label, key in label_to_key.items()}
        agree = [
            key in key_to_label and result.stance[key_to_label[key]].label == ref.stances[key]
            for key in ref.articles
        ]
        groups = [
            [(label_to_key[m.article], m.paragraph) for m in claim.mentions]
            for claim in result.shared_claims
        ]
        only_in = [
            (label_to_key[label], m.paragraph)
            for label, mentions in result.only_in.items()
            for m in mentions
        ]
        claims = score_claims(groups, only_in, ref.shared_claims, ref.unique_claims)
        record.update(
            ok=True,
            figure_pairs_found=sorted(found),
            figure_pairs_expected=sorted(expected),
            figure_alignment_precision=len(found & expected) / len(found) if found else 0.0,
            figure_alignment_recall=len(found & expected) / len(expected) if expected else None,
            compare_stance_agreement=sum(agree) / len(agree),
            not_compared={n.name: n.error for n in not_compared},
            shared_claims=len(result.shared_claims),
            claim_groups_found=groups,
            only_in_found=only_in,
            **(claims.as_record() if ref.shared_claims else {}),
        )
    except SummarizerError as exc:
        record.update(ok=False, error=redact(str(exc)))
        record.update(figure_alignment_precision=0.0, figure_alignment_recall=0.0)
        record.update(compare_stance_agreement=0.0)
        if ref.shared_claims:  # a failure scores zero
            record.update(dict.fromkeys(CLAIM_METRICS, 0.0))
    record.update(meter.as_dict())
    return record
