"""The ``summarizer eval`` commands, registered through the ``summarizer.commands`` entry point."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from summarizer.config import Settings
from summarizer.errors import SummarizerError


@click.group("eval")
def eval_group() -> None:
    """Score models against hand-written references and compare them side by side."""


@eval_group.command("run")
@click.option(
    "--dataset",
    "datasets",
    multiple=True,
    default=["seeds"],
    show_default=True,
    help="A dataset name under evals/datasets, a directory, or one task's JSONL file; repeatable.",
)
@click.option(
    "--model",
    "-m",
    "models",
    multiple=True,
    help="A model string; repeatable (default: the configured model).",
)
@click.option(
    "--prompt-variant",
    "variants",
    multiple=True,
    type=click.Choice(["pipeline", "refine", "naive"]),
    help="pipeline, refine (pipeline with critique-and-improve translation) or naive; default: pipeline and naive.",
)
@click.option(
    "--limit", type=click.IntRange(1), default=None, help="At most K examples per task and dataset."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Run directory.",
)
@click.pass_context
def run_command(
    ctx: click.Context,
    datasets: tuple[str, ...],
    models: tuple[str, ...],
    variants: tuple[str, ...],
    limit: int | None,
    output: Path,
) -> None:
    """Run every example through the pipeline (cache on) and write a run directory."""
    from evals.datasets import load_dataset
    from evals.run import VARIANTS, run_eval
    from summarizer.factory import make_backend

    settings: Settings = ctx.find_root().obj
    try:
        loaded = [load_dataset(name).limited(limit) for name in datasets]
        run = run_eval(
            loaded,
            list(models) or [settings.model],
            list(variants) or list(VARIANTS),
            output,
            settings,
            make_backend,
            lambda line: click.echo(line, err=True),
        )
    except SummarizerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for key, totals in run["totals"].items():
        click.echo(
            f"{key}: valid {totals['valid_output_rate']:.0%}, {totals['calls']} calls", err=True
        )
    click.echo(str(output))


@eval_group.command("report")
@click.argument(
    "run_dirs",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Report directory.",
)
def report_command(run_dirs: tuple[Path, ...], output: Path) -> None:
    """Compare runs: a Markdown table on stdout plus report.md and an offline report.html."""
    from evals.report import write_report

    click.echo(write_report(list(run_dirs), output))
