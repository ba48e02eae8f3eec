"""The workspace's JSON shapes (staff only; never a partner's)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta


class GroupFiguresOut(msgspec.Struct):
    #: the group's value in the breakdown's dimension
    value: str
    n: int
    figures: dict[str, Any]


class BreakdownOut(msgspec.Struct):
    #: region | force_type | size_band
    dimension: str
    groups: list[GroupFiguresOut]


class DontKnowOut(msgspec.Struct):
    n: int
    dont_know: int
    rate: float


class StraightLineOut(msgspec.Struct):
    force_id: int
    force_name: str
    code: str


class CorrectionsOut(msgspec.Struct):
    #: forces whose shares were refused (did not add up to 100) at least once
    forces: int
    #: refusals in all
    times: int


class QuestionOut(msgspec.Struct):
    id: str
    type: str
    #: false: staff only (`publish: staff`) — nothing here is published either way
    publishable: bool
    #: forces among the filtered ones that answered
    n: int
    #: raw figures, in the shapes of published figures (counts, p25/median/p75/mean, means…);
    #: null for free text and dates
    figures: dict[str, Any] | None
    breakdown: BreakdownOut | None
    dont_know: DontKnowOut | None
    straight_lines: list[StraightLineOut]
    allocation_corrections: CorrectionsOut | None


class CrossTabOut(msgspec.Struct):
    rows: str
    columns: str
    row_codes: list[str]
    column_codes: list[str]
    #: counts[i][j]: forces giving row code i and column code j
    counts: list[list[int]]
    row_totals: list[int]
    column_totals: list[int]
    #: forces that answered both questions
    total: int
    #: row_percent[i][j]: counts[i][j] as a percentage of row_totals[i] (null for an empty row)
    row_percent: list[list[float | None]]


class FiltersOut(msgspec.Struct):
    #: "dimension:value", or null
    group: str | None
    #: "question:code" each
    answers: list[str]


class WorkspaceOut(msgspec.Struct):
    round_id: int
    #: always false: these figures are raw and never published
    published: bool
    #: submitted responses in the round
    records: int
    #: of them, kept by the filters
    kept: int
    filters: FiltersOut
    questions: list[QuestionOut]
    crosstab: CrossTabOut | None


class ThemeOut(msgspec.Struct):
    id: int
    name: str
    #: answers carrying it
    count: int = 0
    #: {group value: answers carrying it}, when a breakdown was asked for (`by`)
    by_group: dict[str, int] = {}


class ThemeDeleted(msgspec.Struct):
    #: the theme deleted (its answers lost it)
    deleted: int


class CodedAnswerOut(msgspec.Struct):
    response_id: int
    force_name: str
    groups: dict[str, str]
    text: str
    themes: list[int]


class CodingOut(msgspec.Struct):
    round_id: int
    question_id: str
    #: always false: the text and these raw counts are never published
    published: bool
    themes: list[ThemeOut]
    answers: list[CodedAnswerOut]
    uncoded: int
    #: whether the theme counts are to be published with the round, through disclosure control
    #: (from its next publication or correction)
    publish_themes: bool = False


class ThemeName(msgspec.Struct):
    name: Annotated[str, Meta(max_length=1000)]


class MergeRequest(msgspec.Struct):
    #: the theme that stays
    into: int


class PublishThemes(msgspec.Struct):
    #: true: publish the question's coded theme counts with the round (disclosure-controlled)
    publish: bool


class TagsRequest(msgspec.Struct):
    #: the themes the answer carries (replacing those it had)
    themes: list[int]
