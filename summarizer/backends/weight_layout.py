"""Whether llama.cpp should repack the local model's weights on this machine, measured once.

Where the CPU has AVX2, llama.cpp copies Q4_K weights at load time into an interleaved layout
for its own matrix kernels (its "extra buffer types", CPU_REPACK), unless told not to. Which
layout reads prompts faster depends on the CPU. On the Intel Xeon (Sapphire Rapids, 2 cores) of
the twenty-sixth session the weights as stored read 76 to 112 prompt tokens/s against 63 to 84
repacked, and wrote at the same rate either way (about 11 tokens/s); a cold brief of the README
example took 261 s instead of 307 s (``benchmarks/bench_brief.py``, the same run). The project's
AMD EPYC machines ran only the repacked layout.

So the first load on a machine reads a short prompt both ways (two loads of the weights, about
six seconds in all on that Xeon) and keeps the faster layout: the weights as stored only when
they read at least ``MARGIN`` times as fast, so llama.cpp's default stays where the two are
close. The answer is written beside the weights, for this CPU, llama-cpp-python version and
thread count, and read on every later load without measuring again, so a machine's replies do
not flip between layouts from one run to the next. The two layouts compute in a different
order, so greedy replies differ in places between them, as between two builds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Plain weights are chosen only when they read this much faster than repacked ones.
MARGIN = 1.15
READS = 2  # best of this many reads of the sample per layout
# About 150 tokens of the kind of text a brief reads: a prompt of this length runs the same
# matrix kernels as the brief's prompts (a single token, as in writing, runs others).
SAMPLE = (
    "Translate the paragraph into English. Keep every name and number.\n"
    "美國總統特朗普宣布，美國政府將允許英偉達向中國出售H200人工智能芯片，"
    "但美方要從這筆銷售總額中抽取25%的費用。中國外交部發言人表示，"
    "中方已多次就美方的芯片出口管制表明立場。\n"
    "The spokesman said that China had repeatedly stated its position on US chip export "
    "controls, and that the market would judge such conditions on its own terms."
)

Measure = Callable[[Path, bool, int], float]
_patch_lock = threading.Lock()


@contextlib.contextmanager
def weights_repacked(repack: bool) -> Iterator[None]:
    """Models loaded inside this block repack their weights (llama.cpp's default) or not.

    llama-cpp-python's ``Llama`` takes no argument for llama.cpp's ``use_extra_bufts``: it fills
    its model parameters from ``llama_model_default_params()``, so that function is swapped for
    the duration of the load (under a lock: it is a module attribute)."""
    import llama_cpp.llama_cpp as low_level

    with _patch_lock:
        default = low_level.llama_model_default_params

        def params() -> Any:
            chosen = default()
            chosen.use_extra_bufts = repack
            return chosen

        low_level.llama_model_default_params = params
        try:
            yield
        finally:
            low_level.llama_model_default_params = default


def read_rate(path: Path, repack: bool, n_threads: int) -> float:
    """Prompt tokens per second read by the weights at ``path`` in the given layout."""
    from llama_cpp import Llama

    with weights_repacked(repack):
        llama: Any = Llama(model_path=str(path), n_ctx=512, n_threads=n_threads, verbose=False)
    try:
        tokens = llama.tokenize(SAMPLE.encode())
        rates = []
        for _ in range(READS):
            llama.reset()
            start = time.perf_counter()
            llama.eval(tokens)
            rates.append(len(tokens) / (time.perf_counter() - start))
        return max(rates)
    finally:
        llama.close()


def machine() -> str:
    """This CPU (its name and a digest of its feature flags: a virtual machine may name only
    "Intel(R) Xeon(R) Processor") and the llama-cpp-python version: what the choice depends on,
    besides the thread count."""
    import llama_cpp

    cpu, flags = platform.processor() or platform.machine(), ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            name, _, value = (part.strip() for part in line.partition(":"))
            if name == "model name" and not flags:
                cpu = value
            elif name in {"flags", "Features"}:
                flags = hashlib.sha256(" ".join(sorted(value.split())).encode()).hexdigest()[:12]
                break
    return f"{cpu} (flags {flags or 'unknown'}) · llama-cpp-python {llama_cpp.__version__}"


def record_path(weights: Path) -> Path:
    return weights.with_name(weights.name + ".layout.json")


def choose_repack(weights: Path, n_threads: int, measure: Measure = read_rate) -> bool:
    """Whether to repack ``weights`` on this machine: the stored answer, else measured now."""
    here = {"machine": machine(), "n_threads": n_threads}
    record = record_path(weights)
    with contextlib.suppress(OSError, ValueError):
        stored = json.loads(record.read_text())
        if (
            isinstance(stored, dict)
            and {key: stored.get(key) for key in here} == here
            and isinstance(stored.get("repack"), bool)
        ):
            return bool(stored["repack"])
    log.info("measuring llama.cpp's weight layouts on this CPU (once, a few seconds)")
    repacked = measure(weights, True, n_threads)
    plain = measure(weights, False, n_threads)
    repack = plain < repacked * MARGIN
    answer = {**here, "repack": repack, "read_repacked": repacked, "read_plain": plain}
    partial = record.with_name(f"{record.name}.{os.getpid()}.tmp")
    try:
        partial.write_text(json.dumps(answer, indent=1))
        partial.replace(record)
    except OSError as exc:  # a read-only cache: measure again next time
        log.warning("could not store the weight layout choice in %s: %s", record, exc)
        with contextlib.suppress(OSError):
            partial.unlink()
    return repack
