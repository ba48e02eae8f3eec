"""The state of one XLSForm import, and reading cells into values of our written form.

Every reader reports what is wrong at the row's sheet and Excel row, on the state, and goes on.
Kinds read their own cells with these (choice lists, flags); `rows.py` reads the cells every
question has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from backend.surveys.xlsform.conventions import FALSE_WORDS, PX, TRUE_WORDS
from backend.surveys.xlsform.sheets import Row, XlsFormProblem, cell_text

Location = tuple[str, int | None]


@dataclass
class ImportState:
    """One workbook being converted: its languages, choice lists, the sections built so far, and
    where each part of the written form came from (to place `parse_definition`'s problems)."""

    default: str
    languages: list[str]
    problems: list[XlsFormProblem]
    lists: dict[str, list[tuple[Row, str]]] = field(default_factory=dict)
    sections: list[dict[str, Any]] = field(default_factory=list)
    locations: dict[tuple[object, ...], Location] = field(default_factory=dict)
    #: our type of each question name, for expressions that refer to it
    types: dict[str, str] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    group_names: set[str] = field(default_factory=set)
    title: dict[str, str] = field(default_factory=dict)
    #: whether a section for questions outside any group is open
    default_open: bool = False

    def problem(self, row: Row, message: str) -> None:
        self.problems.append(XlsFormProblem(row.sheet, row.number, message))


def option(state: ImportState, row: Row, code: str, with_exclusive: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "label": row.text("label", state.default)}
    if with_exclusive and row.raw(PX + "exclusive") is not None:
        out["exclusive"] = flag(state, row, PX + "exclusive")
    return out


def flag(state: ImportState, row: Row, column: str) -> bool:
    raw = row.raw(column)
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    word = cell_text(raw).strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    extra = " (required expressions are not supported)" if column == "required" else ""
    state.problem(row, f'{column} must be yes or no, not "{cell_text(raw)}"{extra}')
    return False


def number(raw: object, date: bool = False) -> object:
    """A number cell (or a date as text); parse_definition says what is wrong with others."""
    if date or not isinstance(raw, str | float):
        return cell_text(raw).strip() if date else raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return float(raw)
    except ValueError:
        return raw


def list_suffix(state: ImportState, q: dict[str, Any], row: Row, words: list[str], *, or_other: bool) -> None:
    """What follows the list name: `or_other` (an "Other" option, where the kind has one) or nothing."""
    extra = words[2:]
    if extra == ["or_other"] and or_other:
        q["other"] = True
    elif extra:
        state.problem(row, f'unexpected "{" ".join(extra)}" after the list name in "{" ".join(words)}"')


def list_options(
    state: ImportState, q: dict[str, Any], row: Row, words: list[str], key: str, *, with_exclusive: bool = False
) -> dict[Any, Row]:
    """The options of the choice list the type cell names, under `key`; the rows they came from."""
    base, list_name = words[0].lower(), words[1] if len(words) > 1 else ""
    choices = state.lists.get(list_name)
    if not list_name:
        state.problem(row, f"{base} needs the name of a choice list")
    elif choices is None:
        state.problem(row, f'{base} refers to missing choice list "{list_name}"')
    q[key] = [option(state, r, code, with_exclusive) for r, code in choices or []]
    return {(key, i): r for i, (r, _) in enumerate(choices or [])}


def range_points(state: ImportState, row: Row) -> list[dict[str, Any]]:
    """The scale points of an XLSForm `range` (parameters start, end and step)."""
    text = row.word("parameters")
    pairs = [p.partition("=") for p in re.split(r"[\s,;]+", text) if p]
    params = {k.strip().lower(): v.strip() for k, sep, v in pairs if sep}
    try:
        start, end, step = (float(params.get(k, d)) for k, d in (("start", "1"), ("end", "10"), ("step", "1")))
    except ValueError:
        state.problem(row, f'range parameters "{text}" must be numbers, as in start=1 end=5 step=1')
        return []
    count = round(abs(end - start) / abs(step)) + 1 if step else 0
    if not 2 <= count <= 50:
        state.problem(row, f'range parameters "{text}" must give between 2 and 50 scale points')
        return []
    step = abs(step) if end >= start else -abs(step)
    codes = [_number_text(start + i * step) for i in range(count)]
    return [{"code": c, "label": {lang: c for lang in state.languages}} for c in codes]


def _number_text(value: float) -> str:
    value = round(value, 10)
    return str(int(value)) if value.is_integer() else repr(value)
