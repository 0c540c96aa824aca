"""End to end on the real offline default model (needs the [local] extra)."""

from __future__ import annotations

import re

import pytest

from summarizer.backends.local import local_status
from summarizer.config import Settings
from summarizer.ingest import article_from_text
from summarizer.models import make_backend
from summarizer.tasks.translate import translate

MODEL = "local/qwen2.5-1.5b"
PARAGRAPH = "当地时间2026年1月13日，美国政府正式批准了英伟达向中国出口H200芯片的申请。"

pytestmark = pytest.mark.local_model


@pytest.fixture(scope="module")
def local_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # Weights are assembled once per user cache; responses go to a fresh cache so the model runs.
    settings = Settings()
    usable, reason = local_status(MODEL, settings.resolved_cache_dir())
    if not usable:
        pytest.skip(f"local model not usable here: {reason}")
    return Settings(cache_dir=settings.resolved_cache_dir(), use_cache=False)


def test_translates_a_short_chinese_paragraph(local_settings: Settings) -> None:
    article = article_from_text(PARAGRAPH, name="short")
    result = translate(article, make_backend(local_settings, MODEL), model=MODEL)
    english = result.paragraphs[0].text
    assert not re.search(r"[\u4e00-\u9fff]", english)
    assert re.search(r"nvidia", english, re.IGNORECASE)
    assert "H200" in english and "2026" in english
    assert (
        result.meta.calls >= 1
        and result.meta.completion_tokens > 0
        and result.meta.cached_calls == 0
    )
