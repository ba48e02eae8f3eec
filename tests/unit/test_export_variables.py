"""The pure part of exports: variable names, codes, cells and formula neutralisation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from backend.exports import csv_file
from backend.exports.formulas import neutralise
from backend.exports.variables import (
    DONT_KNOW_VALUE,
    NAME_LIMIT,
    NOT_ASKED_VALUE,
    ResponseRecord,
    build,
    in_words,
    variable_names,
)
from backend.surveys import load_file

SURVEY = load_file(Path(__file__).parents[2] / "surveys" / "drug-market-practice.yaml").survey


def test_names_are_valid_for_spss_and_stata_and_unique() -> None:
    wanted = ["a" * 40 + "_x", "a" * 40 + "_y", "Ab", "ab", "1st", "with", "to", "é_q", "_b"]
    names = variable_names(wanted)
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", n) and len(n) <= NAME_LIMIT for n in names)
    assert len({n.lower() for n in names}) == len(names)
    assert names[2:5] == ["Ab", "ab_2", "v1st"]
    assert names[5] == "with_" and names[6] == "to_"


def test_every_variable_of_the_real_questionnaire_is_named_and_labelled() -> None:
    assert SURVEY is not None
    ds = build(SURVEY, "es")
    names = [v.name for v in ds.variables]
    assert len(set(n.lower() for n in names)) == len(names)
    assert all(v.label for v in ds.variables)
    strategy = next(v for v in ds.variables if v.name == "has_drug_strategy")
    assert strategy.value_labels == {1: "Sí", 2: "No"}
    harm = next(v for v in ds.variables if v.name == "strategy_harm_goals")
    assert harm.value_labels[DONT_KNOW_VALUE] and harm.condition  # asked only when there is a strategy
    # Numbered scale points keep their numbers.
    scale = next(v for v in ds.variables if v.question_type == "scale")
    assert all(k < 0 or 0 <= k <= 90 for k in scale.value_labels)


def test_rows_code_answers_and_mark_questions_not_asked() -> None:
    assert SURVEY is not None
    ds = build(SURVEY, "en")
    record = ResponseRecord(
        "F",
        "f",
        "X",
        "europe",
        "national",
        "large",
        "submitted",
        "en",
        dt.datetime(2026, 1, 1, 12, 0, 0, 123, tzinfo=dt.UTC),
        None,
        {
            "has_drug_strategy": "no",
            "indicators_used": ["arrests", "other"],
            "indicators_used.other": "=1+1",
            "effort_allocation": {"a": 1},
        },
    )
    row = dict(zip([v.name for v in ds.variables], ds.row(record), strict=True))
    assert row["has_drug_strategy"] == 2
    assert row["strategy_adopted"] is None  # not asked: a date cannot hold -9
    assert row["strategy_harm_goals"] == NOT_ASKED_VALUE
    assert row["indicators_used_arrests"] == 1 and row["indicators_used_seizures"] == 0
    assert row["indicators_used_other_text"] == "=1+1"
    assert row["started_at"] == dt.datetime(2026, 1, 1, 12, 0, 0)
    strategy = next(v for v in ds.variables if v.name == "has_drug_strategy")
    assert in_words(strategy, 2) == "No" and in_words(strategy, None) is None


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert csv_file.line([], [], False) == b"\r\n"


@pytest.mark.parametrize("value", ["plain", "a=b", "", -8, 3.5, None])
def test_other_cells_are_left_alone(value: object) -> None:
    assert neutralise(value) == value
