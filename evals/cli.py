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
    type=click.Choice(["pipeline", "refine", "consensus", "naive"]),
    help="pipeline, refine (pipeline with critique-and-improve translation), consensus (pipeline "
    "keeping the consensus of 5 translations per paragraph) or naive; default: pipeline and naive.",
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
@click.option(
    "--no-cache",
    is_flag=True,
    help="Call the model for every example (when latency is the point); default: cache on.",
)
@click.pass_context
def run_command(
    ctx: click.Context,
    datasets: tuple[str, ...],
    models: tuple[str, ...],
    variants: tuple[str, ...],
    limit: int | None,
    output: Path,
    no_cache: bool,
) -> None:
    """Run every example through the pipeline and write a run directory."""
    from evals.datasets import load_dataset
    from evals.run import VARIANTS, run_eval
    from summarizer.factory import make_backend

    settings: Settings = ctx.find_root().obj
    if no_cache:
        settings = settings.with_overrides(no_cache=True)
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
    for key, system in run["totals"].items():
        metrics = system["metrics"]
        if "valid_output_rate" in metrics:
            valid = metrics["valid_output_rate"]
            failed = round(valid["n"] * (1 - valid["value"]))  # a share rounds 299/300 to 100%
            click.echo(
                f"{key}: valid {valid['value']:.1%} ({failed} failed), {metrics['calls']} calls",
                err=True,
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


@eval_group.command("rescore")
@click.argument(
    "run_dirs",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
def rescore_command(run_dirs: tuple[Path, ...]) -> None:
    """Score stored runs again with this version's scoring (no model calls)."""
    from evals.run import rescore_run

    for run_dir in run_dirs:
        try:
            rescore_run(run_dir)
        except (ValueError, KeyError, OSError) as exc:
            raise click.ClickException(f"{run_dir}: cannot rescore ({exc})") from None
        click.echo(f"{run_dir}: rescored")


@eval_group.command("compare")
@click.argument("run_a", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument(
    "run_b", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--a", "system_a", default=None, help='System A as "MODEL · VARIANT".')
@click.option("--b", "system_b", default=None, help='System B as "MODEL · VARIANT".')
def compare_command(
    run_a: Path, run_b: Path | None, system_a: str | None, system_b: str | None
) -> None:
    """Say which differences between two systems are real (paired tests, p < 0.05).

    Two runs: the same system in each (say, before and after a change), or --a and --b. One
    run: its two systems, or --a and --b.
    """
    from evals.compare import compare_systems, comparison_table, system_names
    from evals.report import load_runs

    runs = load_runs([run_a, run_b] if run_b else [run_a])
    first, second = runs[0], runs[-1]
    names_a, names_b = system_names(first), system_names(second)
    if run_b is None and (system_a is None or system_b is None):
        if len(names_a) != 2:
            click.echo(f"error: name two of {', '.join(names_a)} with --a and --b", err=True)
            sys.exit(2)
        system_a, system_b = system_a or names_a[0], system_b or names_a[1]
    system_a = system_a or names_a[0]
    system_b = system_b or (system_a if system_a in names_b else names_b[0])
    for name, names in ((system_a, names_a), (system_b, names_b)):
        if name not in names:
            click.echo(f"error: no system {name!r}; there are {', '.join(names)}", err=True)
            sys.exit(2)
    results = compare_systems(first, system_a, second, system_b)
    click.echo(
        comparison_table(results, f"{first.name}: {system_a}", f"{second.name}: {system_b}"),
        nl=False,
    )
