"""``eval run``: every example through the real pipeline (and the naive baseline), scored."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.datasets import Dataset, Segment, StanceRef, SummaryRef
from evals.metrics import (
    corpus_bleu,
    corpus_chrf_pp,
    entity_name_accuracy,
    figure_faithfulness,
    glossary_accuracy,
    key_point_recall,
    mean,
    number_preservation,
    rouge_l,
    stance_scores,
)
from summarizer import __version__
from summarizer.backends.base import Backend, Request
from summarizer.config import Settings
from summarizer.errors import SummarizerError
from summarizer.grounding.glossary import Glossary, load_glossary
from summarizer.ingest import article_from_text, load_article
from summarizer.ingest.language import detect_language
from summarizer.prompts import render
from summarizer.redact import redact
from summarizer.schemas import Article, Paragraph, RunMeta
from summarizer.structured.parse import extract_json
from summarizer.tasks.brief import english_paragraphs, make_brief
from summarizer.tasks.options import PipelineOptions
from summarizer.tasks.stance import label_stance
from summarizer.tasks.translate import translate

VARIANTS = ("pipeline", "naive")
Progress = Callable[[str], None]


@dataclass
class RunContext:
    model: str
    variant: str
    backend: Backend
    settings: Settings
    options: PipelineOptions


def _meta_fields(meta: RunMeta) -> dict[str, Any]:
    return {
        "calls": meta.calls,
        "cached_calls": meta.cached_calls,
        "reasks": meta.reasks,
        "tokens": meta.prompt_tokens + meta.completion_tokens,
        "cost_usd": meta.cost_usd,
        "latency_s": meta.latency_s,
        "prompts": meta.prompts,
    }


def _naive_call(ctx: RunContext, prompt_id: str, **variables: Any) -> tuple[str, dict[str, Any]]:
    prompt = render(prompt_id, **variables)
    request = Request(model=ctx.model, messages=prompt.messages, prompt=prompt.ref, max_tokens=2048)
    completion = ctx.backend.complete(request)
    meta = {
        "calls": 1,
        "cached_calls": int(completion.cached),
        "reasks": 0,
        "tokens": completion.prompt_tokens + completion.completion_tokens,
        "cost_usd": completion.cost_usd,
        "latency_s": completion.latency_s,
        "prompts": [prompt.ref],
    }
    return completion.text, meta


def _doc_article(doc: str, segments: list[Segment]) -> Article:
    paragraphs = [Paragraph(id=f"p{i}", text=s.zh) for i, s in enumerate(segments, start=1)]
    text = "\n".join(s.zh for s in segments)
    return Article(
        name=doc,
        language=detect_language(text),
        script="none",
        encoding="utf-8",
        paragraphs=paragraphs,
    )


def _translation_doc(ctx: RunContext, doc: str, segments: list[Segment]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "task": "translation",
        "id": doc,
        "model": ctx.model,
        "variant": ctx.variant,
    }
    reference = "\n".join(s.en for s in segments)
    source = "\n".join(s.zh for s in segments)
    try:
        if ctx.variant in ("pipeline", "refine"):
            result = translate(
                _doc_article(doc, segments),
                ctx.backend,
                model=ctx.model,
                options=ctx.options,
            )
            hypothesis = "\n".join(p.text for p in result.paragraphs)
            record.update(_meta_fields(result.meta))
        else:
            hypothesis, meta = _naive_call(ctx, "naive_translate", text=source)
            record.update(meta)
        record.update(ok=True, output=hypothesis)
    except SummarizerError as exc:
        record.update(ok=False, error=redact(str(exc)), output="")
    record.update(source=source, reference=reference)
    return record


def _naive_brief(
    ctx: RunContext, article: Article, target: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    text = "\n".join(p.text for p in article.paragraphs)
    reply, meta = _naive_call(ctx, "naive", text=text, target=target)
    data = extract_json(reply)
    if not isinstance(data, dict):
        raise SummarizerError("naive reply is not a JSON object")
    points = data.get("key_points")
    output = {
        "headline": str(data.get("headline", "")),
        "key_points": [str(p) for p in points] if isinstance(points, list) else [],
        "entities": [],
        "stance": str(data.get("stance", "")).strip().lower(),
        "evidence": [],
    }
    return output, meta


def _summary_example(ctx: RunContext, ref: SummaryRef, target: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "task": "summary",
        "id": ref.id,
        "model": ctx.model,
        "variant": ctx.variant,
    }
    reference = {
        "headline": ref.headline,
        "key_points": ref.key_points,
        "entities": [e["name"] for e in ref.entities],
    }
    try:
        article = load_article(ref.article, name=ref.id)
        if ctx.variant != "naive":
            brief = make_brief(
                article,
                ctx.backend,
                model=ctx.model,
                options=ctx.options,
                target=target,
            )
            summary = brief.summary
            dropped = next(
                (len(c.details) for c in summary.checks if c.name == "figures_in_source"), 0
            )
            output = {
                "headline": summary.headline,
                "key_points": [k.text for k in summary.key_points],
                "entities": [e.name for e in summary.entities],
                "stance": brief.stance.label,
                "evidence": [e.quote for e in brief.stance.evidence],
            }
            record.update(
                _meta_fields(brief.meta),
                figure_faithfulness=figure_faithfulness(len(summary.figures), dropped),
            )
        else:
            output, meta = _naive_brief(ctx, article, target)
            record.update(meta, figure_faithfulness=None)
        hyp = " ".join([str(output["headline"]), *output["key_points"]])
        gold = " ".join([ref.headline, *ref.key_points])
        record.update(
            ok=True,
            output=output,
            rouge_l=rouge_l(hyp, gold),
            key_point_recall=key_point_recall(output["key_points"], ref.key_points),
            entity_name_accuracy=entity_name_accuracy(output["entities"], reference["entities"])
            if ctx.variant != "naive"
            else None,
        )
    except SummarizerError as exc:
        record.update(ok=False, error=redact(str(exc)))
    record["reference"] = reference
    return record


def _stance_example(ctx: RunContext, ref: StanceRef) -> dict[str, Any]:
    record: dict[str, Any] = {
        "task": "stance",
        "id": ref.id,
        "model": ctx.model,
        "variant": ctx.variant,
        "gold": ref.label,
        "target": ref.target,
    }
    try:
        article = (
            load_article(ref.article, name=ref.id)
            if ref.article
            else article_from_text(ref.text or "", name=ref.id)
        )
        if ctx.variant != "naive":
            translation = None
            if article.language in ("zh", "mixed"):
                translation = translate(
                    article,
                    ctx.backend,
                    model=ctx.model,
                    options=ctx.options,
                )
            stance = label_stance(
                article,
                english_paragraphs(article, translation),
                ctx.backend,
                model=ctx.model,
                target=ref.target,
                max_reasks=ctx.options.max_reasks,
            )
            dropped = len(stance.checks[0].details) if stance.checks else 0
            proposed = len(stance.evidence) + dropped
            metas = [m for m in (translation.meta if translation else None, stance.meta) if m]
            record.update(
                _meta_fields(RunMeta.merge(ctx.model, metas)),
                predicted=stance.label,
                evidence=[e.quote for e in stance.evidence],
                evidence_verified=len(stance.evidence) / proposed if proposed else None,
                target_kept=stance.target == ref.target,
            )
        else:
            output, meta = _naive_brief(ctx, article, ref.target)
            record.update(meta, predicted=output["stance"], evidence=[], evidence_verified=None)
        record["ok"] = True
    except SummarizerError as exc:
        record.update(ok=False, error=redact(str(exc)), predicted=None)
    return record


def run_examples(dataset: Dataset, ctx: RunContext, progress: Progress) -> list[dict[str, Any]]:
    records = []
    docs: dict[str, list[Segment]] = {}
    for segment in dataset.translation:
        docs.setdefault(segment.doc, []).append(segment)
    stance_by_id = {s.id: s for s in dataset.stance}
    for doc, segments in docs.items():
        progress(f"{ctx.model} {ctx.variant} translation {doc}")
        records.append(_translation_doc(ctx, doc, segments))
    for ref in dataset.summary:
        progress(f"{ctx.model} {ctx.variant} summary {ref.id}")
        target = stance_by_id[ref.id].target if ref.id in stance_by_id else None
        records.append(_summary_example(ctx, ref, target))
    for stance_ref in dataset.stance:
        progress(f"{ctx.model} {ctx.variant} stance {stance_ref.id}")
        records.append(_stance_example(ctx, stance_ref))
    for record in records:
        record["dataset"] = dataset.name
    return records


def aggregate(records: list[dict[str, Any]], glossary: Glossary) -> dict[str, Any]:
    """Totals for one (model, variant) over its records."""
    ok = [r for r in records if r["ok"]]
    translations = [r for r in ok if r["task"] == "translation"]
    summaries = [r for r in ok if r["task"] == "summary"]
    stances = [r for r in records if r["task"] == "stance"]
    totals: dict[str, Any] = {
        "examples": len(records),
        "valid_output_rate": len(ok) / len(records) if records else None,
    }
    if translations:
        hyps = [r["output"] for r in translations]
        refs = [r["reference"] for r in translations]
        srcs = [r["source"] for r in translations]
        totals.update(
            chrf_pp=corpus_chrf_pp(hyps, refs),
            bleu=corpus_bleu(hyps, refs),
            glossary_accuracy=glossary_accuracy(srcs, hyps, glossary),
            number_preservation=number_preservation(srcs, hyps),
        )
    if summaries:
        for key in ("rouge_l", "key_point_recall", "entity_name_accuracy", "figure_faithfulness"):
            totals[key] = mean([r.get(key) for r in summaries])
    if stances:
        scores = stance_scores(
            [str(r.get("predicted")) for r in stances], [r["gold"] for r in stances]
        )
        totals.update(
            stance_accuracy=scores.accuracy,
            stance_macro_f1=scores.macro_f1,
            evidence_verified=mean([r.get("evidence_verified") for r in stances]),
        )
    totals.update(
        reasks=sum(r.get("reasks", 0) for r in records),
        calls=sum(r.get("calls", 0) for r in records),
        cached_calls=sum(r.get("cached_calls", 0) for r in records),
        tokens=sum(r.get("tokens", 0) for r in records),
        cost_usd_per_example=mean([r.get("cost_usd") for r in records]),
        latency_s_per_example=mean([r.get("latency_s") for r in records]),
    )
    return totals


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def run_eval(
    datasets: list[Dataset],
    models: list[str],
    variants: list[str],
    out_dir: Path,
    settings: Settings,
    make_backend: Callable[[Settings, str], Backend],
    progress: Progress,
) -> dict[str, Any]:
    """Run every dataset on every model and variant; writes ``examples.jsonl`` and ``run.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    glossary = load_glossary(settings.glossary)
    started = time.perf_counter()
    all_records: list[dict[str, Any]] = []
    totals: dict[str, Any] = {}
    with (out_dir / "examples.jsonl").open("w", encoding="utf-8") as handle:
        for model in models:
            backend = make_backend(settings, model)
            for variant in variants:
                options = PipelineOptions.from_settings(
                    settings, glossary=glossary, refine=variant == "refine"
                )
                ctx = RunContext(
                    model, variant, backend, settings.with_overrides(model=model), options
                )
                records = [r for d in datasets for r in run_examples(d, ctx, progress)]
                for record in records:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    handle.flush()
                totals[f"{model} | {variant}"] = aggregate(records, glossary)
                all_records += records
    prompts = sorted({p for r in all_records for p in r.get("prompts", [])})
    run = {
        "models": models,
        "variants": variants,
        "prompts": prompts,
        "datasets": {d.name: d.sha256 for d in datasets},
        "glossary": glossary.version,
        "package_version": __version__,
        "git_commit": _git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_time_s": round(time.perf_counter() - started, 1),
        "totals": totals,
    }
    (out_dir / "run.json").write_text(
        json.dumps(run, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return run
