"""The hosted code path against a real OpenAI-compatible server, offline: the local weights served
by llama-cpp-python's server on loopback, reached as ``openai/<name>`` with a base URL, directly
and through a proxy that answers 429, 503 and drops a connection."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.backends import local
from summarizer.backends.weights import ensure_weights
from summarizer.config import DEFAULT_MODEL, Settings
from summarizer.factory import make_backend
from summarizer.ingest import article_from_text
from summarizer.tasks.translate import translate
from tests.fault_proxy import Fault, FaultProxy
from tests.llama_server import SERVED_NAME, LlamaServer, server_installed
from tests.server_process import allow_loopback

pytestmark = pytest.mark.local_model

MODEL = f"openai/{SERVED_NAME}"
HAN = re.compile(r"[\u3400-\u9fff]")
ARTICLE = (
    "美国商务部本周批准英伟达向中国出口H200芯片，但要求将销售额的25%交给美国政府。\n"
    "评论人士认为，这一条件说明华盛顿既想赚中国的钱，又想遏制中国科技发展。\n"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    if not server_installed():
        pytest.skip("llama-cpp-python[server] is not installed")
    usable, reason = local.local_status(DEFAULT_MODEL, Settings().resolved_cache_dir())
    if not usable:
        pytest.skip(f"local model not usable here: {reason}")
    weights = ensure_weights(local.local_spec(DEFAULT_MODEL), Settings().resolved_cache_dir())
    allow_loopback()
    log = tmp_path_factory.mktemp("llama-server") / "stderr.log"
    server = LlamaServer(weights, local.N_CTX, os.cpu_count() or 2, log).start()
    yield server
    server.stop()


def cli_env(**extra: str) -> dict[str, str]:
    """The environment with no provider key at all: nothing may need OPENAI_API_KEY."""
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return {**clean, **extra}


def test_translation_over_the_served_model(served: LlamaServer, tmp_path: Path) -> None:
    """Chunked JSON translation with the schema in the form this server takes (it rejects
    ``json_schema`` with a 500 and holds ``json_object`` to the schema), usage counted, no cost,
    and the answer cached on disk."""
    allow_loopback()
    settings = Settings(cache_dir=tmp_path, api_base=served.api_base)
    article = article_from_text(ARTICLE, name="served")
    first = translate(article, make_backend(settings, MODEL), model=MODEL)
    english = " ".join(p.text for p in first.paragraphs)
    assert len(first.paragraphs) == 2 and not HAN.search(english)
    assert re.search(r"nvidia", english, re.IGNORECASE) and "H200" in english and "25" in english
    assert "translate@v1" in first.meta.prompts  # the hosted path: a chunk of paragraphs as JSON
    assert first.meta.prompt_tokens > 0 and first.meta.completion_tokens > 0
    assert first.meta.cost_usd == 0.0
    formats = json.loads((tmp_path / "server-schema-formats.json").read_text())
    assert formats == {f"{served.api_base} {MODEL}": "json_object"}
    again = translate(article, make_backend(settings, MODEL), model=MODEL)
    assert again.meta.cached_calls == again.meta.calls and again.paragraphs == first.paragraphs
    listed = subprocess.run(
        [sys.executable, "-m", "summarizer", "--cache-dir", str(tmp_path), "models"],
        capture_output=True,
        text=True,
        env=cli_env(SUMMARIZER_API_BASE=served.api_base),
        timeout=120,
    )
    assert f"yes  server {served.api_base}: 1 model(s)" in listed.stdout
    assert f"-m {MODEL} --api-base {served.api_base}  (JSON schema: json_object)" in listed.stdout


def test_cli_brief_on_a_served_model_needs_no_openai_key(
    served: LlamaServer, tmp_path: Path
) -> None:
    allow_loopback()
    source = tmp_path / "short.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    args = [
        sys.executable, "-m", "summarizer", "--cache-dir", str(tmp_path), "brief",
        str(source), "-m", MODEL, "--api-base", served.api_base, "--json",
        "--target", "US export controls",
    ]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, env=cli_env(), timeout=600)
    assert done.returncode == 0, done.stderr
    brief = json.loads(done.stdout)
    assert brief["meta"]["model"] == MODEL and brief["meta"]["cached_calls"] == 0
    assert brief["summary"]["headline"] and brief["summary"]["key_points"]
    assert brief["stance"]["label"] in {"supportive", "critical", "neutral", "mixed"}
    english = " ".join(p["text"] for p in brief["translation"]["paragraphs"])
    assert not HAN.search(english)
    assert all(q["quote"] in english for q in brief["stance"]["evidence"])  # verbatim quotes


def test_batch_through_429_503_and_a_dropped_connection(
    served: LlamaServer, tmp_path: Path
) -> None:
    """Three faults on three different calls: every article is still done, once, and the client
    waited the Retry-After the 429 asked for before it sent the next request."""
    allow_loopback()
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (articles / "b.txt").write_text(
        "英伟达表示，H20芯片在中国的销售额下降了一半。\n", encoding="utf-8"
    )
    retry_after = 2.0
    faults = {
        0: Fault(429, {"Retry-After": f"{retry_after:g}"}),
        2: Fault(503),
        4: Fault(drop=True),
    }
    output = tmp_path / "out.jsonl"
    with FaultProxy(served.api_base, faults) as proxy:
        args = [
            sys.executable, "-m", "summarizer", "--cache-dir", str(tmp_path / "cache"),
            "batch", str(articles), "-o", str(output), "-j", "1", "-m", MODEL,
            "--api-base", proxy.api_base, "--target", "US export controls",
        ]  # fmt: skip
        done = subprocess.run(
            args,
            capture_output=True,
            text=True,
            # The form is configured, so the probe's questions do not shift the faults' numbers;
            # backoff is near zero, so only a honoured Retry-After makes a two-second gap.
            env=cli_env(
                SUMMARIZER_SCHEMA_FORMATS=json.dumps({"openai/*": "json_object"}),
                SUMMARIZER_RETRY_WAIT="0.01",
            ),
            timeout=900,
        )
        arrivals = proxy.completions()
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert sorted(Path(r["id"]).name for r in records) == ["a.txt", "b.txt"]
    assert all(r["status"] == "ok" and r["brief"]["summary"]["headline"] for r in records)
    assert [a.fault for a in arrivals[:5:2]] == [faults[0], faults[2], faults[4]]
    assert arrivals[1].at - arrivals[0].at >= retry_after
    assert arrivals[3].at - arrivals[2].at < retry_after  # a 503 without Retry-After: backoff
    briefs = [r["brief"] for r in records]
    assert sum(b["meta"]["calls"] for b in briefs) == len(arrivals) - len(faults)
    assert sum(b["meta"]["attempts"] for b in briefs) >= len(faults)
