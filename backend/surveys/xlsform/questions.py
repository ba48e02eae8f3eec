"""XLSForm question rows and groups into questions of our written form.

Which kind a type cell means, and the kind-specific cells, come from the kinds
(`xlsform_types`, `xlsform_columns`, `from_xlsform`); this module reads what every question
row has and puts the pieces together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend.surveys.kinds import KINDS
from backend.surveys.kinds.base import QuestionKind
from backend.surveys.xlsform import rows
from backend.surveys.xlsform.cells import ImportState, flag, number
from backend.surveys.xlsform.conventions import CHILD_SEPARATOR, PX, XlsColumn
from backend.surveys.xlsform.sheets import Row

_METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email"}
_METADATA |= {"audit", "start-geopoint"} | {f"uri:{m}" for m in ("deviceid", "email", "phonenumber", "username")}
_UNSUPPORTED_TYPES = {"geopoint", "geotrace", "geoshape", "image", "audio", "video", "file", "barcode"}
_UNSUPPORTED_TYPES |= {"acknowledge", "trigger", "hidden", "time", "datetime", "background-audio", "osm"}
_UNSUPPORTED_TYPES |= {"xml-external", "csv-external", "select_one_from_file", "select_multiple_from_file"}
#: Cells an XLSForm author may fill on a note by habit; a note asks nothing, so they are dropped.
_ANSWER_CELLS = {"required", "required_message", "constraints"}


def group_kinds() -> set[str]:
    """The kinds written as a group of rows (a begin group with their name as px_type)."""
    return {name for name, kind in KINDS.items() if kind.xlsform_group}


def setting_columns() -> dict[str, XlsColumn]:
    """Every kind's px_ setting columns, each key once (as the first kind declares it). All are
    read on every row, so that a column that does not fit the row's type reaches the validator
    and is reported rather than silently dropped."""
    out: dict[str, XlsColumn] = {}
    for kind in KINDS.values():
        for column in kind.xlsform_columns:
            out.setdefault(column.key, column)
    return out


@dataclass
class Group:
    """A begin group or begin repeat of the survey sheet, open until its end row."""

    kind: str  # section | flat | repeat | a group kind (matrix, allocation)
    row: Row
    condition: dict[str, Any] | None = None
    children: list[Row] = field(default_factory=list)


def our_type(words: list[str], row: Row) -> str | None:
    """The kind a type cell means: a kind's entries naming the row's px_type first, then those
    naming one of its appearances, then the plain ones (`select_one` alone: single choice)."""
    base, px = words[0].lower(), row.word(PX + "type")
    appearance = set(row.word("appearance").lower().split())
    candidates = [(name, t) for name, kind in KINDS.items() for t in kind.xlsform_types if t.base == base]
    for fits in (
        lambda t: t.px_type is not None and t.px_type == px,
        lambda t: t.appearance is not None and t.appearance in appearance,
        lambda t: t.px_type is None and t.appearance is None,
    ):
        for name, t in candidates:
            if fits(t):
                return name
    return None


def question(state: ImportState, row: Row, words: list[str]) -> tuple[dict[str, Any], dict[Any, Row]] | None:
    """One question row into a question; None for rows that ask nothing or cannot be read."""
    base, written, name = words[0].lower(), " ".join(words), row.word("name")
    if base in _METADATA:
        return None
    if base == "calculate":
        state.problem(row, "calculations are not supported (calculate)")
        return None
    if base in _UNSUPPORTED_TYPES:
        state.problem(row, f"{base} questions are not supported ({written})")
        return None
    qtype = our_type(words, row)
    if qtype is None:
        state.problem(row, f'unknown question type "{written}"')
        return None
    px = row.word(PX + "type")
    if px and px != qtype:
        state.problem(row, f'px_type "{px}" does not fit type "{written}"')
    kind = KINDS[qtype]
    rows.claim(state, row, name)
    q = _start(state, kind, name, row, rows.condition(state, row, "relevant"))
    if not kind.collects_answer:
        q = {k: v for k, v in q.items() if k not in _ANSWER_CELLS}
    return q, kind.from_xlsform(state, q, row, words)


def group_question(state: ImportState, group: Group) -> tuple[dict[str, Any], dict[Any, Row]]:
    """A group kind's question (a matrix or allocation) from its group row and its child rows."""
    kind, row, name = KINDS[group.kind], group.row, group.row.word("name")
    assert kind.xlsform_group is not None
    key, want = kind.xlsform_group
    rows.claim(state, row, name)
    q = _start(state, kind, name, row, group.condition)
    prefix = f"{name}{CHILD_SEPARATOR}"
    entries: list[dict[str, Any]] = []
    lists: set[str] = set()
    option_rows: dict[Any, Row] = {}
    for child in group.children:
        words = child.word("type").split()
        if words[0].lower() not in want or not child.word("name").startswith(prefix):
            state.problem(
                child, f'a {kind.name} group holds only {" or ".join(sorted(want))} rows named "{prefix}CODE"'
            )
            continue
        if child.word("relevant") or child.word("constraint"):
            state.problem(
                child, f"relevant and constraint on a {kind.name} row are not supported; set them on the group"
            )
        lists.add(words[1] if len(words) > 1 else "")
        # The rows carry `required`: any of them required means the question is.
        if flag(state, child, "required"):
            q["required"] = True
        if "required_message" not in q and (message := child.text("required_message", state.default)):
            q["required_message"] = message
        option_rows[(key, len(entries))] = child
        entries.append({"code": child.word("name")[len(prefix) :], "label": child.text("label", state.default)})
    q[key] = entries
    return q, option_rows | kind.from_xlsform_group(state, q, row, lists)


def _start(
    state: ImportState, kind: QuestionKind[Any], name: str, row: Row, condition: dict[str, Any] | None
) -> dict[str, Any]:
    """The cells every question has, and the kind's px_ setting columns."""
    q: dict[str, Any] = {"id": name or None, "type": kind.name, "label": row.text("label", state.default)}
    if condition is not None:
        q["show_if"] = condition
    rows.common(state, q, row)
    own = {c.key: c for c in kind.xlsform_columns}
    for column in setting_columns().values():
        _setting(state, q, row, own.get(column.key, column))
    rows.rules(state, q, row)
    return q


def _setting(state: ImportState, q: dict[str, Any], row: Row, column: XlsColumn) -> None:
    cell = PX + column.key
    if column.cell == "text":
        if value := row.text(cell, state.default):
            q[column.key] = value
    elif row.raw(cell) is not None:
        q[column.key] = (
            flag(state, row, cell) if column.cell == "flag" else number(row.raw(cell), column.cell == "date")
        )
