"""The HTTP service, started for real with uvicorn on a free loopback port, on the fake backend."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from summarizer.schemas import Article, Brief, Translation
from tests.conftest import seed
from tests.server_process import Server, allow_loopback


@pytest.fixture(autouse=True)
def _loopback_only() -> None:
    allow_loopback()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    allow_loopback()
    # Clients of this server may ask for the fake only: schemathesis finds model names in
    # /v1/models, and a real local model would take minutes per request.
    running = Server(
        tmp_path_factory.mktemp("server-cache"), extra_args=("--allow-model", "fake*")
    ).start()
    yield running
    running.stop()


def test_health_models_and_openapi(server: Server) -> None:
    assert httpx.get(f"{server.url}/healthz").json()["status"] == "ok"
    models = httpx.get(f"{server.url}/v1/models").json()
    assert [m["model"] for m in models] == ["fake"]  # only what --allow-model offers
    assert {"model": "fake", "usable": True}.items() <= next(
        m for m in models if m["model"] == "fake"
    ).items()
    paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    assert {
        "/v1/brief",
        "/v1/translate",
        "/v1/clean",
        "/v1/batches",
        "/v1/batches/{job_id}",
    } <= set(paths)


def test_clean_translate_brief(server: Server) -> None:
    text = seed("003").read_text(encoding="utf-8")
    article = Article.model_validate(
        httpx.post(f"{server.url}/v1/clean", json={"text": text}).json()
    )
    assert article.language == "zh" and article.repairs
    translation = Translation.model_validate(
        httpx.post(f"{server.url}/v1/translate", json={"text": text}, timeout=60).json()
    )
    assert len(translation.paragraphs) == len(article.paragraphs)
    response = httpx.post(
        f"{server.url}/v1/brief", json={"text": text, "target": "US export controls"}, timeout=60
    )
    brief = Brief.model_validate(response.json())
    assert brief.stance.target == "US export controls" and brief.summary.headline.startswith(
        "[FAKE]"
    )
    html = (
        "<html><body><article>"
        + "".join(f"<p>{line}</p>" for line in seed("004").read_text().splitlines()[4:14])
        + "</article></body></html>"
    )
    from_html = httpx.post(f"{server.url}/v1/brief", json={"html": html}, timeout=60)
    assert from_html.status_code == 200 and "Lutnick" in json.dumps(from_html.json()["article"])


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 400, "input_error"),
        ({"text": "   "}, 400, "input_error"),
        ({}, 422, "invalid_request"),
        ({"text": "a", "html": "<p>b</p>"}, 422, "invalid_request"),
        ({"text": "x", "unexpected": 1}, 422, "invalid_request"),
        ({"text": "Nvidia sells chips in China.", "model": "fake?speed=2"}, 400, "config_error"),
        (
            {"text": "Nvidia sells chips in China.", "model": "local/qwen2.5-1.5b"},
            400,
            "model_unavailable",  # not offered by this server (--allow-model)
        ),
    ],
)
def test_errors_are_json_with_stable_codes(
    server: Server, body: dict[str, object], status: int, code: str
) -> None:
    response = httpx.post(f"{server.url}/v1/brief", json=body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert "Traceback" not in response.text


def test_malformed_and_oversized_bodies(server: Server) -> None:
    malformed = httpx.post(
        f"{server.url}/v1/brief", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 422 and malformed.json()["error"]["code"] == "invalid_request"
    huge = httpx.post(f"{server.url}/v1/brief", json={"text": "中" * 1_100_000}, timeout=30)
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(40):
            yield b"x" * 100_000
        yield b'"}'

    streamed = httpx.post(
        f"{server.url}/v1/clean",
        content=chunks(),
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert streamed.status_code == 413
    missing = httpx.get(f"{server.url}/v1/batches/doesnotexist")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_reader_page_is_served_offline(server: Server) -> None:
    page = httpx.get(server.url + "/")
    assert page.status_code == 200 and "<form" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    for asset in ("app.js", "style.css"):
        response = httpx.get(f"{server.url}/static/{asset}")
        assert response.status_code == 200 and "http" not in response.text.replace("http-equiv", "")
    assert httpx.get(f"{server.url}/static/../server.py").status_code == 404


def test_token_guards_every_route_but_healthz(tmp_path: Path) -> None:
    token = "s3cret-token-value-123456"
    env = {"SUMMARIZER_API_TOKEN": token, "SUMMARIZER_ALLOWED_MODELS": "fake*, openai/*"}
    secured = Server(tmp_path / "cache", env=env).start()
    bearer = {"Authorization": f"Bearer {token}"}
    try:
        assert httpx.get(f"{secured.url}/healthz").status_code == 200
        for path in ("/", "/static/app.js", "/v1/models", "/openapi.json"):
            denied = httpx.get(secured.url + path)
            assert denied.status_code == 401, path
            assert denied.json()["error"]["code"] == "unauthorized" and token not in denied.text
            assert denied.headers["WWW-Authenticate"].startswith("Basic ")
        wrong = httpx.get(f"{secured.url}/v1/models", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert httpx.get(f"{secured.url}/v1/models", headers=bearer).status_code == 200
        # A browser sends the token as the Basic password (any user name).
        assert httpx.get(f"{secured.url}/", auth=("reader", token)).status_code == 200
        assert httpx.get(f"{secured.url}/", auth=("reader", "nope")).status_code == 401
        body = {"text": "Nvidia sells chips."}
        assert httpx.post(f"{secured.url}/v1/brief", json=body, headers=bearer).status_code == 200
        # A stored brief is not handed to a request without the token.
        assert httpx.post(f"{secured.url}/v1/brief", json=body).status_code == 401
        offered = httpx.get(f"{secured.url}/v1/models", headers=bearer).json()
        assert [m["model"] for m in offered] == ["fake", "openai/gpt-4o-mini"]
        # A hosted model is offered here, but it has no key.
        keyless = httpx.post(
            f"{secured.url}/v1/brief", json={**body, "model": "openai/gpt-4o-mini"}, headers=bearer
        )
        assert keyless.status_code == 400 and keyless.json()["error"]["code"] == "model_unavailable"
        assert "OPENAI_API_KEY is not set" in keyless.json()["error"]["message"]
    finally:
        secured.stop()


def _wait_for_status(
    url: str, job: str, reached: Callable[[dict[str, Any]], bool], timeout: float = 120
) -> dict[str, Any]:
    """Poll a job's status until ``reached`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status: dict[str, Any] = httpx.get(f"{url}/v1/batches/{job}").json()
        if reached(status):
            return status
        time.sleep(0.02)
    raise AssertionError(f"batch {job} did not reach the state asked for in {timeout} s")


