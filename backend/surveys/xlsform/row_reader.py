"""Reading the cells of one XLSForm row into values of our written form, reporting what is wrong."""

from __future__ import annotations

import re
from typing import Any

from backend.surveys.xlsform import FALSE_WORDS, PX, TRUE_WORDS, Row, XlsFormProblem, cell_text
from backend.surveys.xlsform.expressions import ExpressionError, parse_expression

Location = tuple[str, int | None]

_UNSUPPORTED_COLUMNS = {"choice_filter": "choice filters", "trigger": "triggers", "calculation": "calculations"}
_UNSUPPORTED_COLUMNS |= {"default": "default answers", "read_only": "read-only questions", "media": "media"}
_INVALID = {"en": "This answer is not allowed.", "fr": "Réponse non acceptée.", "es": "Respuesta no válida."}


class RowReader:
    """The converter's state and its cell readers (the base of the XLSForm converter)."""

    def __init__(self, default: str, languages: list[str], problems: list[XlsFormProblem]) -> None:
        self.default = default
        self.languages = languages
        self.problems = problems
        self.lists: dict[str, list[tuple[Row, str]]] = {}
        self.sections: list[dict[str, Any]] = []
        self.locations: dict[tuple[object, ...], Location] = {}
        self.types: dict[str, str] = {}
        self.names: dict[str, int] = {}
        self.group_names: set[str] = set()
        self.title: dict[str, str] = {}
        self.default_open = False

    def problem(self, row: Row, message: str) -> None:
        self.problems.append(XlsFormProblem(row.sheet, row.number, message))

    def option(self, row: Row, code: str, with_exclusive: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"code": code, "label": row.text("label", self.default)}
        if with_exclusive and row.raw(PX + "exclusive") is not None:
            out["exclusive"] = self.flag(row, PX + "exclusive")
        return out

    def unsupported_columns(self, row: Row) -> None:
        for (column, _), value in row.cells.items():
            if column in _UNSUPPORTED_COLUMNS and cell_text(value).strip().lower() not in FALSE_WORDS:
                self.problem(row, f"{_UNSUPPORTED_COLUMNS[column]} are not supported ({column} {cell_text(value)})")

    def flag(self, row: Row, column: str) -> bool:
        raw = row.raw(column)
        if raw is None or isinstance(raw, bool):
            return bool(raw)
        word = cell_text(raw).strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        extra = " (required expressions are not supported)" if column == "required" else ""
        self.problem(row, f'{column} must be yes or no, not "{cell_text(raw)}"{extra}')
        return False

    @staticmethod
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

    def condition(self, row: Row, column: str, self_type: str | None = None) -> dict[str, Any] | None:
        expression = row.word(column)
        if not expression:
            return None
        try:
            return parse_expression(expression, self.types, self_type)
        except ExpressionError as exc:
            self.problem(row, f'{column} "{expression}": {exc}')
            return None

    def constraints(self, row: Row, qtype: str) -> list[dict[str, Any]]:
        numbered = sorted(int(m[1]) for c, _ in row.cells if (m := re.fullmatch(PX + r"constraint_(\d+)", c)))
        columns = [("constraint", "constraint_message")]
        columns += [(f"{PX}constraint_{n}", f"{PX}constraint_message_{n}") for n in numbered]
        out = []
        for column, message_column in columns:
            rule = self.condition(row, column, qtype)
            if rule is not None:
                message = row.text(message_column, self.default)
                message = message or {lang: _INVALID.get(lang, _INVALID["en"]) for lang in self.languages}
                out.append({"rule": rule, "message": message})
        return out

    def common(self, q: dict[str, Any], row: Row) -> None:
        """Fields every question may have, from the row of the question (or of its group)."""
        for key, column in (("help", "hint"), ("required_message", "required_message"), ("other_label", None)):
            value = row.text(column or PX + key, self.default)
            if value:
                q[key] = value
        if self.flag(row, "required"):
            q["required"] = True
        for key in ("other", "dont_know", "not_applicable"):
            if row.raw(PX + key) is not None:
                q[key] = self.flag(row, PX + key)
        for key in ("publish", "chart"):
            if row.word(PX + key):
                q[key] = row.word(PX + key)
        if constraints := self.constraints(row, q["type"]):
            q["constraints"] = constraints

    def claim(self, row: Row, name: str) -> None:
        if name in self.names:
            self.problem(row, f'duplicate name "{name}" (also on row {self.names[name]})')
        self.names.setdefault(name, row.number)
