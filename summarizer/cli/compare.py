"""``compare``: one story told by several articles, lined up side by side."""

from __future__ import annotations

from pathlib import Path

import click

from summarizer.cli.common import (
    StderrProgress,
    api_base_option,
    fail,
    glossary_option,
    model_option,
    no_cache_option,
    quiet,
    read_article,
    settings_of,
)
from summarizer.errors import ConfigError, SummarizerError
from summarizer.schemas import Brief


@click.command()
@click.argument("sources", nargs=-1, required=True)
@model_option
@click.option("--target", default=None, help="What every stance is toward (one target for all).")
@glossary_option
@click.option("--json", "as_json", is_flag=True, help="Print the Comparison as JSON.")
@no_cache_option
@api_base_option
@click.pass_context
def compare(
    ctx: click.Context,
    sources: tuple[str, ...],
    model: str | None,
    target: str | None,
    glossary: Path | None,
    as_json: bool,
    no_cache: bool,
    api_base: str | None,
) -> None:
    """Brief each SOURCE (files or URLs: one story from several outlets) and compare them: the
    figures each states, who names whom, each stance with its quotes, and the claims only one
    article makes. Briefs come from the cache when they were made before."""
    from summarizer.factory import make_backend
    from summarizer.render_compare import comparison_markdown
    from summarizer.tasks.brief import make_brief
    from summarizer.tasks.compare import brief_each, compare_briefs
    from summarizer.tasks.options import PipelineOptions

    settings = settings_of(ctx).with_overrides(
        model=model, glossary=glossary, no_cache=no_cache or None, api_base=api_base
    )
    if len(sources) < 2:
        fail(ConfigError("compare needs at least two articles"))
    try:
        backend = make_backend(settings)
        options = PipelineOptions.from_settings(settings)
    except SummarizerError as exc:
        fail(exc)

    def brief(source: str) -> Brief:
        article = read_article(source, settings)
        if not quiet(ctx):
            click.echo(f"{article.name}: {len(article.paragraphs)} paragraphs", err=True)
        return make_brief(
            article,
            backend,
            model=settings.model,
            options=options,
            target=target,
            on_progress=StderrProgress(quiet(ctx)),
        )

    try:  # one bad article: compare the others, and say so
        briefs, not_compared = brief_each(sources, brief)
        for left_out in not_compared:
            click.echo(f"error: {left_out.name}: {left_out.error}", err=True)
        result = compare_briefs(
            briefs,
            backend,
            model=settings.model,
            max_reasks=settings.max_reasks,
            not_compared=not_compared,
        )
    except SummarizerError as exc:
        fail(exc)
    click.echo(result.model_dump_json(indent=2) if as_json else comparison_markdown(result))
    if not_compared:
        ctx.exit(1)
