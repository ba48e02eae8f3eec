"""Write a `Survey` as an XLSForm workbook (survey, choices and settings sheets).

The encoding (which XLSForm type each question becomes, and the `px_` columns that carry what
XLSForm lacks) is described in `conventions.py`; each kind writes its own rows (`to_xlsform`).
`reader.py` reads it back, so that importing an exported questionnaire gives the same `Survey`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from backend.i18n import t
from backend.surveys.format.model import NO_CODE, YES_CODE, Option, Question, Survey, Text
from backend.surveys.xlsform.conventions import CHILD_SEPARATOR, PX, language_column, language_label
from backend.surveys.xlsform.expressions import to_expression

#: The cells of one row being written, by column.
Cells = dict[str, object]

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


class SheetWriter:
    """The rows of the survey and choices sheets, written question by question."""

    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self.survey_rows: list[Cells] = []
        self.choice_rows: list[Cells] = []
        # Each list is named after its question; the shared yes/no list must not take a
        # question's name.
        taken = {q.id for q in survey.questions()}
        self._yes_no_list = "yes_no"
        while self._yes_no_list in taken:
            self._yes_no_list = PX + self._yes_no_list
        self._yes_no_written = False

    def text(self, row: Cells, column: str, text: Text) -> None:
        for lang in self.survey.languages:
            if lang in text:
                row[language_column(column, lang)] = text[lang]

    def add(self, row: Cells) -> None:
        self.survey_rows.append(row)

    def choices(self, list_name: str, options: tuple[Option, ...], with_exclusive: bool = False) -> None:
        for option in options:
            row: Cells = {"list_name": list_name, "name": option.code}
            self.text(row, "label", option.label)
            if with_exclusive and option.exclusive:
                row[PX + "exclusive"] = "yes"
            self.choice_rows.append(row)

    def yes_no_list(self) -> str:
        """The name of the one yes/no list every yes/no question shares (its labels are for ODK
        tools; import takes yes and no from the type), written the first time it is asked for."""
        if not self._yes_no_written:
            languages = self.survey.languages
            self.choices(
                self._yes_no_list,
                tuple(Option(c, {lang: t(c, lang) for lang in languages}) for c in (YES_CODE, NO_CODE)),
            )
            self._yes_no_written = True
        return self._yes_no_list

    def group(self, q: Question[Any], row: Cells, required: Cells, parts: tuple[Option, ...], child_type: str) -> None:
        """A question as a group holding one row question per part (matrix rows, allocation items)."""
        self.add(row)
        for part in parts:
            child: Cells = {"type": child_type, "name": q.id + CHILD_SEPARATOR + part.code}
            self.text(child, "label", part.label)
            self.add(child | required)
        self.add({"type": "end group"})

    def write(self) -> None:
        for section in self.survey.sections:
            row: Cells = {"type": "begin group", "name": section.id}
            self.text(row, "label", section.title)
            self.text(row, PX + "intro", section.intro)
            if section.show_if is not None:
                row["relevant"] = to_expression(section.show_if)
            self.add(row)
            for q in section.questions:
                self.question(q)
            self.add({"type": "end group"})

    def question(self, q: Question[Any]) -> None:
        row: Cells = {"name": q.id}
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
        if q.publish != q.kind.default_publish:
            row[PX + "publish"] = q.publish
        if q.chart is not None:
            row[PX + "chart"] = q.chart
        self.settings(q, row)
        required: Cells = {}
        if q.required:
            required["required"] = "yes"
        # Written even when the question is optional, so that nothing is lost on the way back.
        self.text(required, "required_message", q.required_message)
        q.kind.to_xlsform(self, q, row, required)

    def settings(self, q: Question[Any], row: Cells) -> None:
        """The kind's settings that XLSForm lacks, in their `px_` columns."""
        for column in q.kind.xlsform_columns:
            value = getattr(q.settings, column.key)
            if column.cell == "text":
                self.text(row, PX + column.key, value)
            elif column.cell == "flag":
                if value:
                    row[PX + column.key] = "yes"
            elif value is not None:
                # Decimals as text: a spreadsheet cell would round them to 15 digits.
                row[PX + column.key] = _cell(value)

    def settings_sheet(self) -> Cells:
        s = self.survey
        row: Cells = {
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


def _cell(value: object) -> object:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _columns(rows: list[Cells], first: tuple[str, ...]) -> list[str]:
    seen: list[str] = list(first)
    for row in rows:
        seen += [c for c in row if c not in seen]

    def rank(column: str) -> tuple[int, int]:
        base = column.partition("::")[0]
        return (_ORDER.index(base) if base in _ORDER else len(_ORDER), seen.index(column))

    return sorted(seen, key=rank)


def _sheet(workbook: Workbook, title: str, rows: list[Cells], first: tuple[str, ...]) -> None:
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
    writer = SheetWriter(survey)
    writer.write()
    workbook = Workbook()
    for sheet in workbook.worksheets:  # the empty sheet a new workbook starts with
        workbook.remove(sheet)
    label_columns = tuple(language_column("label", lang) for lang in survey.languages)
    _sheet(workbook, "survey", writer.survey_rows, ("type", "name", *label_columns))
    _sheet(workbook, "choices", writer.choice_rows, ("list_name", "name", *label_columns))
    _sheet(workbook, "settings", [writer.settings_sheet()], ())
    return workbook


def write_xlsform(survey: Survey, target: str | Path | IO[bytes]) -> None:
    build_workbook(survey).save(target)
