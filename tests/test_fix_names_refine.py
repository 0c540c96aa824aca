from __future__ import annotations

import json
import subprocess
import sys

from summarizer.backends import FakeBackend, Request
from summarizer.grounding.glossary import builtin_glossary
from summarizer.ingest import article_from_text, load_article
from summarizer.tasks.fix_names import apply_name_fixes, find_name_fixes
from summarizer.tasks.options import PipelineOptions
from summarizer.tasks.translate import translate
from tests.conftest import seed


def test_fix_names_on_seed_001_finds_every_garbled_name_and_changes_nothing_else() -> None:
    article = load_article(seed("001"))
    fixes = find_name_fixes(article, builtin_glossary())
    found = {(f.wrong, f.right) for f in fixes}
    assert found == {
        ("Huang Renxun", "Jensen Huang"),
        ("Cambric", "Cambricon"),
        ("Tiangong Zhi Xin", "Iluvatar CoreX"),
        ("Muxi", "MetaX"),
        ("Suyuan", "Enflame"),
    }
    fixed = apply_name_fixes(article, fixes)
    for before, after in zip(article.paragraphs, fixed, strict=True):
        undone = after.text
        for fix in fixes:
            undone = undone.replace(fix.right, fix.wrong) if fix.paragraph == before.id else undone
        assert undone == before.text  # only the names changed
    assert "Biren" in fixed[9].text and "Tian Gai Gen3" in fixed[10].text


def test_fix_names_finds_hai_guang_in_seed_000() -> None:
    fixes = find_name_fixes(load_article(seed("000")), builtin_glossary())
    assert [(f.paragraph, f.wrong, f.right) for f in fixes] == [
        ("p8", "Hai Guang Information", "Hygon")
    ]


def test_fix_names_cli_apply() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "summarizer", "fix-names", str(seed("001")), "--apply"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Jensen Huang himself" in out and "Huang Renxun" not in out and "Cambricon," in out
    listed = json.loads(
        subprocess.run(
            [sys.executable, "-m", "summarizer", "fix-names", str(seed("001")), "--json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert {item["paragraph"] for item in listed} == {"p10", "p12", "p17"}


def test_refine_retranslates_only_faulted_paragraphs() -> None:
    article = article_from_text("英伟达发布新芯片。\n台积电负责生产。", name="t")

    def responder(request: Request) -> str:
        if request.prompt.startswith("critique"):
            return json.dumps({"issues": [{"id": "p2", "problem": "TSMC is missing"}]})
        user = request.messages[-1]["content"]
        if "TSMC is missing" in user:
            return json.dumps({"paragraphs": [{"id": "p2", "english": "TSMC handles production."}]})
        return json.dumps(
            {
                "paragraphs": [
                    {"id": "p1", "english": "NVIDIA released a new chip."},
                    {"id": "p2", "english": "Production is handled."},
                ]
            }
        )

    fake = FakeBackend(responder=responder)
    result = translate(
        article, fake, model="fake", options=PipelineOptions(refine=True, chunk_tokens=1000)
    )
    assert result.refined_paragraphs == 1
    assert [p.text for p in result.paragraphs] == [
        "NVIDIA released a new chip.",
        "TSMC handles production.",
    ]
    assert [r.prompt.split("@")[0] for r in fake.history].count("critique") == 1


def test_pinyin_renderings_of_glossary_names_are_found_too() -> None:
    text = "Ying Weida said Huang Renxun will visit Tai Jidian.\nBeijing and Shanghai are fine."
    article = article_from_text(text, name="mt")
    fixes = find_name_fixes(article, builtin_glossary())
    assert [(f.wrong, f.right) for f in fixes] == [
        ("Ying Weida", "NVIDIA"),
        ("Huang Renxun", "Jensen Huang"),
        ("Tai Jidian", "TSMC"),
    ]
    fixed = apply_name_fixes(article, fixes)[0].text
    assert fixed == "NVIDIA said Jensen Huang will visit TSMC."
