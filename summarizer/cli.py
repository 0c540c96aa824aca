"""The ``summarizer`` command: thin wrappers that parse arguments, call the pipeline and print.

Results go to stdout; progress, warnings and errors go to stderr.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from summarizer.cli_common import StderrProgress, fail, model_option, read_article, settings_of
from summarizer.cli_ops import batch, cache, serve
from summarizer.config import Settings
from summarizer.errors import SummarizerError


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
        fail(exc)
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

    settings = settings_of(ctx).with_overrides(model=model, glossary_path=glossary)
    try:
        article = read_article(source, settings)
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
            on_progress=StderrProgress(),
        )
    except SummarizerError as exc:
        fail(exc)
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
        article = read_article(source, settings_of(ctx), to_script)
    except SummarizerError as exc:
        fail(exc)
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

    settings = settings_of(ctx).with_overrides(model=model, glossary_path=glossary)
    try:
        article = read_article(source, settings)
        result = run_translate(
            article,
            make_backend(settings),
            model=settings.model,
            glossary=load_glossary(settings.glossary_path),
            chunk_tokens=settings.translate_chunk_tokens,
            max_reasks=settings.max_reasks,
            refine=refine,
            on_progress=StderrProgress(),
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
        article = read_article(source, settings_of(ctx))
        fixes = find_name_fixes(article, load_glossary(glossary))
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


@main.command()
@click.pass_context
def models(ctx: click.Context) -> None:
    """List the configured models and whether each can run now."""
    from summarizer.models import PROVIDER_KEYS, model_status

    settings = settings_of(ctx)
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


main.add_command(batch)
main.add_command(serve)
main.add_command(cache)
