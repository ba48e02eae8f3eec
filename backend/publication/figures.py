"""The figures of one group for one question, computed from the forces' answer components.

Pure. Counts per code for choices, scale points, ranking positions and matrix rows; the
quartiles of numbers (linear interpolation, as PostgreSQL's `percentile_cont`); the mean share
of allocation items. A withheld component is `None` in its place, so every component is always
listed and nothing is told by its absence.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from backend.publication.basis import WHOLE, Component, QuestionSpec, RoundBasis

#: Magnitudes are printed to this many significant figures: enough to compare, not enough to
#: print any force's exact value (a median of an odd group is one force's own number).
SIGNIFICANT_FIGURES = 2


def round_significant(value: float, digits: int = SIGNIFICANT_FIGURES) -> float:
    if value == 0 or not math.isfinite(value):
        return 0.0 if value == 0 else value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """PostgreSQL's `percentile_cont`: linear interpolation between the closest ranks."""
    position = (len(sorted_values) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def quartiles(values: Collection[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    return percentile(ordered, 0.25), percentile(ordered, 0.5), percentile(ordered, 0.75)


def dominated(values: Collection[float], p_percent: float) -> bool:
    """The p% rule: the total is dominated when the total less the two largest contributions
    is under p% of the largest, so the second-largest contributor could estimate the largest
    to within p%. Negative values are compared by size."""
    sizes = sorted((abs(v) for v in values), reverse=True)
    if not sizes or sizes[0] == 0:
        return False
    rest = sum(sizes[2:])
    return rest < p_percent / 100 * sizes[0]


def component_values(basis: RoundBasis, spec: QuestionSpec, forces: Collection[int], component: str) -> list[Component]:
    return [basis.component(f, spec, component) for f in forces]


def cell_figure(spec: QuestionSpec, values: Sequence[Component]) -> Any:
    """The published figure of one component in one group, from the answering forces' values."""
    answered = [v for v in values if v is not None]
    if spec.kind == "categorical":
        counts = Counter(answered)
        return {code: counts.get(code, 0) for code in spec.codes}
    if spec.kind == "multi":
        return sum(1 for v in answered if v is True)
    if spec.kind == "numeric":
        p25, median, p75 = quartiles([float(v) for v in answered])  # type: ignore[arg-type]
        return {"p25": round_significant(p25), "median": round_significant(median), "p75": round_significant(p75)}
    if spec.kind == "allocation":
        shares = [float(v) for v in answered]  # type: ignore[arg-type]
        return round(sum(shares) / len(shares), 1) if shares else 0.0
    if spec.kind == "ranking":
        counts = Counter(str(v) for v in answered if v)
        return {code: counts.get(code, 0) for code in spec.codes}
    if spec.kind == "matrix":
        counts = Counter(answered)
        return {code: counts.get(code, 0) for code in spec.codes}
    raise ValueError(f"unknown aggregate kind {spec.kind!r}")


def group_figures(
    basis: RoundBasis, spec: QuestionSpec, forces: Collection[int], shown: Collection[str]
) -> dict[str, Any]:
    """A shown group's figures; components not in `shown` are None (withheld)."""
    if spec.components == (WHOLE,):
        values = component_values(basis, spec, forces, WHOLE)
        figure = cell_figure(spec, values)
        if spec.kind == "numeric":
            return dict(figure)
        return {"counts": figure}
    cells = {
        c: cell_figure(spec, component_values(basis, spec, forces, c)) if c in shown else None for c in spec.components
    }
    return {"means": cells} if spec.kind == "allocation" else {"counts": cells}
