"""Aggregation of submitted answers in SQL, per question and per peer group.

The result (`RawRound`) is staff-only material: it may hold groups of one force. Partner
output is made from it only through `publication.disclosure.disclose`.

Every query groups with GROUPING SETS: the whole round, and each peer-group dimension. A
force's groups are those frozen for the round when it opened (`round_force`), never its
current attributes, so a force cannot move between groups of a round.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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


def _rolled_up(
    columns: Sequence[tuple[str, str]], source: str, values: Sequence[tuple[str, str]] = (("count(*)", "c"),)
) -> str:
    """`values` (counts, or sums: (expression, name)) per `columns` (expression, name) and peer
    group of the rows of `source` (FROM … WHERE …), over the GROUPING SETS of `_sets`.

    Counted once per combination of a force's groups first, then added up per grouping set: the
    rows are hashed once, not once per grouping set, which made each query several times slower
    at 100,000 responses (bench/aggregation.py)."""
    inner = ", ".join(f"{expression} AS {name}" for expression, name in [*columns, *values])
    positions = ", ".join(str(i + 1) for i in range(len(columns)))
    dims = ", ".join(str(len(columns) + len(values) + i + 1) for i in range(len(_DIMS)))
    outer = [f"rf.{name}" for _, name in columns]
    totals = ", ".join(
        f"sum(rf.{name})::bigint AS {name}" if expression == "count(*)" else f"sum(rf.{name}) AS {name}"
        for expression, name in values
    )
    return (
        f"SELECT {', '.join(f'rf.{name} AS {name}' for _, name in columns)}, "
        f"{_GROUPING_FLAGS}, {_GROUPING_COLUMNS}, {totals} "
        f"FROM (SELECT {inner}, {_GROUPING_COLUMNS} {source} GROUP BY {positions}, {dims}) rf "
        f"GROUP BY {_sets(*outer)}"
    )


#: Who answered each question and, for categorical questions ($3), how many gave each code, in
#: one pass over the answers (the costly part of every query here is unpacking each response's
#: answers): a row per question with a NULL code counts who answered it (a question that is not
#: categorical, or a categorical answer that is JSON null, which counts as no answer); a row per
#: code of a categorical question counts who gave that code.
ANSWERED_AND_CATEGORICAL = _rolled_up(
    [("e.key", "q"), ("CASE WHEN e.key = ANY($3::text[]) THEN e.value #>> '{}' END", "code")],
    f"{_from()} AND (jsonb_typeof(e.value) <> 'null' OR e.key = ANY($3::text[]))",
)
NUMERIC = (
    f"SELECT e.key AS q, {_GROUPING_FLAGS}, {_GROUPING_COLUMNS}, "
    "percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY (e.value #>> '{}')::float8) "
    "AS quartiles, avg((e.value #>> '{}')::float8) AS mean "
    f"{_from()} AND jsonb_typeof(e.value) = 'number' GROUP BY {_sets('e.key')}"
)
#: Answers that are lists, in one pass: multiple choice (each code chosen: `position` NULL) and
#: rankings ($3: each item at each position).
LISTS = _rolled_up(
    [("e.key", "q"), ("x.item", "item"), ("CASE WHEN e.key = ANY($3::text[]) THEN x.position::text END", "position")],
    f"{_from(_RANKED)} AND jsonb_typeof(e.value) = 'array'",
)
#: Answers that are objects, in one pass: matrices ($3: each row's code, counted) and allocations
#: ($4: each item's amount, added up).
OBJECTS = _rolled_up(
    [("e.key", "q"), ("m.key", "item"), ("CASE WHEN e.key = ANY($3::text[]) THEN m.value #>> '{}' END", "code")],
    f"{_from('CROSS JOIN LATERAL jsonb_each(e.value) m')} AND jsonb_typeof(e.value) = 'object'",
    [("count(*)", "c"), ("sum(CASE WHEN e.key = ANY($4::text[]) THEN (m.value #>> '{}')::float8 END)", "total")],
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

    def counts(target: RawQuestion, group: GroupKey) -> dict[str, Any]:
        return target.data.setdefault(group, {})

    if all_ids:
        categorical = ids_by_kind["categorical"]
        for row in await fetch(ANSWERED_AND_CATEGORICAL, round_id, all_ids, categorical):
            question, group = questions[row["q"]], _group(row)
            if question.kind == "categorical":
                counts(question, group).setdefault("counts", {})[row["code"]] = row["c"]
                if row["code"] is None:
                    continue  # JSON null: no answer
            question.n[group] = question.n.get(group, 0) + row["c"]

    async def rows(kind: str, sql: str) -> list[dict[str, Any]]:
        """The rows of `sql` for the questions of `kind` (none when it has no question)."""
        return await fetch(sql, round_id, ids_by_kind[kind]) if ids_by_kind[kind] else []

    for row in await rows("numeric", NUMERIC):
        p25, median, p75 = row["quartiles"]
        counts(questions[row["q"]], _group(row)).update({"p25": p25, "median": median, "p75": p75, "mean": row["mean"]})

    ranking, matrix, allocation = ids_by_kind["ranking"], ids_by_kind["matrix"], ids_by_kind["allocation"]
    lists = ids_by_kind["multi"] + ranking
    for row in await fetch(LISTS, round_id, lists, ranking) if lists else []:
        question, group = questions[row["q"]], _group(row)
        found = counts(question, group).setdefault("counts", {})
        if question.kind == "ranking":
            found.setdefault(row["item"], {})[row["position"]] = row["c"]
        else:
            found[row["item"]] = row["c"]

    objects = matrix + allocation
    for row in await fetch(OBJECTS, round_id, objects, matrix, allocation) if objects else []:
        question, group = questions[row["q"]], _group(row)
        if question.kind == "matrix":
            found = counts(question, group).setdefault("counts", {})
            found.setdefault(row["item"], {})[row["code"]] = row["c"]
        else:
            counts(question, group).setdefault("sums", {})[row["item"]] = row["total"]

    return RawRound(round_id=round_id, responses=responses, questions=questions)
