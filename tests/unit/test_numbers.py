"""Numbers read by the respondent's language, never silently wrong (backend/surveys/answers/numbers.py).

Examples first; then properties over English, French and Spanish: what Babel writes reads back
as the same number, and what is read is what a reader of the language would read, with the
inputs that could mean two numbers always asked about.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal
from hypothesis import example, given
from hypothesis import strategies as st

from backend.surveys.answers.checks import read_page
from backend.surveys.answers.forms import InvalidAnswer, answer_to_form
from backend.surveys.answers.numbers import Ambiguous, parse_number, read_number, typed_number
from backend.surveys.format.files import load_text

LANGUAGES = ("en", "fr", "es")
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("raw", "lang", "expected"),
    [
        ("1,500", "en", 1500),
        ("12.5", "en", 12.5),
        ("1,234,567.25", "en", 1234567.25),
        ("1 500", "en", 1500),
        ("1 500", "fr", 1500),
        (f"1{NNBSP}500", "fr", 1500),
        (f"1{NBSP}500", "fr", 1500),
        ("1.500", "fr", 1500),
        ("1.500", "es", 1500),
        ("1 500", "es", 1500),
        ("1,5", "fr", 1.5),
        ("1,5", "es", 1.5),
        (f"1{NNBSP}500,25", "fr", 1500.25),
        ("1.500,25", "es", 1500.25),
        ("0,500", "fr", 0.5),
        ("0.500", "en", 0.5),
        ("1234.500", "en", 1234.5),
        ("-2", "en", -2),
        ("\u22122,5", "fr", -2.5),
        # Not written the language's way, but with one reading only.
        ("1,5", "en", 1.5),
        ("12.5", "fr", 12.5),
        ("12.5", "es", 12.5),
        ("1,234.5", "fr", 1234.5),
        ("1.234,5", "en", 1234.5),
        # Not numbers.
        ("abc", "en", None),
        ("1,,5", "en", None),
        ("1 5", "fr", None),
        ("1,500,5", "en", None),
        ("inf", "en", None),
        ("", "en", None),
    ],
)
def test_examples(raw: str, lang: str, expected: float | None) -> None:
    assert parse_number(raw, lang) == expected


@pytest.mark.parametrize(
    ("raw", "lang"),
    [("1.500", "en"), ("1,500", "fr"), ("1,500", "es"), ("-1,250", "fr"), ("999.999", "en")],
)
def test_a_thousands_or_decimal_separator_is_asked_about(raw: str, lang: str) -> None:
    reading = parse_number(raw, lang)
    assert isinstance(reading, Ambiguous)
    digits = raw.replace(",", "").replace(".", "")
    assert reading.grouped == int(digits)
    assert reading.decimal == pytest.approx(int(digits) / 1000)


@pytest.mark.parametrize(
    ("lang", "raw", "message"),
    [
        ("en", "1.500", "Did you mean 1,500 or 1.5? Enter it as 1500 or 1.5."),
        ("fr", "1,500", f"Vouliez-vous dire 1{NNBSP}500 ou 1,5 ? Saisissez 1500 ou 1,5."),
        ("es", "1,500", "¿Quería decir 1.500 o 1,5? Escríbalo como 1500 o 1,5."),
        ("en", "1.125", "Did you mean 1,125 or 1.125? Enter it as 1125 or 1.1250."),
    ],
)
def test_the_question_in_the_respondents_language(lang: str, raw: str, message: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        read_number(raw, lang)
    assert caught.value.message(lang) == message
    # Each suggested entry reads back as what it stands for, without asking again.
    suggested = re.search(r"(?:as|Saisissez|como) (\S+) (?:or|ou|o) (\S+)\.$", message)
    assert suggested is not None
    reading = parse_number(raw, lang)
    assert isinstance(reading, Ambiguous)
    assert parse_number(suggested[1], lang) == reading.grouped
    assert parse_number(suggested[2], lang) == reading.decimal


def test_whole_number_questions_refuse_decimals() -> None:
    assert read_number("1,500", "en", integer=True) == 1500
    assert read_number("12.0", "en", integer=True) == 12
    for raw, lang in (("12.5", "en"), ("12,5", "fr"), ("0,25", "es")):
        with pytest.raises(InvalidAnswer) as caught:
            read_number(raw, lang, integer=True)
        assert caught.value.key == "whole_number_only"
    assert caught.value.message("fr") == "Saisissez un nombre entier, sans décimales, par exemple 12."


DEF = """
id: t
version: "1"
title: T
sections:
  - id: s
    title: S
    questions:
      - {id: people, type: number, label: People, integer: true}
      - {id: cost, type: number, label: Cost}
      - id: share
        type: allocation
        label: Share
        items: [{code: x, label: X}, {code: y, label: Y}]
