"""Dates typed in three boxes (day, month, year), stored as YYYY-MM-DD; each error names the box
to correct. And the receipt's reference number."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backend.responses.schemas import ResponseRow, ResponseStatus
from backend.responses.services import receipt_reference
from backend.surveys.answers.checks import read_page
from backend.surveys.answers.forms import answer_to_form
from backend.surveys.format.files import load_text

DEF = """
id: t
version: "1"
title: T
sections:
  - id: s
    title: S
    questions:
      - {id: when, type: date, label: "When?", required: true, min: 2000-01-01, max: 2030-12-31}
"""


@pytest.fixture(scope="module")
def survey():  # type: ignore[no-untyped-def]
    loaded = load_text(DEF, "t.yaml")
    assert loaded.survey is not None, loaded.problems
    return loaded.survey


def typed(survey, day: str, month: str, year: str, require: bool = True):  # type: ignore[no-untyped-def]
    form = {"when.day": [day], "when.month": [month], "when.year": [year]}
    return read_page(survey, survey.sections[0], form, {}, lang="en", require=require)


@pytest.mark.parametrize(
    ("day", "month", "year", "stored"),
    [("27", "3", "2019", "2019-03-27"), ("01", "12", "2000", "2000-12-01"), (" 9 ", "09", "2030", "2030-09-09")],
)
def test_three_boxes_make_an_iso_date(survey, day: str, month: str, year: str, stored: str) -> None:  # type: ignore[no-untyped-def]
    result = typed(survey, day, month, year)
    assert result.errors == [] and result.answers["when"] == stored


@pytest.mark.parametrize(
    ("day", "month", "year", "field", "message"),
    [
        ("27", "", "2019", "when.month", "The date must include a month."),
        ("", "3", "2019", "when.day", "The date must include a day."),
        ("27", "3", "", "when.year", "The date must include a year."),
        ("", "", "2019", "when.day", "The date must include a day and a month."),
        ("", "3", "", "when.day", "The date must include a day and a year."),
        ("27", "", "", "when.month", "The date must include a month and a year."),
        ("32", "3", "2019", "when.day", "The day must be a number from 1 to 31."),
        ("x", "3", "2019", "when.day", "The day must be a number from 1 to 31."),
        ("27", "13", "2019", "when.month", "The month must be a number from 1 to 12."),
        ("27", "March", "2019", "when.month", "The month must be a number from 1 to 12."),
        ("27", "3", "19", "when.year", "The year must have 4 digits, like 2019."),
        ("31", "4", "2019", "when.day", "The date must be a real date: check the day and the month."),
        ("29", "2", "2019", "when.day", "The date must be a real date: check the day and the month."),
        ("27", "3", "1999", "when.day", "Enter a date on or after January 1, 2000."),
        ("1", "1", "2031", "when.day", "Enter a date on or before December 31, 2030."),
    ],
)
def test_each_error_names_the_box_to_correct(  # type: ignore[no-untyped-def]
    survey, day: str, month: str, year: str, field: str, message: str
) -> None:
    result = typed(survey, day, month, year, require=False)  # a draft too: a wrong date is never saved
    assert [(e.field, e.message) for e in result.errors] == [(field, message)]


def test_empty_boxes_are_no_answer_and_required_links_to_the_day(survey) -> None:  # type: ignore[no-untyped-def]
    assert typed(survey, "", "", "", require=False).answers["when"] is None
    assert [(e.field, e.message) for e in typed(survey, "", "", "").errors] == [("when.day", "Answer this question.")]


def test_one_box_is_still_read(survey) -> None:  # type: ignore[no-untyped-def]
    """Clients that post the date whole (the autosave API) keep working."""
    page = read_page(survey, survey.sections[0], {"when": ["2019-03-27"]}, {}, lang="en", require=True)
    assert page.answers["when"] == "2019-03-27"
    page = read_page(survey, survey.sections[0], {"when": ["27/03/2019"]}, {}, lang="en", require=True)
    assert page.answers["when"] == "2019-03-27"


def test_a_stored_date_fills_the_boxes_again(survey) -> None:  # type: ignore[no-untyped-def]
    q = survey.sections[0].questions[0]
    form = answer_to_form(q, {"when": "2019-03-07"}, "en")
    assert form == {"when.day": ["7"], "when.month": ["3"], "when.year": ["2019"]}
    assert read_page(survey, survey.sections[0], form, {}, lang="en", require=True).answers["when"] == "2019-03-07"


def _response(response_id: int, submitted_at: datetime | None) -> ResponseRow:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    status = ResponseStatus.SUBMITTED if submitted_at else ResponseStatus.DRAFT
    return ResponseRow(response_id, 1, 1, status, 3, {}, "en", now, now, None, submitted_at, None)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def test_reference_number() -> None:
    submitted = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    reference = receipt_reference(_response(42, submitted))
    assert reference is not None and reference.startswith("PX-20261130-00042-")
    assert reference == receipt_reference(_response(42, submitted))  # stable
    assert _luhn_ok(reference.replace("PX-", "").replace("-", ""))
    # one mistyped digit is caught by the check digit
    assert not _luhn_ok(reference.replace("PX-", "").replace("-", "").replace("00042", "00043"))
    assert receipt_reference(_response(42, None)) is None
    assert receipt_reference(_response(1234567, submitted)).startswith("PX-20261130-1234567-")
