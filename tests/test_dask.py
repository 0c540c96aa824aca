"""The batch runner on a real Dask cluster (a scheduler and two workers on 127.0.0.1) with a
shared Redis cache (redis-server on 127.0.0.1). Every process is stopped by its PID."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.server_process import allow_loopback, die_with_parent, free_port
from tests.test_batch import make_articles

REDIS = shutil.which("redis-server")
pytest.importorskip("distributed")
pytestmark = pytest.mark.skipif(
    REDIS is None, reason="redis-server is not installed (.ci/run installs it)"
)


def _wait_for(check: Callable[[], object], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise RuntimeError("service did not come up")


class Cluster:
    def __init__(self, tmp: Path):
        self.redis_port, self.scheduler_port = free_port(), free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.address = f"tcp://127.0.0.1:{self.scheduler_port}"
        self.tmp = tmp
        self.processes: list[subprocess.Popen[bytes]] = []

    def _start(self, args: list[str]) -> None:
        log = (self.tmp / f"proc{len(self.processes)}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                args,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.tmp,
                preexec_fn=die_with_parent,
            )
        )

    def start(self) -> Cluster:
        import redis
        from distributed import Client

        self._start(
            [
                REDIS or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ]
        )
        self._start(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.scheduler_port),
                "--no-dashboard",
            ]
        )
        for _ in range(2):
            self._start(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    self.address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "8",
                    "--no-dashboard",
                    "--nworkers",
                    "1",
                    "--preload",
                    str(Path(__file__).with_name("dask_stack_dumps.py")),
                ]
            )
        _wait_for(lambda: redis.Redis.from_url(self.redis_url).ping())

        def two_workers() -> bool:
            with Client(self.address, timeout=5) as client:
                return len(client.scheduler_info()["workers"]) == 2

        _wait_for(two_workers)
        return self

    def log_tails(self, size: int = 6000) -> str:
        """The end of every process log (worker logs carry periodic stack dumps)."""
        tails = []
        for log in sorted(self.tmp.glob("proc*.log")):
            text = log.read_text(encoding="utf-8", errors="replace")
            tails.append(f"--- {log.name}\n{text[-size:]}")
        return "\n".join(tails)

    def run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        """Run a batch CLI against the cluster; a hang fails with the cluster's logs."""
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"batch did not finish in 300 s; cluster logs:\n{self.log_tails()}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    allow_loopback()
    running = Cluster(tmp_path_factory.mktemp("cluster")).start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _loopback_only() -> None:
    allow_loopback()


