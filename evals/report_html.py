"""The HTML report: summary tables, one chart per task (inline SVG), and the example matrix
(rows: examples; columns: systems), drawn by a small script from data embedded in the page.
Everything is inline: the file opens offline and fetches nothing."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from evals.report import (
    COUNTS,
    Run,
    System,
    best_values,
    column_header,
    datasets_of,
    format_value,
    metric_columns,
    systems_of,
)

ASSETS = Path(__file__).parent / "report_assets"
COLOURS = ["#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb"]


def summary_table(group: list[System]) -> str:
    columns = metric_columns(group)
    best = best_values(group, columns)
    head = "".join(
        f"<th scope='col'>{html.escape(column_header(k, label, group))}</th>"
        for k, label, _ in columns
    )
    head += "".join(f"<th scope='col'>{html.escape(label)}</th>" for _, label in COUNTS)
    tasks = [task for _, _, task in columns]
    groups = "".join(
        f"<th scope='colgroup' colspan='{tasks.count(task)}' class='task'>{html.escape(task)}</th>"
        for task in dict.fromkeys(tasks)
    )
    groups += f"<th scope='colgroup' colspan='{len(COUNTS)}' class='task'>calls</th>"
    rows = []
    for system in group:
        cells = []
        for key, _, _ in columns:
            entry = system.metrics.get(key)
            if not isinstance(entry, dict) or entry["value"] is None:
                cells.append("<td class='na'>–</td>")
                continue
            is_best = best.get(key) == entry["value"]
            interval = ""
            if entry["low"] is not None and entry["low"] != entry["high"]:
                interval = f"<span class='ci'>[{format_value(entry['low'])}–{format_value(entry['high'])}]</span>"
            cells.append(
                f"<td class='{'best' if is_best else ''}' data-metric='{key}'>"
                f"{'★ ' if is_best else ''}{format_value(entry['value'])}{interval}"
                f"<span class='n'>n={entry['n']}</span></td>"
            )
        for key, _ in COUNTS:
            value = system.metrics.get(key)
            cells.append(
                f"<td class='count'>{'–' if value is None else html.escape(str(value))}</td>"
            )
        rows.append(
            f"<tr><th scope='row'>{html.escape(system.name)}<span class='run'>{html.escape(system.run)}</span></th>{''.join(cells)}</tr>"
        )
    return (
        f"<table class='summary'><thead><tr><th rowspan='2' scope='col'>system</th>{groups}</tr>"
        f"<tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def task_chart(title: str, group: list[System], metrics: list[tuple[str, str, str]]) -> str:
    """Grouped bars: one group per metric, one bar per system, 95% interval whiskers; every
    metric on a 0–100 scale (rates × 100)."""
    shown = [s for s in group if any(isinstance(s.metrics.get(k), dict) for k, _, _ in metrics)]
    if not shown or not metrics:
        return ""
    bar, height, top, left = 14, 180, 24, 36
    group_width = max(len(shown) * bar + 18, 96)  # room for the metric's name under its bars
    width = left + len(metrics) * group_width + 10
    parts = [
        f"<svg role='img' aria-label='{html.escape(title)}' viewBox='0 0 {width} {height + 70}' "
        f"width='{width}' height='{height + 70}'><title>{html.escape(title)}</title>"
    ]
    for tick in (0, 25, 50, 75, 100):
        y = top + height - tick * height / 100
        parts.append(f"<line x1='{left}' x2='{width}' y1='{y}' y2='{y}' class='grid'/>")
        parts.append(f"<text x='{left - 4}' y='{y + 4}' class='tick'>{tick}</text>")
    for m_index, (key, label, _) in enumerate(metrics):
        x0 = left + m_index * group_width + (group_width - len(shown) * bar) / 2
        for s_index, system in enumerate(shown):
            entry = system.metrics.get(key)
            if not isinstance(entry, dict) or entry["value"] is None:
                continue
            scale = 1 if key in ("chrf_pp", "bleu") else 100
            value = entry["value"] * scale
            x = x0 + s_index * bar
            y = top + height - value * height / 100
            colour = COLOURS[s_index % len(COLOURS)]
            parts.append(
                f"<rect x='{x}' y='{y}' width='{bar - 2}' height='{top + height - y}' fill='{colour}'>"
                f"<title>{html.escape(system.name)}: {label} {format_value(entry['value'])} (n={entry['n']})</title></rect>"
            )
            if entry["low"] is not None and entry["high"] is not None:
                y_low = top + height - entry["low"] * scale * height / 100
                y_high = top + height - entry["high"] * scale * height / 100
                mid = x + (bar - 2) / 2
                parts.append(
                    f"<line x1='{mid}' x2='{mid}' y1='{y_low}' y2='{y_high}' class='whisker'/>"
                )
        parts.append(
            f"<text x='{x0 + len(shown) * bar / 2}' y='{top + height + 16}' class='label'>{html.escape(label)}</text>"
        )
    parts.append("</svg>")
    legend = "".join(
        f"<li><span class='swatch' style='background:{COLOURS[i % len(COLOURS)]}'></span>{html.escape(s.name)}</li>"
        for i, s in enumerate(shown)
    )
    return f"<figure class='chart'><figcaption>{html.escape(title)}</figcaption>{''.join(parts)}<ul class='legend'>{legend}</ul></figure>"


def _cell(example: dict[str, Any]) -> dict[str, Any]:
    """What the matrix shows of one example for one system: a score, a short text, details."""
    task = example["task"]
    cell: dict[str, Any] = {"ok": example["ok"], "error": example.get("error")}
    if task == "translation":
        from sacrebleu.metrics.chrf import CHRF

        outputs = [s["output"] for s in example["segments"]]
        references = [s["reference"] for s in example["segments"]]
        chrf = CHRF(word_order=2).corpus_score(outputs, [references]).score
        cell.update(score=chrf / 100, label=f"chrF++ {chrf:.1f}", text=" ".join(outputs))
        cell["segments"] = example["segments"]
    elif task == "summary":
        output = example.get("output") or {}
        cell.update(
            score=example.get("key_point_recall", 0.0),
            label=f"key points {example.get('key_point_recall', 0.0):.2f} · ROUGE-L {example.get('rouge_l', 0.0):.2f}",
            text=" ".join([output.get("headline", ""), *output.get("key_points", [])]),
            output=output,
            reference=example.get("reference"),
            source=example.get("source", ""),
        )
    elif task == "compare":
        precision = example.get("figure_alignment_precision", 0.0)
        recall = example.get("figure_alignment_recall") or 0.0
        cell.update(
            score=recall,
            label=f"shared figures: right {precision:.2f} · found {recall:.2f}",
            text="; ".join(f"{v} ({a})" for v, a in example.get("figure_pairs_found", [])),
            output={"shared figures": example.get("figure_pairs_found", [])},
            reference={"shared figures": example.get("figure_pairs_expected", [])},
            source="",
        )
    else:
        right = example.get("predicted") == example["gold"]
        quotes = [e["quote"] if isinstance(e, dict) else e for e in example.get("evidence", [])]
        cell.update(
            score=1.0 if right else 0.0,
            label=f"{example.get('predicted') or 'no label'} (gold {example['gold']})",
            text="; ".join(quotes),
            output={
                "label": example.get("predicted"),
                "rationale": example.get("rationale"),
                "evidence": quotes,
            },
            reference={"label": example["gold"], "evidence": example.get("reference_evidence", [])},
            source=example.get("source", ""),
        )
    return cell


def matrix_data(runs: list[Run]) -> dict[str, Any]:
    columns: list[str] = []
    rows: dict[str, dict[str, Any]] = {}
    for run in runs:
        for example in run.examples:
            column = f"{example['model']} · {example['variant']} ({run.name})"
            if column not in columns:
                columns.append(column)
            key = f"{example['dataset']}/{example['task']}/{example['id']}"
            row = rows.setdefault(
                key,
                {
                    "dataset": example["dataset"],
                    "task": example["task"],
                    "id": example["id"],
                    "cells": {},
                },
            )
            row["cells"][column] = _cell(example)
    return {"columns": columns, "rows": list(rows.values())}


def html_page(runs: list[Run]) -> str:
    systems = systems_of(runs)
    sections = []
    for dataset in datasets_of(systems):
        group = [s for s in systems if s.dataset == dataset]
        charts = []
        for task in ("translation", "summary", "stance"):
            metrics = [m for m in metric_columns(group) if m[2] == task]
            charts.append(task_chart(f"{task} · {dataset}", group, metrics))
        sections.append(
            f"<section class='dataset'><h3>{html.escape(dataset)}</h3>{summary_table(group)}"
            f"<div class='charts'>{''.join(charts)}</div></section>"
        )
    runs_meta = "".join(
        f"<li><code>{html.escape(run.name)}</code>: {html.escape(', '.join(run.meta['models']))}; "
        f"prompts {html.escape(', '.join(run.meta['prompts']))}; cache {'on' if run.meta.get('cache', True) else 'off'}; "
        f"commit {html.escape((run.meta.get('git_commit') or 'unknown')[:10])}; {html.escape(run.meta['date'])}</li>"
        for run in runs
    )
    data = json.dumps(matrix_data(runs), ensure_ascii=False).replace("</", "<\\/")
    style = (ASSETS / "report.css").read_text(encoding="utf-8")
    script = (ASSETS / "report.js").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>summarizer eval report</title><style>{style}</style></head><body>
<header><h1>summarizer eval report</h1><ul class="runs">{runs_meta}</ul></header>
<h2>Summary</h2>
<p class="note">★ best in its column. Brackets: 95% bootstrap interval. n: the units scored (segments,
documents or examples, as each column says). Every example counts: a failed one scores zero and
lowers the valid-output rate. Latency counts only examples none of whose calls came from the cache.</p>
{"".join(sections)}
<h2>Examples</h2>
<div class="filters" role="search">
  <label>task <select id="task"><option value="">all</option><option>translation</option><option>summary</option><option>stance</option><option>compare</option></select></label>
  <label>dataset <select id="dataset"><option value="">all</option></select></label>
  <label><input type="checkbox" id="failures"> failures only</label>
  <label><input type="checkbox" id="disagree"> systems disagree</label>
  <label>search <input type="search" id="search" placeholder="text in source, output or id"></label>
  <span id="count" aria-live="polite"></span>
</div>
<div class="matrix-wrap"><table id="matrix" class="matrix"></table></div>
<dialog id="detail"><form method="dialog"><button class="close" aria-label="close">×</button></form><div id="detail-body"></div></dialog>
<script type="application/json" id="data">{data}</script>
<script>{script}</script>
</body></html>
"""
