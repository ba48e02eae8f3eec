"""Response-quality flags (pure): straight-lining in matrices, allocations that had to be
corrected before they were accepted, and "don't know" rates per question."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from backend.analysis.workspace.figures import answered
from backend.analysis.workspace.records import ForceRecord
from backend.surveys import Question, Survey
from backend.surveys.format.model import DONT_KNOW_CODE

#: A matrix with fewer rows than this is not flagged: the same answer to two rows is no pattern.
STRAIGHT_LINE_MIN_ROWS = 3


@dataclass(frozen=True)
class StraightLine:
    """A force that gave the same column in every row of a matrix."""

    question_id: str
    force_id: int
    force_name: str
    code: str


@dataclass(frozen=True)
class DontKnowRate:
    question_id: str
    #: forces that answered
    n: int
    #: of them, forces that said "don't know" (in any row, for a matrix)
    dont_know: int

    @property
    def rate(self) -> float:
        return self.dont_know / self.n if self.n else 0.0


@dataclass(frozen=True)
class Correction:
    """An allocation refused because its shares did not add up to 100, then corrected: one
    event per refusal (`allocation_correction`)."""

    question_id: str
    force_id: int


@dataclass(frozen=True)
class CorrectionCount:
    question_id: str
    #: forces among the records whose allocation was refused at least once
    forces: int
    #: refusals in all
    times: int


def straight_lines(survey: Survey, records: Sequence[ForceRecord]) -> list[StraightLine]:
    out = []
    for q in survey.questions():
        if q.type != "matrix" or len(q.settings.rows) < STRAIGHT_LINE_MIN_ROWS:
            continue
        rows = [r.code for r in q.settings.rows]
        for record in records:
            grid = record.answers.get(q.id)
            if not isinstance(grid, dict) or any(row not in grid for row in rows):
                continue
            codes = {grid[row] for row in rows}
            if len(codes) == 1:
                out.append(StraightLine(q.id, record.force_id, record.force_name, str(codes.pop())))
    return out


def offers_dont_know(q: Question[Any]) -> bool:
    return bool(getattr(q.settings, "dont_know", False))


def _said_dont_know(value: Any) -> bool:
    if isinstance(value, list):
        return DONT_KNOW_CODE in value
    if isinstance(value, dict):
        return DONT_KNOW_CODE in value.values()
    return bool(value == DONT_KNOW_CODE)


def dont_know_rates(survey: Survey, records: Sequence[ForceRecord]) -> list[DontKnowRate]:
    """Every question that offers "don't know", in questionnaire order."""
    out = []
    for q in survey.questions():
        if not offers_dont_know(q):
            continue
        given = [v for r in records if answered(v := r.answers.get(q.id))]
        out.append(DontKnowRate(q.id, len(given), sum(1 for v in given if _said_dont_know(v))))
    return out


def correction_counts(
    survey: Survey, records: Sequence[ForceRecord], corrections: Iterable[Correction]
) -> list[CorrectionCount]:
    """Per allocation question, the corrections of the forces among `records` (so filters apply)."""
    forces = {r.force_id for r in records}
    events = [c for c in corrections if c.force_id in forces]
    out = []
    for q in survey.questions():
        if q.type != "allocation":
            continue
        mine = [c for c in events if c.question_id == q.id]
        out.append(CorrectionCount(q.id, len({c.force_id for c in mine}), len(mine)))
    return out


def allocation_misses(survey: Survey, answers: dict[str, Any], question_ids: Iterable[str]) -> list[str]:
    """Of `question_ids`, the allocation questions whose shares in `answers` do not add up to
    100: what a refused page or submission is recorded as (a correction is then needed)."""
    wanted = set(question_ids)
    out = []
    for q in survey.questions():
        if q.id not in wanted or q.type != "allocation":
            continue
        value = answers.get(q.id)
        if isinstance(value, dict) and value:
            total = sum(v for v in value.values() if isinstance(v, int | float) and not isinstance(v, bool))
            if abs(total - 100) > 0.01:
                out.append(q.id)
    return out
