"""The batch runner command."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from summarizer.batch.results import BatchTotals
from summarizer.cli.common import (
    api_base_option,
    engine_options,
    fail,
    model_option,
    no_cache_option,
    quiet,
    settings_of,
)
from summarizer.errors import ConfigError, SummarizerError


@click.command()
@click.argument("source")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Results JSONL (appended; resumable).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Articles in flight (default: what the model can take: 1 for an in-process model, 8 "
    "for a provider).",
)
@model_option
@click.option("--target", default=None, help="Stance target for every article.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first K articles.")
@click.option(
    "--retry-failed", is_flag=True, help="Run again the articles whose last record is an error."
)
@click.option("--dry-run", is_flag=True, help="Estimate tokens and cost without calling a model.")
@engine_options
@no_cache_option
@api_base_option
@click.option(
    "--cache",
    "cache_url",
    default=None,
    help="Response cache: redis://HOST:6379/0 to share it between machines (env SUMMARIZER_CACHE).",
)
@click.pass_context
def batch(
    ctx: click.Context,
    source: str,
    output: Path,
    jobs: int | None,
    model: str | None,
    target: str | None,
    limit: int | None,
    retry_failed: bool,
    dry_run: bool,
    engine: str,
    address: str | None,
    no_cache: bool,
    api_base: str | None,
    cache_url: str | None,
) -> None:
    """Brief every article in SOURCE (a directory, a glob or a JSONL file) into OUTPUT."""
    from summarizer.batch.engine import make_engine
    from summarizer.batch.estimate import estimate_batch
    from summarizer.batch.inputs import discover_items
    from summarizer.batch.results import ResultsFile

    settings = settings_of(ctx).with_overrides(
        model=model, cache=cache_url, no_cache=no_cache or None, api_base=api_base
    )
    check_engine(engine, address)
    try:
        items = discover_items(source)[:limit]
        if dry_run:
            click.echo(estimate_batch(items, settings).line(settings.model))
            return
        runner = make_engine(engine, address=address, concurrency=jobs)
        results = ResultsFile(output)
    except (SummarizerError, OSError) as exc:
        fail(exc)
    progress = BatchProgress(quiet(ctx))
    try:
        totals = runner.run(
            items,
            results,
            settings,
            target=target,
            retry_failed=retry_failed,
            on_record=progress,
        )
    except SummarizerError as exc:
        fail(exc)
    finally:
        progress.stop()
        results.close()
        runner.close()
    click.echo(f"batch finished: {totals.line()}", err=True)
    if totals.failed:
        sys.exit(1)


class BatchProgress:
    """Progress on stderr: a rich progress bar on a terminal (stopped before the closing line, so
    nothing is glued to it), a plain status line every few seconds elsewhere."""

    def __init__(self, quiet: bool = False) -> None:
        self.last = 0.0
        self.quiet = quiet
        self.bar: Any = None
        self.task: Any = None
        if sys.stderr.isatty() and not quiet:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )

    def __call__(self, totals: BatchTotals) -> None:
        if self.bar is not None:
            if self.task is None:
                self.bar.start()
                self.task = self.bar.add_task("", total=totals.total - totals.skipped)
            finished = totals.done + totals.failed
            self.bar.update(self.task, completed=finished, description=totals.summary())
            return
        now = time.perf_counter()
        if not self.quiet and now - self.last >= 5:
            click.echo(totals.line(), err=True)
            self.last = now

    def stop(self) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.stop()


def check_engine(engine: str, address: str | None) -> None:
    if address and engine != "dask":
        fail(ConfigError("--address needs --engine dask"))