def _wait_until(check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not reached within {timeout} s"
        time.sleep(0.02)


def _wait_done(url: str, job: str, timeout: float = 120) -> dict[str, Any]:
    return _wait_for_status(url, job, lambda s: s["state"] in ("done", "failed"), timeout)


def test_batch_survives_a_server_restart(tmp_path: Path) -> None:
    items = [
        {
            "id": f"n{i}",
            "text": f"Nvidia sold {i + 1} chips in China on Monday.\nThe US rules changed in {2020 + i % 5}.",
        }
        for i in range(120)
    ]
    items.append({"id": "bad", "text": ""})
    first = Server(tmp_path / "cache", model="fake?latency=0.1").start()
    try:
        created = httpx.post(f"{first.url}/v1/batches", json={"items": items}, timeout=30)
        assert created.status_code == 202
        job = created.json()["id"]
        # 121 articles x 2 calls x 0.1 s / 8 at once: about 3 s in all. Kill it part-way.
        progress = _wait_for_status(first.url, job, lambda s: s["done"] >= 10)
        assert progress["state"] == "running" and progress["done"] < 121
    finally:
        first.kill()
    second = Server(tmp_path / "cache", model="fake?latency=0.1", port=first.port).start()
    try:
        final = _wait_done(second.url, job)
        assert final == {**final, "state": "done", "total": 121, "done": 120, "failed": 1}
        lines = httpx.get(f"{second.url}/v1/batches/{job}/results").text.splitlines()
        records = [json.loads(line) for line in lines]
        assert Counter(r["id"] for r in records) == Counter(i["id"] for i in items)
    finally:
        second.stop()


def test_batch_as_jsonl_upload(server: Server) -> None:
    body = "\n".join(
        json.dumps({"id": f"j{i}", "text": f"Huawei shipped {i} Ascend chips, analysts said."})
        for i in range(5)
    )
    created = httpx.post(
        f"{server.url}/v1/batches", content=body, headers={"content-type": "application/x-ndjson"}
    )
    assert created.status_code == 202
    final = _wait_done(server.url, created.json()["id"])
    assert final["done"] == 5
    duplicate = httpx.post(
        f"{server.url}/v1/batches",
        json={"items": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]},
    )
    assert duplicate.status_code == 400


