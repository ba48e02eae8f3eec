"""The form field names and answer keys of a question, and the shapes of form data and answers."""

# Form data is a mapping from field name to the list of submitted strings (the shape of an
# HTML form). Field names: the question id; `id.other` for "other, please specify";
# `id.<item>` for allocation shares and matrix rows; `id.<n>` for ranking positions.
# Answers are a flat JSON object: `{question_id: value, "question_id.other": "text"}`.

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.surveys.format.model import Question

Form = Mapping[str, list[str]]
Answers = dict[str, Any]


def other_key(question_id: str) -> str:
    return f"{question_id}.other"


def first_field(q: Question[Any]) -> str:
    """The id of the first form control of a question (error summary links go there)."""
    return q.kind.first_field(q)


def one(form: Form, name: str) -> str:
    """The first value submitted for field `name`, without surrounding blank space ("" when none)."""
    values = form.get(name) or []
    return values[0].strip() if values else ""
