"""`date`: a date written YYYY-MM-DD, optionally bounded. Stored as the text "YYYY-MM-DD".

The page asks for it in three boxes, day, month and year (`{id}.day`, `{id}.month`,
`{id}.year`), in that order in every language, so that the hint always matches what is on the
screen; an error names the box that is wrong. One box named `{id}` (YYYY-MM-DD or DD/MM/YYYY)
is read too, for clients that post the date whole."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backend.i18n import language_for
from backend.surveys.answers.fields import Form, one
from backend.surveys.answers.forms import InvalidAnswer, parse_date
from backend.surveys.format.model import Question, Settings
from backend.surveys.format.reader import Reader
from backend.surveys.format.spec import Schema
from backend.surveys.format.yaml_positions import Path
from backend.surveys.kinds.base import QuestionKind, Setting
from backend.surveys.xlsform.conventions import XlsColumn, XlsType

if TYPE_CHECKING:
    from backend.surveys.xlsform.writer import Cells, SheetWriter

#: The page's boxes, in the order it shows them.
PARTS = ("day", "month", "year")

_DATE: Schema = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"}


@dataclass(frozen=True)
class DateSettings(Settings):
    min: dt.date | None = None
    max: dt.date | None = None


class Date(QuestionKind[DateSettings]):
    name = "date"
    help = 'A date written YYYY-MM-DD. Stored as the text "YYYY-MM-DD".'
    settings_keys = (
        Setting("min", _DATE, "The earliest date allowed (YYYY-MM-DD)."),
        Setting("max", _DATE, "The latest date allowed (YYYY-MM-DD)."),
    )
    xlsform_types = (XlsType("date"),)
    xlsform_columns = (XlsColumn("min", "date"), XlsColumn("max", "date"))

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> DateSettings:
        s = DateSettings(r.date(raw, "min", path), r.date(raw, "max", path))
        # Compared as written (ISO text sorts in date order, and a YAML time of day stays comparable).
        if s.min is not None and s.max is not None and s.min.isoformat() > s.max.isoformat():
            r.problem((*path, "min"), f"min {s.min.isoformat()} is greater than max {s.max.isoformat()}")
        return s

    def first_field(self, q: Question[DateSettings]) -> str:
        return f"{q.id}.day"

    def form_to_answer(self, q: Question[DateSettings], form: Form, lang: str) -> tuple[Any, str | None]:
        parts = [one(form, f"{q.id}.{part}") for part in PARTS]
        if any(parts):
            return date_from_parts(q.id, *parts), None
        raw = one(form, q.id)
        if not raw:
            return None, None
        value = parse_date(raw)
        if value is None:
            raise InvalidAnswer("bad_date")
        return value, None

    def answer_to_form(self, q: Question[DateSettings], value: Any, lang: str) -> dict[str, list[str]]:
        if not isinstance(value, str) or parse_date(value) != value:
            return super().answer_to_form(q, value, lang)
        year, month, day = value.split("-")
        return {f"{q.id}.day": [str(int(day))], f"{q.id}.month": [str(int(month))], f"{q.id}.year": [year]}

    def check(
        self, q: Question[DateSettings], value: Any, other_text: str | None, lang: str, default: str, complete: bool
    ) -> None:
        s = q.settings
        if not isinstance(value, str) or parse_date(value) != value:
            raise InvalidAnswer("bad_date")
        # ISO dates compare as text in date order.
        if s.min is not None and value < s.min.isoformat():
            raise InvalidAnswer("date_too_early", min=s.min)
        if s.max is not None and value > s.max.isoformat():
            raise InvalidAnswer("date_too_late", max=s.max)

    def answer_text(
        self, q: Question[DateSettings], value: Any, other_text: str | None, lang: str, default: str
    ) -> str:
        """The date as the respondent's language writes it: "27 mars 2019"."""
        if not isinstance(value, str) or parse_date(value) != value:
            return str(value)
        return language_for(lang).date(dt.date.fromisoformat(value))

    def demo_answer(self, q: Question[DateSettings], rng: random.Random, lang: str) -> Any:
        low = q.settings.min.isoformat() if q.settings.min else "2005-01-01"
        year = rng.randint(int(low[:4]) + 1, 2025)
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def to_xlsform(self, w: SheetWriter, q: Question[DateSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = "date"
        w.add(row)


def date_from_parts(question_id: str, day: str, month: str, year: str) -> str:
    """The ISO date three boxes hold; else InvalidAnswer naming the box to correct: the first
    missing one, else the first wrong one, else (no such date: 31 April) the day."""
    given = dict(zip(PARTS, (day, month, year), strict=True))
    missing = [part for part in PARTS if not given[part]]
    if missing:
        raise InvalidAnswer("date_missing_" + "_".join(missing), f"{question_id}.{missing[0]}")
    if not re.fullmatch(r"[0-9]{1,2}", day) or not 1 <= int(day) <= 31:
        raise InvalidAnswer("date_bad_day", f"{question_id}.day")
    if not re.fullmatch(r"[0-9]{1,2}", month) or not 1 <= int(month) <= 12:
        raise InvalidAnswer("date_bad_month", f"{question_id}.month")
    if not re.fullmatch(r"[0-9]{4}", year):
        raise InvalidAnswer("date_bad_year", f"{question_id}.year")
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise InvalidAnswer("date_not_real", f"{question_id}.day") from None
