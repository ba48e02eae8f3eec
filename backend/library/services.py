"""The reports library's services: storing, editing and (un)publishing reports with their PDF
(staff, audited), and listing, reading and downloading them (partners see published reports
only; staff see every one)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec

from backend.audit.services import record
from backend.database import fetch, fetchrow, json_value, transaction
from backend.i18n import Language, Shown
from backend.library.checks import ReportInput, Upload, check_input, check_upload, cleaned, safe_filename
from backend.library.tables import Report, ReportFile
from backend.security.roles import Viewer
from backend.surveys.services import latest_versions, load_version

#: The questionnaire whose sections are the library's themes.
THEME_QUESTIONNAIRE = "drug-market-practice"


class Invalid(Exception):
    """Bad input: problems by field; nothing was stored."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class Theme(msgspec.Struct, frozen=True):
    id: str
    title: str
    lang: str
    fell_back: bool


class ReportRow(msgspec.Struct, frozen=True):
    """A report as stored (every language)."""

    id: int
    title: dict[str, str]
    summary: dict[str, str]
    default_language: str
    authors: str
    published_on: dt.date
    themes: list[str]
    filename: str
    size: int
    published: bool
    updated_at: dt.datetime

    def shown_title(self, language: Language) -> Shown:
        return language.text(self.title, self.default_language)

    def shown_summary(self, language: Language) -> Shown | None:
        return language.text(self.summary, self.default_language) if self.summary else None


def report_input(r: ReportRow) -> ReportInput:
    """A stored report as the input that would store it again (to change only its file)."""
    return ReportInput(
        title=r.title,
        default_language=r.default_language,
        summary=r.summary,
        authors=r.authors,
        published_on=r.published_on.isoformat(),
        themes=list(r.themes),
    )


async def themes(language: Language) -> list[Theme]:
    """The sections of the newest drug-market questionnaire, in order."""
    for row in await latest_versions():
        if row.slug == THEME_QUESTIONNAIRE:
            survey = await load_version(row.id)
            out = []
            for s in survey.sections:
                shown = language.text(s.title, survey.default_language)
                out.append(Theme(s.id, shown.text, shown.lang, shown.fell_back))
            return out
    return []


def _row(r: dict[str, Any]) -> ReportRow:
    return msgspec.convert(
        {
            **r,
            "title": json_value(r["title"]) or {},
            "summary": json_value(r["summary"]) or {},
            "themes": json_value(r["themes"]) or [],
        },
        ReportRow,
    )


COLUMNS = "id, title, summary, default_language, authors, published_on, themes, filename, size, published, updated_at"


async def list_reports(viewer: Viewer, theme: str = "", query: str = "") -> list[ReportRow]:
    """Reports newest first; partners see published ones only. `theme`: a section id;
    `query`: words in a title or summary (any language)."""
    sql = f"SELECT {COLUMNS} FROM library_report WHERE ($1 OR published)"
    args: list[Any] = [viewer.is_staff]
    if theme:
        args.append(json.dumps([theme]))
        sql += f" AND themes @> ${len(args)}::jsonb"
    if query.strip():
        args.append("%" + query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        sql += f" AND (title::text ILIKE ${len(args)} OR summary::text ILIKE ${len(args)})"
    sql += " ORDER BY published_on DESC, id DESC"
    return [_row(r) for r in await fetch(sql, *args)]


async def get_report(report_id: int, viewer: Viewer) -> ReportRow | None:
    """The report, or None when there is none the viewer may see (unpublished: staff only)."""
    r = await fetchrow(
        f"SELECT {COLUMNS} FROM library_report WHERE id = $1 AND ($2 OR published)", report_id, viewer.is_staff
    )
    return None if r is None else _row(r)


async def report_pdf(report_id: int, viewer: Viewer) -> tuple[ReportRow, bytes] | None:
    """The report and its PDF, for a viewer who may see it (the download is audited)."""
    found = await get_report(report_id, viewer)
    if found is None:
        return None
    row = await fetchrow("SELECT content FROM library_file WHERE report = $1", report_id)
    if row is None:
        return None
    await record(viewer, "library.report.download", f"library_report:{report_id}")
    return found, bytes(row["content"])


async def _checked(
    data: ReportInput, upload: Upload | None, max_bytes: int, language: Language, required: bool
) -> ReportInput:
    data = cleaned(data)
    problems = check_input(data, {t.id for t in await themes(language)}, language)
    problems.update(check_upload(upload, max_bytes, language, required))
    if problems:
        raise Invalid(problems)
    return data


async def create_report(
    data: ReportInput, upload: Upload | None, viewer: Viewer, max_bytes: int, language: Language
) -> ReportRow:
    """Store a published report and its PDF in one transaction; `Invalid` stores nothing."""
    data = await _checked(data, upload, max_bytes, language, required=True)
    assert upload is not None
    async with transaction():
        rows = await Report.insert(
            Report(
                title=data.title,
                summary=data.summary,
                default_language=data.default_language,
                authors=data.authors,
                published_on=dt.date.fromisoformat(data.published_on),
                themes=data.themes,
                filename=safe_filename(upload.filename),
                size=len(upload.content),
                published=True,
                created_by=viewer.person_id,
            )
        )
        report_id = int(rows[0]["id"])
        await ReportFile.insert(ReportFile(report=report_id, content=upload.content))
        await record(
            viewer, "library.report.publish", f"library_report:{report_id}", filename=safe_filename(upload.filename)
        )
    found = await get_report(report_id, viewer)
    assert found is not None
    return found


async def edit_report(
    report_id: int,
    data: ReportInput,
    upload: Upload | None,
    viewer: Viewer,
    max_bytes: int,
    language: Language,
) -> ReportRow | None:
    """Change a report's description (and its PDF when a new one is given); None: no such report."""
    if await get_report(report_id, viewer) is None:
        return None
    data = await _checked(data, upload, max_bytes, language, required=False)
    values: dict[Any, Any] = {
        Report.title: data.title,
        Report.summary: data.summary,
        Report.default_language: data.default_language,
        Report.authors: data.authors,
        Report.published_on: dt.date.fromisoformat(data.published_on),
        Report.themes: data.themes,
        Report.updated_at: dt.datetime.now(dt.UTC),
    }
    async with transaction():
        if upload is not None and upload.filename:
            values[Report.filename] = safe_filename(upload.filename)
            values[Report.size] = len(upload.content)
            await ReportFile.update({ReportFile.content: upload.content}).where(ReportFile.report == report_id)
        await Report.update(values).where(Report.id == report_id)
        await record(viewer, "library.report.edit", f"library_report:{report_id}", new_file=upload is not None)
    return await get_report(report_id, viewer)


async def set_published(report_id: int, published: bool, viewer: Viewer) -> ReportRow | None:
    """Unpublish (partners no longer see it; nothing is deleted) or publish again; audited."""
    if await get_report(report_id, viewer) is None:
        return None
    async with transaction():
        await Report.update({Report.published: published, Report.updated_at: dt.datetime.now(dt.UTC)}).where(
            Report.id == report_id
        )
        action = "library.report.republish" if published else "library.report.unpublish"
        await record(viewer, action, f"library_report:{report_id}")
    return await get_report(report_id, viewer)
