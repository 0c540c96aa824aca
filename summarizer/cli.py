"""The ``summarizer`` command: thin wrappers that parse arguments, call the pipeline and print.

Results go to stdout; progress, warnings and errors go to stderr.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from summarizer.config import Settings
from summarizer.errors import ConfigError, InputError, SummarizerError
from summarizer.redact import redact
from summarizer.schemas import Article, Script

F = TypeVar("F", bound=Callable[..., Any])


def _fail(exc: BaseException) -> None:
    click.echo(f"error: {redact(str(exc))}", err=True)
    sys.exit(2 if isinstance(exc, InputError) else 1)


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def model_option(func: F) -> F:
    return click.option(
        "-m",
        "--model",
        default=None,
        help="litellm model string, local/qwen2.5-1.5b or fake (env SUMMARIZER_MODEL).",
    )(func)


def _read_article(source: str, settings: Settings, to_script: str | None = None) -> Article:
    from summarizer.ingest import load_article

    script: Script | None = "simplified" if to_script == "simplified" else None
    if to_script == "traditional":
        script = "traditional"
    if source == "-":
        data = sys.stdin.buffer.read(settings.max_input_bytes + 1)
        return load_article(
            data, name="<stdin>", max_bytes=settings.max_input_bytes, to_script=script
        )
    return load_article(Path(source), max_bytes=settings.max_input_bytes, to_script=script)


class _StderrProgress:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last = ""

    def __call__(self, step: str, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.started
        line = (
            f"[{elapsed:6.1f}s] {step}: {done}/{total}"
            if step == "translate"
            else f"[{elapsed:6.1f}s] {step}"
        )
        if line != self.last:
            click.echo(line, err=True)
            self.last = line


class PluginGroup(click.Group):
    """A click group that also offers commands registered under ``summarizer.commands``.

    Plugins load only when listed or called, so ``summarizer brief`` pays nothing for them.
    """

    def _plugins(self) -> dict[str, Any]:
        from importlib.metadata import entry_points

        return {ep.name: ep for ep in entry_points(group="summarizer.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        plugin = self._plugins().get(cmd_name)
        if plugin is None:
            return None
        loaded = plugin.load()
        return loaded if isinstance(loaded, click.Command) else None


@click.group(cls=PluginGroup)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Response cache directory (env SUMMARIZER_CACHE_DIR).",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the response cache.")
@click.version_option(package_name="summarizer")
@click.pass_context
def main(ctx: click.Context, cache_dir: Path | None, no_cache: bool) -> None:
    """Trustworthy English briefs of Chinese news."""
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        settings = Settings.from_env()
    except SummarizerError as exc:
        _fail(exc)
    ctx.obj = settings.with_overrides(cache_dir=cache_dir, use_cache=False if no_cache else None)


@main.command()
@click.argument("source")
@model_option
@click.option("--target", default=None, help="What the stance is toward (inferred when not given).")
@click.option(
    "--glossary", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None
)
@click.option("--refine", is_flag=True, help="Critique the draft translation and improve it.")
@click.option("--json", "as_json", is_flag=True, help="Print the full Brief as JSON.")
@click.pass_context
def brief(
    ctx: click.Context,
    source: str,
    model: str | None,
    target: str | None,
    glossary: Path | None,
    refine: bool,
    as_json: bool,
) -> None:
    """Clean, translate, summarise and label the stance of SOURCE (a file, or - for stdin)."""
    from summarizer.models import make_backend
    from summarizer.render import brief_markdown
    from summarizer.tasks.brief import make_brief

    settings = _settings(ctx).with_overrides(model=model, glossary_path=glossary)
    try:
        article = _read_article(source, settings)
        click.echo(
            f"{article.name}: {len(article.paragraphs)} paragraphs, {article.language}; model {settings.model}",
            err=True,
        )
        result = make_brief(
            article,
            make_backend(settings),
            model=settings.model,
            settings=settings,
            target=target,
            refine=refine,
            on_progress=_StderrProgress(),
        )
    except SummarizerError as exc:
        _fail(exc)
    click.echo(result.model_dump_json(indent=2) if as_json else brief_markdown(result))


@main.command()
@click.argument("source")
@click.option("--to-script", type=click.Choice(["simplified", "traditional"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the Article as JSON.")
@click.pass_context
def clean(ctx: click.Context, source: str, to_script: str | None, as_json: bool) -> None:
    """Print the cleaned, numbered paragraphs of SOURCE and what was repaired or removed."""
    from summarizer.render import article_text

    try:
        article = _read_article(source, _settings(ctx), to_script)
    except SummarizerError as exc:
        _fail(exc)
    click.echo(article.model_dump_json(indent=2) if as_json else article_text(article), nl=False)


@main.command()
@click.argument("source")
@model_option
@click.option(
    "--glossary", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None
)
@click.option(
    "--refine", is_flag=True, help="Critique the draft and re-translate faulted paragraphs."
)
@click.option(
    "--bilingual", is_flag=True, help="Print each source paragraph followed by its English."
)
@click.option("--json", "as_json", is_flag=True, help="Print the Translation as JSON.")
@click.pass_context
def translate(
    ctx: click.Context,
    source: str,
    model: str | None,
    glossary: Path | None,
    refine: bool,
    bilingual: bool,
    as_json: bool,
) -> None:
    """Translate SOURCE into English, paragraph by paragraph."""
    from summarizer.glossary import load_glossary
    from summarizer.models import make_backend
    from summarizer.tasks.translate import translate as run_translate

    settings = _settings(ctx).with_overrides(model=model, glossary_path=glossary)
    try:
        article = _read_article(source, settings)
        result = run_translate(
            article,
            make_backend(settings),
            model=settings.model,
            glossary=load_glossary(settings.glossary_path),
            chunk_tokens=settings.translate_chunk_tokens,
            max_reasks=settings.max_reasks,
            refine=refine,
            on_progress=_StderrProgress(),
        )
    except SummarizerError as exc:
        _fail(exc)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
        return
    if result.title:
        click.echo(f"# {result.title}\n")
    for paragraph in result.paragraphs:
        if bilingual:
            click.echo(
                f"{paragraph.id}\t{paragraph.source}\n{'':<{len(paragraph.id)}}\t{paragraph.text}\n"
            )
        else:
            click.echo(f"{paragraph.text}\n")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


@main.command("fix-names")
@click.argument("source")
@click.option(
    "--glossary", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None
)
@click.option(
    "--apply", "apply_fixes", is_flag=True, help="Print the corrected text instead of the list."
)
@click.option("--json", "as_json", is_flag=True, help="Print the proposed changes as JSON.")
@click.pass_context
def fix_names(
    ctx: click.Context, source: str, glossary: Path | None, apply_fixes: bool, as_json: bool
) -> None:
    """Find garbled renderings of known names in an English machine translation."""
    from dataclasses import asdict

    from summarizer.glossary import load_glossary
    from summarizer.tasks.fix_names import apply_name_fixes, find_name_fixes

    try:
        article = _read_article(source, _settings(ctx))
        fixes = find_name_fixes(article, load_glossary(glossary))
    except SummarizerError as exc:
        _fail(exc)
    if apply_fixes:
        if article.title:
            click.echo(article.title + "\n")
        click.echo("\n\n".join(p.text for p in apply_name_fixes(article, fixes)))
    elif as_json:
        click.echo(json.dumps([asdict(fix) for fix in fixes], ensure_ascii=False, indent=2))
    else:
        for fix in fixes:
            click.echo(f"{fix.paragraph}\t{fix.wrong} -> {fix.right}\t(glossary: {fix.chinese})")
        click.echo(f"{len(fixes)} name(s) to fix", err=True)


@main.command()
@click.pass_context
def models(ctx: click.Context) -> None:
    """List the configured models and whether each can run now."""
    from summarizer.models import PROVIDER_KEYS, model_status

    settings = _settings(ctx)
    candidates = [
        settings.model,
        "local/qwen2.5-1.5b",
        "fake",
        "openai/gpt-4o-mini",
        "anthropic/claude-3-5-haiku-latest",
        "openrouter/qwen/qwen-2.5-72b-instruct",
    ]
    seen = list(dict.fromkeys(candidates))
    for model in seen:
        status = model_status(model, settings)
        mark = "yes" if status.usable else "no "
        default = " (default)" if model == settings.model else ""
        click.echo(f"{mark}  {model}{default}: {status.reason}")
    click.echo(
        f"\nAny litellm model string works; keys come from {', '.join(sorted(set(PROVIDER_KEYS.values())))}.",
        err=True,
    )


@main.command()
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

    settings = _settings(ctx).with_overrides(model=model, cache_url=cache_url)
    if address and engine != "dask":
        _fail(ConfigError("--address needs --engine dask"))
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
        _fail(exc)
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


@main.command()
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
@model_option
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, timeout_s: float, model: str | None) -> None:
    """Run the HTTP service and the reader page (bearer auth when SUMMARIZER_API_TOKEN is set)."""
    import uvicorn

    from summarizer.server import create_app

    app = create_app(_settings(ctx).with_overrides(model=model), model_timeout_s=timeout_s)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.group()
def cache() -> None:
    """Inspect or clear the response cache."""


@cache.command("stats")
@click.pass_context
def cache_stats(ctx: click.Context) -> None:
    """Entries, size, hits and misses of the response cache."""
    from summarizer.models import open_response_cache

    store = open_response_cache(_settings(ctx.find_root()))
    click.echo(json.dumps(store.stats(), indent=2))


@cache.command("clear")
@click.pass_context
def cache_clear(ctx: click.Context) -> None:
    """Delete every cached response."""
    from summarizer.models import open_response_cache

    store = open_response_cache(_settings(ctx.find_root()))
    click.echo(f"removed {store.clear()} cached responses")
