"""Numbers as people of each language type them, and as we write them back.

The locale's symbols come from Babel (CLDR): English writes 1,500.5; French 1 500,5 (with a
narrow no-break space); Spanish 1.500,5. A typed number is read by the respondent's language,
and never guessed:

- The language's own way is read as such: "1,500" is 1500 in English, "1 500" (any kind of
  space) and "1.500" are 1500 in French and Spanish, "1,5" is 1.5 there, "12.5" is 12.5 in English.
- Where the language's decimal separator is followed by exactly three digits after one to
  three others ("1.500" in English, "1,500" in French or Spanish), a thousands separator is as
  plausible as a decimal one: the input is `Ambiguous`, and the respondent is asked which they
  meant. "0.500" and "1234.500" are not ambiguous (no thousands separator goes there).
- Input that the language's own way cannot read is read the other way when exactly one reading
  exists ("1,5" in English is 1.5, "1,234.5" in French is 1234.5); when several exist, it is
  `Ambiguous`; when none, it is not a number.

Babel's own `parse_decimal` is not used to read: leniently it reads "1,5" in English as 15,
strictly it refuses "1 500" in English, and neither asks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from backend.surveys.answers.forms import InvalidAnswer

#: Every space a thousands separator may be typed or pasted as: space, no-break space, narrow
#: no-break space (French, as Babel writes it), thin space.
_SPACES = " \u00a0\u202f\u2009"
_SIGNS = {"-": -1, "\u2212": -1, "+": 1}
_SHAPE = re.compile(r"[0-9]*(?:[., ][0-9]*)*")
_EXPONENT = re.compile(r"(.+?)[eE]([+-]?[0-9]{1,3})")

Number = int | float


@dataclass(frozen=True)
class Ambiguous:
    """Input with two readings: its separator as a thousands separator, or as a decimal one."""

    grouped: Number
    decimal: Number


@dataclass(frozen=True)
class _Convention:
    decimal: str
    groups: frozenset[str]


@lru_cache(maxsize=64)
def _locale(lang: str) -> str:
    """The Babel locale for a questionnaire language (English when Babel does not know it)."""
    try:
        return str(Locale.parse(lang.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return "en"


@lru_cache(maxsize=64)
def _convention(lang: str) -> _Convention:
    """How `lang` writes numbers: its decimal separator, and every thousands separator it accepts
    (its own, any space, and "." where the decimal separator is a comma)."""
    locale = _locale(lang)
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    groups = {" ", group.replace("\u00a0", " ").replace("\u202f", " ")}
    if decimal == ",":
        groups.add(".")
    if decimal not in {".", ","}:  # other symbols (Arabic, Persian) are beyond what we read
        return _Convention(".", frozenset({",", " "}))
    return _Convention(decimal, frozenset(groups - {decimal}))


def _reading(runs: list[str], seps: list[str], decimal: str | None, group: str | None) -> Decimal | None:
    """The value of digit `runs` between `seps` with `decimal` as the decimal separator (None:
    there is none) and `group` as the thousands separator; None when they cannot be read so."""
    if decimal is not None:
        if seps.count(decimal) != 1 or seps[-1] != decimal:
            return None
        whole, fraction, group_seps = runs[:-1], runs[-1], seps[:-1]
    else:
        whole, fraction, group_seps = runs, "", seps
    if group_seps:
        if any(s != group for s in group_seps):
            return None
        first, rest = whole[0], whole[1:]
        if not 1 <= len(first) <= 3 or first.startswith("0") or any(len(r) != 3 for r in rest):
            return None
    digits = "".join(whole)
    if not digits and not fraction:
        return None
    return Decimal(f"{digits or '0'}.{fraction or '0'}")


def _readings(
    runs: list[str], seps: list[str], decimals: tuple[str | None, ...], groups: tuple[str | None, ...]
) -> set[Decimal]:
    out = set()
    for d in decimals:
        for g in groups:
            if g is not None and g == d:
                continue
            value = _reading(runs, seps, d, g)
            if value is not None:
                out.add(value)
    return out


def _number(value: Decimal) -> Number | None:
    as_float = float(value)
    if not math.isfinite(as_float):
        return None
    return int(value) if value == value.to_integral_value() else as_float


def parse_number(raw: str, lang: str) -> Number | Ambiguous | None:
    """The number `raw` means to a reader of `lang`; `Ambiguous` when it could mean two; None
    when it is not a number."""
    s = raw.strip()
    for space in _SPACES[1:]:
        s = s.replace(space, " ")
    sign = 1
    if s[:1] in _SIGNS:
        sign, s = _SIGNS[s[0]], s[1:]
    exponent = 0
    if m := _EXPONENT.fullmatch(s):
        s, exponent = m[1], int(m[2])
    if not s or not _SHAPE.fullmatch(s) or s.startswith(" ") or s.endswith(" "):
        return None
    parts = re.split(r"([., ])", s)
    runs, seps = parts[0::2], parts[1::2]
    if any(not r for r in runs[1:-1]) or (seps and not runs[0] and not runs[-1]):
        return None  # two separators in a row, or nothing but separators
    convention = _convention(lang)
    own = _readings(runs, seps, (None, convention.decimal), (None, *sorted(convention.groups)))
    if own:
        (value,) = own  # the decimal separator is never a thousands one, so there is one reading
        if len(seps) == 1 and seps[0] == convention.decimal:
            grouped = _reading(runs, seps, None, convention.decimal)
            if grouped is not None:
                return _ambiguous(grouped, value, sign, exponent)
        return _signed(value, sign, exponent)
    other = sorted(_readings(runs, seps, (None, ".", ","), (None, ".", ",", " ")))
    if len(other) == 1:
        return _signed(other[0], sign, exponent)
    if len(other) > 1:
        return _ambiguous(other[-1], other[0], sign, exponent)
    return None


def _signed(value: Decimal, sign: int, exponent: int) -> Number | None:
    try:
        return _number((value * sign).scaleb(exponent))
    except InvalidOperation:  # pragma: no cover - exponents are at most three digits
        return None


def _ambiguous(grouped: Decimal, decimal: Decimal, sign: int, exponent: int) -> Ambiguous | None:
    a, b = _signed(grouped, sign, exponent), _signed(decimal, sign, exponent)
    return None if a is None or b is None else Ambiguous(a, b)


def display_number(value: object, lang: str) -> str:
    """`value` as `lang` writes it for reading (thousands separated): 1,500.5 / 1 500,5 / 1500,5."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format_decimal(Decimal(str(value)), locale=_locale(lang), decimal_quantization=False)


