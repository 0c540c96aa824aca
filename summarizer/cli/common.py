"""Helpers shared by the CLI modules: errors, settings, the model option, reading input, progress."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from summarizer.config import DEFAULT_MODEL, Settings
from summarizer.errors import InputError
from summarizer.redact import redact
from summarizer.schemas import Article, Script

F = TypeVar("F", bound=Callable[..., Any])


def fail(exc: BaseException) -> NoReturn:
    click.echo(f"error: {redact(str(exc))}", err=True)
    sys.exit(2 if isinstance(exc, InputError) else 1)


def settings_of(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def model_option(func: F) -> F:
    return click.option(
        "-m",
        "--model",
        default=None,
        help=f"litellm model string, {DEFAULT_MODEL} (the default) or fake (env SUMMARIZER_MODEL).",
    )(func)


def no_cache_option(func: F) -> F:
    return click.option(
        "--no-cache",
        "no_cache",
        is_flag=True,
        help="Do not read or write the response cache (same as the global --no-cache).",
    )(func)


def api_base_option(func: F) -> F:
    return click.option(
        "--api-base",
        default=None,
        help="Base URL of an OpenAI-compatible server, with -m openai/<served-name> "
        "(env SUMMARIZER_API_BASE; its key, if any: SUMMARIZER_API_KEY).",
    )(func)


def candidates_option(func: F) -> F:
    return click.option(
        "--candidates",
        type=click.IntRange(1, 16),
        default=None,
        help="Translate each paragraph N times (the likeliest reply and samples) and keep the "
        "consensus: better English for N times the translation calls (env "
        "SUMMARIZER_CANDIDATES; default 1).",
    )(func)


def quiet(ctx: click.Context) -> bool:
    return bool(ctx.find_root().meta.get("quiet"))


def glossary_option(func: F) -> F:
    return click.option(
        "--glossary",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="User glossary TSV (chinese<TAB>english per line) on top of the built-in one "
        "(env SUMMARIZER_GLOSSARY).",
    )(func)


def engine_options(func: F) -> F:
    func = click.option(
        "--address",
        default=None,
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster on 127.0.0.1).",
    )(func)
    return click.option(
        "--engine",
        type=click.Choice(["threads", "dask"]),
        default="threads",
        show_default=True,
        help="Run batches in threads here, or on Dask distributed.",
    )(func)


def read_article(source: str, settings: Settings, to_script: str | None = None) -> Article:
    from summarizer.fetch import is_url, load_url
    from summarizer.ingest import load_article

    script: Script | None = "simplified" if to_script == "simplified" else None
    if to_script == "traditional":
        script = "traditional"
    if is_url(source):
        return load_url(
            source,
            max_bytes=settings.max_input_bytes,
            allow_private=settings.allow_private_urls,
            to_script=script,
        )
    if source == "-":
        data = sys.stdin.buffer.read(settings.max_input_bytes + 1)
        return load_article(
            data, name="<stdin>", max_bytes=settings.max_input_bytes, to_script=script
        )
    return load_article(Path(source), max_bytes=settings.max_input_bytes, to_script=script)


class StderrProgress:
    """One line per step on stderr (never stdout); nothing with ``quiet``."""

    def __init__(self, quiet: bool = False) -> None:
        self.started = time.perf_counter()
        self.last = ""
        self.quiet = quiet

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.quiet:
            return
        elapsed = time.perf_counter() - self.started
        line = (
            f"[{elapsed:6.1f}s] {step}: {done}/{total}"
            if step == "translate"
            else f"[{elapsed:6.1f}s] {step}"
        )
        if line != self.last:
            click.echo(line, err=True)
            self.last = line
