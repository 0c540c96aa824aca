"""The weight layout chosen per machine: measured once, stored beside the weights, read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("llama_cpp")

from summarizer.backends.weight_layout import (
    MARGIN,
    choose_repack,
    machine,
    record_path,
    weights_repacked,
)


class Rates:
    """Read rates by layout, counting the measurements taken."""

    def __init__(self, repacked: float, plain: float) -> None:
        self.rates = {True: repacked, False: plain}
        self.measured: list[bool] = []

    def __call__(self, weights: Path, repack: bool, n_threads: int) -> float:
        self.measured.append(repack)
        return self.rates[repack]


@pytest.fixture
def weights(tmp_path: Path) -> Path:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF")
    return path


@pytest.mark.parametrize(
    ("repacked", "plain", "repack"),
    [
        (67.0, 95.0, False),  # the Intel Xeon of the twenty-sixth session
        (90.0, 60.0, True),
        (80.0, 80.0 * MARGIN * 0.99, True),  # faster, but within the margin: llama.cpp's default
    ],
)
def test_the_faster_layout_is_measured_once_and_stored(
    weights: Path, repacked: float, plain: float, repack: bool
) -> None:
    rates = Rates(repacked, plain)
    assert choose_repack(weights, 2, rates) is repack
    assert sorted(rates.measured) == [False, True]
    stored = json.loads(record_path(weights).read_text())
    assert stored["repack"] is repack and stored["machine"] == machine()
    assert (stored["read_repacked"], stored["read_plain"]) == (repacked, plain)

    again = Rates(plain, repacked)  # would choose the other way if it measured
    assert choose_repack(weights, 2, again) is repack
    assert again.measured == []


def test_another_thread_count_or_machine_is_measured_again(weights: Path) -> None:
    choose_repack(weights, 2, Rates(60.0, 90.0))
    rates = Rates(90.0, 60.0)
    assert choose_repack(weights, 4, rates) is True and len(rates.measured) == 2

    record = record_path(weights)
    stored = json.loads(record.read_text())
    record.write_text(json.dumps({**stored, "machine": "another CPU"}))
    rates = Rates(60.0, 90.0)
    assert choose_repack(weights, 4, rates) is False and len(rates.measured) == 2


@pytest.mark.parametrize(
    "damaged",
    [
        "{not json",
        "[1, 2]",
        json.dumps({"machine": "__here__", "n_threads": 2}),  # no answer in it
        json.dumps({"machine": "__here__", "n_threads": 2, "repack": "yes"}),
    ],
)
def test_a_damaged_record_is_measured_again(weights: Path, damaged: str) -> None:
    record_path(weights).write_text(damaged.replace("__here__", machine()))
    rates = Rates(60.0, 90.0)
    assert choose_repack(weights, 2, rates) is False and len(rates.measured) == 2
    assert json.loads(record_path(weights).read_text())["repack"] is False


def test_a_record_that_cannot_be_written_still_gives_the_choice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The record's directory is a file: nothing can be written there, even as root.
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    weights = blocked / "model.gguf"
    assert choose_repack(weights, 2, Rates(60.0, 90.0)) is False
    assert "could not store the weight layout" in caplog.text


@pytest.mark.parametrize("repack", [True, False])
def test_models_loaded_in_the_block_get_the_layout_and_others_the_default(repack: bool) -> None:
    import llama_cpp.llama_cpp as low_level

    default = low_level.llama_model_default_params
    before = default().use_extra_bufts
    with weights_repacked(repack):
        assert low_level.llama_model_default_params().use_extra_bufts is repack
    assert low_level.llama_model_default_params is default
    assert default().use_extra_bufts is before
