"""Commands on one article: ``brief``, ``clean``, ``translate`` and ``fix-names``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from summarizer.cli.common import (
    StderrProgress,
    api_base_option,
    candidates_option,
    fail,
    glossary_option,
    model_option,
    no_cache_option,
    quiet,
    read_article,
    settings_of,
)
from summarizer.cli.live import LiveBrief
from summarizer.errors import SummarizerError


@click.command()
@click.argument("source")
@model_option
@click.option("--target", default=None, help="What the stance is toward (inferred when not given).")
@glossary_option
@click.option("--refine", is_flag=True, help="Critique the draft translation and improve it.")
@candidates_option
@click.option("--json", "as_json", is_flag=True, help="Print the full Brief as JSON.")
@no_cache_option
@api_base_option
@click.pass_context
def brief(
    ctx: click.Context,
    source: str,
    model: str | None,
    target: str | None,
    glossary: Path | None,
    refine: bool,
    candidates: int | None,
    as_json: bool,
    no_cache: bool,
    api_base: str | None,
) -> None:
    """Clean, translate, summarise and label the stance of SOURCE (a file, or - for stdin)."""
    from summarizer.factory import make_backend
    from summarizer.render import brief_markdown
    from summarizer.tasks.brief import make_brief
    from summarizer.tasks.options import PipelineOptions

    settings = settings_of(ctx).with_overrides(
        model=model,
        glossary=glossary,
        no_cache=no_cache or None,
        api_base=api_base,
        candidates=candidates,
    )
    try:
        article = read_article(source, settings)
        if not quiet(ctx):
            click.echo(
                f"{article.name}: {len(article.paragraphs)} paragraphs, {article.language}; model {settings.model}",
                err=True,
            )
        live = LiveBrief(quiet(ctx))
        try:
            result = make_brief(
                article,
                make_backend(settings),
                model=settings.model,
                options=PipelineOptions.from_settings(settings, refine=refine),
                target=target,
                on_progress=live.progress,
                on_event=live.event,
            )
        finally:
            live.stop()
    except SummarizerError as exc:
        fail(exc)
    click.echo(result.model_dump_json(indent=2) if as_json else brief_markdown(result))


@click.command()
@click.argument("source")
@click.option("--to-script", type=click.Choice(["simplified", "traditional"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the Article as JSON.")
@click.pass_context
def clean(ctx: click.Context, source: str, to_script: str | None, as_json: bool) -> None:
    """Print the cleaned, numbered paragraphs of SOURCE and what was repaired or removed."""
    from summarizer.render import article_text

    try:
        article = read_article(source, settings_of(ctx), to_script)
    except SummarizerError as exc:
        fail(exc)
    click.echo(article.model_dump_json(indent=2) if as_json else article_text(article), nl=False)


@click.command()
@click.argument("source")
@model_option
@glossary_option
@click.option(
    "--refine", is_flag=True, help="Critique the draft and re-translate faulted paragraphs."
)
@candidates_option
@click.option(
    "--bilingual", is_flag=True, help="Print each source paragraph followed by its English."
)
@click.option("--json", "as_json", is_flag=True, help="Print the Translation as JSON.")
@no_cache_option
@api_base_option
@click.pass_context
def translate(
    ctx: click.Context,
    source: str,
    model: str | None,
    glossary: Path | None,
    refine: bool,
    candidates: int | None,
    bilingual: bool,
    as_json: bool,
    no_cache: bool,
    api_base: str | None,
) -> None:
    """Translate SOURCE into English, paragraph by paragraph."""
    from summarizer.factory import make_backend
    from summarizer.tasks.options import PipelineOptions
    from summarizer.tasks.translate import translate as run_translate

    settings = settings_of(ctx).with_overrides(
        model=model,
        glossary=glossary,
        no_cache=no_cache or None,
        api_base=api_base,
        candidates=candidates,
    )
    try:
        article = read_article(source, settings)
        result = run_translate(
            article,
            make_backend(settings),
            model=settings.model,
            options=PipelineOptions.from_settings(settings, refine=refine),
            on_progress=StderrProgress(quiet(ctx)),
        )
    except SummarizerError as exc:
        fail(exc)
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


@click.command("fix-names")
@click.argument("source")
@glossary_option
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

    from summarizer.grounding.glossary import load_glossary
    from summarizer.tasks.fix_names import apply_name_fixes, find_name_fixes

    settings = settings_of(ctx).with_overrides(glossary=glossary)
    try:
        article = read_article(source, settings)
        fixes = find_name_fixes(article, load_glossary(settings.glossary))
    except SummarizerError as exc:
        fail(exc)
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


@click.command()
@click.argument("source")
@click.argument("translation", type=click.Path(dir_okay=False, path_type=Path))
@glossary_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def verify(
    ctx: click.Context, source: str, translation: Path, glossary: Path | None, as_json: bool
) -> None:
    """Check TRANSLATION (English, made anywhere) against SOURCE (the Chinese: a file, a URL or -):
    paragraph alignment, glossary and person names, numbers and dates, Chinese left untranslated.
    Exits 1 when it finds a problem."""
    from summarizer.ingest import read_limited
    from summarizer.ingest.decode import decode_bytes
    from summarizer.tasks.options import PipelineOptions
    from summarizer.tasks.verify import verification_markdown, verify_translation

    settings = settings_of(ctx).with_overrides(glossary=glossary)
    try:
        article = read_article(source, settings)
        limit = settings.max_input_bytes
        text, _ = decode_bytes(
            read_limited(translation, str(translation), limit), str(translation), limit
        )
        result = verify_translation(article, text, PipelineOptions.from_settings(settings).glossary)
    except SummarizerError as exc:
        fail(exc)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(verification_markdown(result, source, str(translation)), nl=False)
    ctx.exit(0 if result.passed else 1)
