"""XLSForm (the ODK / KoboToolbox spreadsheet format) import and export.

`reader.py` turns an .xlsx workbook into our written form (plain data for `parse_definition`)
and reports every problem with its sheet and Excel row; `writer.py` writes a `Survey` as a
workbook; `expressions.py` translates `relevant` / `constraint` expressions to and from our
conditions. This module holds the conventions both directions share, and the table layer
of import: sheets read into rows of cells keyed by (column, language), with problems placed
at their sheet and Excel row.

Sheets and standard columns
    survey:   type, name, label::Language (code), hint::…, required, required_message::…,
              relevant, constraint, constraint_message::…, appearance, parameters
    choices:  list_name, name, label::…
    settings: form_title, form_id, version, default_language
Language columns are written `label::English (en)` (English / Français / Español for en / fr /
es, the code as the name for any other language: `label::de (de)`); import also accepts
`label::en`, a few plain language names (`label::English`) and plain `label` (the default
language).

How our model maps onto XLSForm
    section          begin group … end group (name = id, label = title, relevant = show_if)
    single_choice    select_one LIST (widget dropdown = appearance `minimal`)
    multiple_choice  select_multiple LIST
    yes_no           select_one yes_no (a shared yes/no list) + px_type yes_no
    scale            select_one LIST + appearance `likert` + px_type scale
    number           integer / decimal
    ranking          rank LIST
    short_text       text;  long_text: text + appearance `multiline`
    date             date;  info: note
    matrix           begin group (appearance table-list, px_type matrix; its hint, relevant and
                     constraint are the question's) holding one `select_one LIST` per row, named
                     `<matrix id>__<row code>`, labelled with the row label; LIST holds the
                     scale points; `required` on the rows means the matrix is required
    allocation       begin group (appearance field-list, px_type allocation) holding one
                     `integer` per item, named `<question id>__<item code>`
Every list is named after its question; the shared yes/no list is `yes_no` (`px_yes_no` when a
question has that id). Ids and codes are written unchanged; conditions are written as
expressions (see expressions.py).

Our features XLSForm lacks live in extra columns that ODK tools ignore, all prefixed `px_`:
    survey:   px_type (yes_no, scale, matrix, allocation: where the XLSForm type is ambiguous;
              long_text is read too), px_publish, px_chart, px_other, px_other_label::…, px_dont_know,
              px_not_applicable, px_top (ranking), px_unit::…, px_min, px_max, px_max_length,
              px_intro::… (section intro, on the begin group row), px_constraint_N and
              px_constraint_message_N::… (the second, third … constraint of a question; the
              first uses the standard constraint / constraint_message columns)
    choices:  px_exclusive (the option clears every other choice in a multiple choice)
    settings: px_title::… (the title in every language; form_title holds the default-language
              title), px_description::…, px_privacy_notice::…, px_purpose
Booleans are written `yes`; import accepts yes/no, true/false, 1/0 (any case).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from backend.i18n import LANGUAGE_NAMES
from backend.surveys.spec import LANGUAGE_PATTERN

#: Column prefix for our own features (see the module docstring).
PX = "px_"

#: Plain language names (lower-case) that `label::English`-style headers may use.
NAME_TO_CODE = {
    "english": "en",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "portuguese": "pt",
    "português": "pt",
    "german": "de",
    "deutsch": "de",
    "italian": "it",
    "italiano": "it",
    "dutch": "nl",
    "nederlands": "nl",
    "arabic": "ar",
    "russian": "ru",
}

#: Boolean cells: what counts as yes and as no.
TRUE_WORDS = frozenset({"yes", "true", "true()", "1", "y"})
FALSE_WORDS = frozenset({"no", "false", "false()", "0", "n"})

#: Child names of matrix and allocation groups: `<question id>__<row or item code>`.
CHILD_SEPARATOR = "__"

_CODE_IN_BRACKETS = re.compile(r"\((?P<code>[^()]+)\)\s*$")


def language_label(code: str) -> str:
    """`English (en)`; a language we have no name for is named by its code: `de (de)`."""
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


def language_column(base: str, code: str) -> str:
    return f"{base}::{language_label(code)}"


def language_code(text: str) -> str | None:
    """The code in `English (en)`, `en` or `English`; None when it cannot be told."""
    text = text.strip()
    found = _CODE_IN_BRACKETS.search(text)
    if found:
        return found.group("code").strip()
    if re.fullmatch(LANGUAGE_PATTERN, text):
        return text
    return NAME_TO_CODE.get(text.lower())


# ---- the table layer of import ----------------------------------------------------------------


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
