"""A question broken down by one peer-group dimension (region, type of force, size), over
the groups frozen for the round (pure): one row per group that has a responding force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backend.analysis.workspace.crosstab import CrossTab, crosstab
from backend.analysis.workspace.figures import RawFigures, question_figures
from backend.analysis.workspace.records import CLOSED_KINDS, ForceRecord
from backend.surveys import AGGREGATE_KIND, Question, answer_codes

#: The pseudo-question a record's group is given as, so that a breakdown of a closed question
#: is a cross-tab of the group against it.
GROUP_KEY = "\x00group"


def group_values(records: Sequence[ForceRecord], dimension: str) -> list[str]:
    return sorted({r.groups.get(dimension, "") for r in records} - {""})


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    groups: tuple[str, ...]
    #: closed questions: the groups against the answers
    table: CrossTab | None = None
    #: other questions: each group's figures, in the order of `groups`
    figures: tuple[RawFigures | None, ...] = ()


def breakdown(question: Question[Any], records: Sequence[ForceRecord], dimension: str) -> Breakdown:
    groups = group_values(records, dimension)
    if AGGREGATE_KIND.get(question.type) in CLOSED_KINDS:
        tagged = [
            ForceRecord(r.force_id, r.force_name, r.groups, {**r.answers, GROUP_KEY: r.groups.get(dimension)})
            for r in records
        ]
        table = crosstab(GROUP_KEY, groups, question.id, answer_codes(question) or [], tagged)
        return Breakdown(dimension, tuple(groups), table=table)
    figures = tuple(question_figures(question, [r for r in records if r.groups.get(dimension) == g]) for g in groups)
    return Breakdown(dimension, tuple(groups), figures=figures)
