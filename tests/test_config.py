from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.config import DEFAULT_MODEL, Settings
from summarizer.errors import ConfigError
from summarizer.glossary import builtin_glossary


def test_defaults_and_environment() -> None:
    assert Settings.from_env({}).model == DEFAULT_MODEL
    settings = Settings.from_env(
        {
            "SUMMARIZER_MODEL": "fake",
            "SUMMARIZER_CACHE_DIR": "/tmp/x",
            "SUMMARIZER_NO_CACHE": "1",
            "SUMMARIZER_MAX_ATTEMPTS": "7",
            "SUMMARIZER_RETRY_WAIT": "0.25",
            "SUMMARIZER_CACHE": "redis://h:6379/0",
        }
    )
    assert (settings.model, settings.cache_dir, settings.use_cache) == (
        "fake",
        Path("/tmp/x"),
        False,
    )
    assert (settings.max_attempts, settings.retry_wait_s, settings.cache_url) == (
        7,
        0.25,
        "redis://h:6379/0",
    )


@pytest.mark.parametrize(
    ("name", "value"), [("SUMMARIZER_MAX_ATTEMPTS", "many"), ("SUMMARIZER_RETRY_WAIT", "soon")]
)
def test_malformed_numbers_are_config_errors(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_overrides_ignore_none() -> None:
    settings = Settings(model="fake").with_overrides(model=None, max_reasks=0)
    assert settings.model == "fake" and settings.max_reasks == 0


def test_user_glossary_is_parsed_once_per_version(tmp_path: Path) -> None:
    import os

    from summarizer.glossary import load_glossary

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
