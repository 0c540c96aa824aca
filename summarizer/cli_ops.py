"""CLI commands for operations: the batch runner, the HTTP service and the response cache."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from summarizer.cli_common import fail, model_option, settings_of
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
    help="Articles in flight (default: 1 for a local model, 8 otherwise).",
)
@model_option
@click.option("--target", default=None, help="Stance target for every article.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first K articles.")
@click.option(
    "--retry-failed", is_flag=True, help="Run again the articles whose last record is an error."
)
@click.option("--dry-run", is_flag=True, help="Estimate tokens and cost without calling a model.")
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Run here, or on Dask distributed.",
)
@click.option(
    "--address",
    default=None,
    help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster on 127.0.0.1).",
)
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
    cache_url: str | None,
) -> None:
    """Brief every article in SOURCE (a directory, a glob or a JSONL file) into OUTPUT."""
    from summarizer.batch import ResultsFile, default_concurrency, estimate_batch, run_batch
    from summarizer.batch_inputs import discover_items
    from summarizer.models import make_backend

    settings = settings_of(ctx).with_overrides(model=model, cache_url=cache_url)
    if address and engine != "dask":
        fail(ConfigError("--address needs --engine dask"))
    try:
        items = discover_items(source)[:limit]
        if dry_run:
            estimate = estimate_batch(items, settings)
            cost = (
                f"${estimate.cost_usd:.4f}"
                if estimate.cost_usd is not None
                else "unknown (no price for this model)"
            )
            click.echo(
                f"{estimate.articles} articles ({estimate.unreadable} unreadable): about "
                f"{estimate.prompt_tokens:,} prompt + {estimate.completion_tokens:,} completion tokens; "
                f"cost {cost} on {settings.model}"
            )
            return
        results = ResultsFile(output)
        backend = make_backend(settings) if engine == "local" else None
    except (SummarizerError, OSError) as exc:
        fail(exc)
    progress = _BatchProgress()
    try:
        if backend is not None:
            totals = run_batch(
                items,
                results,
                backend,
                settings,
                concurrency=jobs or default_concurrency(settings.model),
                target=target,
                retry_failed=retry_failed,
                on_record=progress,
            )
        else:
            from summarizer.batch_dask import run_batch_dask

            totals = run_batch_dask(
                items,
                results,
                settings,
                address=address,
                target=target,
                retry_failed=retry_failed,
                on_record=progress,
            )
    finally:
        results.close()
    click.echo(f"batch finished: {totals.line()}", err=True)
    if totals.failed:
        sys.exit(1)


class _BatchProgress:
    """One status line on stderr: redrawn in place on a terminal, every few seconds elsewhere."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, totals: Any) -> None:
        now = time.perf_counter()
        if self.tty:
            click.echo(f"\r\x1b[K{totals.line()}", err=True, nl=False)
        elif now - self.last >= 5:
            click.echo(totals.line(), err=True)
            self.last = now


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind (loopback by default).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(1),
    default=900.0,
    show_default=True,
    help="Per-request model timeout in seconds.",
)
@click.option(
    "--allow-model",
    "allowed_models",
    multiple=True,
    envvar="SUMMARIZER_ALLOWED_MODELS",
    help="Models clients may ask for, as shell patterns (repeat it, or comma-separate them in "
    "SUMMARIZER_ALLOWED_MODELS). Default: any model this machine can run. The default model "
    "is always allowed.",
)
@model_option
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout_s: float,
    allowed_models: tuple[str, ...],
    model: str | None,
) -> None:
    """Run the HTTP service and the reader page (token auth when SUMMARIZER_API_TOKEN is set)."""
    import uvicorn

    from summarizer.server import create_app

    patterns = tuple(p.strip() for value in allowed_models for p in value.split(",") if p.strip())
    app = create_app(
        settings_of(ctx).with_overrides(model=model),
        model_timeout_s=timeout_s,
        allowed_models=patterns or None,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.group()
def cache() -> None:
    """Inspect or clear the response cache."""


@cache.command("stats")
@click.pass_context
def cache_stats(ctx: click.Context) -> None:
    """Entries, size, hits and misses of the response cache."""
    from summarizer.models import open_response_cache

    store = open_response_cache(settings_of(ctx.find_root()))
    click.echo(json.dumps(store.stats(), indent=2))


@cache.command("clear")
@click.pass_context
def cache_clear(ctx: click.Context) -> None:
    """Delete every cached response."""
    from summarizer.models import open_response_cache

    store = open_response_cache(settings_of(ctx.find_root()))
    click.echo(f"removed {store.clear()} cached responses")
