"""What an export says about itself: the round, the questionnaire version and its content hash,
the language, which responses; written into every file (docs/exports.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    SAV = "sav"
    DTA = "dta"


class CodebookFormat(StrEnum):
    XLSX = "xlsx"
    HTML = "html"


#: The languages an export can be labelled in; questionnaire text falls back to its default.
EXPORT_LANGUAGES = ("en", "fr", "es")

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class About:
    round_id: int
    round_title: str
    questionnaire: str
    version: str
    content_hash: str
    language: str
    include_drafts: bool
    exported_at: dt.datetime
    exported_by: str

    def lines(self) -> list[tuple[str, str]]:
        """(key, value) pairs, in English keys so that scripts can read them."""
        return [
            ("round", f"{self.round_id}: {self.round_title}"),
            ("questionnaire", self.questionnaire),
            ("questionnaire_version", self.version),
            ("content_hash", self.content_hash),
            ("language", self.language),
            ("responses", "submitted and drafts" if self.include_drafts else "submitted"),
            ("exported_at", self.exported_at.astimezone(dt.UTC).isoformat(timespec="seconds")),
            ("exported_by", self.exported_by),
        ]

    @property
    def short(self) -> str:
        """At most 64 characters (an SPSS file label): questionnaire, version, hash prefix."""
        return f"{self.questionnaire} {self.version} {self.content_hash[:12]}"[:64]

    def filename(self, extension: str, what: str = "responses") -> str:
        safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in self.version)[:40]
        return f"round-{self.round_id}-{what}-v{safe}-{self.content_hash[:12]}-{self.language}.{extension}"
