"""A cold brief of the example article on the local model: wall time, calls, tokens, time to the
first translated paragraph, and the ratio of wall time to what raw llama-cpp-python needs for the
same prompt and completion token counts (rates measured on the same weights in the same run).

The baseline is another commit of this repository (default: the session's starting point),
checked out in a temporary git worktree and run the same way in the same run, because this
machine's absolute times drift. Each brief runs in its own process with the response cache off.

    .venv/bin/python benchmarks/bench_brief.py [--baseline REV] [--article PATH]
        [--baseline-python PYTHON]

With ``--baseline HEAD --baseline-python .venv/bin/python`` run by another interpreter, it
compares two builds of llama-cpp-python on the same code. The ratio uses this interpreter's raw
rates.
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODEL = "local/qwen2.5-coder-1.5b"
TARGET = "US export controls on AI chips to China"

# Runs inside the child process, with the code under test first on sys.path.
RUNNER = """
import json, sys, time
from pathlib import Path
from typing import Any
from summarizer.config import Settings
from summarizer.factory import make_backend
from summarizer.ingest import load_article
from summarizer.tasks.brief import make_brief
from summarizer.tasks.options import PipelineOptions

article_path, model, target = sys.argv[1:4]
settings = Settings(model=model, no_cache=True)  # every call goes to the model: a cold brief
backend = make_backend(settings)
article = load_article(Path(article_path))
from summarizer.backends.local import get_local_model
get_local_model(model, settings.resolved_cache_dir())  # loaded before the clock starts
marks = {}
start = time.perf_counter()

def progress(step, done, total):
    if step == "translate" and done >= 1:
        marks.setdefault("first_chunk_s", time.perf_counter() - start)

def event(kind, payload):
    if kind == "paragraph":
        marks.setdefault("first_paragraph_s", time.perf_counter() - start)

kwargs = dict(model=model, options=PipelineOptions.from_settings(settings), target=target,
              on_progress=progress)
try:
    brief = make_brief(article, backend, on_event=event, **kwargs)
except TypeError:  # a commit from before streaming: no on_event
    brief = make_brief(article, backend, **kwargs)
wall = time.perf_counter() - start
meta = brief.meta
read = getattr(get_local_model(model, settings.resolved_cache_dir())._llama,
               "prompt_tokens_read", None)  # None before the prefix snapshots
print(json.dumps({"wall_s": wall, "calls": meta.calls, "cached_calls": meta.cached_calls,
                  "reasks": meta.reasks, "prompt_tokens": meta.prompt_tokens,
                  "completion_tokens": meta.completion_tokens, "prompt_tokens_read": read,
                  "first_paragraph_s": marks.get("first_paragraph_s", marks.get("first_chunk_s")),
                  "headline": brief.summary.headline}))
"""


def run_brief(code_root: Path, article: Path, python: str = sys.executable) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    done = subprocess.run(
        [python, "-c", RUNNER, str(article), MODEL, TARGET],
        capture_output=True,
        text=True,
        env=env,
        cwd=code_root,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"brief at {code_root} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def raw_rates() -> tuple[float, float]:
    """Prompt tokens read per second and tokens generated per second by raw llama-cpp-python on
    the same weights (a fresh context, so nothing is reused from an earlier prompt)."""
    from llama_cpp import Llama

    from summarizer.backends.local import N_CTX, local_spec
    from summarizer.backends.weight_layout import choose_repack, weights_repacked
    from summarizer.backends.weights import ensure_weights
    from summarizer.config import Settings

    path = ensure_weights(local_spec(MODEL), Settings().resolved_cache_dir())
    threads = os.cpu_count() or 2
    # The layout the pipeline's model loads in on this machine, so the ratio compares like with
    # like (4d18067 and other commits before the twenty-sixth session always repacked).
    repack = choose_repack(path, threads)
    print(f"weights {'repacked' if repack else 'as stored'} (backends.weight_layout)")
    with weights_repacked(repack):
        llama: Any = Llama(model_path=str(path), n_ctx=N_CTX, n_threads=threads, verbose=False)
    text = (ROOT / "examples" / "zh_h200_netease.txt").read_text(encoding="utf-8")[:1500]
    tokens = llama.tokenize(text.encode())
    reads, writes = [], []
    for _ in range(2):
        llama.reset()
        start = time.perf_counter()
        llama.eval(tokens)
        reads.append(len(tokens) / (time.perf_counter() - start))
        # Reset again: text[:200] is a prefix of what was just read, and llama-cpp-python would
        # reuse it, so the prompt time taken off below would not have been spent (until the
        # twenty-fourth session this made the write rate read 40 to 49 tokens/s for a true 28
        # to 30).
        llama.reset()
        start = time.perf_counter()
        out = llama.create_completion(text[:200], max_tokens=128, temperature=0.0)
        generated = out["usage"]["completion_tokens"]
        prompt = out["usage"]["prompt_tokens"]
        elapsed = time.perf_counter() - start - prompt / reads[-1]
        writes.append(generated / elapsed)
    llama.close()
    return max(reads), max(writes)


def _read(result: dict[str, float]) -> str:
    read = result.get("prompt_tokens_read")
    return f" ({read:.0f} prompt tokens read, the rest reused)" if read else ""


def report(name: str, result: dict[str, float], read: float, write: float) -> float:
    raw = result["prompt_tokens"] / read + result["completion_tokens"] / write
    print(
        f"{name:>9}: {result['wall_s']:6.1f} s wall, {result['calls']:.0f} calls "
        f"({result['reasks']:.0f} re-asks), {result['prompt_tokens']:.0f} prompt + "
        f"{result['completion_tokens']:.0f} completion tokens{_read(result)}, first paragraph "
        f"{result['first_paragraph_s']:.1f} s; raw llama.cpp for those tokens {raw:.1f} s, "
        f"ratio {result['wall_s'] / raw:.2f}"
    )
    return float(result["wall_s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--baseline",
        action="append",
        help="git revision to compare with (repeat for several; default: 4d18067)",
    )
    parser.add_argument("--article", type=Path, default=ROOT / "examples" / "zh_h200_netease.txt")
    parser.add_argument(
        "--baseline-python",
        default=sys.executable,
        help="interpreter for the baseline (another llama-cpp-python build; default: this one)",
    )
    args = parser.parse_args()
    read, write = raw_rates()
    print(f"raw llama-cpp-python: reads {read:.0f} prompt tokens/s, writes {write:.1f} tokens/s")
    baselines = {
        revision: run_baseline(revision, args.article.resolve(), args.baseline_python)
        for revision in args.baseline or ["4d18067"]
    }
    current = run_brief(ROOT, args.article.resolve())
    walls = {
        revision: report(revision, result, read, write) for revision, result in baselines.items()
    }
    after = report("current", current, read, write)
    for revision, before in walls.items():
        print(f"wall time ratio current/{revision}: {after / before:.2f} (target <= 0.5)")


def run_baseline(revision: str, article: Path, python: str) -> dict[str, float]:
    """The brief at ``revision``, from a temporary git worktree."""
    with tempfile.TemporaryDirectory() as tree:
        worktree = Path(tree) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(worktree), revision],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            return run_brief(worktree, article, python)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False
            )


if __name__ == "__main__":
    main()
