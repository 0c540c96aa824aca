"""Batch jobs are bounded: a cap on running jobs (429 with Retry-After), cancel, a deadline, and
a corrupt job file that is quarantined instead of stopping the service. In process (ASGI)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from summarizer.config import Settings
from summarizer.service.app import create_app

ITEMS = [{"id": f"a{i}", "text": f"Nvidia sold {i + 1} chips in China."} for i in range(6)]


def _client(tmp_path: Path, **options: Any) -> TestClient:
    settings = Settings(cache_dir=tmp_path / "cache", model="fake", no_cache=True)
    app = create_app(settings, allowed_models=("fake*",), **options)
    return TestClient(app, raise_server_exceptions=False)


def _until(check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not reached within {timeout} s"
        time.sleep(0.02)


@pytest.fixture
def slow(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path, max_jobs=1) as client:
        yield client


def _post(client: TestClient, model: str) -> Any:
    return client.post("/v1/batches", json={"items": ITEMS, "model": model})


def test_beyond_the_cap_new_jobs_get_429_with_retry_after(slow: TestClient) -> None:
    first = _post(slow, "fake?latency=30")
    assert first.status_code == 202
    refused = _post(slow, "fake")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert refused.json()["error"]["code"] == "too_many_jobs"
    cancelled = slow.delete(f"/v1/batches/{first.json()['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    # The cancelled job frees its slot once its thread ends (it does not wait for the model).
    _until(lambda: _post(slow, "fake").status_code == 202)


def test_cancel_stops_new_articles_and_keeps_the_records(slow: TestClient) -> None:
    items = [{"id": f"b{i}", "text": f"Nvidia sold {i + 1} chips."} for i in range(60)]
    # 60 articles x 2 calls x 0.3 s, 8 at a time: about 4.5 s, far longer than the test waits.
    created = slow.post("/v1/batches", json={"items": items, "model": "fake?latency=0.3"})
    job = created.json()["id"]
    _until(lambda: slow.get(f"/v1/batches/{job}").json()["done"] >= 1)
    assert slow.delete(f"/v1/batches/{job}").json()["state"] == "cancelled"
    _until(lambda: slow.app.state.service.jobs.running_count() == 0)  # type: ignore[attr-defined]
    status = slow.get(f"/v1/batches/{job}").json()
    assert status["state"] == "cancelled" and 1 <= status["done"] < len(items)
    lines = slow.get(f"/v1/batches/{job}/results").text.splitlines()
    assert len(lines) == status["done"] and all(json.loads(x)["status"] == "ok" for x in lines)
    assert slow.delete("/v1/batches/nosuchjob").status_code == 404


def test_a_job_past_its_deadline_is_stopped(tmp_path: Path) -> None:
    with _client(tmp_path, job_deadline_s=1.0) as client:
        # 30 s calls, far past the 1 s deadline; the abandoned call's thread ends with them
        # (a longer one would hold the interpreter's exit, see the closing note).
        job = _post(client, "fake?latency=30").json()["id"]
        _until(lambda: client.get(f"/v1/batches/{job}").json()["state"] == "failed")
        status = client.get(f"/v1/batches/{job}").json()
        assert "deadline" in status["error"] and status["done"] == 0


def test_a_corrupt_job_file_is_quarantined_and_the_service_starts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    batches = tmp_path / "cache" / "batches"
    (batches / "deadbeef").mkdir(parents=True)
    (batches / "deadbeef" / "job.json").write_text("", encoding="utf-8")
    with _client(tmp_path) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/v1/batches/deadbeef").status_code == 404
    assert (batches / "quarantine" / "deadbeef" / "job.json").exists()
    assert "deadbeef quarantined" in caplog.text
