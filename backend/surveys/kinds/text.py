"""Free text: `short_text` (one line) and `long_text` (several lines). Staff only, never published."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backend.surveys.answers.fields import Form
from backend.surveys.answers.forms import InvalidAnswer
from backend.surveys.format.model import Question, Settings
from backend.surveys.format.reader import Reader
from backend.surveys.format.yaml_positions import Path
from backend.surveys.kinds.base import QuestionKind, Setting
from backend.surveys.xlsform.conventions import XlsColumn, XlsType

if TYPE_CHECKING:
    from backend.surveys.xlsform.writer import Cells, SheetWriter

SAMPLE_TEXTS = [
    "A joint operation with the health service reduced open-air dealing near the central station.",
    "We moved two investigators from volume possession cases to violent supply networks.",
    "Officers now carry naloxone on night shifts in the city centre.",
    "Referral to treatment instead of arrest for first-time possession, agreed with the prosecutor.",
]


@dataclass(frozen=True)
class TextSettings(Settings):
    max_length: int | None = None


class FreeText(QuestionKind[TextSettings]):
    """One kind object per text type: they differ in their box and their default length only."""

    free_text = True
    xlsform_columns = (XlsColumn("max_length", "number"),)

    def __init__(self, name: str, *, default_max_length: int, help: str, appearance: str | None) -> None:
        self.name = name
        self.default_max_length = default_max_length
        self.help = f"{help}; staff only, never published. Stored as the text."
        self.appearance = appearance
        # Text boxes are XLSForm `text`; the multi-line one is told apart by its appearance (or
        # by px_type, which older exports wrote).
        special = (XlsType("text", px_type=name), XlsType("text", appearance=appearance)) if appearance else ()
        self.xlsform_types = special or (XlsType("text"),)
        self.settings_keys = (
            Setting(
                "max_length",
                {"type": "integer", "minimum": 1},
                f"The longest answer allowed, in characters (default: {default_max_length}).",
            ),
        )

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> TextSettings:
        return TextSettings(r.positive_int(raw, "max_length", path))

    def max_length(self, q: Question[TextSettings]) -> int:
        return q.settings.max_length or self.default_max_length

    def form_to_answer(self, q: Question[TextSettings], form: Form, lang: str) -> tuple[Any, str | None]:
        raw = (form.get(q.id) or [""])[0]
        # Keep what was typed (line breaks included); only surrounding blank space goes.
        return (raw.strip() or None), None

    def check(
        self, q: Question[TextSettings], value: Any, other_text: str | None, lang: str, default: str, complete: bool
    ) -> None:
        if not isinstance(value, str):
            raise InvalidAnswer("constraint")
        if len(value) > self.max_length(q):
            raise InvalidAnswer("too_long", max=self.max_length(q))

    def demo_answer(self, q: Question[TextSettings], rng: random.Random, lang: str) -> Any:
        return rng.choice(SAMPLE_TEXTS)[: self.max_length(q)]

    def to_xlsform(self, w: SheetWriter, q: Question[TextSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = "text"
        if self.appearance:
            row["appearance"] = self.appearance
        w.add(row)


SHORT_TEXT = FreeText("short_text", default_max_length=200, help="One line of free text", appearance=None)
LONG_TEXT = FreeText("long_text", default_max_length=5000, help="Several lines of free text", appearance="multiline")
