"""Preloaded into the test cluster's Dask workers: should a worker hang, the stacks of all its
threads reach its log every 120 s, so a test that times out shows where it stuck."""

from __future__ import annotations

import faulthandler
import sys
from typing import Any


def dask_setup(worker: Any) -> None:
    faulthandler.dump_traceback_later(120, repeat=True, file=sys.stderr)
