"""A cross-tabulation of two closed questions: counts of forces and row percentages, with
totals (pure).

A force counts in a cell when its answer to the row question is (or, for multiple choice,
holds) the row's code and its answer to the column question is (holds) the column's code. Only
forces that answered both questions count. With a multiple-choice question a force can be in
several cells of a row, so a row's cells can add up to more than its total (and its
percentages to more than 100%): totals count forces, never ticks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backend.analysis.workspace.figures import answered
from backend.analysis.workspace.records import ForceRecord, gave


@dataclass(frozen=True)
class CrossTab:
    row_codes: tuple[str, ...]
    column_codes: tuple[str, ...]
    #: counts[i][j]: forces giving row code i and column code j
    counts: tuple[tuple[int, ...], ...]
    #: forces giving row code i (and answering the column question)
    row_totals: tuple[int, ...]
    #: forces giving column code j (and answering the row question)
    column_totals: tuple[int, ...]
    #: forces that answered both questions
    total: int

    def row_share(self, i: int, j: int) -> float | None:
        """The cell as a share of its row's forces (0 to 1), None for an empty row."""
        return self.counts[i][j] / self.row_totals[i] if self.row_totals[i] else None

    def column_share(self, j: int) -> float | None:
        """The column's total as a share of all forces counted."""
        return self.column_totals[j] / self.total if self.total else None


def crosstab(
    row_question: str,
    row_codes: Sequence[str],
    column_question: str,
    column_codes: Sequence[str],
    records: Sequence[ForceRecord],
) -> CrossTab:
    both = [
        (r.answers.get(row_question), r.answers.get(column_question))
        for r in records
        if answered(r.answers.get(row_question)) and answered(r.answers.get(column_question))
    ]

    def count(row: str | None, column: str | None) -> int:
        return sum(1 for a, b in both if (row is None or gave(a, row)) and (column is None or gave(b, column)))

    counts = tuple(tuple(count(r, c) for c in column_codes) for r in row_codes)
    return CrossTab(
        tuple(row_codes),
        tuple(column_codes),
        counts,
        tuple(count(r, None) for r in row_codes),
        tuple(count(None, c) for c in column_codes),
        len(both),
    )
