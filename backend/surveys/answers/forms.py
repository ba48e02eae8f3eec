"""Between a question's form fields and its answer value: reading typed input, and filling a form back.

Which fields a question has and what they hold is its kind's business (`kinds/`); this module
holds what every kind shares: the error, and reading dates as people type them (numbers, which
are read by the respondent's language: `numbers.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from backend.i18n import Language, language_for, t
from backend.surveys.answers.fields import Answers, Form, other_key
from backend.surveys.format.model import Question


class InvalidAnswer(Exception):
    """Input that breaks a rule; `key` names the message (a key of `backend.i18n.respondent`),
    `field` the form control, `values` what fills the message in."""

    def __init__(self, key: str, field: str | None = None, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.values = values

    def message(self, lang: str) -> str:
        """The message in `lang` (English where it has no translation), filled in with its
        numbers and dates as `lang` writes them ("1 500", "1 janvier 1990")."""
        language = language_for(lang)
        return t(self.key, lang, **{name: _written(value, language) for name, value in self.values.items()})


def _written(value: object, language: Language) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return language.number(value)
    if isinstance(value, dt.date):
        return language.date(value)
    return value


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


def answer_to_form(q: Question[Any], answers: Answers, lang: str) -> dict[str, list[str]]:
    """The form fields that show the answer to `q` (and its "other" text) again, as a respondent
    in `lang` types them (numbers: `numbers.typed_number`)."""
    value = answers.get(q.id)
    if value is None:
        return {}
    out = q.kind.answer_to_form(q, value, lang)
    if other_key(q.id) in answers:
        out[other_key(q.id)] = [str(answers[other_key(q.id)])]
    return out


def form_to_answer(q: Question[Any], form: Form, lang: str) -> tuple[Any, str | None]:
    """The answer value a question's fields hold (None when empty), and the "other" text, read
    as a respondent in `lang` types them.

    Raises InvalidAnswer for input that is not a value of the question's kind at all, or that
    could be two values (a number such as "1,500" in French).
    """
    return q.kind.form_to_answer(q, form, lang)
