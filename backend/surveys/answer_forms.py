"""Between a question's form fields and its answer value: reading typed input, and filling a form back."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from backend.surveys.answer_fields import Answers, Form, other_key, rank_positions
from backend.surveys.definition import OTHER_CODE, Question


class InvalidAnswer(Exception):
    """Input that breaks a rule; `key` names the message (an i18n key), `field` the form control."""

    def __init__(self, key: str, field: str | None = None, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.values = values


# ---- answer → form --------------------------------------------------------------------


def format_number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def answer_to_form(q: Question, answers: Answers) -> dict[str, list[str]]:
    value = answers.get(q.id)
    out: dict[str, list[str]] = {}
    if value is None:
        return out
    if q.type == "multiple_choice" and isinstance(value, list):
        out[q.id] = [str(v) for v in value]
    elif q.type == "allocation" and isinstance(value, dict):
        for code, share in value.items():
            out[f"{q.id}.{code}"] = [format_number(share)]
    elif q.type == "matrix" and isinstance(value, dict):
        for row, code in value.items():
            out[f"{q.id}.{row}"] = [str(code)]
    elif q.type == "ranking" and isinstance(value, list):
        for position, code in enumerate(value, start=1):
            out[f"{q.id}.{position}"] = [str(code)]
    elif q.type == "number":
        out[q.id] = [format_number(value)]
    else:
        out[q.id] = [str(value)]
    if other_key(q.id) in answers:
        out[other_key(q.id)] = [str(answers[other_key(q.id)])]
    return out


# ---- form → answer --------------------------------------------------------------------


def _one(form: Form, name: str) -> str:
    values = form.get(name) or []
    return values[0].strip() if values else ""


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


def form_to_answer(q: Question, form: Form) -> tuple[Any, str | None]:
    """The answer value a question's fields hold (None when empty), and the "other" text.

    Raises InvalidAnswer for input that is not a value of the question's kind at all.
    """
    other_text = _one(form, other_key(q.id)) or None
    if q.type in {"single_choice", "yes_no", "scale"}:
        code = _one(form, q.id)
        return (code or None), (other_text if code == OTHER_CODE else None)
    if q.type == "multiple_choice":
        codes = [c for c in (form.get(q.id) or []) if c]
        codes = list(dict.fromkeys(codes))
        return (codes or None), (other_text if OTHER_CODE in codes else None)
    if q.type == "number":
        raw = _one(form, q.id)
        if not raw:
            return None, None
        number = parse_number(raw, q.integer)
        if number is None:
            raise InvalidAnswer("not_a_number")
        return number, None
    if q.type == "allocation":
        shares: dict[str, float | int] = {}
        for item in q.items:
            name = f"{q.id}.{item.code}"
            raw = _one(form, name)
            if not raw:
                continue
            number = parse_number(raw, False)
            if number is None:
                raise InvalidAnswer("not_a_number", name)
            shares[item.code] = number
        return (shares or None), None
    if q.type == "ranking":
        order = [_one(form, f"{q.id}.{n}") for n in range(1, rank_positions(q) + 1)]
        while order and not order[-1]:
            order.pop()
        return (order or None), None
    if q.type == "matrix":
        rows = {r.code: _one(form, f"{q.id}.{r.code}") for r in q.rows}
        chosen = {k: v for k, v in rows.items() if v}
        return (chosen or None), None
    if q.type == "date":
        raw = _one(form, q.id)
        if not raw:
            return None, None
        value = parse_date(raw)
        if value is None:
            raise InvalidAnswer("bad_date")
        return value, None
    if q.type in {"short_text", "long_text"}:
        raw = (form.get(q.id) or [""])[0]
        # Keep what was typed (line breaks included); only surrounding blank space goes.
        return (raw.strip() or None), None
    return None, None
