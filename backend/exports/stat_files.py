"""SPSS `.sav` and Stata `.dta` exports, written by pyreadstat (the ReadStat C library that R's
haven uses too) from a pandas data frame, with variable labels, value labels and the
questionnaire version and content hash (SPSS: file label and notes; Stata: file label).

SPSS gets -7, -8 and -9 as user-missing values of every coded variable. Stata has no
user-missing values that a file can declare for plain numbers: the codes stay, with their
value labels (`mvdecode _all, mv(-9=.a \\ -8=.b \\ -7=.c)` turns them into missing values)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat

from backend.exports.about import About
from backend.exports.variables import Variable

#: Stata's limits: variable labels and the file label take 80 characters; SPSS's value labels 120.
STATA_LABEL = 80
SPSS_VALUE_LABEL = 120


def _frame(variables: Sequence[Variable], rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for i, v in enumerate(variables):
        values = [row[i] for row in rows]
        if v.type == "numeric":
            columns[v.name] = pd.Series(values, dtype="float64")
        elif v.type == "date" and any(x is not None for x in values):
            # pyreadstat writes python dates in an object column as SPSS/Stata dates.
            columns[v.name] = pd.Series(values, dtype="object")
        elif v.type in ("date", "datetime"):
            # With no date at all, an object column would be taken for text: a typed empty one.
            columns[v.name] = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
        else:
            columns[v.name] = pd.Series(["" if x is None else x for x in values], dtype="object")
    return pd.DataFrame(columns)


def _value_labels(variables: Sequence[Variable], limit: int) -> dict[str, dict[int | float, str]]:
    return {
        v.name: {float(k): label[:limit] for k, label in v.value_labels.items()} for v in variables if v.value_labels
    }


def write_sav(path: Path, variables: Sequence[Variable], rows: Sequence[Sequence[Any]], about: About) -> None:
    pyreadstat.write_sav(
        _frame(variables, rows),
        str(path),
        file_label=about.short,
        column_labels={v.name: v.label for v in variables},
        note=[f"{key}: {value}" for key, value in about.lines()],
        variable_value_labels=_value_labels(variables, SPSS_VALUE_LABEL),
        missing_ranges={v.name: list(v.missing_values) for v in variables if v.missing_values},
        variable_measure={v.name: _measure(v) for v in variables},
    )


def _measure(v: Variable) -> str:
    if v.type != "numeric":
        return "nominal"
    if v.role in ("number", "share"):
        return "scale"
    if v.role == "rank" or v.question_type in ("scale", "matrix"):
        return "ordinal"
    return "nominal"


def write_dta(path: Path, variables: Sequence[Variable], rows: Sequence[Sequence[Any]], about: About) -> None:
    pyreadstat.write_dta(
        _frame(variables, rows),
        str(path),
        file_label=about.short[:STATA_LABEL],
        column_labels={v.name: v.label[:STATA_LABEL] for v in variables},
        variable_value_labels=_value_labels(variables, 32000),
    )
