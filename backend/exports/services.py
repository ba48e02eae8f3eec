"""Exports of a round's responses: what is read from the database, the audit entry, and the
files written (CSV as a stream of lines; XLSX, SPSS and Stata into a temporary file).

Staff only: these are raw answers, never shown to partners (the routes' guards say so)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from backend.audit.services import record
from backend.database import fetch, fetchrow, json_value
from backend.exports import codebook, csv_file, stat_files
from backend.exports.about import About, CodebookFormat, ExportFormat
from backend.exports.codebook import CodebookEntry
from backend.exports.variables import Dataset, ResponseRecord, build
from backend.exports.xlsx_file import XlsxWriter
from backend.i18n import Language, language_for
from backend.security.roles import Viewer
from backend.surveys.services import load_version

#: Responses read from the database at a time: memory stays flat for the CSV and XLSX files.
CHUNK = 200

ROUND_VERSION = """
SELECT r.id, r.title, r.version, v.version_label, v.content_hash, q.slug
FROM round r JOIN questionnaire_version v ON v.id = r.version JOIN questionnaire q ON q.id = v.questionnaire
WHERE r.id = $1"""

# Ordered by force name, then response id; read in chunks after the last (name, id) seen.
RESPONSES = """
SELECT resp.id, f.name AS force_name, f.code AS force_code, f.country,
       coalesce(rf.region, f.region) AS region, coalesce(rf.force_type, f.force_type) AS force_type,
       coalesce(rf.size_band, f.size_band) AS size_band,
       resp.status, resp.language, resp.started_at, resp.submitted_at, resp.answers
FROM response resp
JOIN force f ON f.id = resp.force
LEFT JOIN round_force rf ON rf.round = resp.round AND rf.force = resp.force
WHERE resp.round = $1 AND (resp.status = 'submitted' OR $2::bool)
  AND (f.name, resp.id) > ($3::text, $4::int)
ORDER BY f.name, resp.id
LIMIT $5"""

COUNT = """
SELECT count(*) AS n FROM response WHERE round = $1 AND (status = 'submitted' OR $2::bool)"""


@dataclass(frozen=True)
class ExportRequest:
    round_id: int
    format: str
    language: str
    include_drafts: bool = False
    #: coded cells as their value labels (CSV and XLSX only)
    labels: bool = False


@dataclass(frozen=True)
class Prepared:
    """An export ready to be written: the data set and what the file says about itself."""

    request: ExportRequest
    dataset: Dataset
    about: About
    responses: int


async def prepare(request: ExportRequest, viewer: Viewer) -> Prepared | None:
    """The data set of a round (None: no such round), and its entry in the audit trail."""
    row = await fetchrow(ROUND_VERSION, request.round_id)
    if row is None:
        return None
    survey = await load_version(row["version"])
    about = About(
        round_id=request.round_id,
        round_title=row["title"],
        questionnaire=row["slug"],
        version=row["version_label"],
        content_hash=row["content_hash"],
        language=request.language,
        include_drafts=request.include_drafts,
        exported_at=dt.datetime.now(dt.UTC),
        exported_by=f"{viewer.name} <{viewer.email}>",
    )
    counted = await fetchrow(COUNT, request.round_id, request.include_drafts)
    responses = int(counted["n"]) if counted else 0
    await record(
        viewer,
        "round.exported",
        f"round:{request.round_id}",
        format=request.format,
        language=request.language,
        drafts=request.include_drafts,
        labels=request.labels,
        responses=responses,
        content_hash=about.content_hash,
    )
    return Prepared(request, build(survey, request.language), about, responses)


async def records(round_id: int, include_drafts: bool) -> AsyncIterator[ResponseRecord]:
    """The round's responses, a chunk of `CHUNK` at a time."""
    after: tuple[str, int] = ("", 0)
    while True:
        rows = await fetch(RESPONSES, round_id, include_drafts, after[0], after[1], CHUNK)
        for r in rows:
            yield ResponseRecord(
                force_name=r["force_name"],
                force_code=r["force_code"],
                country=r["country"],
                region=r["region"],
                force_type=r["force_type"],
                size_band=r["size_band"],
                status=r["status"],
                language=r["language"],
                started_at=r["started_at"],
                submitted_at=r["submitted_at"],
                answers=json_value(r["answers"]) or {},
            )
        if len(rows) < CHUNK:
            return
        after = (rows[-1]["force_name"], rows[-1]["id"])


async def csv_lines(prepared: Prepared) -> AsyncIterator[bytes]:
    """The CSV file, line by line (the header first)."""
    variables = prepared.dataset.variables
    yield csv_file.header(variables)
    async for r in records(prepared.about.round_id, prepared.request.include_drafts):
        yield csv_file.line(variables, prepared.dataset.row(r), prepared.request.labels)


async def write_file(prepared: Prepared, folder: Path) -> Path:
    """The XLSX, SPSS or Stata file, written in `folder` (a temporary folder the caller removes)."""
    fmt = prepared.request.format
    path = folder / prepared.about.filename(fmt)
    variables = prepared.dataset.variables
    if fmt == ExportFormat.XLSX:
        writer = XlsxWriter(variables, prepared.about, prepared.request.labels)
        async for r in records(prepared.about.round_id, prepared.request.include_drafts):
            writer.append(prepared.dataset.row(r))
        writer.save(path)
        return path
    rows = [prepared.dataset.row(r) async for r in records(prepared.about.round_id, prepared.request.include_drafts)]
    if fmt == ExportFormat.SAV:
        stat_files.write_sav(path, variables, rows, prepared.about)
    else:
        stat_files.write_dta(path, variables, rows, prepared.about)
    return path


def temporary_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="px-export-"))


@dataclass(frozen=True)
class Codebook:
    about: About
    entries: list[CodebookEntry]
    headings: list[str]


async def codebook_for(round_id: int, lang: str, fmt: str, viewer: Viewer) -> tuple[Prepared, Codebook] | None:
    """A round's codebook in `lang` (None: no such round); recorded in the audit trail too."""
    prepared = await prepare(ExportRequest(round_id, f"codebook-{fmt}", lang), viewer)
    if prepared is None:
        return None
    language = language_for(lang)
    return prepared, Codebook(
        prepared.about, codebook.entries(prepared.dataset.variables, language), codebook.headings(language)
    )


def write_codebook_xlsx(prepared: Prepared, folder: Path) -> Path:
    path = folder / prepared.about.filename(CodebookFormat.XLSX, "codebook")
    codebook.write_xlsx(path, prepared.dataset.variables, prepared.about, language_for(prepared.about.language))
    return path


def language_of(code: str) -> Language:
    return language_for(code)
