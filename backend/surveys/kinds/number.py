"""`number`: a number, optionally whole and bounded, with an optional unit. Stored as a JSON number."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from backend.i18n import pick
from backend.surveys.answers.fields import Form, one
from backend.surveys.answers.forms import InvalidAnswer
from backend.surveys.answers.numbers import display_number, read_number, typed_number
from backend.surveys.format.model import Question, Settings, Text
from backend.surveys.format.reader import Reader
from backend.surveys.format.spec import ref
from backend.surveys.format.yaml_positions import Path
from backend.surveys.kinds.base import QuestionKind, Setting
from backend.surveys.xlsform.conventions import XlsColumn, XlsType
from backend.surveys.xlsform.sheets import Row

if TYPE_CHECKING:
    from backend.surveys.xlsform.cells import ImportState
    from backend.surveys.xlsform.writer import Cells, SheetWriter


@dataclass(frozen=True)
class NumberSettings(Settings):
    integer: bool = False
    unit: Text = field(default_factory=dict)
    min: int | float | None = None
    max: int | float | None = None


class Number(QuestionKind[NumberSettings]):
    name = "number"
    help = "A number, optionally whole and bounded, with an optional unit. Stored as a JSON number."
    settings_keys = (
        Setting("integer", {"type": "boolean"}, "Whole numbers only (default false)."),
        Setting("unit", ref("text"), 'Shown after the box, e.g. "%" or "people".'),
        Setting("min", {"type": "number"}, "The smallest number allowed."),
        Setting("max", {"type": "number"}, "The largest number allowed."),
    )
    aggregate = "numeric"
    numeric_answer = True
    xlsform_types = (XlsType("integer"), XlsType("decimal"))
    xlsform_columns = (XlsColumn("unit", "text"), XlsColumn("min", "number"), XlsColumn("max", "number"))

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> NumberSettings:
        s = NumberSettings(
            r.boolean(raw, "integer", path),
            r.text(raw, "unit", path),
            r.number(raw, "min", path),
            r.number(raw, "max", path),
        )
        for key, bound in (("min", s.min), ("max", s.max)):
            if s.integer and bound is not None and bound != int(bound):
                r.problem((*path, key), f'"{key}" must be a whole number for an integer question')
        if s.min is not None and s.max is not None and s.min > s.max:
            r.problem((*path, "min"), f"min {s.min} is greater than max {s.max}")
        return s

    def numeric_problem(self, q: Question[NumberSettings], op: str) -> str | None:
        return None

    def form_to_answer(self, q: Question[NumberSettings], form: Form, lang: str) -> tuple[Any, str | None]:
        """Read by the respondent's language (`answers/numbers.py`): "1,500" is 1500 in English,
        asked about in French; decimals on an integer question are refused, not rounded."""
        raw = one(form, q.id)
        if not raw:
            return None, None
        return read_number(raw, lang, integer=q.settings.integer), None

    def answer_to_form(self, q: Question[NumberSettings], value: Any, lang: str) -> dict[str, list[str]]:
        return {q.id: [typed_number(value, lang)]}

    def check(
        self, q: Question[NumberSettings], value: Any, other_text: str | None, lang: str, default: str, complete: bool
    ) -> None:
        s = q.settings
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidAnswer("not_a_number")
        if s.integer and not float(value).is_integer():
            raise InvalidAnswer("not_whole")
        if s.min is not None and value < s.min:
            raise InvalidAnswer("too_small", min=s.min)
        if s.max is not None and value > s.max:
            raise InvalidAnswer("too_large", max=s.max)

    def answer_text(
        self, q: Question[NumberSettings], value: Any, other_text: str | None, lang: str, default: str
    ) -> str:
        return f"{display_number(value, lang)} {pick(q.settings.unit, lang, default)}".strip()

    def demo_answer(self, q: Question[NumberSettings], rng: random.Random, lang: str) -> Any:
        s = q.settings
        low = s.min if s.min is not None else 0
        high = s.max if s.max is not None else max(low + 100, low * 3 + 10)
        value = rng.uniform(low, high)
        return round(value) if s.integer else round(value, 1)

    def from_xlsform(self, state: ImportState, q: dict[str, Any], row: Row, words: list[str]) -> dict[Any, Row]:
        if words[0].lower() == "integer":
            q["integer"] = True
        return {}

    def to_xlsform(self, w: SheetWriter, q: Question[NumberSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = "integer" if q.settings.integer else "decimal"
        w.add(row)
