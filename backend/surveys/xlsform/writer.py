"""Write a `Survey` as an XLSForm workbook (survey, choices and settings sheets).

The encoding (which XLSForm type each question becomes, and the `px_` columns that carry
what XLSForm lacks) is described in the package docstring; `reader.py` reads it back, so
that importing an exported questionnaire gives the same `Survey`.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font

from backend.i18n import t
from backend.surveys.definition import FREE_TEXT_TYPES, Option, Question, Survey, Text
from backend.surveys.xlsform import CHILD_SEPARATOR, PX, language_column, language_label
from backend.surveys.xlsform.expressions import to_expression

Row = dict[str, object]

#: Standard columns first, in the order XLSForm authors expect; `px_` columns after them.
_ORDER = (
    "list_name",
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "appearance",
    "parameters",
    "form_title",
    "form_id",
    "version",
    "default_language",
)
#: Excel would take text starting with "=" for a formula.
_FORMULA_START = "="

_SELECT_TYPES = {
    "single_choice": "select_one",
    "multiple_choice": "select_multiple",
    "yes_no": "select_one",
    "scale": "select_one",
    "ranking": "rank",
}
_PLAIN_TYPES = {"short_text": "text", "long_text": "text", "date": "date", "info": "note"}


class _Writer:
    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self.survey_rows: list[Row] = []
        self.choice_rows: list[Row] = []
        # Each list is named after its question; the shared yes/no list must not take a
        # question's name.
        taken = {q.id for q in survey.questions()}
        self.yes_no_list = "yes_no"
        while self.yes_no_list in taken:
            self.yes_no_list = PX + self.yes_no_list
        self.yes_no_written = False

    def text(self, row: Row, column: str, text: Text) -> None:
        for lang in self.survey.languages:
            if lang in text:
                row[language_column(column, lang)] = text[lang]

    def choices(self, list_name: str, options: tuple[Option, ...], with_exclusive: bool = False) -> None:
        for option in options:
            row: Row = {"list_name": list_name, "name": option.code}
            self.text(row, "label", option.label)
            if with_exclusive and option.exclusive:
                row[PX + "exclusive"] = "yes"
            self.choice_rows.append(row)

    def write(self) -> None:
        for section in self.survey.sections:
            row: Row = {"type": "begin group", "name": section.id}
            self.text(row, "label", section.title)
            self.text(row, PX + "intro", section.intro)
            if section.show_if is not None:
                row["relevant"] = to_expression(section.show_if)
            self.survey_rows.append(row)
            for q in section.questions:
                self.question(q)
            self.survey_rows.append({"type": "end group"})

    def question(self, q: Question) -> None:
        row: Row = {"name": q.id}
        self.text(row, "label", q.label)
        self.text(row, "hint", q.help)
        if q.show_if is not None:
            row["relevant"] = to_expression(q.show_if)
        for n, constraint in enumerate(q.constraints, start=1):
            # XLSForm has one constraint per question; the others go to numbered px_ columns.
            suffix = "" if n == 1 else f"_{n}"
            prefix = "" if n == 1 else PX
            row[f"{prefix}constraint{suffix}"] = to_expression(constraint.rule)
            self.text(row, f"{prefix}constraint_message{suffix}", constraint.message)
        if q.publish != ("staff" if q.type in FREE_TEXT_TYPES else "compare"):
            row[PX + "publish"] = q.publish
        if q.chart is not None:
            row[PX + "chart"] = q.chart
        for key, on in (("other", q.other), ("dont_know", q.dont_know), ("not_applicable", q.not_applicable)):
            if on:
                row[PX + key] = "yes"
        self.text(row, PX + "other_label", q.other_label)
        self.text(row, PX + "unit", q.unit)
        for key, value in (("top", q.top), ("min", q.min), ("max", q.max), ("max_length", q.max_length)):
            if value is not None:
                # Decimals as text: a spreadsheet cell would round them to 15 digits.
                row[PX + key] = repr(value) if isinstance(value, float) else value
        required: Row = {}
        if q.required:
            required["required"] = "yes"
        # Written even when the question is optional, so that nothing is lost on the way back.
        self.text(required, "required_message", q.required_message)
        if q.type in {"matrix", "allocation"}:
            self.composite(q, row, required)
            return
        row |= required
        self.survey_rows.append(row)
        if q.type in _PLAIN_TYPES:
            row["type"] = _PLAIN_TYPES[q.type]
            if q.type == "long_text":
                row["appearance"] = "multiline"
        elif q.type == "number":
            row["type"] = "integer" if q.integer else "decimal"
        else:
            row["type"] = f"{_SELECT_TYPES[q.type]} {self.yes_no_list if q.type == 'yes_no' else q.id}"
            self.select(q, row)

    def select(self, q: Question, row: Row) -> None:
        if q.type == "yes_no":
            row[PX + "type"] = "yes_no"
            if not self.yes_no_written:  # labels for ODK tools; import takes yes/no from the type
                yes_no = tuple(
                    Option(code, {lang: t(code, lang) for lang in self.survey.languages}) for code in ("yes", "no")
                )
                self.choices(self.yes_no_list, yes_no)
                self.yes_no_written = True
            return
        if q.type == "scale":
            row[PX + "type"] = "scale"
            row["appearance"] = "likert"
        if q.type == "single_choice" and q.widget == "dropdown":
            row["appearance"] = "minimal"
        self.choices(q.id, q.items if q.type == "ranking" else q.options, q.type == "multiple_choice")

    def composite(self, q: Question, row: Row, required: Row) -> None:
        """A matrix or allocation: a group holding one row question per matrix row or item."""
        matrix = q.type == "matrix"
        row |= {"type": "begin group", "appearance": "table-list" if matrix else "field-list", PX + "type": q.type}
        self.survey_rows.append(row)
        for part in q.rows if matrix else q.items:
            child: Row = {
                "type": f"select_one {q.id}" if matrix else "integer",
                "name": q.id + CHILD_SEPARATOR + part.code,
            }
            self.text(child, "label", part.label)
            self.survey_rows.append(child | required)
        self.survey_rows.append({"type": "end group"})
        if matrix:
            self.choices(q.id, q.options)

    def settings(self) -> Row:
        s = self.survey
        row: Row = {
            "form_title": s.title.get(s.default_language, ""),
            "form_id": s.id,
            "version": s.version,
            "default_language": language_label(s.default_language),
        }
        if len(s.languages) > 1:  # form_title has one language only
            self.text(row, PX + "title", s.title)
        self.text(row, PX + "description", s.description)
        self.text(row, PX + "privacy_notice", s.privacy_notice)
        if s.purpose != "practice":
            row[PX + "purpose"] = s.purpose
        return row


def _columns(rows: list[Row], first: tuple[str, ...]) -> list[str]:
    seen: list[str] = list(first)
    for row in rows:
        seen += [c for c in row if c not in seen]

    def rank(column: str) -> tuple[int, int]:
        base = column.partition("::")[0]
        return (_ORDER.index(base) if base in _ORDER else len(_ORDER), seen.index(column))

    return sorted(seen, key=rank)


def _sheet(workbook: Workbook, title: str, rows: list[Row], first: tuple[str, ...]) -> None:
    ws = workbook.create_sheet(title)
    columns = _columns(rows, first)
    ws.append(columns)
    for row in rows:
        ws.append([row.get(c) for c in columns])
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                cell.data_type = "s"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def build_workbook(survey: Survey) -> Workbook:
    """The XLSForm workbook of `survey`. Raises ExpressionError for a condition value that
    XLSForm cannot write (text holding both kinds of quote)."""
    writer = _Writer(survey)
    writer.write()
    workbook = Workbook()
    workbook.remove(workbook.active)
    label_columns = tuple(language_column("label", lang) for lang in survey.languages)
    _sheet(workbook, "survey", writer.survey_rows, ("type", "name", *label_columns))
    _sheet(workbook, "choices", writer.choice_rows, ("list_name", "name", *label_columns))
    _sheet(workbook, "settings", [writer.settings()], ())
    return workbook


def write_xlsform(survey: Survey, target: str | Path | IO[bytes]) -> None:
    build_workbook(survey).save(target)
