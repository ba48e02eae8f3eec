"""The form field names and answer keys of a question, and the shapes of form data and answers."""

# Form data is a mapping from field name to the list of submitted strings (the shape of an
# HTML form). Field names: the question id; `id.other` for "other, please specify";
# `id.<item>` for allocation shares and matrix rows; `id.<n>` for ranking positions.
# Answers are a flat JSON object: `{question_id: value, "question_id.other": "text"}`.

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.surveys.definition import Question

Form = Mapping[str, list[str]]
Answers = dict[str, Any]


def other_key(question_id: str) -> str:
    return f"{question_id}.other"


def rank_positions(q: Question) -> int:
    return q.top or len(q.items)


def first_field(q: Question) -> str:
    """The id of the first form control of a question (error summary links go there)."""
    if q.type == "allocation":
        return f"{q.id}.{q.items[0].code}"
    if q.type == "matrix":
        return f"{q.id}.{q.rows[0].code}"
    if q.type == "ranking":
        return f"{q.id}.1"
    return q.id
