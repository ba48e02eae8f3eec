"""Cells a spreadsheet would run as a formula (CSV or formula injection), made inert."""

from __future__ import annotations

from typing import Any

#: What a spreadsheet reads as the start of a formula (or of a hidden one after a tab or CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text starting like a formula gets a leading apostrophe (shown by no spreadsheet as part of
    the text, and kept by every one as text); numbers, dates and other text stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
