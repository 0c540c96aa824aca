"""Scores for a comparison's claims against a hand-written reference, by paragraph.

A claim is where it is stated: an article and its paragraphs. The tool's shared claims are
groups of key points (article, paragraph); the reference's are claims with the paragraphs of
each article that state them. The tool's "only in" lists name one article's key points that no
other article shares; the reference lists the claims only one article makes."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

Place = tuple[str, str]  # (article key, paragraph id)
CLAIM_METRICS = (
    "claim_pairing_precision",
    "claim_pairing_recall",
    "only_in_precision",
    "only_in_recall",
)


@dataclass(frozen=True)
class ClaimScores:
    pairing_precision: float | None  # pairs of places the tool put together that one claim holds
    pairing_recall: float | None  # reference shared claims the tool put together at least once
    only_in_precision: float | None  # "only in" items the reference does not find elsewhere
    only_in_recall: float | None  # reference unique claims the tool lists as "only in"
    pairs_found: int
    pairs_right: int

    def as_record(self) -> dict[str, Any]:
        values = (
            self.pairing_precision,
            self.pairing_recall,
            self.only_in_precision,
            self.only_in_recall,
        )
        return {
            **dict(zip(CLAIM_METRICS, values, strict=True)),
            "claim_pairs_found": self.pairs_found,
            "claim_pairs_right": self.pairs_right,
        }


def _holds(claim: dict[str, list[str]], left: Place, right: Place) -> bool:
    return left[1] in claim.get(left[0], []) and right[1] in claim.get(right[0], [])


def score_claims(
    groups: list[list[Place]],
    only_in: list[Place],
    shared: list[dict[str, list[str]]],
    unique: dict[str, list[list[str]]],
) -> ClaimScores:
    """Score the tool's claims.

    Args:
        groups: the tool's shared claims, each as the places of its key points.
        only_in: the places of the tool's "only in" key points.
        shared: the reference's shared claims, each as article → paragraphs.
        unique: the reference's unique claims, article → the paragraphs of each of its claims.
    """
    pairs = [
        (left, right)
        for group in groups
        for left, right in combinations(group, 2)
        if left[0] != right[0]
    ]
    right_pairs = [pair for pair in pairs if any(_holds(c, *pair) for c in shared)]
    found_claims = [c for c in shared if any(_holds(c, *pair) for pair in pairs)]
    said_elsewhere = [
        place
        for place in only_in
        if any(place[1] in c.get(place[0], []) for c in shared)
        and not any(place[1] in paragraphs for paragraphs in unique.get(place[0], []))
    ]
    unique_claims = [(key, paragraphs) for key, claims in unique.items() for paragraphs in claims]
    listed = [
        claim
        for claim in unique_claims
        if any(p[0] == claim[0] and p[1] in claim[1] for p in only_in)
    ]
    return ClaimScores(
        pairing_precision=len(right_pairs) / len(pairs) if pairs else None,
        pairing_recall=len(found_claims) / len(shared) if shared else None,
        only_in_precision=1 - len(said_elsewhere) / len(only_in) if only_in else None,
        only_in_recall=len(listed) / len(unique_claims) if unique_claims else None,
        pairs_found=len(pairs),
        pairs_right=len(right_pairs),
    )
