"""The conventions of our XLSForm files, shared by import and export.

Sheets and standard columns
    survey:   type, name, label::Language (code), hint::…, required, required_message::…,
              relevant, constraint, constraint_message::…, appearance, parameters
    choices:  list_name, name, label::…
    settings: form_title, form_id, version, default_language
Language columns are written `label::English (en)` (English / Français / Español for en / fr /
es, the code as the name for any other language: `label::de (de)`); import also accepts
`label::en`, a few plain language names (`label::English`) and plain `label` (the default
language).

How our model maps onto XLSForm (each kind declares its part: `xlsform_types` and
`xlsform_columns` below, `to_xlsform` and `from_xlsform` in `backend/surveys/kinds/`)
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

import re
from dataclasses import dataclass
from typing import Literal

from backend.i18n import LANGUAGE_NAMES
from backend.surveys.format.spec import LANGUAGE_PATTERN

#: Column prefix for our own features (see the module docstring).
PX = "px_"


@dataclass(frozen=True)
class XlsType:
    """A type cell that means one kind of ours: its first word, and what tells the kinds that
    share that word apart (a `px_type` value, or an appearance). A kind's entries with a
    `px_type` are tried first, then those with an appearance, then the plain ones."""

    base: str
    px_type: str | None = None
    appearance: str | None = None


@dataclass(frozen=True)
class XlsColumn:
    """A setting of a kind that XLSForm lacks, kept in the column `px_<key>` of its row."""

    key: str
    #: flag: yes/no; text: one column per language; number: a number cell; date: YYYY-MM-DD text
    cell: Literal["flag", "text", "number", "date"]


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
