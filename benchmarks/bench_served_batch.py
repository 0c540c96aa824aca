"""A batch of 40 short articles against the local weights served over loopback HTTP by
llama-cpp-python's OpenAI-compatible server, at ``-j 1, 2, 4``: articles per minute, and each
setting's throughput as a ratio of ``-j 1``'s in the same run.

The server decodes one sequence at a time, so more articles in flight only queue at its door:
the curve should be flat. The articles are the first 40 WMT21 source sentences of the
development data (``../shared/data/wmt21_zhen_dev.jsonl``), each briefed whole (translation,
summary, stance) with the response cache off. Run it on an idle machine; it takes about an hour
on two cores.

    .venv/bin/python benchmarks/bench_served_batch.py [--articles 40] [--jobs 1 2 4]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.backends import local  # noqa: E402
from summarizer.backends.weights import ensure_weights  # noqa: E402
from summarizer.config import DEFAULT_MODEL, Settings  # noqa: E402
from tests.llama_server import SERVED_NAME, LlamaServer  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wmt21_zhen_dev.jsonl"
TARGET = "US export controls on AI chips to China"


def write_articles(folder: Path, count: int) -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    for number, row in enumerate(rows[:count]):
        (folder / f"a{number:03d}.txt").write_text(row["zh"] + "\n", encoding="utf-8")


def run_batch(articles: Path, api_base: str, jobs: int, work: Path) -> dict[str, float]:
    output = work / f"out-j{jobs}.jsonl"
    args = [
        sys.executable, "-m", "summarizer", "--cache-dir", str(work / f"cache-j{jobs}"),
        "batch", str(articles), "-o", str(output), "-j", str(jobs), "--no-cache",
        "-m", f"openai/{SERVED_NAME}", "--api-base", api_base, "--target", TARGET,
    ]  # fmt: skip
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")},
        "SUMMARIZER_SCHEMA_FORMATS": json.dumps({"openai/*": "json_object"}),
        "SUMMARIZER_MAX_IN_FLIGHT": str(jobs),
    }
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: the batch ran, and some article has an error record
        sys.exit(f"-j {jobs}: batch failed: {done.stderr[-2000:]}")
    records = [json.loads(line) for line in output.read_text().splitlines()]
    briefs = [r["brief"] for r in records if r["status"] == "ok"]
    for record in records:
        if record["status"] != "ok":
            print(f"  -j {jobs}: {record['id']}: {record['error'][:200]}", file=sys.stderr)
    return {
        "wall_s": wall,
        "ok": len(briefs),
        "errors": len(records) - len(briefs),
        "calls": sum(b["meta"]["calls"] for b in briefs),
        "prompt_tokens": sum(b["meta"]["prompt_tokens"] for b in briefs),
        "completion_tokens": sum(b["meta"]["completion_tokens"] for b in briefs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 4])
    options = parser.parse_args()
    if not DATA.is_file():
        sys.exit(f"needs the development data: {DATA} is missing")
    cache_dir = Settings().resolved_cache_dir()
    usable, reason = local.local_status(DEFAULT_MODEL, cache_dir)
    if not usable:
        sys.exit(f"needs the local model: {reason}")
    weights = ensure_weights(local.local_spec(DEFAULT_MODEL), cache_dir)
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        articles = work / "articles"
        articles.mkdir()
        write_articles(articles, options.articles)
        server = LlamaServer(weights, local.N_CTX, os.cpu_count() or 2, work / "server.log")
        server.start()
        try:
            results = {
                jobs: run_batch(articles, server.api_base, jobs, work) for jobs in options.jobs
            }
        finally:
            server.stop()
    base = results[options.jobs[0]]
    print(f"{options.articles} articles, openai/{SERVED_NAME} on llama_cpp.server (loopback)")
    print(
        "  -j   wall s   articles/min   vs -j 1   ok  errors   calls   prompt tok   completion tok"
    )
    for jobs, row in results.items():
        per_minute = row["ok"] / row["wall_s"] * 60
        ratio = per_minute / (base["ok"] / base["wall_s"] * 60)  # throughput: briefs done a minute
        print(
            f"  {jobs:>2}  {row['wall_s']:7.1f}  {per_minute:13.2f}  {ratio:8.2f}  {row['ok']:>3.0f}"
            f"  {row['errors']:>6.0f}  {row['calls']:>6.0f}  {row['prompt_tokens']:>11.0f}"
            f"  {row['completion_tokens']:>15.0f}"
        )


if __name__ == "__main__":
    main()
