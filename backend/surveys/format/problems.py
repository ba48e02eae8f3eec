"""Problems found in a questionnaire definition, each tied to a place in the file."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from backend.surveys.format.yaml_positions import Path


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    #: Point at the key itself rather than its value (unknown keys, duplicates).
    at_key: bool = False


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f' (did you mean "{matches[0]}"?)' if matches else ""


def path_text(path: Path) -> str:
    """`sections[0].questions[2].label` for messages that need a place without a file."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"
