"""``eval report``: runs side by side. A Markdown summary (``report.md``) and one self-contained
HTML page (``report.html``): summary tables with 95% intervals and n, one chart per task, and a
matrix of every example by every system."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (key, label, task); the task decides which table and chart a metric goes in.
METRICS = [
    ("chrf_pp", "chrF++", "translation"),
    ("bleu", "BLEU", "translation"),
    ("glossary_accuracy", "glossary names", "translation"),
    ("number_preservation", "numbers kept", "translation"),
    ("no_chinese_left", "no Chinese left", "translation"),
    ("rouge_l", "ROUGE-L", "summary"),
    ("headline_rouge_l", "headline ROUGE-L", "summary"),
    ("key_point_recall", "key-point recall", "summary"),
    ("key_point_recall_budget", "key-point recall, first 7 points", "summary"),
    ("key_point_precision", "key-point precision, first 7 points", "summary"),
    ("entity_name_accuracy", "entity names", "summary"),
    ("figure_faithfulness", "figures in source", "summary"),
    ("stance_accuracy", "stance accuracy", "stance"),
    ("stance_macro_f1", "stance macro-F1", "stance"),
    ("stance_favor_against_f1", "F1 (FAVOR, AGAINST)", "stance"),
    ("evidence_precision", "quotes among the justifying sentences", "stance"),
    ("evidence_pooled_precision", "quotes among the justifying sentences, pooled", "stance"),
    ("evidence_recall", "justifying sentences quoted", "stance"),
    ("evidence_verified", "quotes verified", "stance"),
    ("figure_alignment_precision", "shared figures right", "compare"),
    ("figure_alignment_recall", "shared figures found", "compare"),
    ("compare_stance_agreement", "stances agreeing", "compare"),
    ("claim_pairing_precision", "shared claims right (pairs)", "compare"),
    ("claim_pairing_recall", "shared claims found", "compare"),
    ("only_in_precision", "only-in not said elsewhere", "compare"),
    ("only_in_recall", "unique claims listed", "compare"),
    ("valid_output_rate", "valid output", "operations"),
    ("latency_s_per_example", "latency s/example (uncached)", "operations"),
]
COUNTS = [
    ("calls", "calls"),
    ("cached_calls", "cached calls"),
    ("reasks", "re-asks"),
    ("tokens_run", "tokens (uncached)"),
    ("seconds_per_call_run", "s per uncached call"),
    ("cost_usd", "cost $"),
]
LEVELS = {"segment": "segments", "document": "documents", "example": "examples"}
LOWER_IS_BETTER = {"latency_s_per_example"}


@dataclass(frozen=True)
class System:
    """One model × variant on one dataset, from one run."""

    run: str
    dataset: str
    model: str
    variant: str
    metrics: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.model} · {self.variant}"


@dataclass(frozen=True)
class Run:
    name: str
    meta: dict[str, Any]
    examples: list[dict[str, Any]]


def load_runs(run_dirs: list[Path]) -> list[Run]:
    runs = []
    for run_dir in run_dirs:
        meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        lines = (run_dir / "examples.jsonl").read_text(encoding="utf-8").splitlines()
        runs.append(Run(run_dir.name, meta, [json.loads(line) for line in lines if line]))
    return runs


def systems_of(runs: list[Run]) -> list[System]:
    """Every system of every run; a majority-class row once per dataset (runs on the same data
    have the same one)."""
    systems: list[System] = []
    baselines: set[str] = set()
    for run in runs:
        for s in run.meta["totals"].values():
            if s["variant"] == "baseline":
                if s["dataset"] in baselines:
                    continue
                baselines.add(s["dataset"])
            systems.append(System(run.name, s["dataset"], s["model"], s["variant"], s["metrics"]))
    return systems


def datasets_of(systems: list[System]) -> list[str]:
    return list(dict.fromkeys(s.dataset for s in systems))


def metric_columns(systems: list[System]) -> list[tuple[str, str, str]]:
    """The metrics at least one of ``systems`` has a value for, in the order of METRICS."""
    return [
        m
        for m in METRICS
        if any(
            isinstance(s.metrics.get(m[0]), dict) and s.metrics[m[0]]["value"] is not None
            for s in systems
        )
    ]


def best_values(systems: list[System], columns: list[tuple[str, str, str]]) -> dict[str, float]:
    best: dict[str, float] = {}
    for key, _, _ in columns:
        values = [
            s.metrics[key]["value"]
            for s in systems
            if isinstance(s.metrics.get(key), dict) and s.metrics[key]["value"] is not None
        ]
        if len(values) > 1 and min(values) != max(values):  # a tie everywhere marks nothing
            best[key] = min(values) if key in LOWER_IS_BETTER else max(values)
    return best


def format_value(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def column_header(key: str, label: str, systems: list[System]) -> str:
    entry: dict[str, Any] = next(
        (s.metrics[key] for s in systems if isinstance(s.metrics.get(key), dict)), {}
    )
    level = LEVELS.get(entry.get("level", ""), "")
    return f"{label} ({level})" if level else label


def markdown_tables(runs: list[Run]) -> str:
    systems = systems_of(runs)
    parts = []
    for dataset in datasets_of(systems):
        group = [s for s in systems if s.dataset == dataset]
        columns = metric_columns(group)
        best = best_values(group, columns)
        header = ["system", *(column_header(k, label, group) for k, label, _ in columns)]
        lines = [f"### {dataset}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for system in group:
            cells = [f"{system.run}: {system.name}"]
            for key, _, _ in columns:
                entry = system.metrics.get(key)
                if not isinstance(entry, dict) or entry["value"] is None:
                    cells.append("–")
                    continue
                text = format_value(entry["value"])
                if entry["low"] is not None and entry["high"] != entry["low"]:
                    text += f" [{format_value(entry['low'])}–{format_value(entry['high'])}]"
                text += f" n={entry['n']}"
                cells.append(f"**{text}**" if best.get(key) == entry["value"] else text)
            lines.append("| " + " | ".join(cells) + " |")
        parts.append("\n".join(lines))
    notes = [
        "Bold: best in its column. Brackets: 95% bootstrap interval; n: the units scored "
        "(segments, documents or examples, as the column says). Every example counts: a "
        "failed one scores zero and lowers the valid-output rate.",
        "",
        *(
            f"- `{run.name}`: models {', '.join(run.meta['models'])}; prompts "
            f"{', '.join(run.meta['prompts'])}; datasets "
            f"{', '.join(f'{k} ({v[:12]})' for k, v in run.meta['datasets'].items())}; cache "
            f"{'on' if run.meta.get('cache', True) else 'off'}; package {run.meta['package_version']}, "
            f"commit {(run.meta.get('git_commit') or 'unknown')[:10]}, {run.meta['date']}"
            for run in runs
        ),
    ]
    return "\n\n".join(parts) + "\n\n" + "\n".join(notes) + "\n"


def write_report(run_dirs: list[Path], out_dir: Path) -> str:
    """Write ``report.md`` and ``report.html`` into ``out_dir``; returns the Markdown."""
    from evals.report_html import html_page

    runs = load_runs(run_dirs)
    tables = markdown_tables(runs)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.md").write_text("# summarizer eval report\n\n" + tables, encoding="utf-8")
    (out_dir / "report.html").write_text(html_page(runs), encoding="utf-8")
    return tables
