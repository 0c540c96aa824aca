"""The ``summarizer`` command group: global options, settings, and the commands of each module.

Results go to stdout; progress, warnings and errors go to stderr.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from summarizer.cli.admin import cache, config, models
from summarizer.cli.articles import brief, clean, fix_names, translate, verify
from summarizer.cli.common import fail
from summarizer.cli.compare import compare
from summarizer.cli.ops import batch
from summarizer.cli.serve import serve
from summarizer.config import load_settings
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
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file (TOML; env SUMMARIZER_CONFIG; default: config.toml in the user config dir).",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Response cache directory (env SUMMARIZER_CACHE_DIR).",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the response cache.")
@click.option(
    "--api-base",
    default=None,
    help="Base URL of an OpenAI-compatible server (vLLM, llama.cpp, LM Studio, Ollama's /v1); "
    "use -m openai/<served-name> (env SUMMARIZER_API_BASE; its key: SUMMARIZER_API_KEY).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress; errors and warnings only.")
@click.option("-v", "--verbose", is_flag=True, help="Also log what happens (retries, cache).")
@click.version_option(package_name="summarizer")
@click.pass_context
def main(
    ctx: click.Context,
    config_file: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    api_base: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Trustworthy English briefs of Chinese news."""
    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    ctx.meta["quiet"] = quiet
    flags: dict[str, Any] = {
        "cache_dir": cache_dir,
        "no_cache": True if no_cache else None,
        "api_base": api_base,
    }
    try:
        ctx.obj = load_settings(config_file, **flags)
    except SummarizerError as exc:
        fail(exc)
    ctx.meta["config_file"] = config_file
    ctx.meta["flags"] = flags


for command in (
    brief,
    clean,
    translate,
    verify,
    compare,
    fix_names,
    batch,
    serve,
    models,
    cache,
    config,
):
    main.add_command(command)
