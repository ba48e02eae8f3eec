"""`info`: text shown between questions; it collects no answer."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from backend.surveys.format.model import Question, Settings
from backend.surveys.kinds.base import QuestionKind
from backend.surveys.xlsform.conventions import XlsType

if TYPE_CHECKING:
    from typing import Any

    from backend.surveys.format.reader import Reader
    from backend.surveys.format.yaml_positions import Path
    from backend.surveys.xlsform.writer import Cells, SheetWriter


@dataclass(frozen=True)
class InfoSettings(Settings):
    """Information has nothing to set."""


class Info(QuestionKind[InfoSettings]):
    name = "info"
    help = "Text shown between questions; collects no answer."
    key_help = MappingProxyType({"label": "The text shown."})
    collects_answer = False
    xlsform_types = (XlsType("note"),)

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> InfoSettings:
        return InfoSettings()

    def to_xlsform(self, w: SheetWriter, q: Question[InfoSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = "note"
        w.add(row)
