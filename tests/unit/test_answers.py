"""Reading and checking answers exactly by the format's rules."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from backend.demo.answers import random_answers
from backend.surveys.answers.checks import _walk, check_all, read_page, visible_answers
from backend.surveys.answers.forms import answer_to_form, form_to_answer
from backend.surveys.answers.numbers import parse_number
from backend.surveys.format.files import load_file, load_text

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"

DEF = """
id: t
version: "1"
title: T
sections:
  - id: s
    title: S
    questions:
      - {id: has, type: yes_no, label: "Has?", required: true}
      - {id: when, type: date, label: "When?", required: true, show_if: {question: has, equals: "yes"}, min: 2000-01-01}
      - id: pick
        type: multiple_choice
        label: Pick
        other: true
        options: [{code: a, label: A}, {code: b, label: B}, {code: none, label: None, exclusive: true}]
      - id: n
        type: number
        label: N
        integer: true
        min: 0
        max: 1000
        constraints: [{rule: {question: ".", not_equals: 13}, message: "Not thirteen"}]
      - id: share
        type: allocation
        label: Share
        items: [{code: x, label: X}, {code: y, label: Y}, {code: z, label: Z}]
      - id: rank
        type: ranking
        label: Rank
        top: 2
        items: [{code: x, label: X}, {code: y, label: Y}, {code: z, label: Z}]
      - id: grid
        type: matrix
        label: Grid
        rows: [{code: r1, label: R1}, {code: r2, label: R2}]
        options: [{code: lo, label: Lo}, {code: hi, label: Hi}]
        dont_know: true
      - {id: note, type: long_text, label: Note, max_length: 10}
