"""The real CLI, as a subprocess, on the fake backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.schemas import Article, Brief, Translation
from tests.conftest import SEEDS as SEEDS_DIR
from tests.conftest import seed


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def test_brief_json_on_the_chinese_seed() -> None:
    result = run(
        "brief", str(seed("003")), "-m", "fake", "--json", "--target", "US export controls"
    )
    assert result.returncode == 0, result.stderr.decode()
    brief = Brief.model_validate_json(result.stdout)
    assert brief.translation is not None and len(brief.translation.paragraphs) == len(
        brief.article.paragraphs
    )
    assert brief.stance.target == "US export controls"
    # Progress goes to stderr only: stdout is the JSON document and nothing else.
    assert b"] translate: " in result.stderr and b"] translate: " not in result.stdout


def test_brief_markdown_from_stdin() -> None:
    result = run("brief", "-", "-m", "fake", stdin=seed("004").read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert out.startswith("# [FAKE]") and "## Key points" in out and "## Stance" in out


def test_second_brief_is_served_from_cache() -> None:
    first = run("brief", str(seed("001")), "-m", "fake", "--json")
    second = run("brief", str(seed("001")), "-m", "fake", "--json")
    assert first.returncode == second.returncode == 0
    meta = Brief.model_validate_json(second.stdout).meta
    assert meta.calls == meta.cached_calls > 0
    stats = json.loads(run("cache", "stats").stdout)
    assert stats["entries"] == meta.calls
    assert b"removed" in run("cache", "clear").stdout
    assert json.loads(run("cache", "stats").stdout)["entries"] == 0


def test_no_cache_flag(tmp_path: Path) -> None:
    result = run("--no-cache", "brief", str(seed("001")), "-m", "fake")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(run("cache", "stats").stdout).get("entries", 0) == 0
    cached = run("brief", str(seed("001")), "-m", "fake")
    assert cached.returncode == 0 and json.loads(run("cache", "stats").stdout)["entries"] > 0


def test_clean_json_and_text() -> None:
    result = run("clean", str(seed("003")), "--json")
    article = Article.model_validate_json(result.stdout)
    assert article.language == "zh" and article.repairs
    text = run("clean", str(seed("003"))).stdout.decode()
    assert "p1\t" in text and "## Removed" in text and "## Repairs" in text


def test_translate_bilingual() -> None:
    result = run("translate", str(seed("003")), "-m", "fake", "--bilingual")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "p1\t美國總統" in out and "[FAKE translation]" in out
    as_json_run = run("translate", str(seed("003")), "-m", "fake", "--json")
    assert as_json_run.returncode == 0, as_json_run.stderr.decode()
    as_json = Translation.model_validate_json(as_json_run.stdout)
    assert [p.id for p in as_json.paragraphs][:2] == ["p1", "p2"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", b"input is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", b"binary"),
        (b"\xff\xfe\x00\xd8" * 3, b""),
    ],
)
def test_bad_input_is_one_line_and_nonzero(tmp_path: Path, content: bytes, message: bytes) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run("brief", str(path), "-m", "fake")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(b"error: ") and message in lines[0]
    assert result.stdout == b""


def test_missing_file_and_bad_model_string() -> None:
    missing = run("brief", "/no/such/file.txt", "-m", "fake")
    assert missing.returncode == 2 and b"cannot read" in missing.stderr
    bad = run("brief", str(seed("001")), "-m", "fake?speed=9")
    assert bad.returncode == 1 and b"unknown fake backend option" in bad.stderr
    assert b"Traceback" not in bad.stderr


def test_hosted_model_without_key_fails_at_once() -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "brief", str(seed("004")), "-m", "openai/gpt-4o-mini"],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and b"OPENAI_API_KEY is not set" in result.stderr


def test_models_lists_status_without_leaking_keys() -> None:
    secret = "sk-test-ABCDEFGHIJKLMNOPQRSTUVWX"
    result = run("models", env={"OPENAI_API_KEY": secret})
    out = result.stdout.decode()
    assert (
        "fake" in out
        and "local/qwen2.5-coder-1.5b (default)" in out
        and "OPENAI_API_KEY is set" in out
    )
    assert secret not in out + result.stderr.decode()


def test_fix_names_honours_the_glossary_setting(tmp_path: Path) -> None:
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("深度求索\t\tDeepSeek\torganisation\t\tDeep Quest\n", encoding="utf-8")
    article = tmp_path / "mt.txt"
    article.write_text("Deep Quest released a new model.\n", encoding="utf-8")
    result = run("fix-names", str(article), env={"SUMMARIZER_GLOSSARY": str(glossary)})
    assert result.returncode == 0, result.stderr.decode()
    assert "Deep Quest -> DeepSeek" in result.stdout.decode()


def test_quiet_and_per_command_no_cache(tmp_path: Path) -> None:
    quiet = run("-q", "brief", str(seed("001")), "-m", "fake", "--no-cache")
    assert quiet.returncode == 0 and quiet.stderr == b"", quiet.stderr.decode()
    assert json.loads(run("cache", "stats").stdout).get("entries", 0) == 0  # nothing cached
    out = tmp_path / "out.jsonl"
    batch = run("batch", str(SEEDS_DIR), "-o", str(out), "-m", "fake", "--no-cache", "--limit", "2")
    assert batch.returncode == 0, batch.stderr.decode()
    assert json.loads(run("cache", "stats").stdout).get("entries", 0) == 0


def run_on_a_terminal(*args: str) -> tuple[int, str, str]:
    """The CLI with its stderr on a pseudo-terminal (as a person at a shell sees it)."""
    import pty
    import select

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "summarizer", *args],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(terminal)
    shown = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    stdout = process.stdout.read().decode() if process.stdout else ""
    os.close(controller)
    return process.wait(timeout=60), stdout, shown.decode(errors="replace")


def test_brief_on_a_terminal_shows_each_paragraph_as_it_is_translated() -> None:
    code, stdout, shown = run_on_a_terminal("brief", str(seed("003")), "-m", "fake?latency=0.01")
    assert code == 0, shown
    # Every paragraph's English went by on the terminal, with its id, before the brief.
    assert shown.count("[FAKE translation]") >= 30 and "p39" in shown
    assert "translate" in shown and "/" in shown  # the bar: step, count done of total
    assert stdout.startswith("# ")  # the brief itself went to stdout, after the progress
    quiet_code, quiet_out, quiet_shown = run_on_a_terminal(
        "-q", "brief", str(seed("003")), "-m", "fake"
    )
    assert quiet_code == 0 and "[FAKE translation]" not in quiet_shown
    assert quiet_out.startswith("# ")
    json_code, json_out, _ = run_on_a_terminal("brief", str(seed("003")), "-m", "fake", "--json")
    assert json_code == 0 and Brief.model_validate_json(json_out).translation is not None
