"""Between a question's form fields and its answer value: reading typed input, and filling a form back.

Which fields a question has and what they hold is its kind's business (`kinds/`); this module
holds what every kind shares: the error, and reading numbers and dates as people type them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from backend.surveys.answers.fields import Answers, Form, other_key
from backend.surveys.format.model import Question


class InvalidAnswer(Exception):
    """Input that breaks a rule; `key` names the message (an i18n key), `field` the form control."""

    def __init__(self, key: str, field: str | None = None, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.values = values


def format_number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_THOUSANDS = re.compile(r"^-?\d{1,3}([,.\s]\d{3})+$")


def parse_number(raw: str, integer: bool) -> float | int | None:
    """Numbers as people type them: spaces, thousands separators, a decimal comma."""
    s = raw.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if integer and _THOUSANDS.match(s):
        s = re.sub(r"[,.\s]", "", s)
    s = s.replace(" ", "")
    if "," in s and "." not in s and s.count(",") == 1:
        s = s.replace(",", ".")
    try:
        number = float(s)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if number.is_integer() and (integer or "." not in s):
        return int(number)
    return number


def parse_date(raw: str) -> str | None:
    s = raw.strip()
    try:
        return dt.date.fromisoformat(s).isoformat()
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", s)
    if m:
        try:
            return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        except ValueError:
            return None
    return None


def answer_to_form(q: Question[Any], answers: Answers) -> dict[str, list[str]]:
    """The form fields that show the answer to `q` (and its "other" text) again."""
    value = answers.get(q.id)
    if value is None:
        return {}
    out = q.kind.answer_to_form(q, value)
    if other_key(q.id) in answers:
        out[other_key(q.id)] = [str(answers[other_key(q.id)])]
    return out


def form_to_answer(q: Question[Any], form: Form) -> tuple[Any, str | None]:
    """The answer value a question's fields hold (None when empty), and the "other" text.

    Raises InvalidAnswer for input that is not a value of the question's kind at all.
    """
    return q.kind.form_to_answer(q, form)
