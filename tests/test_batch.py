"""The batch runner through the real CLI: transient failures, SIGKILL and resume, cache, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import seed

TOPICS = ["Nvidia", "TSMC", "Huawei", "Cambricon", "Alibaba", "ByteDance", "Tencent", "Baidu"]


def make_articles(directory: Path, count: int) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(count):
        topic = TOPICS[i % len(TOPICS)]
        text = (
            f"{topic} said on Monday that its sales in China rose {i + 3}% in the quarter.\n"
            f"Analysts at {i + 2} banks expect the export rules to change before {2026 + i % 3}.\n"
            f"The company declined to comment on report number {i}."
        )
        name = f"a{i:03d}.txt"
        (directory / name).write_text(text, encoding="utf-8")
        ids.append(name)
    return ids


def batch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", "batch", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_transient_failures_lose_nothing(tmp_path: Path) -> None:
    ids = make_articles(tmp_path / "in", 200)
    out = tmp_path / "out.jsonl"
    result = batch(
        str(tmp_path / "in"),
        "-o",
        str(out),
        "-j",
        "8",
        "-m",
        "fake?error_rate=0.3&seed=11",
        env={"SUMMARIZER_MAX_ATTEMPTS": "12", "SUMMARIZER_RETRY_WAIT": "0.001"},
    )
    assert result.returncode == 0, result.stderr
    got = records(out)
    assert Counter(r["id"] for r in got) == Counter(ids)
    assert all(r["status"] == "ok" for r in got)
    attempts = sum(r["brief"]["meta"]["attempts"] for r in got)  # type: ignore[index]
    calls = sum(r["brief"]["meta"]["calls"] for r in got)  # type: ignore[index]
    assert attempts > calls * 1.2  # the 30% failures really happened and were retried
    assert "200 ok, 0 failed" in result.stderr


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_sigkill_at_any_moment_then_resume(tmp_path: Path) -> None:
    # A full run takes about 5 s (200 articles x 2 calls x 0.05 s / 4 at once): each run is
    # killed once its output has grown by some lines, so it is always left unfinished.
    ids = make_articles(tmp_path / "in", 200)
    out = tmp_path / "out.jsonl"
    args = [
        sys.executable,
        "-m",
        "summarizer",
        "--no-cache",
        "batch",
        str(tmp_path / "in"),
        "-o",
        str(out),
        "-j",
        "4",
        "-m",
        "fake?latency=0.05",
    ]
    for grow_by in (7, 23, 11):
        before = _lines(out)
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while _lines(out) < before + grow_by and process.poll() is None:
            assert time.monotonic() < deadline, "the batch wrote nothing for 120 s"
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if out.exists() and not out.read_bytes().endswith(b"\n"):
            break  # a torn last line: exactly the case resume must handle
    partial = len(out.read_text(encoding="utf-8").splitlines()) if out.exists() else 0
    assert 0 < partial < len(ids)
    final = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert final.returncode == 0, final.stderr
    got = records(out)  # every line is valid JSON
    assert Counter(r["id"] for r in got) == Counter(ids)


def test_torn_last_line_is_dropped_on_resume(tmp_path: Path) -> None:
    ids = make_articles(tmp_path / "in", 5)
    out = tmp_path / "out.jsonl"
    assert batch(str(tmp_path / "in"), "-o", str(out), "-m", "fake", "--limit", "3").returncode == 0
    with out.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "a003.txt", "status": "ok", "brief": {"trunc')
    assert batch(str(tmp_path / "in"), "-o", str(out), "-m", "fake").returncode == 0
    assert Counter(r["id"] for r in records(out)) == Counter(ids)


def test_second_identical_run_is_served_from_cache(tmp_path: Path) -> None:
    make_articles(tmp_path / "in", 20)
    first, second = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert batch(str(tmp_path / "in"), "-o", str(first), "-m", "fake").returncode == 0
    assert batch(str(tmp_path / "in"), "-o", str(second), "-m", "fake").returncode == 0
    metas = [r["brief"]["meta"] for r in records(second)]  # type: ignore[index]
    assert len(metas) == 20 and all(m["cached_calls"] == m["calls"] > 0 for m in metas)


def test_bad_articles_become_error_records(tmp_path: Path) -> None:
    ids = make_articles(tmp_path / "in", 4)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "in" / "garbage.txt").write_bytes(bytes(range(128, 256)) * 20)
    out = tmp_path / "out.jsonl"
    result = batch(str(tmp_path / "in"), "-o", str(out), "-m", "fake")
    assert result.returncode == 1
    by_id = {r["id"]: r for r in records(out)}
    assert {i for i, r in by_id.items() if r["status"] == "ok"} == set(ids)
    for bad in ("empty.txt", "image.txt", "garbage.txt"):
        assert by_id[bad]["status"] == "error" and by_id[bad]["stage"] == "ingest"
        assert bad in str(by_id[bad]["error"])


def test_jsonl_input_and_retry_failed(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "text-1", "text": seed("004").read_text(encoding="utf-8")}),
        json.dumps({"id": "path-1", "path": str(seed("003"))}),
        json.dumps(
            {
                "id": "html-1",
                "html": "<html><body><article><p>"
                + "Nvidia sells H20 chips in China. " * 20
                + "</p></article></body></html>",
            }
        ),
        json.dumps({"id": "empty-1", "text": ""}),
        "{not json",
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert batch(str(source), "-o", str(out), "-m", "fake").returncode == 1
    status = {r["id"]: r["status"] for r in records(out)}
    assert status == {
        "text-1": "ok",
        "path-1": "ok",
        "html-1": "ok",
        "empty-1": "error",
        "in.jsonl:5": "error",
    }
    again = batch(str(source), "-o", str(out), "-m", "fake", "--retry-failed")
    assert again.returncode == 1
    assert Counter(r["id"] for r in records(out)) == Counter(set(status))  # each id exactly once


def test_dry_run_calls_no_model(tmp_path: Path) -> None:
    make_articles(tmp_path / "in", 3)
    result = batch(str(tmp_path / "in"), "-o", str(tmp_path / "o.jsonl"), "-m", "fake", "--dry-run")
    assert result.returncode == 0 and "3 articles" in result.stdout and "prompt" in result.stdout
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("source", ["does-not-exist/*.txt"])
def test_no_input_is_a_clear_error(tmp_path: Path, source: str) -> None:
    result = batch(source, "-o", str(tmp_path / "o.jsonl"), "-m", "fake")
    assert result.returncode == 2 and "no articles found" in result.stderr


def test_a_second_writer_of_one_output_fails_at_once(tmp_path: Path) -> None:
    ids = make_articles(tmp_path / "in", 60)
    out = tmp_path / "out.jsonl"
    args = [
        sys.executable, "-m", "summarizer", "--no-cache", "batch", str(tmp_path / "in"),
        "-o", str(out), "-j", "2", "-m", "fake?latency=0.05",
    ]  # fmt: skip
    first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _lines(out) < 1:
        assert time.monotonic() < deadline and first.poll() is None, "the first batch wrote nothing"
        time.sleep(0.01)
    second = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert first.poll() is None, "the first batch ended before the second was refused"
    assert second.returncode == 2 and f"pid {first.pid}" in second.stderr, second.stderr
    assert first.wait(timeout=120) == 0
    assert Counter(r["id"] for r in records(out)) == Counter(ids)  # each id once, all ok
    assert all(r["status"] == "ok" for r in records(out))
