"""`date`: a date written YYYY-MM-DD, optionally bounded. Stored as the text "YYYY-MM-DD"."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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

    def form_to_answer(self, q: Question[DateSettings], form: Form) -> tuple[Any, str | None]:
        raw = one(form, q.id)
        if not raw:
            return None, None
        value = parse_date(raw)
        if value is None:
            raise InvalidAnswer("bad_date")
        return value, None

    def check(
        self, q: Question[DateSettings], value: Any, other_text: str | None, lang: str, default: str, complete: bool
    ) -> None:
        s = q.settings
        if not isinstance(value, str) or parse_date(value) != value:
            raise InvalidAnswer("bad_date")
        # ISO dates compare as text in date order.
        if s.min is not None and value < s.min.isoformat():
            raise InvalidAnswer("date_too_early", min=s.min.isoformat())
        if s.max is not None and value > s.max.isoformat():
            raise InvalidAnswer("date_too_late", max=s.max.isoformat())

    def demo_answer(self, q: Question[DateSettings], rng: random.Random, lang: str) -> Any:
        low = q.settings.min.isoformat() if q.settings.min else "2005-01-01"
        year = rng.randint(int(low[:4]) + 1, 2025)
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def to_xlsform(self, w: SheetWriter, q: Question[DateSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = "date"
        w.add(row)
