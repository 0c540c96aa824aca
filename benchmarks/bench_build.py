"""Two builds of llama-cpp-python on the same weights, in one run: prompt tokens read per second
and tokens written per second, measured by ``bench_brief.raw_rates`` in each interpreter's own
process, alternating, best of the rounds. The baseline is the first interpreter.

    .venv/bin/python benchmarks/bench_build.py BASELINE_PYTHON OTHER_PYTHON [--rounds N]

For example, the quick-start build (``GGML_NATIVE=OFF`` with AVX2 flags, ``.venv``) against a
native build (``GGML_NATIVE=ON``) installed in a second virtual environment. Run it on an idle
machine: both builds use every core.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, llama_cpp, sys; sys.path.insert(0, 'benchmarks'); "
    "from bench_brief import raw_rates; "
    "read, write = raw_rates(); "
    "print(json.dumps({'read': read, 'write': write, 'version': llama_cpp.__version__}))"
)


def rates(python: str) -> dict[str, float]:
    done = subprocess.run(
        [python, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{python} failed:\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", help="python of the baseline build")
    parser.add_argument("other", help="python of the build to measure")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    best: dict[str, dict[str, float]] = {args.baseline: {}, args.other: {}}
    for _ in range(args.rounds):
        for python in (args.baseline, args.other):
            measured = rates(python)
            for key in ("read", "write"):
                best[python][key] = max(best[python].get(key, 0.0), measured[key])
    for name, python in (("baseline", args.baseline), ("other", args.other)):
        print(
            f"{name:>8}: reads {best[python]['read']:.0f} prompt tokens/s, "
            f"writes {best[python]['write']:.1f} tokens/s  ({python})"
        )
    base, other = best[args.baseline], best[args.other]
    print(
        f"other/baseline: reading {other['read'] / base['read']:.2f}x, "
        f"writing {other['write'] / base['write']:.2f}x"
    )


if __name__ == "__main__":
    main()
