"""``eval run``: every example of every dataset through each model and variant, scored.

Writes ``examples.jsonl`` (one record per example, system and dataset) and ``run.json`` (models,
variants, prompt versions, dataset hashes, glossary, package version, commit, date, and the
scores of every system on every dataset, with a majority-class row for stance).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.datasets import Dataset, Segment
from evals.examples import (
    RunContext,
    compare_record,
    stance_record,
    summary_record,
    translation_record,
)
from evals.meter import MeteredBackend
from evals.scoring import MAJORITY, majority_baseline, score_system
from summarizer import __version__
from summarizer.backends.base import Backend
from summarizer.config import Settings
from summarizer.grounding.glossary import load_glossary
from summarizer.tasks.options import PipelineOptions

VARIANTS = ("pipeline", "naive")
CONSENSUS_CANDIDATES = 5  # the consensus variant: the likeliest translation and four samples
Progress = Callable[[str], None]


def run_examples(dataset: Dataset, ctx: RunContext, progress: Progress) -> list[dict[str, Any]]:
    records = []
    docs: dict[str, list[Segment]] = {}
    for segment in dataset.translation:
        docs.setdefault(segment.doc, []).append(segment)
    stance_by_id = {s.id: s for s in dataset.stance}
    for index, (doc, segments) in enumerate(docs.items(), start=1):
        progress(f"{ctx.model} {ctx.variant} translation {doc} ({index}/{len(docs)})")
        records.append(translation_record(ctx, doc, segments))
    for ref in dataset.summary:
        progress(f"{ctx.model} {ctx.variant} summary {ref.id}")
        target = stance_by_id[ref.id].target if ref.id in stance_by_id else None
        records.append(summary_record(ctx, ref, target))
    for stance_ref in dataset.stance:
        progress(f"{ctx.model} {ctx.variant} stance {stance_ref.id}")
        records.append(stance_record(ctx, stance_ref))
    for compare_ref in dataset.compare if ctx.variant != "naive" else []:
        progress(f"{ctx.model} {ctx.variant} compare {compare_ref.id}")
        records.append(compare_record(ctx, compare_ref))
    for record in records:
        record["dataset"] = dataset.name
    return records


def system_key(dataset: str, model: str, variant: str) -> str:
    return f"{dataset} | {model} | {variant}"


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
    commit = _git_commit()  # the code that runs now, not whatever is checked out when it ends
    started = time.perf_counter()
    totals: dict[str, Any] = {}
    all_records: list[dict[str, Any]] = []

    def report() -> dict[str, Any]:
        return _write_run(
            out_dir, datasets, models, variants, settings, glossary.version, commit, started,
            totals, all_records,
        )  # fmt: skip

    with (out_dir / "examples.jsonl").open("w", encoding="utf-8") as handle:
        for model in models:
            backend = MeteredBackend(make_backend(settings, model))
            for variant in variants:
                options = PipelineOptions.from_settings(
                    settings, glossary=glossary, refine=variant == "refine"
                )
                if variant == "consensus":
                    options = replace(options, candidates=CONSENSUS_CANDIDATES)
                ctx = RunContext(model, variant, backend, options)
                for dataset in datasets:
                    records = run_examples(dataset, ctx, progress)
                    for record in records:
                        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                        handle.flush()
                    totals[system_key(dataset.name, model, variant)] = {
                        "dataset": dataset.name,
                        "model": model,
                        "variant": variant,
                        "metrics": score_system(records, glossary, dataset.stance_labels),
                    }
                    all_records += records
                    report()
    return report()


def _majority_rows(datasets: list[Dataset]) -> dict[str, Any]:
    rows = {}
    for dataset in datasets:
        if dataset.stance:
            stance = [{"task": "stance", "gold": ref.label} for ref in dataset.stance]
            rows[system_key(dataset.name, MAJORITY, "baseline")] = {
                "dataset": dataset.name,
                "model": MAJORITY,
                "variant": "baseline",
                "metrics": majority_baseline(stance, dataset.stance_labels),
            }
    return rows


def _write_run(
    out_dir: Path,
    datasets: list[Dataset],
    models: list[str],
    variants: list[str],
    settings: Settings,
    glossary_version: str,
    commit: str | None,
    started: float,
    totals: dict[str, Any],
    records: list[dict[str, Any]],
) -> dict[str, Any]:
    """``run.json`` for what has run so far: written after every dataset, so a run stopped
    part-way still reports the datasets it finished."""
    run = {
        "models": models,
        "variants": variants,
        "prompts": sorted({p for r in records for p in r.get("prompts", [])}),
        "datasets": {d.name: d.sha256 for d in datasets},
        "stance_labels": {d.name: list(d.stance_labels) for d in datasets if d.stance},
        "glossary": glossary_version,
        "package_version": __version__,
        "git_commit": commit,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cache": settings.use_cache,
        # How each model on a server of the user's was reached (no key: keys are never written).
        "served": {
            model: {
                "api_base": settings.api_base_for(model),
                "schema_format": settings.schema_format_for(model),
                "paragraph_translation": settings.translates_by_paragraph(model),
            }
            for model in models
            if settings.api_base_for(model)
        },
        "wall_time_s": round(time.perf_counter() - started, 1),
        "totals": {**totals, **_majority_rows(datasets)},
    }
    (out_dir / "run.json").write_text(
        json.dumps(run, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return run


def rescore_run(out_dir: Path) -> dict[str, Any]:
    """Score a run's stored examples again with this harness's scoring (a scoring fix must not
    need the model run again). ``run.json`` keeps what ran and says when and by which commit it
    was rescored; the majority-class rows, which need no model, are kept as they are."""
    run_file = out_dir / "run.json"
    run: dict[str, Any] = json.loads(run_file.read_text(encoding="utf-8"))
    records = [
        json.loads(line)
        for line in (out_dir / "examples.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    glossary = load_glossary(None)
    if run.get("glossary") != glossary.version:
        raise ValueError(
            f"{out_dir}: run with glossary {run.get('glossary')}, not {glossary.version}"
        )
    labels = run.get("stance_labels", {})
    for key, system in run["totals"].items():
        if system["variant"] == "baseline":
            continue
        mine = [
            r
            for r in records
            if (r["dataset"], r["model"], r["variant"])
            == (system["dataset"], system["model"], system["variant"])
        ]
        if system["dataset"] in labels:
            metrics = score_system(mine, glossary, tuple(labels[system["dataset"]]))
        else:
            metrics = score_system(mine, glossary)
        run["totals"][key]["metrics"] = metrics
    run["rescored"] = {
        "git_commit": _git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    run_file.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return run
