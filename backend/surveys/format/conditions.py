"""Conditions (`show_if`, constraint rules): parsing, evaluating, the written form and its JSON Schema.

Written form, one of:
    {question: q, equals: v}   also not_equals, in, not_in, contains, gt, gte, lt, lte, answered
    {count_selected: q, gte: 2}   any numeric comparison
    {all: [cond, ...]} | {any: [cond, ...]} | {not: cond}
In a constraint, `question: "."` means the question being answered.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from backend.surveys.format.model import (
    COMPARE_OPS,
    NUMERIC_OPS,
    AllOf,
    AnyOf,
    Compare,
    Condition,
    CountSelected,
    Not,
)
from backend.surveys.format.problems import Problem, did_you_mean
from backend.surveys.format.spec import MAX_NUMBER, Schema, ref
from backend.surveys.format.yaml_positions import Path

SELF = "."
_CONDITION_KEYS = ("question", "count_selected", "all", "any", "not", *COMPARE_OPS)


def parse_condition(raw: object, path: Path, problems: list[Problem]) -> Condition | None:
    """Build a Condition from its written form, appending a Problem for each fault."""
    if not isinstance(raw, dict):
        problems.append(Problem(path, "a condition must be a mapping such as {question: q1, equals: yes}"))
        return None
    for key in raw:
        if key not in _CONDITION_KEYS:
            problems.append(
                Problem(
                    (*path, key),
                    f'unknown key "{key}" in condition{did_you_mean(str(key), _CONDITION_KEYS)}',
                    at_key=True,
                )
            )
    if "all" in raw or "any" in raw:
        return _all_or_any(raw, path, problems)
    if "not" in raw:
        if len(raw) != 1:
            problems.append(Problem(path, '"not" must be the only key of its condition'))
        inner = parse_condition(raw["not"], (*path, "not"), problems)
        return Not(inner) if inner is not None else None
    return _comparison(raw, path, problems)


def _all_or_any(raw: dict[str, Any], path: Path, problems: list[Problem]) -> Condition | None:
    kind = "all" if "all" in raw else "any"
    if len(raw) != 1:
        problems.append(Problem(path, f'"{kind}" must be the only key of its condition'))
    items = raw[kind]
    if not isinstance(items, list) or not items:
        problems.append(Problem((*path, kind), f'"{kind}" needs a list of conditions'))
        return None
    parsed = [parse_condition(c, (*path, kind, i), problems) for i, c in enumerate(items)]
    if any(c is None for c in parsed):
        return None
    conditions = tuple(c for c in parsed if c is not None)
    if len(conditions) == 1:
        # "all of one" is that one: normalised so that every writing of a rule (YAML,
        # XLSForm expressions) reads back as the same model.
        return conditions[0]
    return AllOf(conditions) if kind == "all" else AnyOf(conditions)


def _comparison(raw: dict[str, Any], path: Path, problems: list[Problem]) -> Condition | None:
    """`{question: q, <op>: value}` or `{count_selected: q, <op>: n}`."""
    subject_key = "count_selected" if "count_selected" in raw else "question"
    subject = raw.get(subject_key)
    if not isinstance(subject, str) or not subject:
        problems.append(Problem(path, 'a condition needs "question" (or "count_selected") naming a question id'))
        return None
    ops = [k for k in raw if k in COMPARE_OPS]
    if len(ops) != 1:
        problems.append(
            Problem(path, f"a condition needs exactly one comparison ({', '.join(COMPARE_OPS)}); found {len(ops)}")
        )
        return None
    op = ops[0]
    value = raw[op]
    if subject_key == "count_selected":
        if op not in NUMERIC_OPS | {"equals", "not_equals"} or not _is_int(value):
            problems.append(
                Problem(
                    (*path, op),
                    "count_selected compares with a whole number using equals, not_equals, gt, gte, lt or lte",
                )
            )
            return None
        return CountSelected(subject, op, int(value))
    if op in NUMERIC_OPS and not _is_number(value):
        problems.append(
            Problem(
                (*path, op), f'"{op}" compares with a number between -{MAX_NUMBER:,} and {MAX_NUMBER:,}, not {value!r}'
            )
        )
        return None
    value = _compared_value(op, value, (*path, op), problems)
    return None if value is _INVALID else Compare(subject, op, value)


#: What `_compared_value` gives for a value that cannot be compared (a problem is recorded).
_INVALID = object()


def _compared_value(op: str, value: object, path: Path, problems: list[Problem]) -> object:
    """The value `op` compares with, as the model holds it (codes as text, lists as tuples)."""
    if op in {"in", "not_in"}:
        if not isinstance(value, list) or not value:
            problems.append(Problem(path, f'"{op}" needs a non-empty list of values'))
            return _INVALID
        value = tuple(_scalar(v) for v in value)
    elif op == "answered":
        if not isinstance(value, bool):
            problems.append(Problem(path, '"answered" takes true or false'))
            return _INVALID
    else:
        value = _scalar(value)
    for v in value if isinstance(value, tuple) else (value,):
        if isinstance(v, int | float) and not isinstance(v, bool) and not _is_number(v):
            problems.append(
                Problem(
                    path, f"{v!r} is not a number a questionnaire can use (between -{MAX_NUMBER:,} and {MAX_NUMBER:,})"
                )
            )
            return _INVALID
    if value == "" or (isinstance(value, tuple) and "" in value):
        problems.append(Problem(path, f'"{op}" needs a value; to test for no answer, write answered: false'))
        return _INVALID
    return value


def _scalar(value: object) -> object:
    # Option codes are strings in the model; YAML may have read `yes` or `3` otherwise.
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 2.0 and 2 are one value: one version either way
    if isinstance(value, int | float):
        return value
    return str(value)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= MAX_NUMBER
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def referenced_questions(cond: Condition) -> list[tuple[str, Condition]]:
    """Every (question id, atom) a condition refers to."""
    if isinstance(cond, Compare | CountSelected):
        return [(cond.question, cond)]
    if isinstance(cond, Not):
        return referenced_questions(cond.condition)
    return [ref for c in cond.conditions for ref in referenced_questions(c)]


def condition_to_data(cond: Condition) -> dict[str, Any]:
    """The written form of a condition (the inverse of parse_condition)."""
    if isinstance(cond, AllOf):
        return {"all": [condition_to_data(c) for c in cond.conditions]}
    if isinstance(cond, AnyOf):
        return {"any": [condition_to_data(c) for c in cond.conditions]}
    if isinstance(cond, Not):
        return {"not": condition_to_data(cond.condition)}
    if isinstance(cond, CountSelected):
        return {"count_selected": cond.question, cond.op: cond.value}
    value = list(cond.value) if isinstance(cond.value, tuple) else cond.value
    return {"question": cond.question, cond.op: value}


Lookup = Callable[[str], object]


def evaluate(cond: Condition, answers: Mapping[str, object], self_id: str | None = None) -> bool:
    """True when `answers` satisfy `cond`. A missing answer satisfies no comparison but
    `answered: false` (and so `not` of a comparison is true for it)."""
    if isinstance(cond, AllOf):
        return all(evaluate(c, answers, self_id) for c in cond.conditions)
    if isinstance(cond, AnyOf):
        return any(evaluate(c, answers, self_id) for c in cond.conditions)
    if isinstance(cond, Not):
        return not evaluate(cond.condition, answers, self_id)
    qid = self_id if cond.question == SELF and self_id else cond.question
    answer = answers.get(qid)
    if isinstance(cond, CountSelected):
        count = len(answer) if isinstance(answer, list) else 0
        return _compare_numbers(count, cond.op, cond.value)
    return _compare(answer, cond.op, cond.value)


def _is_empty(answer: object) -> bool:
    return answer is None or answer == "" or answer == [] or answer == {}


def _compare(answer: object, op: str, value: object) -> bool:
    if op == "answered":
        return (not _is_empty(answer)) == value
    if _is_empty(answer):
        return False
    if op == "contains":
        return isinstance(answer, list) and _same(value, answer)
    if op in {"in", "not_in"}:
        assert isinstance(value, tuple)
        found = any(_equal(answer, v) for v in value)
        return found if op == "in" else not found
    if op == "equals":
        return _equal(answer, value)
    if op == "not_equals":
        return not _equal(answer, value)
    number = _as_number(answer)
    if number is None or not isinstance(value, int | float):
        return False
    return _compare_numbers(number, op, value)


def _same(value: object, answer: list[object]) -> bool:
    return any(_equal(a, value) for a in answer)


def _equal(answer: object, value: object) -> bool:
    if isinstance(answer, list):
        return False
    a, b = _as_number(answer), _as_number(value)
    if a is not None and b is not None:
        return a == b
    return str(answer) == str(value)


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare_numbers(a: float, op: str, b: float) -> bool:
    return {
        "equals": a == b,
        "not_equals": a != b,
        "gt": a > b,
        "gte": a >= b,
        "lt": a < b,
        "lte": a <= b,
    }[op]


# ---- the JSON Schema of the written form ------------------------------------------------

_OP_HELP = {
    "equals": "The answer is this code or value.",
    "not_equals": "The answer is given and is not this code or value.",
    "in": "The answer is one of these codes or values.",
    "not_in": "The answer is given and is none of these codes or values.",
    "contains": "A multiple-choice answer includes this code.",
    "gt": "The answer is a number greater than this.",
    "gte": "The answer is a number greater than or equal to this.",
    "lt": "The answer is a number less than this.",
    "lte": "The answer is a number less than or equal to this.",
    "answered": "true: the question has an answer; false: it has none.",
}


def _described(schema: Schema, description: str) -> Schema:
    return {**schema, "description": description}


def _op_shape(op: str, scalar: Schema) -> Schema:
    if op in NUMERIC_OPS:
        return {"type": "number"}
    if op in {"in", "not_in"}:
        return {"type": "array", "minItems": 1, "items": scalar}
    if op == "answered":
        return {"type": "boolean"}
    return dict(scalar)


def _only(key: str, shape: Schema) -> Schema:
    """A branch of the condition schema with the single key `key`."""
    return {"title": key, "properties": {key: shape}, "required": [key], "additionalProperties": False}


def condition_schema() -> Schema:
    """The JSON Schema of a condition (`$defs/condition`), recursive through `all`, `any` and `not`."""
    scalar: Schema = {"type": ["string", "number", "boolean"]}
    question_ref = {
        "type": "string",
        "minLength": 1,
        "description": 'The id of an earlier question ("." in a constraint: this question).',
    }
    op_values = {op: _described(_op_shape(op, scalar), _OP_HELP[op]) for op in COMPARE_OPS}
    count_ops = [op for op in COMPARE_OPS if op in NUMERIC_OPS or op in {"equals", "not_equals"}]
    count_question = _described(
        question_ref, "The id of an earlier multiple-choice question: compare how many options were chosen."
    )
    conditions: Schema = {"type": "array", "minItems": 1, "items": ref("condition")}
    return {
        "description": "A condition: {question: q, <comparison>: value}, {count_selected: q, <comparison>: n}, "
        "{all: [...]}, {any: [...]} or {not: condition}.",
        "type": "object",
        "oneOf": [
            {
                "title": "comparison",
                "properties": {"question": question_ref, **op_values},
                "required": ["question"],
                "additionalProperties": False,
                "oneOf": [{"required": [op]} for op in COMPARE_OPS],
            },
            {
                "title": "count_selected",
                "properties": {
                    "count_selected": count_question,
                    **{op: _described({"type": "integer"}, _OP_HELP[op]) for op in count_ops},
                },
                "required": ["count_selected"],
                "additionalProperties": False,
                "oneOf": [{"required": [op]} for op in count_ops],
            },
            _only("all", _described(conditions, "Every condition holds.")),
            _only("any", _described(conditions, "At least one condition holds.")),
            _only("not", _described(ref("condition"), "The condition does not hold.")),
        ],
    }
