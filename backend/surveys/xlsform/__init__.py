"""XLSForm (the ODK / KoboToolbox spreadsheet format) import and export.

`reader.py` turns an .xlsx workbook into our written form (plain data for `parse_definition`)
and reports every problem with its sheet and Excel row; `writer.py` writes a `Survey` as a
workbook; `expressions.py` translates `relevant` / `constraint` expressions to and from our
conditions. This module holds the conventions both directions share.

Sheets and standard columns
    survey:   type, name, label::Language (code), hint::…, required, required_message::…,
              relevant, constraint, constraint_message::…, appearance, parameters
    choices:  list_name, name, label::…
    settings: form_title, form_id, version, default_language
Language columns are written `label::English (en)` (English / Français / Español for en / fr /
es, the bare code `label::de` for any other language); import also accepts `label::en`, a few
plain language names (`label::English`) and plain `label` (the default language).

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
Every list is named after its question (the yes/no list `yes_no`). Each question id, list name
and code is written unchanged; conditions are written as expressions (see expressions.py).

Our features XLSForm lacks live in extra columns that ODK tools ignore, all prefixed `px_`:
    survey:   px_type (yes_no, scale, long_text, matrix, allocation: where the XLSForm type is
              ambiguous), px_publish, px_chart, px_other, px_other_label::…, px_dont_know,
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
    """`English (en)` for languages we have a name for, else the bare code."""
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


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
