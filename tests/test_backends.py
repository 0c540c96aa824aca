"""The fake backend, the response cache, retries and the litellm path (network patched out)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.backends import FakeBackend, Request, fake_from_model_string
from summarizer.backends.litellm_backend import LiteLLMBackend, load_litellm
from summarizer.backends.retry import RetryingBackend
from summarizer.cache import CachedBackend, ResponseCache, cache_key
from summarizer.errors import BackendError, ConfigError, ModelUnavailableError
from summarizer.factory import make_backend, model_status
from tests.openai_stub import OpenAIStub, Scripted
from tests.server_process import allow_loopback


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    allow_loopback()
    with OpenAIStub() as stub:
        yield stub


def request(text: str = "hi", **kwargs: object) -> Request:
    return Request(model="fake", messages=({"role": "user", "content": text},), **kwargs)  # type: ignore[arg-type]


def test_fake_replays_script_and_records_history() -> None:
    fake = FakeBackend(replies=["one", "two"])
    assert fake.complete(request("a")).text == "one"
    assert fake.complete(request("b")).text == "two"
    assert [r.messages[0]["content"] for r in fake.history] == ["a", "b"]
    with pytest.raises(BackendError, match="no scripted replies"):
        fake.complete(request())


def test_fake_callable_and_knobs() -> None:
    assert (
        FakeBackend(responder=lambda r: r.messages[0]["content"].upper())
        .complete(request("x"))
        .text
        == "X"
    )
    fake = fake_from_model_string("fake?latency=0&error_rate=0.5&seed=3")
    outcomes = []
    for _ in range(40):
        try:
            fake.complete(request())
            outcomes.append(True)
        except BackendError as exc:
            assert exc.transient
            outcomes.append(False)
    assert 5 < outcomes.count(False) < 35
    with pytest.raises(ConfigError, match="unknown"):
        fake_from_model_string("fake?speed=3")


def test_cache_key_covers_output_params_only() -> None:
    base = request()
    assert cache_key(base) == cache_key(request())
    assert cache_key(base) == cache_key(request(timeout_s=5.0))
    assert cache_key(base) != cache_key(request(temperature=0.5))
    assert cache_key(base) != cache_key(request(prompt="translate@v2"))
    assert cache_key(base) != cache_key(request("other"))


def test_cache_hit_and_miss(tmp_path: Path) -> None:
    fake = FakeBackend(responder=lambda r: "reply")
    cached = CachedBackend(fake, ResponseCache(tmp_path / "c"))
    first = cached.complete(request())
    second = cached.complete(request())
    assert not first.cached and second.cached and second.text == "reply"
    assert len(fake.history) == 1
    cached.complete(request("different"))
    assert len(fake.history) == 2
    stats = cached.cache.stats()
    assert stats["entries"] == 2 and stats["hits"] == 1


def test_corrupted_cache_runs_uncached(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory = tmp_path / "c"
    directory.mkdir()
    (directory / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    fake = FakeBackend(responder=lambda r: "reply")
    cached = CachedBackend(fake, ResponseCache(directory))
    assert cached.complete(request()).text == "reply"
    assert cached.complete(request()).text == "reply"
    assert len(fake.history) == 2 and cached.cache.disabled_reason
    assert "running uncached" in caplog.text


def test_unwritable_cache_runs_uncached(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cached = CachedBackend(FakeBackend(responder=lambda r: "ok"), ResponseCache(blocker / "sub"))
    assert cached.complete(request()).text == "ok"


def test_cache_stores_no_api_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, openai_stub: OpenAIStub
) -> None:
    """The key really travels (the server sees it) and is nowhere in the cache's files."""
    secret = "sk-test-abcdefghijklmnopqrstuvwxyz123456"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    monkeypatch.setenv("OPENAI_BASE_URL", openai_stub.url)
    model = "openai/gpt-4o-mini"
    cached = CachedBackend(LiteLLMBackend(tmp_path, model), ResponseCache(tmp_path / "c"))
    hosted = Request(model=model, messages=({"role": "user", "content": "hi"},))
    assert cached.complete(hosted).text == "ok" and cached.complete(hosted).cached
    cached.cache.close()
    assert openai_stub.authorizations == [f"Bearer {secret}"]
    files = [path for path in (tmp_path / "c").rglob("*") if path.is_file()]
    assert files and all(secret.encode() not in path.read_bytes() for path in files)


