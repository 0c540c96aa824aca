"""Where a cold brief's model time goes, call by call: for each call to the local model, the
prompt tokens it sends, how many of them llama.cpp had to read (the rest is the prefix it shares
with the call before, or with an earlier call whose KV snapshot was restored:
``summarizer.backends.prefix_snapshots``), the tokens it wrote and the seconds it took,
summed by step.

    .venv/bin/python benchmarks/bench_prompt_reads.py [--article PATH] [--calls]

The response cache is off, so every call goes to the model (about three minutes on two cores).
A step is named by its task line, or the first words of its system prompt.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODEL = "local/qwen2.5-coder-1.5b"
TARGET = "US export controls on AI chips to China"


@dataclass(frozen=True)
class CallReads:
    step: str
    sent: int
    read: int
    written: int
    seconds: float


def step_name(messages: list[dict[str, str]]) -> str:
    """The task line of a reading prompt (they share their system prompt), else the first words
    of the system prompt, else of the plain prompt."""
    user = next((m["content"] for m in messages if m["role"] == "user"), "")
    if "TASK:" in user:
        return " ".join(user.split("TASK:", 1)[1].split()[:6])
    system = next((m["content"] for m in messages if m["role"] == "system"), "")
    if system:
        return " ".join(system.split()[:6])
    return "(plain prompt: " + " ".join(messages[-1]["content"].split()[:3]) + ")"


class RecordingLlama:
    """Stands in for the loaded ``Llama`` and records what each chat completion read."""

    def __init__(self, llama: Any) -> None:
        self.llama = llama
        self.calls: list[CallReads] = []

    def create_chat_completion(self, messages: list[dict[str, str]], **kwargs: Any) -> Any:
        before = self.llama.prompt_tokens_read
        start = time.perf_counter()
        result = self.llama.create_chat_completion(messages=messages, **kwargs)
        seconds = time.perf_counter() - start
        self.calls.append(
            CallReads(
                step_name(messages),
                int(result["usage"]["prompt_tokens"]),
                self.llama.prompt_tokens_read - before,
                int(result["usage"]["completion_tokens"]),
                seconds,
            )
        )
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.llama, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path, default=ROOT / "examples" / "zh_h200_netease.txt")
    parser.add_argument("--calls", action="store_true", help="also print every call")
    args = parser.parse_args()

    from summarizer.backends.local import get_local_model
    from summarizer.config import Settings
    from summarizer.factory import make_backend
    from summarizer.ingest import load_article
    from summarizer.tasks.brief import make_brief
    from summarizer.tasks.options import PipelineOptions

    settings = Settings(model=MODEL, no_cache=True)
    backend = make_backend(settings)
    local = get_local_model(MODEL, settings.resolved_cache_dir())
    recorder = RecordingLlama(local._llama)
    local._llama = recorder
    article = load_article(args.article)
    start = time.perf_counter()
    make_brief(
        article,
        backend,
        model=MODEL,
        options=PipelineOptions.from_settings(settings),
        target=TARGET,
    )
    wall = time.perf_counter() - start
    local._llama = recorder.llama

    if args.calls:
        for call in recorder.calls:
            print(
                f"{call.step[:48]:48} sent {call.sent:5} read {call.read:5} wrote {call.written:4} {call.seconds:5.1f} s"
            )
    steps: dict[str, list[CallReads]] = defaultdict(list)
    for call in recorder.calls:
        steps[call.step].append(call)
    print(f"{'step':48} {'calls':>5} {'sent':>6} {'read':>6} {'wrote':>6} {'s':>6}")
    for step, calls in sorted(steps.items(), key=lambda item: -sum(c.seconds for c in item[1])):
        print(
            f"{step[:48]:48} {len(calls):5} {sum(c.sent for c in calls):6} "
            f"{sum(c.read for c in calls):6} {sum(c.written for c in calls):6} "
            f"{sum(c.seconds for c in calls):6.1f}"
        )
    calls = recorder.calls
    print(
        f"{'all':48} {len(calls):5} {sum(c.sent for c in calls):6} {sum(c.read for c in calls):6} "
        f"{sum(c.written for c in calls):6} {sum(c.seconds for c in calls):6.1f}  (wall {wall:.1f} s)"
    )


if __name__ == "__main__":
    main()