def typed_number(value: object, lang: str) -> str:
    """`value` as it is put back in a form box for `lang`: no thousands separator, the language's
    decimal separator, and never a form that reads back as ambiguous (1.125 is written 1.1250)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = format_decimal(Decimal(str(value)), locale=_locale(lang), decimal_quantization=False, group_separator=False)
    return text + "0" if isinstance(parse_number(text, lang), Ambiguous) else text


def read_number(raw: str, lang: str, *, integer: bool = False, field: str | None = None) -> Number:
    """The number typed in `raw`, for a question in `lang`; InvalidAnswer when it is not a number,
    could mean two numbers (`ambiguous_number`: the question, in the respondent's language, says
    both and how to type each), or has decimals where only whole numbers are allowed."""
    number = parse_number(raw, lang)
    if isinstance(number, Ambiguous):
        raise InvalidAnswer(
            "ambiguous_number",
            field,
            grouped=display_number(number.grouped, lang),
            decimal=display_number(number.decimal, lang),
            grouped_typed=typed_number(number.grouped, lang),
            decimal_typed=typed_number(number.decimal, lang),
        )
    if number is None:
        raise InvalidAnswer("not_a_number", field)
    if integer and not float(number).is_integer():
        raise InvalidAnswer("whole_number_only", field)
    return number
