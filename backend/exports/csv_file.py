"""The CSV export: UTF-8 (with a byte-order mark, so that Excel reads it as UTF-8), a header row of
variable names, one line per force, produced line by line so that it streams.

CSV has no place for metadata that every reader accepts (a comment line breaks most of them): the
questionnaire version and content hash are in the file name and in the response's
`X-Questionnaire-Version` and `X-Questionnaire-Hash` headers, and in full in the codebook."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from backend.exports.formulas import neutralise
from backend.exports.variables import Variable, in_words

BOM = "\ufeff"


def _line(cells: Sequence[Any]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue().encode("utf-8")


def header(variables: Sequence[Variable]) -> bytes:
    return BOM.encode("utf-8") + _line([v.name for v in variables])


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value)


def line(variables: Sequence[Variable], cells: Sequence[Any], labels: bool = False) -> bytes:
    """One force's line; with `labels`, coded cells as their value labels."""
    if labels:
        cells = [in_words(v, c) for v, c in zip(variables, cells, strict=True)]
    return _line([_text(c) for c in cells])