def test_two_processes_share_one_cache(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from summarizer.backends import FakeBackend, Request\n"
        "from summarizer.cache import CachedBackend, ResponseCache\n"
        "b = CachedBackend(FakeBackend(responder=lambda r: r.messages[0]['content']), ResponseCache(Path(sys.argv[1])))\n"
        "for i in range(200):\n"
        "    b.complete(Request(model='fake', messages=({'role': 'user', 'content': str(i % 50)},)))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "c")]) for _ in range(2)
    ]
    assert all(p.wait(timeout=60) == 0 for p in procs)
    assert ResponseCache(tmp_path / "c").stats()["entries"] == 50


def test_retry_transient_then_success() -> None:
    fake = FakeBackend(
        replies=[BackendError("rate limited", transient=True, retry_after=0.01), "ok"]
    )
    completion = RetryingBackend(fake, max_attempts=3, initial_wait=0.01).complete(request())
    assert completion.text == "ok" and completion.attempts == 2


def test_retry_over_http_honours_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real 429 and a 503 from a server: litellm's errors are classified as transient, the
    Retry-After header reaches the wait, and the third attempt's reply comes back."""
    script = [
        Scripted(429, headers={"retry-after": "0.3"}),
        Scripted(503, headers={"retry-after": "0.2"}),
        Scripted(text="third time"),
    ]
    allow_loopback()
    waits: list[float] = []
    monkeypatch.setattr("tenacity.nap.time.sleep", waits.append)
    with OpenAIStub(script) as stub:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key-for-the-stub-server-only")
        monkeypatch.setenv("OPENAI_BASE_URL", stub.url)
        model = "openai/gpt-4o-mini"
        backend = RetryingBackend(LiteLLMBackend(tmp_path, model), max_attempts=4, initial_wait=5)
        completion = backend.complete(
            Request(model=model, messages=({"role": "user", "content": "hi"},), max_tokens=20)
        )
    assert completion.text == "third time" and completion.attempts == 3
    assert waits == [0.3, 0.2] and len(stub.requests) == 3


def test_retry_permanent_fails_at_once() -> None:
    fake = FakeBackend(replies=[BackendError("authentication failed"), "never"])
    with pytest.raises(BackendError, match="authentication"):
        RetryingBackend(fake, max_attempts=5, initial_wait=0.01).complete(request())
    assert len(fake.history) == 1


def test_retry_gives_up_after_max_attempts() -> None:
    fake = FakeBackend(replies=[BackendError("503", transient=True)] * 3)
    with pytest.raises(BackendError):
        RetryingBackend(fake, max_attempts=3, initial_wait=0.001, max_wait=0.01).complete(request())
    assert len(fake.history) == 3


def test_litellm_path_with_network_patched_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    litellm = load_litellm(tmp_path)
    original = litellm.completion
    seen: dict[str, object] = {}

    def no_network(**kwargs: object) -> object:
        seen.update(kwargs)
        return original(mock_response='{"ok": true}', **kwargs)

    monkeypatch.setattr(litellm, "completion", no_network)
    completion = LiteLLMBackend(tmp_path, "openai/gpt-4o-mini").complete(
        Request(
            model="openai/gpt-4o-mini",
            messages=({"role": "user", "content": "hi"},),
            schema={"type": "object"},
        )
    )
    assert completion.text == '{"ok": true}'
    assert completion.prompt_tokens > 0 and completion.model == "openai/gpt-4o-mini"
    assert seen["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "reply", "schema": {"type": "object"}},
    }
    assert seen["temperature"] == 0.0