"""


@pytest.fixture(scope="module")
def survey():  # type: ignore[no-untyped-def]
    loaded = load_text(DEF, "t.yaml")
    assert loaded.survey is not None, loaded.problems
    return loaded.survey


def errors_of(survey, form, require=True, existing=None):  # type: ignore[no-untyped-def]
    result = read_page(survey, survey.sections[0], form, existing or {}, lang="en", require=require)
    return {e.question_id: e.message for e in result.errors}, result.answers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("1,000", 1000),
        ("1 000 000", 1000000),
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("-2", -2),
        ("abc", None),
        ("inf", None),
        ("1e3", 1000),
    ],
)
def test_parse_number(raw: str, expected: float | None) -> None:
    """More, in every language: tests/unit/test_numbers.py."""
    assert parse_number(raw, "en") == expected


def test_required_and_conditional(survey) -> None:  # type: ignore[no-untyped-def]
    errors, _ = errors_of(survey, {})
    assert errors == {"has": "Answer this question."}
    errors, _ = errors_of(survey, {"has": ["yes"]})
    assert errors == {"when": "Answer this question."}  # shown now, so required
    errors, _ = errors_of(survey, {"has": ["no"], "when": ["1999-01-01"]})
    assert errors == {}  # hidden: neither required nor checked


def test_each_rule(survey) -> None:  # type: ignore[no-untyped-def]
    base = {"has": ["no"]}
    cases = {
        "pick": ({"pick": ["a", "none"]}, '"None" cannot be combined with other answers.'),
        "n": ({"n": ["13"]}, "Not thirteen"),
        "share": ({"share.x": ["50"], "share.y": ["20"]}, "The shares must add up to 100."),
        "rank": ({"rank.1": ["x"], "rank.2": ["x"]}, "Each item can only be given one rank."),
        "grid": ({"grid.r1": ["lo"]}, "Answer for every row."),
        "note": ({"note": ["x" * 11]}, "Use 10 characters or fewer."),
    }
    for qid, (form, message) in cases.items():
        errors, _ = errors_of(survey, {**base, **form})
        assert errors.get(qid) == message, (qid, errors)
    errors, _ = errors_of(survey, {**base, "n": ["1001"]})
    assert errors["n"] == "Enter a number of 1,000 or less."  # bounds as the language writes numbers
    errors, _ = errors_of(survey, {**base, "n": ["2.5"]})
    assert errors["n"] == "Enter a whole number, without decimals, like 12."
    errors, _ = errors_of(survey, {**base, "pick": ["other"]})
    assert errors["pick"] == "Say what the other answer is."
    errors, _ = errors_of(survey, {"has": ["yes"], "when": ["1990-02-02"]})
    assert errors["when"] == "Enter a date on or after January 1, 2000."  # and dates
    errors, _ = errors_of(survey, {**base, "pick": ["zzz"]})
    assert errors["pick"] == "Choose one of the options listed."


def test_draft_saves_allow_half_done_answers(survey) -> None:  # type: ignore[no-untyped-def]
    errors, answers = errors_of(survey, {"share.x": ["50"], "rank.1": ["y"], "grid.r1": ["hi"]}, require=False)
    assert errors == {}
    assert answers["share"] == {"x": 50} and answers["rank"] == ["y"] and answers["grid"] == {"r1": "hi"}


def test_messages_in_the_respondents_language(survey) -> None:  # type: ignore[no-untyped-def]
    result = read_page(survey, survey.sections[0], {"n": ["abc"]}, {}, lang="fr", require=False)
    assert result.errors[0].message == "Saisissez un nombre, par exemple 12 ou 3,5."


def test_form_round_trip(survey) -> None:  # type: ignore[no-untyped-def]
    answers = {
        "has": "yes",
        "when": "2020-02-02",
        "pick": ["a", "other"],
        "pick.other": "Z",
        "n": 5,
        "share": {"x": 50, "y": 25, "z": 25},
        "rank": ["z", "x"],
        "grid": {"r1": "lo", "r2": "dont_know"},
        "note": "hi",
    }
    for q in survey.questions():
        form = answer_to_form(q, answers, "en")
        value, other = form_to_answer(q, form, "en")
        assert value == answers[q.id], q.id
        assert other == answers.get(f"{q.id}.other")
    assert check_all(survey, answers, lang="en") == []


def test_hidden_answers_are_dropped(survey) -> None:  # type: ignore[no-untyped-def]
    kept = visible_answers(survey, {"has": "no", "when": "2020-01-01", "n": 4})
    assert kept == {"has": "no", "n": 4}


@pytest.mark.parametrize("name", ["drug-market-practice.yaml", "force-profile.yaml"])
def test_random_answers_to_shipped_questionnaires_are_valid(name: str) -> None:
    survey = load_file(SURVEYS / name).survey
    assert survey is not None
    for seed in range(30):
        answers = random_answers(survey, random.Random(seed))
        assert check_all(survey, answers, lang="en") == [], seed
        assert visible_answers(survey, answers) == answers


@pytest.mark.parametrize("name", ["drug-market-practice.yaml", "force-profile.yaml"])
def test_a_page_is_checked_by_the_sections_up_to_it_as_by_the_whole_walk(name: str) -> None:
    """`read_page` walks the visibility only up to its own section: for every section, which of
    its questions are shown is the same as by walking the whole questionnaire."""
    survey = load_file(SURVEYS / name).survey
    assert survey is not None
    for seed in range(30):
        answers = random_answers(survey, random.Random(seed))
        whole = _walk(survey, answers)[0]
        for section in survey.sections:
            ids = {q.id for q in section.questions}
            assert _walk(survey, answers, until=section)[0] & ids == whole & ids, (seed, section.id)


@pytest.mark.parametrize(
    ("lang", "too_large", "too_early", "date", "shares", "condition"),
    [
        (
            "fr",
            "Saisissez un nombre inférieur ou égal à 1\u202f000.",
            "Saisissez une date égale ou postérieure au 1 janvier 2000.",
            "2 février 2000",
            "X\u00a0: 60\u00a0%; Y\u00a0: 40\u00a0%; Z\u00a0: 0\u00a0%",
            "Répondez seulement si la réponse à «\u00a0Has?\u00a0» est «\u00a0Oui\u00a0».",
        ),
        (
            "es",
            "Introduzca un número igual o menor que 1.000.",
            "Introduzca una fecha igual o posterior al 1 de enero de 2000.",
            "2 de febrero de 2000",
            "X: 60\u00a0%; Y: 40\u00a0%; Z: 0\u00a0%",
            "Responda solo si la respuesta a «Has?» es «Sí».",
        ),
    ],
)
def test_messages_and_answers_in_words_follow_the_language(  # type: ignore[no-untyped-def]
    survey, lang: str, too_large: str, too_early: str, date: str, shares: str, condition: str
) -> None:
    """Bounds in messages, dates and shares in answers, and conditions, as the language writes them."""
    from backend.surveys.answers.describe import describe
    from backend.surveys.answers.display import answer_text

    section = survey.sections[0]
    form = {"has": ["yes"], "when": ["1990-02-02"], "n": ["1001"]}
    errors = {e.question_id: e.message for e in read_page(survey, section, form, {}, lang=lang, require=False).errors}
    assert errors == {"n": too_large, "when": too_early}
    answers = {"when": "2000-02-02", "share": {"x": 60, "y": 40, "z": 0}}
    assert answer_text(survey.question("when"), answers, lang, "en") == date
    assert answer_text(survey.question("share"), answers, lang, "en") == shares
    when = survey.question("when")
    assert when.show_if is not None
    assert describe(when.show_if, survey, lang) == condition
