from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.config import DEFAULT_MODEL, Settings, explain_settings, load_settings
from summarizer.errors import ConfigError
from summarizer.grounding.glossary import builtin_glossary


def test_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_CACHE_DIR")
    assert load_settings().model == DEFAULT_MODEL
    for name, value in {
        "SUMMARIZER_MODEL": "fake",
        "SUMMARIZER_CACHE_DIR": "/tmp/x",
        "SUMMARIZER_NO_CACHE": "1",
        "SUMMARIZER_MAX_ATTEMPTS": "7",
        "SUMMARIZER_RETRY_WAIT": "0.25",
        "SUMMARIZER_CACHE": "redis://h:6379/0",
        "SUMMARIZER_ALLOWED_MODELS": "fake*, openai/*",
    }.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert (settings.model, settings.cache_dir, settings.use_cache) == (
        "fake",
        Path("/tmp/x"),
        False,
    )
    assert (settings.max_attempts, settings.retry_wait, settings.cache) == (
        7,
        0.25,
        "redis://h:6379/0",
    )
    assert settings.allowed_models == ("fake*", "openai/*")


@pytest.mark.parametrize(
    ("name", "value"), [("SUMMARIZER_MAX_ATTEMPTS", "many"), ("SUMMARIZER_RETRY_WAIT", "soon")]
)
def test_malformed_numbers_are_config_errors(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_flag_beats_environment_beats_file_beats_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "summarizer.toml"
    config.write_text(
        'model = "fake?seed=1"\nmax_reasks = 1\nchunk_tokens = 99\nallowed_models = ["fake*"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SUMMARIZER_MAX_REASKS", "3")
    settings = load_settings(config, no_cache=True)
    assert (settings.model, settings.max_reasks, settings.chunk_tokens) == ("fake?seed=1", 3, 99)
    assert settings.allowed_models == ("fake*",) and not settings.use_cache
    sources = {name: source for name, _, source in explain_settings(config, no_cache=True)}
    assert (
        sources["model"] == f"file {config}"
        and sources["max_reasks"] == "env SUMMARIZER_MAX_REASKS"
    )
    assert sources["no_cache"] == "flag" and sources["max_attempts"] == "default"
    # The same file found through SUMMARIZER_CONFIG, and through the user config directory.
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(config))
    assert load_settings().model == "fake?seed=1"
    monkeypatch.delenv("SUMMARIZER_CONFIG")
    user_config = tmp_path / "config-home" / "summarizer" / "config.toml"
    user_config.parent.mkdir(parents=True)
    user_config.write_text('model = "fake?seed=2"\n', encoding="utf-8")
    assert load_settings().model == "fake?seed=2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("model = ", "not valid TOML"),
        ('colour = "blue"', "unknown setting"),
        ("max_reasks = -1", "MAX_REASKS"),
    ],
)
def test_bad_config_files_are_config_errors(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(content + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(config)
    with pytest.raises(ConfigError, match="config file"):
        load_settings(tmp_path / "missing.toml")


def test_config_show_names_each_source(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('model = "fake"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "--config", str(config), "config", "show"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert lines["model"].endswith(f"(file {config})") and "fake" in lines["model"]
    assert lines["cache_dir"].endswith("(env SUMMARIZER_CACHE_DIR)")
    assert lines["max_reasks"].endswith("(default)")


def test_overrides_ignore_none() -> None:
    settings = Settings(model="fake").with_overrides(model=None, max_reasks=0)
    assert settings.model == "fake" and settings.max_reasks == 0
    with pytest.raises(ConfigError, match="MAX_REASKS"):
        settings.with_overrides(max_reasks=-2)


def test_user_glossary_is_parsed_once_per_version(tmp_path: Path) -> None:
    import os

    from summarizer.grounding.glossary import load_glossary

    path = tmp_path / "terms.tsv"
    path.write_text("深度求索\tDeepSeek AI\n", encoding="utf-8")
    first = load_glossary(path)
    assert load_glossary(path) is first
    assert first.terms_in("深度求索发布")[0].english == "DeepSeek AI"
    path.write_text("深度求索\tDeepSeek\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new version, even on a coarse-mtime filesystem
    assert load_glossary(path).terms_in("深度求索发布")[0].english == "DeepSeek"


def test_glossary_terms_named_in_english_and_chinese_text() -> None:
    glossary = builtin_glossary()
    english = [t.english for t in glossary.terms_named_in("NVIDIA sold H200 chips — “again”.")]
    chinese = [t.english for t in glossary.terms_named_in("英伟达向中国出售芯片")]
    assert "NVIDIA" in english and "China" not in english
    assert {"NVIDIA", "China"} <= set(chinese)
    assert glossary.lookup_english("the nvidia") is glossary.lookup_english("NVIDIA Corp. (Nvidia)")
    assert glossary.lookup_english("No Such Company") is None


def test_an_english_form_two_names_share_is_the_one_the_article_names() -> None:
    glossary = builtin_glossary()
    # "Chan" is accepted for Paul Chan and for Eric Chan: alone, a bare "Chan" is neither.
    assert glossary.lookup_english("Chan") is None
    paul = glossary.lookup_english("Chan", "財政司司長陳茂波表示")
    assert paul is not None and paul.english == "Paul Chan"
    jensen = glossary.lookup_english("Huang", "Nvidia chief executive Jensen Huang said")
    assert jensen is not None and jensen.english == "Jensen Huang"
    assert glossary.lookup_english("Huang", "黄仁勋与黄峥") is None  # both named: either
    pony = glossary.lookup_english("Ma Huateng")
    assert pony is not None and pony.english == "Pony Ma"
    assert glossary.lookup_english("Nvidia") is glossary.lookup_english("NVIDIA")
