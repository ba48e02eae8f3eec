"""Disclosure control: from raw aggregates (staff-only) to what partners may see.

A pure module with no database access, so it can be tested exhaustively. Its output types
(`DisclosedRound`, `DisclosedQuestion`, `DisclosedGroup`) can only be made here (by
`disclose`, or by `DisclosedRound.from_snapshot` re-reading what `disclose` produced), and
every partner-facing page, chart and export takes only these types.

Rules (docs/disclosure-control.md explains why):
1. Threshold: a group (all forces, or one region / force type / size band) is shown for a
   question only if at least k forces answered it; k is the round's minimum group size and
   never less than MIN_GROUP_SIZE_FLOOR (3), so a force subtracting its own answer still
   faces at least two others.
2. Complementary suppression: in each breakdown the groups partition the whole. If the
   groups withheld by rule 1 hold between 1 and k-1 forces together, the whole minus the
   shown groups would reveal them; the smallest shown groups are withheld too until the
   withheld remainder holds at least k forces (or everything is withheld).
3. No extremes: numbers are published as quartiles (25th, 50th, 75th percentile), never a
   minimum, maximum or single value; allocation shares as group means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.analysis.aggregates import GroupKey, RawRound
from backend.partners.peer_groups import ALL

MIN_GROUP_SIZE_FLOOR = 3

#: Only this module holds the key to the disclosed types' constructors.
_MINT = object()

SUPPRESSED_SMALL = "fewer than {k} forces answered"
SUPPRESSED_COMPLEMENT = "withheld so that a smaller group cannot be worked out by subtraction"


@dataclass(frozen=True)
class DisclosedGroup:
    key: GroupKey
    n: int | None
    figures: Mapping[str, Any]
    suppressed_reason: str | None = None
    _mint: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._mint is not _MINT:
            raise TypeError("disclosed aggregates are only made by publication.disclosure")

    @property
    def suppressed(self) -> bool:
        return self.suppressed_reason is not None


@dataclass(frozen=True)
class DisclosedQuestion:
    question_id: str
    kind: str
    groups: tuple[DisclosedGroup, ...]
    _mint: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._mint is not _MINT:
            raise TypeError("disclosed aggregates are only made by publication.disclosure")

    def group(self, key: GroupKey) -> DisclosedGroup | None:
        for g in self.groups:
            if g.key == key:
                return g
        return None

    @property
    def overall(self) -> DisclosedGroup | None:
        return self.group(ALL)


@dataclass(frozen=True)
class DisclosedRound:
    round_id: int
    min_group_size: int
    responses: tuple[DisclosedGroup, ...]
    questions: Mapping[str, DisclosedQuestion]
    _mint: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._mint is not _MINT:
            raise TypeError("disclosed aggregates are only made by publication.disclosure")

    def to_snapshot(self) -> dict[str, Any]:
        def group(g: DisclosedGroup) -> dict[str, Any]:
            return {"key": list(g.key), "n": g.n, "figures": dict(g.figures), "suppressed": g.suppressed_reason}

        return {
            "round_id": self.round_id,
            "min_group_size": self.min_group_size,
            "responses": [group(g) for g in self.responses],
            "questions": {
                qid: {"kind": q.kind, "groups": [group(g) for g in q.groups]} for qid, q in self.questions.items()
            },
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> DisclosedRound:
        """Re-read a stored snapshot (which only `disclose` ever writes)."""

        def group(d: Mapping[str, Any]) -> DisclosedGroup:
            return DisclosedGroup(
                tuple(d["key"]),
                d["n"],
                d["figures"],
                d["suppressed"],  # type: ignore[arg-type]
                _mint=_MINT,
            )

        return cls(
            round_id=data["round_id"],
            min_group_size=data["min_group_size"],
            responses=tuple(group(g) for g in data["responses"]),
            questions={
                qid: DisclosedQuestion(qid, q["kind"], tuple(group(g) for g in q["groups"]), _mint=_MINT)
                for qid, q in data["questions"].items()
            },
            _mint=_MINT,
        )


def effective_k(min_group_size: int) -> int:
    return max(int(min_group_size), MIN_GROUP_SIZE_FLOOR)


def suppressed_keys(n: Mapping[GroupKey, int], k: int) -> dict[GroupKey, str]:
    """Which groups to withhold, and why, given the number of forces in each."""
    withheld: dict[GroupKey, str] = {}
    total = n.get(ALL, 0)
    if total < k:
        return {key: SUPPRESSED_SMALL.format(k=k) for key in n} | {ALL: SUPPRESSED_SMALL.format(k=k)}
    dimensions = sorted({key[0] for key in n if key != ALL})
    for dim in dimensions:
        groups = {key: count for key, count in n.items() if key[0] == dim}
        for key, count in groups.items():
            if count < k:
                withheld[key] = SUPPRESSED_SMALL.format(k=k)
        # Forces in this breakdown that no shown group accounts for (including any the
        # breakdown does not list at all) could be derived as total minus shown groups.
        shown = {key: c for key, c in groups.items() if key not in withheld}
        while shown:
            remainder = total - sum(shown.values())
            if remainder == 0 or remainder >= k:
                break
            smallest = min(shown, key=lambda key: (shown[key], key))
            withheld[smallest] = SUPPRESSED_COMPLEMENT
            del shown[smallest]
    return withheld


def _publishable_figures(kind: str, data: Mapping[str, Any], n: int) -> dict[str, Any]:
    """The figures of a group that may be shown: counts, quartiles, means; nothing else."""
    if kind in {"categorical", "multi"}:
        return {"counts": {str(c): int(v) for c, v in data.get("counts", {}).items()}}
    if kind == "numeric":
        quartiles = ("p25", "median", "p75")
        return {key: round(float(data[key]), 4) for key in quartiles if data.get(key) is not None}
    if kind == "allocation":
        sums = data.get("sums", {})
        return {"means": {item: round(float(total) / n, 2) for item, total in sums.items()}}
    if kind in {"ranking", "matrix"}:
        return {
            "counts": {
                str(a): {str(b): int(c) for b, c in inner.items()} for a, inner in data.get("counts", {}).items()
            }
        }
    raise ValueError(f"unknown aggregate kind {kind!r}")


def _groups(
    n: Mapping[GroupKey, int], data: Mapping[GroupKey, Mapping[str, Any]], kind: str | None, k: int
) -> tuple[DisclosedGroup, ...]:
    withheld = suppressed_keys(n, k)
    keys = sorted(set(n) | {ALL}, key=lambda key: (key != ALL, key))
    out = []
    for key in keys:
        if key in withheld:
            out.append(DisclosedGroup(key, None, {}, withheld[key], _mint=_MINT))
            continue
        figures = _publishable_figures(kind, data.get(key, {}), n[key]) if kind else {}
        out.append(DisclosedGroup(key, n[key], figures, None, _mint=_MINT))
    return tuple(out)


def disclose(raw: RawRound, min_group_size: int, published_question_ids: set[str]) -> DisclosedRound:
    """Apply the rules to a round's raw aggregates. Questions not in
    `published_question_ids` (staff-only, free text) are left out entirely."""
    k = effective_k(min_group_size)
    questions = {
        qid: DisclosedQuestion(qid, rq.kind, _groups(rq.n, rq.data, rq.kind, k), _mint=_MINT)
        for qid, rq in raw.questions.items()
        if qid in published_question_ids
    }
    return DisclosedRound(
        round_id=raw.round_id,
        min_group_size=k,
        responses=_groups(raw.responses, {}, None, k),
        questions=questions,
        _mint=_MINT,
    )
