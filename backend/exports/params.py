"""The choices of an export, checked the same way for the staff page and the JSON API."""

from __future__ import annotations

from backend.exports.about import EXPORT_LANGUAGES, CodebookFormat, ExportFormat
from backend.i18n import Language


def export_problems(fmt: str, lang: str, language: Language, codebook: bool = False) -> dict[str, str]:
    """Field → message for each choice that cannot be taken (empty: all can)."""
    formats = [f.value for f in (CodebookFormat if codebook else ExportFormat)]
    problems = {}
    if fmt not in formats:
        problems["format"] = language.gettext("Format: choose one of %(formats)s.", formats=", ".join(formats))
    if lang not in EXPORT_LANGUAGES:
        problems["language"] = language.gettext(
            "Language: choose one of %(languages)s.", languages=", ".join(EXPORT_LANGUAGES)
        )
    return problems
