"""`matrix`: one scale point for each row (a grid of radio buttons). Stored as {row code: point code}."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backend.i18n import language_for, pick
from backend.surveys.answers.fields import Form, one
from backend.surveys.answers.forms import InvalidAnswer
from backend.surveys.format.model import Option, Question, Settings
from backend.surveys.format.reader import Reader
from backend.surveys.format.yaml_positions import Path
from backend.surveys.kinds import options as opts
from backend.surveys.kinds.base import QuestionKind, Setting
from backend.surveys.xlsform import cells
from backend.surveys.xlsform.conventions import PX

if TYPE_CHECKING:
    from backend.surveys.xlsform.cells import ImportState
    from backend.surveys.xlsform.sheets import Row
    from backend.surveys.xlsform.writer import Cells, SheetWriter


@dataclass(frozen=True)
class MatrixSettings(Settings):
    #: The scale points: the columns.
    options: tuple[Option, ...] = ()
    dont_know: bool = False
    not_applicable: bool = False
    rows: tuple[Option, ...] = ()


def matrix_codes(q: Question[MatrixSettings]) -> list[str]:
    """The codes a row may take: the scale points and the added options."""
    s = q.settings
    return [o.code for o in s.options] + opts.added_codes(dont_know=s.dont_know, not_applicable=s.not_applicable)


class Matrix(QuestionKind[MatrixSettings]):
    name = "matrix"
    help = "One scale point for each row (a grid of radio buttons). Stored as {row code: point code}."
    settings_keys = (
        Setting("rows", opts.option_list("option", 1), "The rows: one answer on the scale for each."),
        Setting("options", opts.option_list("option", 2), "The scale points (the columns), lowest to highest."),
        opts.DONT_KNOW,
        opts.NOT_APPLICABLE,
    )
    required_keys = ("options", "rows")
    aggregate = "matrix"
    xlsform_columns = opts.EXTRA_COLUMNS
    xlsform_group = ("rows", frozenset({"select_one"}))

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> MatrixSettings:
        extras = opts.read_extras(r, raw, path, "dont_know", "not_applicable")
        rows = r.options(raw, "rows", path, what="rows", minimum=1)
        points = r.options(raw, "options", path, what="scale points", minimum=2, reserved=opts.reserved(extras))
        return MatrixSettings(points, rows=rows, **extras)

    def parts(self, q: Question[MatrixSettings]) -> tuple[Option, ...]:
        return q.settings.options + q.settings.rows

    def codes_with_labels(self, q: Question[MatrixSettings], lang: str, default: str) -> list[tuple[str, str]]:
        s = q.settings
        added = opts.added_codes(dont_know=s.dont_know, not_applicable=s.not_applicable)
        return opts.labelled(opts.option_labels(s.options, lang, default), added, {}, lang, default)

    def first_field(self, q: Question[MatrixSettings]) -> str:
        return f"{q.id}.{q.settings.rows[0].code}"

    def form_to_answer(self, q: Question[MatrixSettings], form: Form, lang: str) -> tuple[Any, str | None]:
        chosen = {r.code: code for r in q.settings.rows if (code := one(form, f"{q.id}.{r.code}"))}
        return (chosen or None), None

    def answer_to_form(self, q: Question[MatrixSettings], value: Any, lang: str) -> dict[str, list[str]]:
        if not isinstance(value, dict):
            return super().answer_to_form(q, value, lang)
        return {f"{q.id}.{row}": [str(code)] for row, code in value.items()}

    def check(
        self, q: Question[MatrixSettings], value: Any, other_text: str | None, lang: str, default: str, complete: bool
    ) -> None:
        """A draft (`complete` False) may leave rows unanswered."""
        row_codes = [r.code for r in q.settings.rows]
        if not isinstance(value, dict):
            raise InvalidAnswer("bad_choice")
        for row, code in value.items():
            if row not in row_codes or code not in matrix_codes(q):
                raise InvalidAnswer("bad_choice", f"{q.id}.{row}")
        missing = [r for r in row_codes if r not in value]
        if complete and missing:
            raise InvalidAnswer("matrix_row", f"{q.id}.{missing[0]}")

    def answer_text(
        self, q: Question[MatrixSettings], value: Any, other_text: str | None, lang: str, default: str
    ) -> str:
        if not isinstance(value, dict):
            return str(value)
        scale = dict(self.codes_with_labels(q, lang, default))
        language = language_for(lang)
        return "; ".join(
            # TRANSLATORS: one row of an answer in words: an item and its share, a row and its answer.
            language.gettext(
                "%(item)s: %(answer)s",
                item=pick(r.label, lang, default),
                answer=scale.get(value[r.code], value[r.code]),
            )
            for r in q.settings.rows
            if r.code in value
        )

    def not_comparable(self, a: Question[MatrixSettings], b: Question[MatrixSettings]) -> list[str]:
        reasons = []
        points_a, points_b = [o.code for o in a.settings.options], [o.code for o in b.settings.options]
        if points_a != points_b:
            reasons.append(f"scale points changed ({opts.codes_text(points_a)} → {opts.codes_text(points_b)})")
        extras_a = opts.added_codes(dont_know=a.settings.dont_know, not_applicable=a.settings.not_applicable)
        extras_b = opts.added_codes(dont_know=b.settings.dont_know, not_applicable=b.settings.not_applicable)
        if gone := opts.removed_codes(extras_a, extras_b):
            reasons.append(f"answer code(s) removed: {opts.codes_text(gone)}")
        return reasons

    def demo_answer(self, q: Question[MatrixSettings], rng: random.Random, lang: str) -> Any:
        scale = [code for code, _, _ in self.choice_options(q, lang, lang)]
        return {row.code: rng.choice(scale) for row in q.settings.rows}

    def from_xlsform_group(self, state: ImportState, q: dict[str, Any], row: Row, lists: set[str]) -> dict[Any, Row]:
        """The scale points: the one choice list every row uses."""
        if len(lists) > 1:
            state.problem(row, "the rows of a matrix group must all use one choice list")
            return {}
        if not lists:
            return {}
        list_name = lists.pop()
        if list_name not in state.lists:
            state.problem(row, f'the rows of matrix "{q["id"] or ""}" refer to missing choice list "{list_name}"')
        choices = state.lists.get(list_name, [])
        q["options"] = [cells.option(state, r, code, False) for r, code in choices]
        return {("options", i): r for i, (r, _) in enumerate(choices)}

    def to_xlsform(self, w: SheetWriter, q: Question[MatrixSettings], row: Cells, required: Cells) -> None:
        """A group (appearance table-list) holding one `select_one` of the scale per row."""
        row |= {"type": "begin group", "appearance": "table-list", PX + "type": self.name}
        w.group(q, row, required, q.settings.rows, f"select_one {q.id}")
        w.choices(q.id, q.settings.options)
