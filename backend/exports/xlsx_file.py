"""The XLSX export: a "responses" sheet (variable names, then one row per force) and an "about"
sheet (round, questionnaire version, content hash, language). openpyxl's write-only mode keeps
memory flat however many rows: rows go to a temporary file as they are appended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from backend.exports.about import About
from backend.exports.formulas import neutralise
from backend.exports.variables import Variable, in_words


class XlsxWriter:
    """Append rows, then `save`."""

    def __init__(self, variables: Sequence[Variable], about: About, labels: bool = False) -> None:
        self.variables = variables
        self.labels = labels
        self.book = Workbook(write_only=True)
        self.sheet: WriteOnlyWorksheet = self.book.create_sheet("responses")
        self.sheet.append([v.name for v in variables])
        meta = self.book.create_sheet("about")
        for key, value in about.lines():
            meta.append([key, neutralise(value)])

    def append(self, cells: Sequence[Any]) -> None:
        row = []
        for v, c in zip(self.variables, cells, strict=True):
            value = in_words(v, c) if self.labels else c
            if isinstance(value, dt.datetime | dt.date):
                cell = WriteOnlyCell(self.sheet)
                cell.value = value
                cell.number_format = "yyyy-mm-dd hh:mm:ss" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
                row.append(cell)
            else:
                row.append(neutralise(value))
        self.sheet.append(row)

    def save(self, path: Path) -> None:
        self.book.save(path)
