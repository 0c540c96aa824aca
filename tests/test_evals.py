"""The eval harness end to end on the fake backend, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
        # No retry back-off: the error_rate=1 fakes fail every attempt at once.
        env={**os.environ, "SUMMARIZER_MAX_ATTEMPTS": "1"},
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


def _run(tmp_path: Path, *args: str) -> Path:
    run = tmp_path / "run"
    result = cli("eval", "run", *args, "-o", str(run))
    assert result.returncode == 0, result.stderr
    return run


def _examples(run: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run / "examples.jsonl").read_text().splitlines()]


def test_compare_reference_names_real_paragraphs() -> None:
    """Every paragraph id of the hand-written comparison exists in its article as `summarizer
    clean` numbers it; a shared claim or figure is stated by two articles or more."""
    from summarizer.ingest import load_article

    (ref,) = load_dataset("seeds").compare
    paragraphs = {
        key: {p.id for p in load_article(path).paragraphs} for key, path in ref.articles.items()
    }
    raw = json.loads((Path("evals/datasets/seeds/compare.jsonl")).read_text(encoding="utf-8"))
    places = [
        (key, pid)
        for group in (*raw["shared_figures"], *raw["shared_claims"])
        for key, pids in group["stated_in"].items()
        for pid in pids
    ]
    places += [
        (key, pid)
        for section in ("figures", "unique_claims")
        for key, items in raw[section].items()
        for item in items
        for pid in item["paragraphs"]
    ]
    assert len(places) > 100
    assert [place for place in places if place[1] not in paragraphs[place[0]]] == []
    assert all(len(c) >= 2 for c in ref.shared_claims) and len(ref.shared_claims) >= 10
    assert all(len(claims) >= 3 for claims in ref.unique_claims.values())


def test_claim_scores_by_paragraph() -> None:
    from evals.claims import score_claims

    shared = [{"a": ["p1"], "b": ["p2"]}, {"a": ["p5"], "c": ["p1"]}]
    unique = {"a": [["p9"]], "b": [["p7"], ["p8"]]}
    groups = [
        [("a", "p1"), ("b", "p2"), ("c", "p4")],  # one right pair (a-b), two wrong (with c p4)
        [("b", "p3"), ("b", "p4")],  # one article only: no pair
    ]
    only_in = [("a", "p9"), ("b", "p2"), ("c", "p6")]  # b p2 is said in a too
    scores = score_claims(groups, only_in, shared, unique)
    assert (scores.pairs_found, scores.pairs_right) == (3, 1)
    assert scores.pairing_precision == pytest.approx(1 / 3)
    assert scores.pairing_recall == pytest.approx(1 / 2)
    assert scores.only_in_precision == pytest.approx(2 / 3)
    assert scores.only_in_recall == pytest.approx(1 / 3)  # a's p9 listed; b's p7, p8 not
    nothing = score_claims([], [], shared, unique)
    assert nothing.pairing_precision is None and nothing.pairing_recall == 0.0
    assert nothing.only_in_recall == 0.0


def test_run_and_report_two_models(tmp_path: Path) -> None:
    models = ["fake", "fake?seed=2"]
    run = _run(tmp_path, "--dataset", "seeds", "-m", models[0], "-m", models[1])
    meta = json.loads((run / "run.json").read_text())
    systems = {f"seeds | {m} | {v}" for m in models for v in ("pipeline", "naive")}
    assert set(meta["totals"]) == systems | {"seeds | (majority class) | baseline"}
    assert meta["datasets"]["seeds"] and meta["package_version"] and meta["cache"] is True
    assert "translate@v1" in meta["prompts"]
    examples = _examples(run)
    # Per model: both variants translate, summarise and label; the pipeline also compares.
    assert len(examples) == 2 * (2 * (1 + 5 + 6) + 1)
    compared = next(e for e in examples if e["task"] == "compare" and e["model"] == "fake")
    # The fake's briefs carry the articles' own figures but no real English for the Chinese
    # one, so its 25% has no words in common with the others': 4 of the 5 pairs are found, and
    # the 50% false friend (two different things) is kept apart.
    assert compared["ok"] and compared["figure_alignment_recall"] == pytest.approx(4 / 5)
    assert compared["figure_alignment_precision"] == 1.0
    assert ["50%", "seed001"] not in compared["figure_pairs_found"]
    assert compared["compare_stance_agreement"] == pytest.approx(1 / 5)  # neutral: seed004
    assert (
        0.0 <= compared["claim_pairing_recall"] <= 1.0 and 0.0 <= compared["only_in_recall"] <= 1.0
    )
    assert compared["only_in_found"]  # the claims are kept, so a run can be read and rescored
    pipeline = meta["totals"]["seeds | fake | pipeline"]["metrics"]
    assert pipeline["valid_output_rate"]["value"] == 1.0
    # The fake takes no side (neutral, no quotes): right on the two neutral seeds of six.
    assert pipeline["stance_accuracy"]["value"] == pytest.approx(2 / 6)
    assert pipeline["chrf_pp"]["level"] == "segment" and pipeline["chrf_pp"]["n"] == 40
    assert pipeline["key_point_recall"]["level"] == "document"
    assert pipeline["key_point_precision"]["n"] == pipeline["key_point_recall_budget"]["n"] == 5
    assert pipeline["headline_rouge_l"]["n"] == 5
    assert 0.0 < pipeline["headline_rouge_l"]["value"] < 1.0
    low, value, high = (pipeline["chrf_pp"][k] for k in ("low", "value", "high"))
    assert low <= value <= high and low < high
    # The fake always answers "neutral"; the seeds' majority class is "critical" (4 of 6).
    majority = meta["totals"]["seeds | (majority class) | baseline"]["metrics"]
    assert majority["majority_label"] == "critical"
    assert majority["stance_accuracy"]["value"] == pytest.approx(4 / 6)
    injection = next(
        e for e in examples if e["id"] == "injection001" and e["variant"] == "pipeline"
    )
    assert injection["target_kept"] and injection["predicted"] == "neutral"
    assert injection["rationale"].startswith("[FAKE]")  # what the brief's reader is told

    # Rescoring the stored examples gives the same totals (and records that it was done).
    scored = json.loads((run / "run.json").read_text())["totals"]
    broken = json.loads((run / "run.json").read_text())
    broken["totals"]["seeds | fake | pipeline"]["metrics"] = {}
    (run / "run.json").write_text(json.dumps(broken))
    again = cli("eval", "rescore", str(run))
    assert again.returncode == 0, again.stderr
    rescored = json.loads((run / "run.json").read_text())
    assert rescored["totals"] == scored and rescored["rescored"]["date"]

    report = tmp_path / "report"
    out = cli("eval", "report", str(run), "-o", str(report))
    assert out.returncode == 0, out.stderr
    page = (report / "report.html").read_text()
    table = out.stdout
    for model in models:
        assert model in table and model in page
    for key, label, _ in METRICS:
        if isinstance(pipeline.get(key), dict) and pipeline[key]["value"] is not None:
            assert label in table, label
    assert "<table class='summary'>" in page and "(majority class)" in page and "n=40" in page
    assert page.count("<svg") >= 3  # one chart per task
    for example_id in ("seed003", "seed000", "injection001"):
        assert example_id in page
    assert "http://" not in page and "https://" not in page  # opens offline


def test_failed_outputs_score_zero_not_blank(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        "--dataset",
        "seeds",
        "-m",
        "fake?error_rate=1",
        "--prompt-variant",
        "pipeline",
        "--limit",
        "2",
    )
    metrics = json.loads((run / "run.json").read_text())["totals"][
        "seeds | fake?error_rate=1 | pipeline"
    ]["metrics"]
    # 1 translation, 2 summaries, 2 stances, 1 comparison: every one failed.
    assert metrics["valid_output_rate"]["value"] == 0.0 and metrics["valid_output_rate"]["n"] == 6
    assert metrics["figure_alignment_recall"]["value"] == 0.0
    for key in (
        "chrf_pp",
        "bleu",
        "no_chinese_left",
        "rouge_l",
        "key_point_recall",
        "key_point_precision",
        "evidence_precision",
        "evidence_pooled_precision",
    ):
        assert metrics[key]["value"] == 0.0, key
    assert metrics["stance_accuracy"]["value"] == 0.0 and metrics["stance_macro_f1"]["value"] == 0.0
    assert metrics["latency_s_per_example"]["n"] == 0  # nothing ran, nothing timed
    assert all(not e["ok"] for e in _examples(run))


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared/data is not next to this checkout")
def test_nlpcc_uses_its_three_labels_and_official_metric(tmp_path: Path) -> None:
    run = _run(
        tmp_path,
        "--dataset",
        str(SHARED_DATA / "nlpcc2016_stance_dev.jsonl"),
        "-m",
        "fake",
        "--prompt-variant",
        "pipeline",
    )
    meta = json.loads((run / "run.json").read_text())
    assert meta["stance_labels"]["nlpcc2016_stance_dev"] == ["supportive", "critical", "neutral"]
    fake = meta["totals"]["nlpcc2016_stance_dev | fake | pipeline"]["metrics"]
    # Always "neutral" on 10 FAVOR, 10 AGAINST, 5 NONE: accuracy 5/25; F1(neutral) = 2*0.2/1.2.
    assert fake["stance_accuracy"]["value"] == pytest.approx(0.2)
    assert fake["stance_macro_f1"]["value"] == pytest.approx((2 * 0.2 / 1.2) / 3)
    assert fake["stance_favor_against_f1"]["value"] == 0.0


def test_compare_says_which_differences_are_real(tmp_path: Path) -> None:
    run = _run(tmp_path, "--dataset", "seeds", "-m", "fake", "-m", "fake?error_rate=1")
    same = cli("eval", "compare", str(run), "--a", "fake · pipeline", "--b", "fake · pipeline")
    assert same.returncode == 0, same.stderr
    assert "real" not in same.stdout.replace("could be chance", "")
    broken = cli(
        "eval", "compare", str(run), "--a", "fake · pipeline", "--b", "fake?error_rate=1 · pipeline"
    )
    assert broken.returncode == 0, broken.stderr
    chrf = next(line for line in broken.stdout.splitlines() if "| chrF++ |" in line)
    assert chrf.endswith("| real |") and "| 40 |" in chrf
    # Numbers kept is compared on the segments with numbers; a system that failed kept none.
    numbers = next(line for line in broken.stdout.splitlines() if "| numbers kept |" in line)
    cells = [cell.strip() for cell in numbers.split("|")]
    assert cells[3] == "11" and float(cells[4]) > 0 and cells[5] == "0.000"
    # A failed brief has no headline: it scores zero against the hand-written one.
    headline = next(line for line in broken.stdout.splitlines() if "| headline ROUGE-L |" in line)
    assert "| 5 |" in headline and "0.000" in headline
    missing = cli("eval", "compare", str(run), "--a", "nope · pipeline", "--b", "fake · naive")
    assert missing.returncode == 2 and "no system" in missing.stderr


def test_the_run_says_how_many_examples_failed(tmp_path: Path) -> None:
    """A share alone hides a failure: 299 of 300 printed as "valid 100%"."""
    result = cli(
        "eval", "run", "--dataset", "seeds", "-m", "fake?error_rate=1", "-o", str(tmp_path / "r")
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith("seeds | fake"))
    examples = sum(r["variant"] == "pipeline" for r in _examples(tmp_path / "r"))
    assert line.startswith(f"seeds | fake?error_rate=1 | pipeline: valid 0.0% ({examples} failed)")


def test_a_compare_with_an_article_that_fails_scores_the_rest(tmp_path: Path) -> None:
    """One seed that cannot be briefed is named, the other four are compared, and what only it
    states counts as missed."""
    from dataclasses import replace

    from evals.examples import RunContext, compare_record
    from evals.meter import MeteredBackend
    from summarizer.backends import FakeBackend
    from summarizer.demo import demo_reply
    from summarizer.tasks.options import PipelineOptions

    (ref,) = load_dataset("seeds").compare
    broken = replace(ref, articles={**ref.articles, "seed002": tmp_path / "missing.txt"})
    backend = MeteredBackend(FakeBackend(responder=demo_reply))
    ctx = RunContext("fake", "pipeline", backend, PipelineOptions())
    whole, partial = compare_record(ctx, ref), compare_record(ctx, broken)
    assert whole["ok"] and partial["ok"] and list(partial["not_compared"]) == ["seed002"]
    assert whole["not_compared"] == {}
    # seed002 is the only one the fake's briefs tie to the others (25% with seed001, the date
    # with seed003): without it no shared figure is found.
    assert whole["figure_alignment_recall"] == pytest.approx(4 / 5)
    assert partial["figure_alignment_recall"] == 0.0 and not partial["figure_pairs_found"]
    # Stance agreement stays over all five: the one left out counts as missed.
    assert partial["compare_stance_agreement"] == pytest.approx(1 / 5)


def test_pooled_evidence_counts_every_quote() -> None:
    """The mean of the cases' shares lets one right quote count as much as three wrong ones;
    pooled, every quote counts once, and a case with no quote counts as one that missed."""
    from evals.scoring import stance_scores_of

    quote = {"quote": "q", "paragraph": "p1", "source": "source"}
    records: list[dict[str, Any]] = [
        {
            "gold": "critical",
            "predicted": "critical",
            "evidence": [quote],
            "evidence_matched": 1,
            "evidence_precision": 1.0,
        },
        {
            "gold": "critical",
            "predicted": "critical",
            "evidence": [quote] * 3,
            "evidence_matched": 0,
            "evidence_precision": 0.0,
        },
        {"gold": "critical", "predicted": None, "evidence": [], "evidence_precision": 0.0},
        {"gold": "neutral", "predicted": "neutral", "evidence": []},  # no reference quotes
    ]
    scores = stance_scores_of(records, ("supportive", "critical", "neutral"))
    assert scores["evidence_precision"]["value"] == pytest.approx(1 / 3)
    assert scores["evidence_pooled_precision"]["value"] == pytest.approx(1 / 5)
    assert scores["evidence_pooled_precision"]["n"] == 3
