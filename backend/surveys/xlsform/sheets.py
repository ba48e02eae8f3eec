"""The table layer of XLSForm import: sheets read into rows of cells keyed by (column, language),
with problems placed at their sheet and Excel row."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from backend.surveys.xlsform.conventions import PX, language_code


@dataclass(frozen=True)
class XlsFormProblem:
    """Something that stops an import, at its sheet and Excel row (None: the whole sheet or file)."""

    sheet: str | None
    row: int | None
    message: str

    def __str__(self) -> str:
        if self.sheet and self.row:
            return f"{self.sheet} row {self.row}: {self.message}"
        return f"{self.sheet} sheet: {self.message}" if self.sheet else self.message


Key = tuple[str, str | None]  # (column name, language code of a translated column)
_ALIASES = {"listname": "list_name", "jr:constraintmsg": "constraint_message", "jr:requiredmsg": "required_message"}
_MEDIA = {"media", "image", "audio", "video", "big-image", "big_image"}
_TEXT_COLUMNS = {"label", "hint", "guidance_hint", "required_message", "constraint_message"}


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):  # Excel keeps dates as date-times
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Row:
    sheet: str
    number: int
    cells: dict[Key, object]

    def raw(self, column: str) -> object:
        return self.cells.get((column, None))

    def word(self, column: str) -> str:
        return cell_text(self.raw(column)).strip()

    def text(self, column: str, default: str) -> dict[str, str]:
        """A translatable cell: plain `label` is the default language; `label::X (code)` wins."""
        texts = {lang: cell_text(v) for (c, lang), v in self.cells.items() if c == column}
        plain = texts.pop(None, None)
        return ({default: plain} if plain is not None else {}) | texts  # type: ignore[return-value]


def _header_key(text: str, sheet: str, problems: list[XlsFormProblem]) -> Key | None:
    """(column, language) of a header cell: case and spaces do not matter (`List Name`)."""
    base, sep, rest = text.partition("::")
    column = re.sub(r"\s+", "_", base.strip().lower())
    column = _ALIASES.get(column, column)
    if column in _MEDIA:
        return ("media", rest.strip() or column)
    if not sep:
        return (column, None)
    if column in _TEXT_COLUMNS or column.startswith(PX):
        code = language_code(rest)
        if code is None:
            problems.append(
                XlsFormProblem(sheet, 1, f'cannot tell the language of column "{text}"; write {base}::English (en)')
            )
            return None
        return (column, code)
    return (text.strip().lower(), None)  # other namespaced columns (bind::, instance::…) are not read


def read_sheet(ws: Any, sheet: str, problems: list[XlsFormProblem], languages: list[str]) -> list[Row]:
    """The non-blank rows under the header row; adds the languages of translated columns to
    `languages` in column order."""
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        return []
    keys: list[Key | None] = []
    for cell in rows[0]:
        text = cell_text(cell).strip()
        key = _header_key(text, sheet, problems) if text else None
        if key is not None and key in keys:
            problems.append(XlsFormProblem(sheet, 1, f'column "{text}" appears twice'))
            key = None
        if key is not None and key[1] and key[0] != "media" and key[1] not in languages:
            languages.append(key[1])
        keys.append(key)
    out = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {k: v for k, v in zip(keys, values, strict=False) if k is not None and cell_text(v).strip()}
        if cells:
            out.append(Row(sheet, number, cells))
    if out and not any(keys):
        problems.append(XlsFormProblem(sheet, 1, "the first row must hold the column names"))
    return out
