"""The codebook: every variable of an export with its question, type, codes, missing values and
the condition under which the question is asked; as rows for the XLSX and HTML codebooks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from backend.exports.about import About
from backend.exports.formulas import neutralise
from backend.exports.variables import MISSING_CODES, Variable
from backend.i18n import Language


@dataclass(frozen=True)
class CodebookEntry:
    name: str
    label: str
    question_id: str
    question: str
    question_type: str
    #: what the variable holds, in words
    holds: str
    storage: str
    codes: list[tuple[int, str]]
    missing: str
    condition: str


def _holds(v: Variable, language: Language) -> str:
    words = {
        "force": language.gettext("about the force and its response"),
        "code": language.gettext("the code of the answer (see codes)"),
        "flag": language.gettext("1 if the option was chosen, 0 if not"),
        "rank": language.gettext("the item's position in the ranking (1 = first); empty if not ranked"),
        "share": language.gettext("the item's share, in %% (the shares add up to 100)"),
        "number": language.gettext("the number given"),
        "date": language.gettext("the date given"),
        "text": language.gettext("the text given"),
        "other text": language.gettext("what the respondent wrote for “other”"),
    }
    return words.get(v.role, v.role)


def _storage(v: Variable, language: Language) -> str:
    return {
        "numeric": language.gettext("number"),
        "string": language.gettext("text"),
        "date": language.gettext("date"),
        "datetime": language.gettext("date and time"),
    }[v.type]


def entries(variables: Sequence[Variable], language: Language) -> list[CodebookEntry]:
    missing_words = {
        -9: language.gettext("-9: not asked (the question's condition was not met)"),
        -8: language.gettext("-8: don't know"),
        -7: language.gettext("-7: not applicable"),
    }
    out = []
    for v in variables:
        missing = [missing_words[m] for m in MISSING_CODES if m in v.missing_values and m in missing_words]
        out.append(
            CodebookEntry(
                name=v.name,
                label=v.label,
                question_id=v.question_id or "",
                question=v.question_label,
                question_type=v.question_type,
                holds=_holds(v, language),
                storage=_storage(v, language),
                codes=sorted(v.value_labels.items(), key=lambda kv: (kv[0] < 0, abs(kv[0]))),
                missing="; ".join(missing) if missing else language.gettext("empty: not answered"),
                condition=v.condition,
            )
        )
    return out


def headings(language: Language) -> list[str]:
    return [
        language.gettext("Variable"),
        language.gettext("Label"),
        language.gettext("Question id"),
        language.gettext("Question"),
        language.gettext("Question type"),
        language.gettext("Holds"),
        language.gettext("Stored as"),
        language.gettext("Codes"),
        language.gettext("Missing values"),
        language.gettext("Asked when"),
    ]


def write_xlsx(path: Path, variables: Sequence[Variable], about: About, language: Language) -> None:
    """Sheets "variables" (one row per variable), "codes" (one row per value label), "about"."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("variables")
    sheet.append(headings(language))
    codes = book.create_sheet("codes")
    codes.append([language.gettext("Variable"), language.gettext("Value"), language.gettext("Label")])
    for e in entries(variables, language):
        listed = "; ".join(f"{value} = {label}" for value, label in e.codes)
        row = [
            e.name,
            e.label,
            e.question_id,
            e.question,
            e.question_type,
            e.holds,
            e.storage,
            listed,
            e.missing,
            e.condition,
        ]
        sheet.append([neutralise(c) for c in row])
        for value, label in e.codes:
            codes.append([e.name, value, neutralise(label)])
    meta = book.create_sheet("about")
    for key, text in about.lines():
        meta.append([key, neutralise(text)])
    book.save(path)
