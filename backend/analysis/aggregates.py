"""Aggregation of submitted answers in SQL, per question and per peer group.

The result (`RawRound`) is staff-only material: it may hold groups of one force. Partner
output is made from it only through `publication.disclosure.disclose`.

Every query groups with GROUPING SETS: the whole round, and each peer-group dimension. A
force's groups are those frozen for the round when it opened (`round_force`), never its
current attributes, so a force cannot move between groups of a round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from backend.database import fetch
from backend.partners.peer_groups import DIMENSIONS
from backend.surveys import AGGREGATE_KIND, Survey

GroupKey = tuple[str, str]  # (dimension, value); ("all", "all") for the whole round


@dataclass
class RawQuestion:
    question_id: str
    kind: str
    #: forces that answered, per group
    n: dict[GroupKey, int] = field(default_factory=dict)
    #: the kind's figures per group (see `publication.disclosure` for their shapes)
    data: dict[GroupKey, dict[str, Any]] = field(default_factory=dict)


@dataclass
class RawRound:
    round_id: int
    #: submitted responses per group
    responses: dict[GroupKey, int]
    questions: dict[str, RawQuestion]


_DIMS = tuple(DIMENSIONS)
_GROUPING_COLUMNS = ", ".join(f"rf.{d}" for d in _DIMS)
_GROUPING_FLAGS = ", ".join(f"GROUPING(rf.{d}) AS g_{d}" for d in _DIMS)
#: The force's peer groups as frozen for the round (see `rounds.tables.RoundForce`).
_JOIN_GROUPS = "JOIN round_force rf ON rf.round = r.round AND rf.force = r.force"


def _sets(*extra: str) -> str:
    """GROUPING SETS over the whole round and each dimension, each with `extra` columns."""
    cols = ", ".join(extra)
    sets = [f"({cols})" if cols else "()"]
    sets += [f"(rf.{d}{', ' + cols if cols else ''})" for d in _DIMS]
    return "GROUPING SETS (" + ", ".join(sets) + ")"


def _group(row: dict[str, Any]) -> GroupKey:
    for d in _DIMS:
        if row[f"g_{d}"] == 0:
            return (d, row[d] or "unknown")
    return ("all", "all")


#: GROUPING SETS cannot name output columns, so the code expressions are spelled out.
_SCALAR = "(e.value #>> '{}')"
_MATRIX_CELL = "(m.value #>> '{}')"
_RANKED = "CROSS JOIN LATERAL jsonb_array_elements_text(e.value) WITH ORDINALITY x(item, position)"


def _from(lateral: str = "") -> str:
    """Submitted responses of round $1, one row per answer to a question listed in $2."""
    return (
        f"FROM response r {_JOIN_GROUPS} "
        f"CROSS JOIN LATERAL jsonb_each(r.answers) e {lateral} "
        "WHERE r.round = $1 AND r.status = 'submitted' AND e.key = ANY($2::text[])"
    )


# The queries, one per answer kind: round $1, question ids $2 (except RESPONSES).
RESPONSES = (
    f"SELECT {_GROUPING_FLAGS}, {_GROUPING_COLUMNS}, count(*) AS n "
    f"FROM response r {_JOIN_GROUPS} "
    f"WHERE r.round = $1 AND r.status = 'submitted' GROUP BY {_sets()}"
)
ANSWERED = (
    f"SELECT e.key AS q, {_GROUPING_FLAGS}, {_GROUPING_COLUMNS}, count(*) AS n "
    f"{_from()} AND jsonb_typeof(e.value) <> 'null' GROUP BY {_sets('e.key')}"
)
CATEGORICAL = (
    f"SELECT e.key AS q, e.value #>> '{{}}' AS code, {_GROUPING_FLAGS}, {_GROUPING_COLUMNS}, "
    f"count(*) AS c {_from()} GROUP BY {_sets('e.key', _SCALAR)}"
)
MULTI = (
    f"SELECT e.key AS q, x.code, {_GROUPING_FLAGS}, {_GROUPING_COLUMNS}, count(*) AS c "
    f"{_from('CROSS JOIN LATERAL jsonb_array_elements_text(e.value) x(code)')} "
    f"AND jsonb_typeof(e.value) = 'array' GROUP BY {_sets('e.key', 'x.code')}"
)
NUMERIC = (
    f"SELECT e.key AS q, {_GROUPING_FLAGS}, {_GROUPING_COLUMNS}, "
    "percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY (e.value #>> '{}')::float8) "
    "AS quartiles, avg((e.value #>> '{}')::float8) AS mean "
    f"{_from()} AND jsonb_typeof(e.value) = 'number' GROUP BY {_sets('e.key')}"
)
ALLOCATION = (
    f"SELECT e.key AS q, s.key AS item, {_GROUPING_FLAGS}, {_GROUPING_COLUMNS}, "
    "sum((s.value #>> '{}')::float8) AS total "
    f"{_from('CROSS JOIN LATERAL jsonb_each(e.value) s')} "
    f"AND jsonb_typeof(e.value) = 'object' GROUP BY {_sets('e.key', 's.key')}"
)
RANKING = (
    f"SELECT e.key AS q, x.item, x.position::text AS position, {_GROUPING_FLAGS}, "
    f"{_GROUPING_COLUMNS}, count(*) AS c "
    f"{_from(_RANKED)} "
    f"AND jsonb_typeof(e.value) = 'array' GROUP BY {_sets('e.key', 'x.item', 'x.position')}"
)
MATRIX = (
    f"SELECT e.key AS q, m.key AS row_code, m.value #>> '{{}}' AS code, {_GROUPING_FLAGS}, "
    f"{_GROUPING_COLUMNS}, count(*) AS c "
    f"{_from('CROSS JOIN LATERAL jsonb_each(e.value) m')} "
    f"AND jsonb_typeof(e.value) = 'object' GROUP BY {_sets('e.key', 'm.key', _MATRIX_CELL)}"
)


async def aggregate_round(round_id: int, survey: Survey) -> RawRound:
    questions = {
        q.id: RawQuestion(q.id, AGGREGATE_KIND[q.type]) for q in survey.questions() if q.type in AGGREGATE_KIND
    }
    ids_by_kind: dict[str, list[str]] = defaultdict(list)
    for q in questions.values():
        ids_by_kind[q.kind].append(q.question_id)
    all_ids = list(questions)

    responses: dict[GroupKey, int] = {}
    for row in await fetch(RESPONSES, round_id):
        responses[_group(row)] = row["n"]

    if all_ids:
        for row in await fetch(ANSWERED, round_id, all_ids):
            questions[row["q"]].n[_group(row)] = row["n"]

    def counts(target: RawQuestion, group: GroupKey) -> dict[str, Any]:
        return target.data.setdefault(group, {})

    async def rows(kind: str, sql: str) -> list[dict[str, Any]]:
        """The rows of `sql` for the questions of `kind` (none when it has no question)."""
        return await fetch(sql, round_id, ids_by_kind[kind]) if ids_by_kind[kind] else []

    for row in await rows("categorical", CATEGORICAL):
        counts(questions[row["q"]], _group(row)).setdefault("counts", {})[row["code"]] = row["c"]

    for row in await rows("multi", MULTI):
        counts(questions[row["q"]], _group(row)).setdefault("counts", {})[row["code"]] = row["c"]

    for row in await rows("numeric", NUMERIC):
        p25, median, p75 = row["quartiles"]
        counts(questions[row["q"]], _group(row)).update({"p25": p25, "median": median, "p75": p75, "mean": row["mean"]})

    for row in await rows("allocation", ALLOCATION):
        counts(questions[row["q"]], _group(row)).setdefault("sums", {})[row["item"]] = row["total"]

    for row in await rows("ranking", RANKING):
        group = counts(questions[row["q"]], _group(row)).setdefault("counts", {})
        group.setdefault(row["item"], {})[row["position"]] = row["c"]

    for row in await rows("matrix", MATRIX):
        group = counts(questions[row["q"]], _group(row)).setdefault("counts", {})
        group.setdefault(row["row_code"], {})[row["code"]] = row["c"]

    return RawRound(round_id=round_id, responses=responses, questions=questions)
