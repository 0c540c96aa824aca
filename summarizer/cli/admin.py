"""Commands about the installation: ``models``, ``cache`` and ``config``."""

from __future__ import annotations

import json

import click

from summarizer.cli.common import settings_of
from summarizer.config import DEFAULT_MODEL, Settings


@click.command()
@click.pass_context
def models(ctx: click.Context) -> None:
    """List the configured models and whether each can run now."""
    from summarizer.factory import PROVIDER_KEYS, model_status

    settings = settings_of(ctx)
    candidates = [
        settings.model,
        DEFAULT_MODEL,
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
    servers = dict.fromkeys([*settings.model_servers.values(), settings.api_base])
    for server in (url for url in servers if url):
        _list_server(server, settings)
    click.echo(
        f"\nAny litellm model string works; keys come from {', '.join(sorted(set(PROVIDER_KEYS.values())))}.",
        err=True,
    )


def _list_server(api_base: str, settings: Settings) -> None:
    """What an OpenAI-compatible server offers, as model strings for -m, or why it cannot say."""
    from summarizer.errors import BackendError
    from summarizer.factory import known_schema_format, server_models
    from summarizer.redact import redact

    key = settings.api_key.get_secret_value() if settings.api_key else None
    try:
        names = server_models(api_base, key)
    except BackendError as exc:
        click.echo(f"no   server {api_base}: does not answer ({redact(str(exc))})")
        return
    click.echo(f"yes  server {api_base}: {len(names)} model(s)")
    for name in names:
        form = known_schema_format(settings, f"openai/{name}") or "probed on first use"
        click.echo(f"       -m openai/{name} --api-base {api_base}  (JSON schema: {form})")


@click.group()
def cache() -> None:
    """Inspect or clear the response cache."""


@cache.command("stats")
@click.pass_context
def cache_stats(ctx: click.Context) -> None:
    """Entries, size, hits and misses of the response cache."""
    from summarizer.factory import open_response_cache

    store = open_response_cache(settings_of(ctx.find_root()))
    click.echo(json.dumps(store.stats(), indent=2))


@cache.command("clear")
@click.pass_context
def cache_clear(ctx: click.Context) -> None:
    """Delete every cached response."""
    from summarizer.factory import open_response_cache

    store = open_response_cache(settings_of(ctx.find_root()))
    click.echo(f"removed {store.clear()} cached responses")


@click.group()
def config() -> None:
    """Show the effective settings."""


@config.command("show")
@click.pass_context
def config_show(ctx: click.Context) -> None:
    """Each setting, its value, and where it came from (flag, environment, file or default)."""
    from summarizer.config import explain_settings

    root = ctx.find_root()
    rows = explain_settings(root.meta.get("config_file"), **root.meta.get("flags", {}))
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        shown = "" if value is None else str(value)
        click.echo(f"{name:<{width}}  {shown}  ({source})")
