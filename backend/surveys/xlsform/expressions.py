"""XLSForm `relevant` / `constraint` expressions ⇄ our conditions.

Only the common subset that has a meaning in our model is read; anything else raises
`ExpressionError` with a one-line reason, which the reader reports against the row.

    ${q} = 'x'   ${q} != 'x'   ${q} > 3 (>=, <, <=)     equals, not_equals, gt, gte, lt, lte
    ${q} != ''   ${q} = ''                              answered: true / false
    .  (in constraints)                                 the question itself (question ".")
    selected(${q}, 'x')                                 contains (multiple choice), else equals
    selected('a b c', ${q})                             in: [a, b, c]
    not(selected('a b c', ${q}))                        not_in: [a, b, c]
    count-selected(${q}) >= 2                           count_selected
    not(…)   … and …   … or …   ( … )                   not, all, any ("and" binds tighter)

Round trip: `to_expression` writes every condition so that `parse_expression` gives it back.
Two details make that exact: a bare `a and b and c` chain is one `all` while a parenthesised
operand stays a nested condition, and `not` of an `in` is written `not((selected(…)))` so that
it is not read as `not_in`. (The parser itself reads an `all`/`any` of a single
condition as that condition and refuses `equals: ""`, so both directions agree.) The values
of an `in` list come back as numbers for number questions and as text codes otherwise.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Mapping
from typing import Any

from backend.surveys.format.conditions import SELF
from backend.surveys.format.model import AllOf, AnyOf, Compare, Condition, CountSelected, Not
from backend.surveys.kinds import KINDS
from backend.surveys.kinds.base import QuestionKind


class ExpressionError(ValueError):
    """An expression outside the supported subset."""


_TOKEN = re.compile(
    r"""\s*(?:
      \$\{(?P<ref>[^}]*)\}
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<num>-?\d+(?:\.\d+)?|-?\.\d+)
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<punct>[(),])
    | (?P<name>[A-Za-z_][A-Za-z0-9_:.-]*)
    | (?P<self>\.(?!\.))
    | (?P<other>\S)
    )""",
    re.VERBOSE,
)
_OPS = {"=": "equals", "!=": "not_equals", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
_SYMBOLS = {op: sym for sym, op in _OPS.items()}
_FLIPPED = {"equals": "equals", "not_equals": "not_equals", "gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte"}
_NUMERIC = {"gt", "gte", "lt", "lte"}

Token = tuple[str, str]
#: An operand: ("cond", dict) | ("ref", question id) | ("count", question id) | ("lit", value)
Operand = tuple[str, Any]


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing blanks can fail to match
            break
        pos = m.end()
        kind = m.lastgroup or "other"
        out.append((kind, m.group(kind)))
    return out


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _as_number(value: object) -> int | float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        return _number(str(value))
    except ValueError:
        return None


class _Parser:
    def __init__(self, text: str, types: Mapping[str, str], self_type: str | None) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.types = types
        self.self_type = self_type

    def peek(self, offset: int = 0) -> Token:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else ("end", "")

    def take(self, kind: str | None = None, value: str | None = None) -> Token:
        token = self.peek()
        if (kind and token[0] != kind) or (value and token[1] != value):
            wanted = value or kind
            found = token[1] or "the end"
            raise ExpressionError(f'expected "{wanted}" but found "{found}"')
        self.pos += 1
        return token

    def is_word(self, word: str) -> bool:
        kind, value = self.peek()
        return kind == "name" and value == word

    def parse(self) -> dict[str, Any]:
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        cond = self.either()
        if self.peek()[0] != "end":
            raise ExpressionError(_unexpected(self.peek()))
        return cond

    def either(self) -> dict[str, Any]:
        items = [self.both()]
        while self.is_word("or"):
            self.take()
            items.append(self.both())
        return items[0] if len(items) == 1 else {"any": items}

    def both(self) -> dict[str, Any]:
        items = [self.comparison()]
        while self.is_word("and"):
            self.take()
            items.append(self.comparison())
        return items[0] if len(items) == 1 else {"all": items}

    def comparison(self) -> dict[str, Any]:
        left = self.operand()
        if _is_arithmetic(self.peek()):
            raise ExpressionError("arithmetic is not supported")
        if self.peek()[0] != "op":
            if left[0] != "cond":
                raise ExpressionError(f"{_describe(left)} on its own is not a condition; compare it with a value")
            return left[1]
        op = _OPS[self.take()[1]]
        right = self.operand()
        if left[0] == "lit" and right[0] in {"ref", "count"}:
            left, right, op = right, left, _FLIPPED[op]
        if left[0] not in {"ref", "count"} or right[0] != "lit":
            raise ExpressionError(
                f"only a question compared with a value is supported, not {_describe(left)} with {_describe(right)}"
            )
        return self.compare(left, op, right[1])

    def compare(self, subject: Operand, op: str, value: object) -> dict[str, Any]:
        kind, qid = subject
        if kind == "count":
            number = _as_number(value)
            if not isinstance(number, int):
                raise ExpressionError(f"count-selected() compares with a whole number, not {value!r}")
            return {"count_selected": qid, op: number}
        if value == "":
            if op not in {"equals", "not_equals"}:
                raise ExpressionError(f'"{_SYMBOLS[op]}" cannot compare with empty text')
            return {"question": qid, "answered": op == "not_equals"}
        if op in _NUMERIC:
            number = _as_number(value)
            if number is None:
                raise ExpressionError(f'"{_SYMBOLS[op]}" compares with a number, not {value!r}')
            value = number
        return {"question": qid, op: value}

    def operand(self) -> Operand:
        kind, value = self.take() if self.peek()[0] != "end" else ("end", "")
        if kind == "ref":
            if not value.strip():
                raise ExpressionError("${} names no question")
            return ("ref", value.strip())
        if kind == "self":
            return ("ref", SELF)
        if kind == "str":
            return ("lit", value[1:-1])
        if kind == "num":
            return ("lit", _number(value))
        if kind == "punct" and value == "(":
            inner = self.either()
            self.take("punct", ")")
            return ("cond", inner)
        if kind == "name" and self.peek() == ("punct", "("):
            return self.call(value)
        if kind == "name":
            raise ExpressionError(f"unexpected word \"{value}\" (text values need quotes, as in '{value}')")
        if kind == "end":
            raise ExpressionError("the expression ends too early")
        raise ExpressionError(_unexpected((kind, value)))

    def call(self, name: str) -> Operand:
        self.take("punct", "(")
        if name == "not":
            bare_selected = self.is_word("selected")
            inner = self.either()
            self.take("punct", ")")
            # `not(selected('a b', ${q}))` is the not_in idiom; `not((…))` is a plain not.
            if bare_selected and "in" in inner:
                return ("cond", {"question": inner["question"], "not_in": inner["in"]})
            return ("cond", {"not": inner})
        if name == "count-selected":
            subject = self.operand()
            self.take("punct", ")")
            if subject[0] != "ref":
                raise ExpressionError("count-selected() needs a question such as ${q}, or . in a constraint")
            return ("count", subject[1])
        if name == "concat":
            parts = [self.operand()]
            while self.peek() == ("punct", ","):
                self.take("punct", ",")
                parts.append(self.operand())
            self.take("punct", ")")
            if not all(kind == "lit" and isinstance(value, str) for kind, value in parts):
                raise ExpressionError("concat() is read only as a text value made of quoted pieces")
            return ("lit", "".join(str(value) for _, value in parts))
        if name == "selected":
            first = self.operand()
            self.take("punct", ",")
            second = self.operand()
            self.take("punct", ")")
            return ("cond", self.selected(first, second))
        raise ExpressionError(f"function {name}() is not supported")

    def selected(self, first: Operand, second: Operand) -> dict[str, Any]:
        if first[0] == "ref" and second[0] == "lit":
            qid = first[1]
            kind = self.kind_of(qid)
            many = kind is not None and kind.selects_many
            return {"question": qid, "contains" if many else "equals": second[1]}
        if first[0] == "lit" and isinstance(first[1], str) and second[0] == "ref":
            qid = second[1]
            words = first[1].split()
            if not words:
                raise ExpressionError("selected() with an empty list of values")
            kind = self.kind_of(qid)
            if kind is not None and kind.numeric_answer:
                numbers = [_as_number(w) for w in words]
                if all(n is not None for n in numbers):
                    return {"question": qid, "in": numbers}
            return {"question": qid, "in": words}
        raise ExpressionError("selected() needs a question and a quoted value, as in selected(${q}, 'x')")

    def kind_of(self, qid: str) -> QuestionKind[Any] | None:
        qtype = self.self_type if qid == SELF else self.types.get(qid)
        return KINDS.get(qtype) if qtype is not None else None


def _describe(operand: Operand) -> str:
    kind, value = operand
    if kind == "ref":
        return "." if value == SELF else f"${{{value}}}"
    if kind == "count":
        return f"count-selected(${{{value}}})"
    if kind == "lit":
        return repr(value)
    return "a condition"


def _is_arithmetic(token: Token) -> bool:
    kind, value = token
    return (kind == "num" and value.startswith("-")) or value in {"+", "-", "*", "div", "mod"}


def _unexpected(token: Token) -> str:
    return "arithmetic is not supported" if _is_arithmetic(token) else f'unexpected "{token[1]}"'


def parse_expression(text: str, types: Mapping[str, str], self_type: str | None = None) -> dict[str, Any]:
    """The written-form condition (as `parse_condition` reads it) of an XLSForm expression.

    `types` gives our question type of each question id, `self_type` that of the question
    a constraint belongs to: `selected()` means `contains` only for a kind whose answer is a
    list of choices, and a `selected()` list holds numbers for a kind whose answer is a number.
    """
    return _Parser(text, types, self_type).parse()


# ---- the reverse: conditions → expressions ------------------------------------------------


def _literal(value: object) -> str:
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ExpressionError(f"the number {value!r} cannot be written in an XLSForm expression")
        return _number_text(value)
    text = str(value)
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    # XPath 1.0 has no escape inside a string literal: a text with both kinds of quote is
    # written as concat() of pieces, the apostrophes in double quotes (ODK and pyxform read it).
    pieces = [f"'{piece}'" for piece in text.split("'")]
    return "concat(" + ', "\'", '.join(pieces) + ")"


def _number_text(value: int | float) -> str:
    text = repr(value)
    if "e" in text:
        # XPath has no exponent notation: the exact decimal expansion reads back as the
        # same number.
        text = format(decimal.Decimal(value), "f")
    return text


def _ref(question: str) -> str:
    return "." if question == SELF else f"${{{question}}}"


def _wrapped(cond: Condition) -> str:
    text = to_expression(cond)
    return f"({text})" if isinstance(cond, AllOf | AnyOf) else text


def _value_list(values: object) -> str:
    items = values if isinstance(values, tuple | list) else [values]
    # Numbers as in comparisons (no exponent), so that a number question's list reads back as numbers.
    words = [_number_text(v) if isinstance(v, int | float) and not isinstance(v, bool) else str(v) for v in items]
    if any(not w or any(c.isspace() for c in w) for w in words):
        raise ExpressionError("a value of an in / not_in list is empty or has a space; XLSForm lists cannot hold it")
    return _literal(" ".join(words))


def to_expression(cond: Condition) -> str:
    """The XLSForm expression of a condition (the inverse of `parse_expression`)."""
    if isinstance(cond, AllOf):
        return " and ".join(_wrapped(c) for c in cond.conditions)
    if isinstance(cond, AnyOf):
        return " or ".join(_wrapped(c) for c in cond.conditions)
    if isinstance(cond, Not):
        inner = to_expression(cond.condition)
        if isinstance(cond.condition, Compare) and cond.condition.op == "in":
            inner = f"({inner})"  # keeps it apart from the not_in idiom
        return f"not({inner})"
    if isinstance(cond, CountSelected):
        return f"count-selected({_ref(cond.question)}) {_SYMBOLS[cond.op]} {cond.value}"
    ref = _ref(cond.question)
    if cond.op == "answered":
        return f"{ref} != ''" if cond.value else f"{ref} = ''"
    if cond.op == "contains":
        return f"selected({ref}, {_literal(cond.value)})"
    if cond.op == "in":
        return f"selected({_value_list(cond.value)}, {ref})"
    if cond.op == "not_in":
        return f"not(selected({_value_list(cond.value)}, {ref}))"
    return f"{ref} {_SYMBOLS[cond.op]} {_literal(cond.value)}"
