"""The Markdown comparison: figures × articles, a stance row, shared claims and what only one
article says, every cell tied to a paragraph id."""

from __future__ import annotations

from summarizer.comparison import Comparison

MAX_FIGURE_ROWS = 40


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def comparison_markdown(comparison: Comparison) -> str:
    labels = [a.label for a in comparison.articles]
    lines = ["# Comparison", ""]
    lines += [
        f"- **{a.label}** {_cell(a.headline)} — *{a.outlet or 'unknown outlet'} · {a.name}*"
        for a in comparison.articles
    ]
    lines += [
        f"- **not compared** {_cell(left_out.name)}: {_cell(left_out.error)}"
        for left_out in comparison.not_compared
    ]
    lines += ["", "## Stance", "", "| | " + " | ".join(labels) + " |"]
    lines.append("|---" * (len(labels) + 1) + "|")
    stance = comparison.stance
    lines.append("| label | " + " | ".join(stance[label].label for label in labels) + " |")
    quotes = []
    for label in labels:
        first = stance[label].evidence[:1]
        quotes.append(_cell(f"“{first[0].quote[:140]}” [{first[0].paragraph}]") if first else "—")
    lines.append("| evidence | " + " | ".join(quotes) + " |")
    targets = {stance[label].target for label in labels}
    if len(targets) == 1:
        lines += ["", f"Stance toward: *{targets.pop()}*."]
    lines += ["", "## Figures", ""]
    if comparison.figures:
        lines.append("| figure | " + " | ".join(labels) + " |")
        lines.append("|---" * (len(labels) + 1) + "|")
        for row in comparison.figures[:MAX_FIGURE_ROWS]:
            cells = [", ".join(row.stated_in.get(label, [])) or "·" for label in labels]
            lines.append(f"| {_cell(row.value)} | " + " | ".join(cells) + " |")
        left = len(comparison.figures) - MAX_FIGURE_ROWS
        if left > 0:
            lines += ["", f"({left} more figures, each in one article, in the JSON.)"]
    else:
        lines.append("No figures in these articles.")
    lines += ["", "## Named by", ""]
    lines += [
        f"- {_cell(row.name)} ({row.type}): {', '.join(row.named_in)}"
        for row in comparison.entities
    ]
    lines += ["", "## Claims more than one article makes", ""]
    for claim in comparison.shared_claims:
        lines.append(
            "- " + "; ".join(f"{m.article} [{m.paragraph}] {_cell(m.text)}" for m in claim.mentions)
        )
    if not comparison.shared_claims:
        lines.append("None found.")
    for label in labels:
        only = comparison.only_in.get(label, [])
        if only:
            lines += ["", f"## Only in {label}", ""]
            lines += [f"- [{m.paragraph}] {_cell(m.text)}" for m in only]
    if comparison.warnings:
        lines += ["", "## What to check", ""] + [f"- {w}" for w in comparison.warnings]
    return "\n".join(lines) + "\n"
