"""The ``serve`` command: the HTTP service, with the safety checks a network service needs."""

from __future__ import annotations

import ipaddress
import os

import click

from summarizer.cli.common import engine_options, fail, model_option, settings_of
from summarizer.cli.ops import check_engine
from summarizer.errors import ConfigError, SummarizerError

# uvicorn answers 503 beyond this many connections and requests at once (slow clients included).
MAX_CONNECTIONS = 512


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
    help="Models clients may ask for, as shell patterns (repeat it; or set allowed_models in the "
    "config file or SUMMARIZER_ALLOWED_MODELS, comma-separated). Default: any model this "
    "machine can run. The default model is always allowed.",
)
@click.option(
    "--max-jobs",
    type=click.IntRange(1, 1000),
    default=4,
    show_default=True,
    help="Batch jobs running at once; more are refused with 429 and Retry-After.",
)
@click.option(
    "--job-timeout",
    "job_timeout_s",
    type=click.FloatRange(1),
    default=6 * 3600.0,
    show_default=True,
    help="Seconds one batch job may run before it is stopped.",
)
@click.option(
    "--body-timeout",
    "body_timeout_s",
    type=click.FloatRange(0.1),
    default=30.0,
    show_default=True,
    help="Seconds a client may take to send a request body; slower ones get 408.",
)
@click.option(
    "--insecure-no-auth",
    is_flag=True,
    help="Allow a non-loopback --host without SUMMARIZER_API_TOKEN (anyone who reaches it can "
    "use it, and spend your provider keys).",
)
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Let clients brief URLs on loopback, private and link-local addresses (off: the service "
    "would otherwise be a proxy into its own network).",
)
@model_option
@engine_options
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout_s: float,
    allowed_models: tuple[str, ...],
    model: str | None,
    engine: str,
    address: str | None,
    insecure_no_auth: bool,
    max_jobs: int,
    job_timeout_s: float,
    body_timeout_s: float,
    allow_private_urls: bool,
) -> None:
    """Run the HTTP service and the reader page (token auth when SUMMARIZER_API_TOKEN is set).

    A non-loopback --host needs SUMMARIZER_API_TOKEN, or --insecure-no-auth said out loud.
    """
    import uvicorn

    from summarizer.batch.engine import make_engine
    from summarizer.service.app import create_app

    check_engine(engine, address)
    token = os.environ.get("SUMMARIZER_API_TOKEN") or None
    if not token and not is_loopback(host) and not insecure_no_auth:
        fail(
            ConfigError(
                f"--host {host} opens the service to the network: set SUMMARIZER_API_TOKEN, or "
                "pass --insecure-no-auth if anyone who can reach it may use it"
            )
        )
    settings = settings_of(ctx).with_overrides(
        model=model, allow_private_urls=allow_private_urls or None
    )
    cache_dir = settings.resolved_cache_dir()
    try:  # the service keeps its batch jobs there: an unusable one is a configuration error
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(ConfigError(f"cache directory {cache_dir}: {exc.strerror or exc}"))
    patterns = tuple(p.strip() for value in allowed_models for p in value.split(",") if p.strip())
    patterns = patterns or settings.allowed_models
    try:
        app = create_app(
            settings,
            model_timeout_s=timeout_s,
            allowed_models=patterns or None,
            engine=make_engine(engine, address=address),
            max_jobs=max_jobs,
            job_deadline_s=job_timeout_s,
            body_timeout_s=body_timeout_s,
        )
    except (SummarizerError, OSError) as exc:
        fail(exc)
    for variable in spendable_keys():
        click.echo(
            f"warning: this server spends {variable} for every client that asks for that "
            "provider's models (limit them with --allow-model)",
            err=True,
        )
    scheme_host = f"[{host}]" if ":" in host else host
    click.echo(f"summarizer serve: listening on http://{scheme_host}:{port}/", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def spendable_keys() -> list[str]:
    """The provider key variables set in this environment (their names, never their values)."""
    from summarizer.factory import PROVIDER_KEYS

    return sorted({v for v in PROVIDER_KEYS.values() if os.environ.get(v)})
