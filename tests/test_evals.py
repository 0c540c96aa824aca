"""The eval harness end to end on the fake backend, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.datasets import load_dataset
from evals.report import METRICS

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=dict(os.environ),
    )


def test_seed_dataset_is_complete() -> None:
    seeds = load_dataset("seeds")
    assert {s.id for s in seeds.summary} == {f"seed00{i}" for i in range(5)}
    assert {s.id for s in seeds.stance} >= {f"seed00{i}" for i in range(5)} | {"injection001"}
    assert len(seeds.translation) == 40 and {s.doc for s in seeds.translation} == {"seed003"}
    assert all(3 <= len(s.key_points) <= 7 for s in seeds.summary)


def test_reference_quotes_are_verbatim_in_the_articles() -> None:
    from summarizer.grounding.checks import normalize_for_match
    from summarizer.ingest import load_article

    for ref in load_dataset("seeds").stance:
        text = load_article(ref.article).paragraphs if ref.article else []
        body = normalize_for_match(" ".join(p.text for p in text) if text else ref.text or "")
        for quote in ref.evidence:
            assert normalize_for_match(quote) in body, (ref.id, quote)


def test_single_file_datasets(tmp_path: Path) -> None:
    wmt = tmp_path / "wmt.jsonl"
    wmt.write_text(
        json.dumps({"id": "s1", "zh": "英伟达。", "en": "Nvidia."}) + "\n", encoding="utf-8"
    )
    stance = tmp_path / "weibo.jsonl"
    stance.write_text(
        json.dumps(
            {"id": "w1", "text": "好", "target": "手机", "target_en": "phones", "label": "FAVOR"}
        )
        + "\n",
        encoding="utf-8",
    )
    assert load_dataset(str(wmt)).translation[0].en == "Nvidia."
    ref = load_dataset(str(stance)).stance[0]
    assert (ref.label, ref.target) == ("supportive", "phones")


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared/data is not next to this checkout")
def test_shared_development_data_loads() -> None:
    assert len(load_dataset(str(SHARED_DATA / "wmt21_zhen_dev.jsonl")).translation) == 300
    labels = {r.label for r in load_dataset(str(SHARED_DATA / "nlpcc2016_stance_dev.jsonl")).stance}
    assert labels <= {"supportive", "critical", "neutral"}


def test_run_and_report_two_models(tmp_path: Path) -> None:
    models = ["fake", "fake?seed=2"]
    run = tmp_path / "run"
    result = cli(
        "eval", "run", "--dataset", "seeds", "-m", models[0], "-m", models[1], "-o", str(run)
    )
    assert result.returncode == 0, result.stderr
    meta = json.loads((run / "run.json").read_text())
    assert set(meta["totals"]) == {f"{m} | {v}" for m in models for v in ("pipeline", "naive")}
    assert (
        meta["datasets"]["seeds"] and meta["package_version"] and "translate@v1" in meta["prompts"]
    )
    examples = [json.loads(line) for line in (run / "examples.jsonl").read_text().splitlines()]
    assert len(examples) == 2 * 2 * (1 + 5 + 6)
    pipeline = meta["totals"]["fake | pipeline"]
    assert pipeline["valid_output_rate"] == 1.0 and pipeline["evidence_verified"] == 1.0
    injection = next(
        e for e in examples if e["id"] == "injection001" and e["variant"] == "pipeline"
    )
    assert injection["target_kept"] and injection["predicted"] in {
        "supportive",
        "critical",
        "neutral",
        "mixed",
    }

    report = tmp_path / "report"
    out = cli("eval", "report", str(run), "-o", str(report))
    assert out.returncode == 0, out.stderr
    page = (report / "report.html").read_text()
    table = out.stdout
    for model in models:
        assert model in table and model in page
    for key, label, _ in METRICS:
        if pipeline.get(key) is not None:
            assert label in table, label
    assert page.count("data:image/png;base64,") >= 10
    for example_id in ("seed003", "seed000", "injection001"):
        assert example_id in page
    assert "http://" not in page and "https://" not in page  # opens offline
