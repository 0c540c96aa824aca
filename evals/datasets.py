"""Eval datasets: one JSONL format per task (see evals/README.md).

A dataset is a directory holding any of ``translation.jsonl``, ``summary.jsonl`` and
``stance.jsonl``, or a single JSONL file of one task (recognised by its fields), such as the
WMT21 and NLPCC-2016 development sets in ``shared/data/``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.metrics import NLPCC_LABELS, SEED_LABELS
from summarizer.errors import InputError

BUILTIN = Path(__file__).parent / "datasets"
NLPCC_TO_OURS = {"FAVOR": "supportive", "AGAINST": "critical", "NONE": "neutral"}


@dataclass(frozen=True)
class Segment:
    id: str
    doc: str
    zh: str
    en: str


@dataclass(frozen=True)
class SummaryRef:
    id: str
    article: Path
    headline: str
    key_points: list[str]
    entities: list[dict[str, str]]
    figures: list[dict[str, str]]


@dataclass(frozen=True)
class StanceRef:
    id: str
    target: str
    label: str
    evidence: list[str]
    article: Path | None = None
    text: str | None = None


@dataclass(frozen=True)
class CompareRef:
    """A hand-written comparison of several articles of one story: the figures more than one of
    them states (value → article → paragraphs), each article's stance, the claims more than one
    states (article → paragraphs each) and the claims only one states (article → the paragraphs
    of each)."""

    id: str
    articles: dict[str, Path]
    target: str
    shared_figures: list[dict[str, Any]]
    stances: dict[str, str]
    shared_claims: list[dict[str, list[str]]] = field(default_factory=list)
    unique_claims: dict[str, list[list[str]]] = field(default_factory=dict)


@dataclass
class Dataset:
    name: str
    sha256: str
    translation: list[Segment] = field(default_factory=list)
    summary: list[SummaryRef] = field(default_factory=list)
    stance: list[StanceRef] = field(default_factory=list)
    stance_labels: tuple[str, ...] = SEED_LABELS
    compare: list[CompareRef] = field(default_factory=list)

    def limited(self, limit: int | None) -> Dataset:
        if limit is None:
            return self
        docs = list(dict.fromkeys(s.doc for s in self.translation))[:limit]
        return Dataset(
            self.name,
            self.sha256,
            [s for s in self.translation if s.doc in docs],
            self.summary[:limit],
            self.stance[:limit],
            self.stance_labels,
            self.compare[:limit],
        )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read dataset ({exc.strerror})") from exc
    records = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    return records


def _translation(records: list[dict[str, Any]]) -> list[Segment]:
    return [Segment(str(r["id"]), str(r.get("doc") or r["id"]), r["zh"], r["en"]) for r in records]


def _summary(records: list[dict[str, Any]], base: Path) -> list[SummaryRef]:
    return [
        SummaryRef(
            str(r["id"]),
            base / r["article"],
            r["headline"],
            list(r["key_points"]),
            list(r.get("entities", [])),
            list(r.get("figures", [])),
        )
        for r in records
    ]


def _stance(records: list[dict[str, Any]], base: Path) -> list[StanceRef]:
    refs = []
    for r in records:
        label = NLPCC_TO_OURS.get(r["label"], r["label"])
        target = r.get("target_en") or r["target"]
        article = base / r["article"] if r.get("article") else None
        refs.append(
            StanceRef(
                str(r["id"]), target, label, list(r.get("evidence", [])), article, r.get("text")
            )
        )
    return refs


def _compare(records: list[dict[str, Any]], base: Path) -> list[CompareRef]:
    return [
        CompareRef(
            str(r["id"]),
            {key: base / path for key, path in r["articles"].items()},
            r["target"],
            list(r["shared_figures"]),
            dict(r["stances"]),
            [dict(c["stated_in"]) for c in r.get("shared_claims", [])],
            {
                key: [list(c["paragraphs"]) for c in claims]
                for key, claims in r.get("unique_claims", {}).items()
            },
        )
        for r in records
    ]


def _stance_labels(records: list[dict[str, Any]]) -> tuple[str, ...]:
    """NLPCC's three classes for its data (FAVOR/AGAINST/NONE), else all four of ours."""
    return NLPCC_LABELS if any(r.get("label") in NLPCC_TO_OURS for r in records) else SEED_LABELS


def _hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_dataset(name_or_path: str) -> Dataset:
    """A built-in dataset by name (``seeds``), a dataset directory, or one task's JSONL file.

    Raises:
        InputError: nothing found, or a record is malformed.
    """
    path = BUILTIN / name_or_path if (BUILTIN / name_or_path).is_dir() else Path(name_or_path)
    try:
        if path.is_dir():
            files = {f.stem: f for f in path.glob("*.jsonl")}
            if not files:
                raise InputError(f"{name_or_path}: no .jsonl files in the dataset directory")
            return Dataset(
                name=path.name,
                sha256=_hash(list(path.rglob("*.jsonl")) + list(path.rglob("*.txt"))),
                translation=_translation(_read_jsonl(files["translation"]))
                if "translation" in files
                else [],
                summary=_summary(_read_jsonl(files["summary"]), path) if "summary" in files else [],
                stance=_stance(_read_jsonl(files["stance"]), path) if "stance" in files else [],
                stance_labels=_stance_labels(_read_jsonl(files["stance"]))
                if "stance" in files
                else SEED_LABELS,
                compare=_compare(_read_jsonl(files["compare"]), path) if "compare" in files else [],
            )
        if path.is_file():
            records = _read_jsonl(path)
            dataset = Dataset(name=path.stem, sha256=_hash([path]))
            if records and {"zh", "en"} <= set(records[0]):
                dataset.translation = _translation(records)
            elif records and {"target", "label"} <= set(records[0]):
                dataset.stance = _stance(records, path.parent)
                dataset.stance_labels = _stance_labels(records)
            elif records and {"articles", "shared_figures"} <= set(records[0]):
                dataset.compare = _compare(records, path.parent)
            else:
                raise InputError(
                    f"{path}: records are not translation (zh, en), stance (target, label) or "
                    "compare (articles, shared_figures)"
                )
            return dataset
    except KeyError as exc:
        raise InputError(f"{name_or_path}: a record lacks the field {exc}") from exc
    raise InputError(
        f"{name_or_path}: no such dataset (a name under evals/datasets, a directory or a .jsonl file)"
    )
