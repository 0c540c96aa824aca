"""``eval report``: runs side by side, as a Markdown table and a self-contained HTML page."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

METRICS = [
    ("chrf_pp", "chrF++", "translation"),
    ("bleu", "BLEU", "translation"),
    ("glossary_accuracy", "glossary names", "translation"),
    ("number_preservation", "numbers kept", "translation"),
    ("rouge_l", "ROUGE-L", "summary"),
    ("key_point_recall", "key-point recall", "summary"),
    ("entity_name_accuracy", "entity names", "summary"),
    ("figure_faithfulness", "figures in source", "summary"),
    ("stance_accuracy", "stance accuracy", "stance"),
    ("stance_macro_f1", "stance macro-F1", "stance"),
    ("evidence_verified", "quotes verified", "stance"),
    ("valid_output_rate", "valid output", "operations"),
    ("reasks", "re-asks", "operations"),
    ("latency_s_per_example", "latency s/example", "operations"),
    ("tokens", "tokens", "operations"),
    ("cost_usd_per_example", "cost $/example", "operations"),
    ("cached_calls", "cached calls", "operations"),
]


def load_runs(run_dirs: list[Path]) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    runs = []
    for run_dir in run_dirs:
        meta = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        examples = [
            json.loads(line)
            for line in (run_dir / "examples.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        runs.append((run_dir.name, meta, examples))
    return runs


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def rows(
    runs: list[tuple[str, dict[str, Any], list[dict[str, Any]]]],
) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{name}: {key}", totals)
        for name, meta, _ in runs
        for key, totals in meta["totals"].items()
    ]


def markdown_table(runs: list[tuple[str, dict[str, Any], list[dict[str, Any]]]]) -> str:
    table = rows(runs)
    used = [m for m in METRICS if any(t.get(m[0]) is not None for _, t in table)]
    header = "| run: model | variant | " + " | ".join(label for _, label, _ in used) + " |"
    lines = [header, "|" + "---|" * (len(used) + 2)]
    for label, totals in table:
        run_model, _, variant = label.rpartition(" | ")
        lines.append(
            f"| {run_model} | {variant} | "
            + " | ".join(_fmt(totals.get(key)) for key, _, _ in used)
            + " |"
        )
    meta_lines = [
        f"- `{name}`: models {', '.join(meta['models'])}; prompts {', '.join(meta['prompts'])}; "
        f"datasets {', '.join(f'{k} ({v[:12]})' for k, v in meta['datasets'].items())}; "
        f"package {meta['package_version']}, commit {(meta.get('git_commit') or 'unknown')[:10]}, {meta['date']}"
        for name, meta, _ in runs
    ]
    return "\n".join(lines) + "\n\n" + "\n".join(meta_lines) + "\n"


def _chart(metric: str, label: str, table: list[tuple[str, dict[str, Any]]]) -> str | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = [(name, totals[metric]) for name, totals in table if totals.get(metric) is not None]
    if not points:
        return None
    figure, axis = plt.subplots(figsize=(7, 0.45 * len(points) + 1.0))
    axis.barh([p[0] for p in points], [p[1] for p in points], color="#4477aa")
    axis.set_title(label)
    axis.invert_yaxis()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _example_html(example: dict[str, Any]) -> str:
    scores = {k: example.get(k) for k, _, _ in METRICS if example.get(k) is not None}
    for key in ("predicted", "gold", "evidence_verified"):
        if key in example:
            scores[key] = example[key]
    parts = [
        f"<h4>{html.escape(example['model'])} · {html.escape(example['variant'])} · "
        f"{'ok' if example['ok'] else 'FAILED'}</h4>",
        f"<p class='scores'>{html.escape(json.dumps(scores, ensure_ascii=False))}</p>",
    ]
    if example.get("error"):
        parts.append(f"<p class='error'>{html.escape(example['error'])}</p>")
    if example["task"] == "translation":
        parts.append(
            f"<details><summary>source</summary><pre>{html.escape(example['source'])}</pre></details>"
        )
        parts.append(
            f"<details><summary>reference</summary><pre>{html.escape(example['reference'])}</pre></details>"
        )
    elif "reference" in example:
        parts.append(
            f"<details><summary>reference</summary><pre>{html.escape(json.dumps(example['reference'], ensure_ascii=False, indent=1))}</pre></details>"
        )
    output = example.get("output", example.get("evidence"))
    text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False, indent=1)
    parts.append(
        f"<details open><summary>output</summary><pre>{html.escape(text or '')}</pre></details>"
    )
    return "\n".join(parts)


def html_page(runs: list[tuple[str, dict[str, Any], list[dict[str, Any]]]], table_md: str) -> str:
    table = rows(runs)
    charts = []
    for metric, label, group in METRICS:
        image = _chart(metric, f"{label} ({group})", table)
        if image:
            charts.append(
                f"<figure><img alt='{html.escape(label)}' src='data:image/png;base64,{image}'></figure>"
            )
    by_example: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for _, _, examples in runs:
        for example in examples:
            by_example.setdefault((example["task"], example["id"]), []).append(example)
    sections = [
        f"<section><h3>{html.escape(task)}: {html.escape(eid)}</h3>{''.join(_example_html(e) for e in group)}</section>"
        for (task, eid), group in by_example.items()
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>summarizer eval report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
pre {{ white-space: pre-wrap; background: #f6f6f6; padding: .5em; }}
.scores {{ font-family: monospace; font-size: .9em; }} .error {{ color: #a00; }}
figure {{ display: inline-block; margin: .5em; }} section {{ border-top: 1px solid #ccc; }}
</style></head><body>
<h1>summarizer eval report</h1>
<h2>Summary</h2>
<pre>{html.escape(table_md)}</pre>
<h2>Metrics</h2>
{"".join(charts)}
<h2>Examples</h2>
{"".join(sections)}
</body></html>
"""


def write_report(run_dirs: list[Path], out_dir: Path) -> str:
    """Write ``report.md`` and ``report.html`` into ``out_dir``; returns the Markdown."""
    runs = load_runs(run_dirs)
    table_md = markdown_table(runs)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.md").write_text("# summarizer eval report\n\n" + table_md, encoding="utf-8")
    (out_dir / "report.html").write_text(html_page(runs, table_md), encoding="utf-8")
    return table_md