def test_litellm_errors_are_classified_and_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    litellm = load_litellm(tmp_path)
    secret = "sk-live-0123456789abcdefghijklmnop"
    monkeypatch.setenv("OPENAI_API_KEY", secret)

    def raise_auth(**kwargs: object) -> object:
        raise litellm.AuthenticationError(
            message=f"bad key {secret}", llm_provider="openai", model="gpt-4o-mini"
        )

    def raise_rate(**kwargs: object) -> object:
        raise litellm.RateLimitError(
            message="slow down", llm_provider="openai", model="gpt-4o-mini"
        )

    backend = LiteLLMBackend(tmp_path, "openai/gpt-4o-mini")
    req = Request(model="openai/gpt-4o-mini", messages=({"role": "user", "content": "hi"},))
    monkeypatch.setattr(litellm, "completion", raise_auth)
    with pytest.raises(BackendError) as info:
        backend.complete(req)
    assert (
        not info.value.transient
        and secret not in str(info.value)
        and "authentication" in str(info.value)
    )
    monkeypatch.setattr(litellm, "completion", raise_rate)
    with pytest.raises(BackendError) as info:
        backend.complete(req)
    assert info.value.transient


def test_importing_the_cli_does_not_import_litellm() -> None:
    code = "import sys, summarizer.cli, summarizer.factory, summarizer.tasks.brief; print('litellm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_model_status(settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert model_status("fake", settings).usable
    assert not model_status("openai/gpt-4o-mini", settings).usable
    monkeypatch.setenv("OPENAI_API_KEY", "sk-something-long-enough")
    status = model_status("openai/gpt-4o-mini", settings)
    assert status.usable and "sk-" not in status.reason