def batch_args(cluster: Cluster, source: Path, out: Path, model: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "summarizer",
        "--cache-dir",
        str(out.parent / "local-cache"),
        "batch",
        str(source),
        "-o",
        str(out),
        "--engine",
        "dask",
        "--address",
        cluster.address,
        "--cache",
        cluster.redis_url,
        "-m",
        model,
    ]


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_dask_batch_kill_resume_and_rerun_from_redis(cluster: Cluster, tmp_path: Path) -> None:
    ids = make_articles(tmp_path / "in", 200)
    out = tmp_path / "out.jsonl"
    model = "fake?latency=0.1"
    # A full run takes about 2.5 s of model time (400 calls x 0.1 s / 16 at once) plus start-up.
    driver = subprocess.Popen(
        batch_args(cluster, tmp_path / "in", out, model),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for(lambda: out.exists() and len(out.read_text().splitlines()) >= 20, timeout=120)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    partial = len(out.read_text().splitlines())
    assert 0 < partial < 200

    resumed = cluster.run(batch_args(cluster, tmp_path / "in", out, model))
    assert resumed.returncode == 0, resumed.stderr
    got = records(out)
    assert Counter(r["id"] for r in got) == Counter(ids) and all(r["status"] == "ok" for r in got)

    again = tmp_path / "again.jsonl"
    rerun = cluster.run(batch_args(cluster, tmp_path / "in", again, model))
    assert rerun.returncode == 0, rerun.stderr
    metas = [r["brief"]["meta"] for r in records(again)]  # type: ignore[index]
    assert len(metas) == 200 and all(m["calls"] == m["cached_calls"] > 0 for m in metas)


def test_unreachable_redis_runs_uncached(cluster: Cluster, tmp_path: Path) -> None:
    ids = make_articles(tmp_path / "in", 10)
    out = tmp_path / "out.jsonl"
    args = batch_args(cluster, tmp_path / "in", out, "fake")
    args[args.index("--cache") + 1] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    result = cluster.run(args)
    assert result.returncode == 0, result.stderr
    assert Counter(r["id"] for r in records(out)) == Counter(ids)


def test_local_cluster_when_no_address(tmp_path: Path) -> None:
    ids = make_articles(tmp_path / "in", 12)
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "summarizer",
            "--cache-dir",
            str(tmp_path / "c"),
            "batch",
            str(tmp_path / "in"),
            "-o",
            str(out),
            "--engine",
            "dask",
            "-m",
            "fake",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert Counter(r["id"] for r in records(out)) == Counter(ids)


def test_service_batch_jobs_run_on_the_cluster(cluster: Cluster, tmp_path: Path) -> None:
    """``summarizer serve --engine dask``: a job posted to the service runs on the cluster's
    workers (the scheduler's task log shows them), and its results come back whole."""
    import httpx
    from distributed import Client

    from tests.server_process import Server

    items = [{"id": f"s{i}", "text": f"Nvidia sold {i + 1} chips in China."} for i in range(30)]
    server = Server(
        tmp_path / "cache",
        model="fake?latency=0.05",
        extra_args=("--engine", "dask", "--address", cluster.address),
    ).start()
    try:
        created = httpx.post(f"{server.url}/v1/batches", json={"items": items}, timeout=30)
        assert created.status_code == 202, created.text
        job = created.json()["id"]
        deadline = time.monotonic() + 120
        while (status := httpx.get(f"{server.url}/v1/batches/{job}").json())["state"] not in (
            "done",
            "failed",
        ):
            assert time.monotonic() < deadline, (
                f"job not done in 120 s: {status}\nserver:\n{server.log_text()[-4000:]}\n"
                f"{cluster.log_tails()}"
            )
            time.sleep(0.1)
        assert (status["state"], status["done"], status["failed"]) == ("done", 30, 0)
        lines = httpx.get(f"{server.url}/v1/batches/{job}/results").text.splitlines()
        assert Counter(json.loads(line)["id"] for line in lines) == Counter(i["id"] for i in items)
    finally:
        server.stop()
    # Each worker lists the models it built a backend for, that is, ran articles with. (A lambda:
    # cloudpickle sends it by value; the workers cannot import this test module.)
    with Client(cluster.address, timeout=10) as client:
        built = client.run(
            lambda: [
                key[0]
                for key in __import__(
                    "summarizer.batch.dask_engine", fromlist=["_worker_backends"]
                )._worker_backends
            ]
        )
    assert any("fake?latency=0.05" in models for models in built.values()), built


def test_workers_of_a_cluster_at_an_address_stop_sampling_on_python_3_11(
    cluster: Cluster, tmp_path: Path
) -> None:
    """On CPython 3.11 the worker's sampling profiler can stop a worker for good (gh-106883):
    once a batch has connected, no worker samples; on another Python the profiler is left on."""
    from distributed import Client

    make_articles(tmp_path / "in", 4)
    result = cluster.run(batch_args(cluster, tmp_path / "in", tmp_path / "out.jsonl", "fake"))
    assert result.returncode == 0, result.stderr
    with Client(cluster.address, timeout=10) as client:
        sampling = client.run(lambda dask_worker: "profile" in dask_worker.periodic_callbacks)
    assert len(sampling) == 2
    assert set(sampling.values()) == {sys.version_info[:2] != (3, 11)}


def test_the_engines_own_local_cluster_runs_without_the_sampling_profiler(tmp_path: Path) -> None:
    from summarizer.batch.dask_engine import DaskEngine
    from summarizer.batch.inputs import discover_items
    from summarizer.batch.results import ResultsFile
    from summarizer.config import Settings

    ids = make_articles(tmp_path / "in", 3)
    engine = DaskEngine()
    results = ResultsFile(tmp_path / "out.jsonl")
    try:
        settings = Settings(cache_dir=tmp_path / "cache", model="fake")
        totals = engine.run(discover_items(str(tmp_path / "in")), results, settings)
        sampling = engine._client.run(
            lambda dask_worker: "profile" in dask_worker.periodic_callbacks
        )
    finally:
        results.close()
        engine.close()
    assert (totals.done, totals.failed) == (len(ids), 0)
    assert len(sampling) == 2 and not any(sampling.values())


def test_the_in_process_model_plugin_registers_on_the_cluster(cluster: Cluster) -> None:
    """distributed refuses duck-typed plugins; the engine's plugin for an in-process model must
    register and run its setup on every worker (with the fake, setup loads nothing)."""
    from distributed import Client

    from summarizer.batch.dask_engine import InProcessModelPlugin
    from summarizer.config import Settings

    with Client(cluster.address, timeout=10) as client:
        client.register_plugin(InProcessModelPlugin(Settings(model="fake")))
        holding = client.run(lambda dask_worker: sorted(dask_worker.plugins))
    assert len(holding) == 2
    assert all(InProcessModelPlugin.name in names for names in holding.values()), holding