def test_batch_as_a_bare_list_and_its_documented_body(server: Server) -> None:
    items = [{"id": "x1", "text": "Nvidia sold 2 chips."}, {"id": "x2", "text": "   "}]
    created = httpx.post(f"{server.url}/v1/batches", json=items)
    assert created.status_code == 202
    final = _wait_done(server.url, created.json()["id"])
    assert (final["total"], final["done"], final["failed"]) == (2, 1, 1)
    assert httpx.post(f"{server.url}/v1/batches", json=[{"text": "no id"}]).status_code == 422
    body = httpx.get(f"{server.url}/openapi.json").json()["paths"]["/v1/batches"]["post"]
    content = body["requestBody"]["content"]
    assert {"application/json", "application/x-ndjson"} <= content.keys()


def test_schemathesis_finds_no_server_errors(server: Server) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{server.url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--exclude-path-regex",
            "^/v1/batches$",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_identical_brief_requests_are_served_from_the_result_cache(server: Server) -> None:
    body = {
        "text": "Nvidia will sell H200 chips to China, the US said on Monday.\nBeijing has not replied."
    }
    first = httpx.post(f"{server.url}/v1/brief", json=body, timeout=60)
    second = httpx.post(f"{server.url}/v1/brief", json=body, timeout=60)
    other = httpx.post(f"{server.url}/v1/brief", json={**body, "target": "Nvidia"}, timeout=60)
    assert (
        first.headers["X-Summarizer-Cache"] == "miss"
        and second.headers["X-Summarizer-Cache"] == "hit"
    )
    assert first.json() == second.json()
    assert (
        other.headers["X-Summarizer-Cache"] == "miss"
        and other.json()["stance"]["target"] == "Nvidia"
    )


def test_stored_briefs_outlive_a_restart_and_ignore_json_formatting(tmp_path: Path) -> None:
    body = {"text": "Nvidia sold 3 chips in China on Monday.", "target": "Nvidia"}
    first = Server(tmp_path / "cache").start()
    try:
        made = httpx.post(f"{first.url}/v1/brief", json=body, timeout=60)
    finally:
        first.stop()
    second = Server(tmp_path / "cache").start()
    try:
        # Same request, other key order and spacing: not the same bytes, the same brief.
        reordered = json.dumps(dict(reversed(body.items())), indent=2)
        again = httpx.post(
            f"{second.url}/v1/brief",
            content=reordered,
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
    finally:
        second.stop()
    assert made.headers["X-Summarizer-Cache"] == "miss"
    assert again.headers["X-Summarizer-Cache"] == "hit" and again.json() == made.json()


def test_a_burst_of_identical_new_requests_costs_one_brief(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    slow = Server(tmp_path / "cache", model="fake?latency=0.2").start()
    body = {"text": "Nvidia sold 4 chips in China on Monday.\nThe US rules changed."}
    try:
        with ThreadPoolExecutor(10) as pool:
            replies = list(
                pool.map(
                    lambda _: httpx.post(f"{slow.url}/v1/brief", json=body, timeout=60), range(10)
                )
            )
    finally:
        slow.stop()
    assert all(r.status_code == 200 for r in replies)
    assert sorted(r.headers["X-Summarizer-Cache"] for r in replies) == ["hit"] * 9 + ["miss"]
    assert len({r.content for r in replies}) == 1


def test_a_brief_in_progress_does_not_block_other_requests(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    # Two model calls of 3 s each: the brief is surely still running after a few quick polls.
    slow = Server(tmp_path / "cache", model="fake?latency=3").start()
    body = {"text": "Nvidia sold 4 chips in China on Monday.\nThe US rules changed."}
    try:
        with ThreadPoolExecutor(1) as pool:
            brief = pool.submit(httpx.post, f"{slow.url}/v1/brief", json=body, timeout=60)
            # Wait until the server has the brief in hand (its memo shows it in flight)...
            _wait_until(lambda: httpx.get(f"{slow.url}/healthz").json()["model_work_running"] > 0)
            # ...then the event loop must keep answering while the model works.
            answers = [httpx.get(f"{slow.url}/healthz", timeout=2).status_code for _ in range(5)]
            assert answers == [200] * 5 and not brief.done()
            assert brief.result().status_code == 200
    finally:
        slow.stop()