@pytest.mark.parametrize(
    ("model", "usable", "reason"),
    [
        ("gpt-4o-mini", True, "OPENAI_API_KEY is set"),  # litellm routes bare names
        ("hosted_vllm/qwen", True, "hosted_vllm"),
        ("no-such-provider/x", False, "no provider"),
        ("\u00f5\U00091f1b", False, "no provider"),  # schemathesis sent this as a model once
    ],
)
def test_model_status_asks_litellm_about_unknown_prefixes(  # type: ignore[no-untyped-def]
    settings, monkeypatch: pytest.MonkeyPatch, model: str, usable: bool, reason: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-something-long-enough")
    status = model_status(model, settings)
    assert status.usable is usable and reason in status.reason
    if not usable:
        with pytest.raises(ModelUnavailableError, match="no provider"):
            make_backend(settings, model)


def test_make_backend_wraps_cache_and_retry(settings) -> None:  # type: ignore[no-untyped-def]
    backend = make_backend(settings, "fake")
    first = backend.complete(request())
    second = backend.complete(request())
    assert second.cached and json.loads(json.dumps(first.text)) == second.text


def test_an_openai_compatible_server_needs_no_openai_key(tmp_path: Path) -> None:
    """`brief -m openai/NAME --api-base URL` through litellm's hosted path, against a real HTTP
    server on loopback: chunked JSON translation with a schema, usage, and no OPENAI_API_KEY."""
    import os

    from tests.openai_stub import demo_responder

    allow_loopback()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    article = tmp_path / "a.txt"
    article.write_text("英伟达表示，销售额增长了25%。\n台积电负责生产芯片。\n", encoding="utf-8")
    with OpenAIStub(responder=demo_responder) as stub:
        args = [
            sys.executable, "-m", "summarizer", "--cache-dir", str(tmp_path / "c"), "brief",
            str(article), "-m", "openai/served-model", "--api-base", stub.url, "--json",
            "--target", "US export controls",
        ]  # fmt: skip
        plain = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
        secret = "local-server-secret-4242"
        keyed = subprocess.run(
            [*args, "--no-cache"],
            capture_output=True,
            text=True,
            env={**env, "SUMMARIZER_API_KEY": secret},
            timeout=120,
        )
    assert plain.returncode == 0, plain.stderr
    brief = json.loads(plain.stdout)
    assert brief["meta"]["model"] == "openai/served-model" and brief["meta"]["prompt_tokens"] > 0
    assert "translate@v1" in brief["meta"]["prompts"]  # the hosted path: chunks as JSON
    schemas = [
        r["response_format"]["json_schema"]["name"] for r in stub.requests if "response_format" in r
    ]
    assert {"TranslationDraft", "OverviewDraft", "SentenceChoiceDraft", "StanceDraft"} <= set(
        schemas
    )
    assert all(r["model"] == "served-model" for r in stub.requests)
    assert keyed.returncode == 0, keyed.stderr
    assert f"Bearer {secret}" in stub.authorizations and "Bearer no-key" in stub.authorizations
    assert secret not in keyed.stdout + keyed.stderr


def test_one_server_gets_at_most_its_in_flight_cap(tmp_path: Path) -> None:
    """Six threads, one server capped at two: two requests reach it, the others wait their turn."""
    allow_loopback()
    from summarizer.backends.litellm_backend import LiteLLMBackend

    with OpenAIStub(default="fine") as stub:
        stub.gate.clear()
        backend = LiteLLMBackend(tmp_path, "openai/stub", api_base=stub.url, max_in_flight=2)
        request = Request(model="openai/stub", messages=({"role": "user", "content": "hi"},))
        threads = [threading.Thread(target=backend.complete, args=(request,)) for _ in range(6)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while stub.in_flight < 2:
            assert time.monotonic() < deadline, "the first two requests never arrived"
            time.sleep(0.01)
        window = time.monotonic() + 0.5  # the four others are queued, not at the server
        while time.monotonic() < window:
            assert stub.in_flight == 2
            time.sleep(0.01)
        stub.gate.set()
        for thread in threads:
            thread.join(30)
        assert len(stub.requests) == 6 and stub.most_in_flight == 2


def test_models_lists_what_a_configured_server_offers(tmp_path: Path) -> None:
    allow_loopback()
    from tests.test_cli import run

    with OpenAIStub() as stub:
        listed = run("models", env={"SUMMARIZER_API_BASE": stub.url})
    assert f"-m openai/stub-model --api-base {stub.url}" in listed.stdout.decode()
    dead = run("models", env={"SUMMARIZER_API_BASE": "http://127.0.0.1:9/v1"})
    assert "server http://127.0.0.1:9/v1: does not answer" in dead.stdout.decode()


def test_each_model_can_have_its_own_server(tmp_path: Path) -> None:
    from summarizer.config import Settings

    settings = Settings(
        api_base="http://default:8000/v1",
        model_servers={"openai/qwen-*": "http://gpu1:8000/v1", "openai/llama": "http://gpu2/v1"},
    )
    assert settings.api_base_for("openai/qwen-7b") == "http://gpu1:8000/v1"
    assert settings.api_base_for("openai/llama") == "http://gpu2/v1"
    assert settings.api_base_for("openai/other") == "http://default:8000/v1"
    config = tmp_path / "summarizer.toml"
    config.write_text(
        '[model_servers]\n"openai/qwen-*" = "http://gpu1:8000/v1"\n', encoding="utf-8"
    )
    from summarizer.config import load_settings

    loaded = load_settings(config_file=config)
    assert loaded.api_base_for("openai/qwen-7b") == "http://gpu1:8000/v1"


def test_a_served_small_model_can_translate_by_paragraph(tmp_path: Path) -> None:
    """``paragraph_translation`` gives a served model the local model's translation path: one
    plain-text call per paragraph instead of chunks of paragraphs as JSON."""
    allow_loopback()
    from summarizer.config import Settings
    from summarizer.ingest import article_from_text
    from summarizer.tasks.translate import translate
    from tests.openai_stub import demo_responder

    text = "英伟达表示，销售额增长了25%。\n台积电负责生产芯片。\n"
    with OpenAIStub(responder=demo_responder) as stub:
        settings = Settings(
            cache_dir=tmp_path,
            no_cache=True,
            api_base=stub.url,
            paragraph_translation=("openai/small-*",),
        )
        small = make_backend(settings, "openai/small-1.5b")
        large = make_backend(settings, "openai/large-72b")
        assert (
            not small.capabilities.multi_paragraph_json and large.capabilities.multi_paragraph_json
        )
        by_paragraph = translate(
            article_from_text(text, name="a"), small, model="openai/small-1.5b"
        )
        chunked = translate(article_from_text(text, name="a"), large, model="openai/large-72b")
    # One call per paragraph, or one for the chunk, beside re-asks (the demo's English is marked
    # [FAKE] and may fail a check).
    assert by_paragraph.meta.prompts == ["translate_paragraph@v1"]
    assert by_paragraph.meta.calls - by_paragraph.meta.reasks == 2
    assert chunked.meta.prompts == ["translate@v1"]
    assert chunked.meta.calls - chunked.meta.reasks == 1