"""


def test_an_ambiguous_answer_saves_nothing_for_its_field_and_asks() -> None:
    loaded = load_text(DEF, "t.yaml")
    survey = loaded.survey
    assert survey is not None, loaded.problems
    section = survey.sections[0]
    form = {"people": ["1,500"], "cost": ["2,5"], "share.x": ["60"], "share.y": ["40,000"]}
    result = read_page(survey, section, form, {"people": 12}, lang="fr", require=False)
    assert {e.field: e.message for e in result.errors} == {
        "people": f"Vouliez-vous dire 1{NNBSP}500 ou 1,5 ? Saisissez 1500 ou 1,5.",
        "share.y": f"Vouliez-vous dire 40{NNBSP}000 ou 40 ? Saisissez 40000 ou 40.",
    }
    assert "people" not in result.answers and "share" not in result.answers
    assert result.answers["cost"] == 2.5
    english = read_page(survey, section, {"people": ["1,500"]}, {}, lang="en", require=False)
    assert english.errors == [] and english.answers["people"] == 1500


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("value", [1500, 2.5, 1.125, 1234567.125, -0.75, 0.001])
def test_answers_go_back_into_the_form_as_the_language_types_them(lang: str, value: float) -> None:
    survey = load_text(DEF, "t.yaml").survey
    assert survey is not None
    q = survey.question("cost")
    form = answer_to_form(q, {"cost": value}, lang)
    assert parse_number(form["cost"][0], lang) == value
    assert typed_number(value, lang) == form["cost"][0]


# ---- properties -----------------------------------------------------------------------

decimals = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.integers(min_value=0, max_value=6),
)


def _expected(value: Decimal) -> float:
    return int(value) if value == value.to_integral_value() else float(value)


def _could_be_thousands(text: str, lang: str) -> bool:
    """The one shape the language's own writing can be asked about: its decimal separator
    after one to three digits (not a lone 0), with exactly three digits after it."""
    sep = "." if lang == "en" else ","
    return re.fullmatch(rf"-?[1-9][0-9]{{0,2}}{re.escape(sep)}[0-9]{{3}}", text) is not None


@given(value=decimals, lang=st.sampled_from(LANGUAGES), grouped=st.booleans())
@example(value=Decimal("1.5"), lang="fr", grouped=True)
@example(value=Decimal("1500"), lang="en", grouped=True)
@example(value=Decimal("1.125"), lang="en", grouped=False)
def test_what_babel_writes_reads_back_as_the_same_number(value: Decimal, lang: str, grouped: bool) -> None:
    text = format_decimal(value, locale=lang, decimal_quantization=False, group_separator=grouped)
    reading = parse_number(text, lang)
    if _could_be_thousands(text, lang):
        assert isinstance(reading, Ambiguous) and _expected(value) in (reading.grouped, reading.decimal)
    else:
        assert reading == _expected(value), text
    if lang == "fr":  # however the space between thousands is typed
        for space in (" ", NBSP):
            assert parse_number(text.replace(NNBSP, space), lang) == reading
    # What goes back into a form box is never asked about.
    assert parse_number(typed_number(_expected(value), lang), lang) == _expected(value)


# A reference reader, written independently of the code under test: every value a string can
# have with "." or "," as the decimal separator and ".", "," or a space as the thousands one.
_SPACE_CLASS = f"[ {NBSP}{NNBSP}]"


def _all_readings(text: str) -> set[Decimal]:
    sign, body = (-1, text[1:]) if text.startswith("-") else (1, text)
    out = set()
    for decimal in (None, ".", ","):
        for group in (None, ".", ",", _SPACE_CLASS):
            if group is not None and group == decimal:
                continue
            whole = (
                r"[0-9]+"
                if group is None
                else rf"[1-9][0-9]{{0,2}}(?:{group if group == _SPACE_CLASS else re.escape(group)}[0-9]{{3}})+"
            )
            pattern = rf"({whole})" + (rf"{re.escape(decimal)}([0-9]+)" if decimal else "")
            m = re.fullmatch(pattern, body)
            if m:
                digits = re.sub(r"[^0-9]", "", m[1])
                out.add(sign * Decimal(f"{digits}.{m[2] if decimal else '0'}"))
    return out


def _babel_reading(text: str, lang: str) -> Decimal | None:
    """How Babel, strictly, reads `text` written the language's way; thousands may be separated
    by any space in every language, and by "." in French (as in Spanish), one kind per number."""
    group = get_group_symbol(lang)
    accepted = {group, " ", NBSP, NNBSP} | ({"."} if lang == "fr" else set())
    kinds = {"space" if c in {" ", NBSP, NNBSP} else c for c in text if c in accepted}
    if len(kinds) > 1:
        return None
    normal = "".join(group if c in accepted else c for c in text)
    try:
        return parse_decimal(normal, locale=lang, strict=True)
    except NumberFormatError:
        return None


def _reader(text: str, lang: str) -> set[Decimal]:
    """What a reader of `lang` may take `text` to mean: the language's own reading, plus the
    thousands reading when that is its decimal separator before three digits; a text the
    language's way cannot read means whatever it can mean."""
    own = _babel_reading(text, lang)
    if own is None:
        return _all_readings(text)
    sep = "." if lang == "en" else ","
    if _could_be_thousands(text, lang):
        return {own, _all_readings(text.replace(sep, " ")).pop()}
    return {own}


separators = st.sampled_from([".", ",", " ", NNBSP, NBSP])
typed = st.builds(
    lambda sign, first, rest: sign + first + "".join(s + d for s, d in rest),
    st.sampled_from(["", "-"]),
    st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    st.lists(st.tuples(separators, st.from_regex(r"[0-9]{1,4}", fullmatch=True)), max_size=3),
)


@given(text=typed, lang=st.sampled_from(LANGUAGES))
@example(text="1,500", lang="en")
@example(text="1,500", lang="fr")
@example(text="1.500", lang="en")
@example(text="1.500", lang="es")
@example(text="0,500", lang="fr")
@example(text="1.234,5", lang="en")
def test_a_number_is_read_as_a_reader_of_the_language_reads_it(text: str, lang: str) -> None:
    reading = parse_number(text, lang)
    readings = {_expected(r) for r in _reader(text, lang)}
    if isinstance(reading, Ambiguous):
        assert {reading.grouped, reading.decimal} == readings, text
    elif reading is None:
        assert readings == set(), text
    else:
        assert readings == {reading}, text
