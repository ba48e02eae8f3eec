"""Reading the cells every question row has: texts, `required`, publication, conditions and
constraints, and checks on the row as a whole (names, unsupported columns)."""

from __future__ import annotations

import re
from typing import Any

from backend.surveys.xlsform.cells import ImportState, flag
from backend.surveys.xlsform.conventions import FALSE_WORDS, PX
from backend.surveys.xlsform.expressions import ExpressionError, parse_expression
from backend.surveys.xlsform.sheets import Row, cell_text

_UNSUPPORTED_COLUMNS = {"choice_filter": "choice filters", "trigger": "triggers", "calculation": "calculations"}
_UNSUPPORTED_COLUMNS |= {"default": "default answers", "read_only": "read-only questions", "media": "media"}
_INVALID = {"en": "This answer is not allowed.", "fr": "Réponse non acceptée.", "es": "Respuesta no válida."}


def unsupported_columns(state: ImportState, row: Row) -> None:
    for (column, _), value in row.cells.items():
        if column in _UNSUPPORTED_COLUMNS and cell_text(value).strip().lower() not in FALSE_WORDS:
            state.problem(row, f"{_UNSUPPORTED_COLUMNS[column]} are not supported ({column} {cell_text(value)})")


def condition(state: ImportState, row: Row, column: str, self_type: str | None = None) -> dict[str, Any] | None:
    expression = row.word(column)
    if not expression:
        return None
    try:
        return parse_expression(expression, state.types, self_type)
    except ExpressionError as exc:
        state.problem(row, f'{column} "{expression}": {exc}')
        return None


def constraints(state: ImportState, row: Row, qtype: str) -> list[dict[str, Any]]:
    numbered = sorted(int(m[1]) for c, _ in row.cells if (m := re.fullmatch(PX + r"constraint_(\d+)", c)))
    columns = [("constraint", "constraint_message")]
    columns += [(f"{PX}constraint_{n}", f"{PX}constraint_message_{n}") for n in numbered]
    out = []
    for column, message_column in columns:
        rule = condition(state, row, column, qtype)
        if rule is not None:
            message = row.text(message_column, state.default)
            message = message or {lang: _INVALID.get(lang, _INVALID["en"]) for lang in state.languages}
            out.append({"rule": rule, "message": message})
    return out


def common(state: ImportState, q: dict[str, Any], row: Row) -> None:
    """Texts and `required`, which every question may have, from the row of the question (or of
    its group). The kind's `px_` columns come next, then `rules` (the order problems are found in)."""
    for key, column in (("help", "hint"), ("required_message", "required_message")):
        value = row.text(column, state.default)
        if value:
            q[key] = value
    if flag(state, row, "required"):
        q["required"] = True


def rules(state: ImportState, q: dict[str, Any], row: Row) -> None:
    """Publication, chart and constraints of the question whose row (or group row) is `row`."""
    for key in ("publish", "chart"):
        if row.word(PX + key):
            q[key] = row.word(PX + key)
    if found := constraints(state, row, q["type"]):
        q["constraints"] = found


def claim(state: ImportState, row: Row, name: str) -> None:
    if name in state.names:
        state.problem(row, f'duplicate name "{name}" (also on row {state.names[name]})')
    state.names.setdefault(name, row.number)
