"""The streaming brief (Server-Sent Events) on the real server, with a slow fake model."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from summarizer.schemas import Brief, TranslatedParagraph
from tests.conftest import seed
from tests.server_process import Server, allow_loopback


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    allow_loopback()
    running = Server(
        tmp_path_factory.mktemp("stream"),
        model="fake?latency=0.2",
        extra_args=("--allow-model", "fake*"),
    ).start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _loopback_only() -> None:
    allow_loopback()


def events(response: httpx.Response) -> Iterator[tuple[str, str]]:
    kind = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield kind, line.removeprefix("data: ")


def cached_calls(cache_dir: Path) -> int:
    import diskcache

    with diskcache.Cache(str(cache_dir / "responses")) as cache:
        return len(cache)


def work_running(server: Server) -> int:
    return int(httpx.get(f"{server.url}/healthz").json()["model_work_running"])


def wait_until_idle(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while work_running(server):
        assert time.monotonic() < deadline, "the model work did not stop"
        time.sleep(0.05)


def test_paragraphs_arrive_while_the_brief_is_still_being_made(slow_server: Server) -> None:
    text = seed("003").read_text(encoding="utf-8")
    seen: list[str] = []
    running_at_first_paragraph = None
    with httpx.stream(
        "POST",
        f"{slow_server.url}/v1/brief/stream",
        json={"text": text, "target": "US export controls"},
        timeout=120,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for kind, data in events(response):
            if kind == "paragraph" and running_at_first_paragraph is None:
                running_at_first_paragraph = work_running(slow_server)
                TranslatedParagraph.model_validate_json(data)
            seen.append(kind)
            if kind == "done":
                brief = Brief.model_validate_json(data)
    # The first paragraph came while the model was still at work on the rest.
    assert running_at_first_paragraph == 1
    paragraphs = seen.count("paragraph")
    assert seen == ["article"] + ["paragraph"] * paragraphs + ["summary", "stance", "done"]
    assert paragraphs == len(brief.article.paragraphs)


def test_a_client_that_goes_away_stops_the_model_work(slow_server: Server) -> None:
    text = seed("003").read_text(encoding="utf-8").replace("特朗普", "特朗普先生")  # uncached
    wait_until_idle(slow_server)
    before = cached_calls(slow_server.cache_dir)
    with httpx.stream(
        "POST", f"{slow_server.url}/v1/brief/stream", json={"text": text}, timeout=120
    ) as response:
        for kind, _ in events(response):
            if kind == "paragraph":
                break  # the reader closes the page after the first paragraph
    wait_until_idle(slow_server)
    calls = cached_calls(slow_server.cache_dir) - before
    # About 40 translation calls and 5 more would follow; at most the call in flight finished.
    assert 1 <= calls <= 3, calls


def test_errors_arrive_as_an_event_and_bad_input_before_the_stream(slow_server: Server) -> None:
    empty = httpx.post(f"{slow_server.url}/v1/brief/stream", json={"text": "   "}, timeout=30)
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "input_error"
    with httpx.stream(
        "POST",
        f"{slow_server.url}/v1/brief/stream",
        json={"text": "Nvidia sold chips to China.", "model": "fake?error_rate=1"},
        timeout=60,
    ) as response:
        got = list(events(response))
    assert [kind for kind, _ in got] == ["article", "error"]
    assert json.loads(got[-1][1])["error"]["code"] in ("backend_error", "backend_unavailable")
