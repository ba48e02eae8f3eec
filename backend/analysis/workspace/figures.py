"""A question's figures over some responses, exact (staff see raw data), in the shapes the
chart builders read (`publication.charts`): the same as `analysis.aggregates` computes in SQL
for the whole round, here over any filtered set of forces (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backend.analysis.workspace.records import ForceRecord
from backend.surveys import AGGREGATE_KIND, Question


@dataclass(frozen=True)
class RawFigures:
    """One question's figures over a set of forces: `n` forces answered. Staff only: it has
    the shape of a published group's figures (`publication.charts.GroupFigures`) but no
    disclosure control, so it may rest on one force."""

    n: int
    figures: dict[str, Any]


def answered(value: Any) -> bool:
    return value is not None and value != [] and value != {}


def percentile(values: Sequence[float], fraction: float) -> float:
    """PostgreSQL's `percentile_cont`: linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def question_figures(question: Question[Any], records: Sequence[ForceRecord]) -> RawFigures | None:
    """The figures of a comparable question (None for free text, dates and information)."""
    kind = AGGREGATE_KIND.get(question.type)
    if kind is None:
        return None
    values = [r.answers.get(question.id) for r in records]
    given = [v for v in values if answered(v)]
    if kind == "categorical":
        counts: dict[str, int] = {}
        for v in given:
            counts[str(v)] = counts.get(str(v), 0) + 1
        return RawFigures(len(given), {"counts": counts})
    if kind == "multi":
        lists = [v for v in given if isinstance(v, list)]
        chosen: dict[str, int] = {}
        for v in lists:
            for code in v:
                chosen[code] = chosen.get(code, 0) + 1
        return RawFigures(len(lists), {"counts": chosen})
    if kind == "numeric":
        numbers = [n for v in given if (n := _number(v)) is not None]
        if not numbers:
            return RawFigures(0, {})
        quartiles = {key: percentile(numbers, f) for key, f in (("p25", 0.25), ("median", 0.5), ("p75", 0.75))}
        return RawFigures(len(numbers), {**quartiles, "mean": sum(numbers) / len(numbers)})
    if kind == "allocation":
        shares = [v for v in given if isinstance(v, dict)]
        sums: dict[str, float] = {}
        for v in shares:
            for item, share in v.items():
                sums[item] = sums.get(item, 0.0) + (_number(share) or 0.0)
        n = len(shares)
        means = {item: round(total / n, 1) for item, total in sums.items()} if n else {}
        return RawFigures(n, {"means": means})
    if kind == "ranking":
        ranked = [v for v in given if isinstance(v, list)]
        positions: dict[str, dict[str, int]] = {}
        for v in ranked:
            for index, item in enumerate(v, start=1):
                cell = positions.setdefault(item, {})
                cell[str(index)] = cell.get(str(index), 0) + 1
        return RawFigures(len(ranked), {"counts": positions})
    # matrix
    grids = [v for v in given if isinstance(v, dict)]
    rows: dict[str, dict[str, int]] = {}
    for v in grids:
        for row, code in v.items():
            cell = rows.setdefault(row, {})
            cell[str(code)] = cell.get(str(code), 0) + 1
    return RawFigures(len(grids), {"counts": rows})
