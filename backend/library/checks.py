"""Checking a report's form and PDF before anything is stored: pure, so the same rules serve
the pages and the JSON routes. Each problem names its field."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import msgspec

from backend.i18n import LANGUAGES, Language

PDF_MAGIC = b"%PDF-"
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
TITLE_MAX = 300
SUMMARY_MAX = 5000
AUTHORS_MAX = 1000


class ReportInput(msgspec.Struct):
    """A report's description; `title` and `summary` map a language (en, fr, es) to its words."""

    title: dict[str, str]
    #: the language whose title and summary every reader falls back to
    default_language: str = "en"
    summary: dict[str, str] = msgspec.field(default_factory=dict)
    authors: str = ""
    #: ISO date (YYYY-MM-DD)
    published_on: str = ""
    #: section ids of the drug-market questionnaire
    themes: list[str] = msgspec.field(default_factory=list)


class Upload(msgspec.Struct, frozen=True):
    filename: str
    content_type: str
    content: bytes


def cleaned(data: ReportInput) -> ReportInput:
    """Trimmed texts; languages we do not serve and empty texts dropped."""
    return ReportInput(
        title={k: v.strip() for k, v in data.title.items() if k in LANGUAGES and v.strip()},
        default_language=data.default_language.strip(),
        summary={k: v.strip() for k, v in data.summary.items() if k in LANGUAGES and v.strip()},
        authors=data.authors.strip(),
        published_on=data.published_on.strip(),
        themes=list(dict.fromkeys(t.strip() for t in data.themes if t.strip())),
    )


def check_input(data: ReportInput, themes: set[str], language: Language) -> dict[str, str]:
    """Problems by field (`title_en`, `published_on`, ...); empty when the report may be stored."""
    problems: dict[str, str] = {}
    if data.default_language not in LANGUAGES:
        problems["default_language"] = language.gettext("Choose the report's main language: en, fr or es.")
    elif data.default_language not in data.title:
        problems[f"title_{data.default_language}"] = language.gettext("Give the title in the report's main language.")
    for code, text in data.title.items():
        if len(text) > TITLE_MAX:
            problems[f"title_{code}"] = language.gettext(
                "The title is too long (at most %(max)s characters).", max=TITLE_MAX
            )
    for code, text in data.summary.items():
        if len(text) > SUMMARY_MAX:
            problems[f"summary_{code}"] = language.gettext(
                "The summary is too long (at most %(max)s characters).", max=SUMMARY_MAX
            )
    if len(data.authors) > AUTHORS_MAX:
        problems["authors"] = language.gettext("The list of authors is too long.")
    try:
        dt.date.fromisoformat(data.published_on)
    except ValueError:
        problems["published_on"] = language.gettext("Give the report's date as YYYY-MM-DD.")
    unknown = [t for t in data.themes if t not in themes]
    if unknown:
        problems["themes"] = language.gettext("Choose themes from the questionnaire's list.")
    return problems


def check_upload(upload: Upload | None, max_bytes: int, language: Language, required: bool) -> dict[str, str]:
    """The `file` problem, if any: a PDF (extension, content type and first bytes) within the size."""
    if upload is None or not upload.filename:
        return {"file": language.gettext("Choose the report's PDF file.")} if required else {}
    if len(upload.content) > max_bytes:
        mb = language.number(max_bytes / (1024 * 1024), decimals=0)
        return {"file": language.gettext("The file is too big (at most %(mb)s MB).", mb=mb)}
    content_type = upload.content_type.split(";")[0].strip().lower()
    if (
        not upload.filename.lower().endswith(".pdf")
        or content_type not in PDF_TYPES
        or not upload.content.startswith(PDF_MAGIC)
    ):
        return {"file": language.gettext("The file is not a PDF: choose a .pdf file.")}
    return {}


def safe_filename(name: str) -> str:
    """An ASCII file name for Content-Disposition: letters, digits, dot, dash and underscore."""
    base = unicodedata.normalize("NFKD", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    base = base.encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-") or "report"
    if not base.lower().endswith(".pdf"):
        base += ".pdf"
    return base[-120:]
