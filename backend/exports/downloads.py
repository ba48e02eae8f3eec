"""Export files as HTTP responses, shared by the staff pages and the JSON API: the CSV as a
stream of lines; the other files written to a temporary folder, sent in chunks, then removed."""

from __future__ import annotations

import shutil
from pathlib import Path

from litestar.background_tasks import BackgroundTask
from litestar.response import File, Stream

from backend.exports.about import MEDIA_TYPES, About, ExportFormat
from backend.exports.services import Prepared, csv_lines, temporary_folder, write_codebook_xlsx, write_file


def _headers(about: About) -> dict[str, str]:
    return {
        "cache-control": "no-store",
        "x-questionnaire-version": about.version,
        "x-questionnaire-hash": about.content_hash,
    }


async def export_response(prepared: Prepared) -> Stream | File:
    about = prepared.about
    if prepared.request.format == ExportFormat.CSV:
        headers = _headers(about) | {"content-disposition": f'attachment; filename="{about.filename("csv")}"'}
        return Stream(csv_lines(prepared), media_type=MEDIA_TYPES["csv"], headers=headers)
    folder = temporary_folder()
    try:
        path = await write_file(prepared, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _file(path, folder, about, MEDIA_TYPES[prepared.request.format])


def codebook_xlsx_response(prepared: Prepared) -> File:
    folder = temporary_folder()
    try:
        path = write_codebook_xlsx(prepared, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _file(path, folder, prepared.about, MEDIA_TYPES["xlsx"])


def _file(path: Path, folder: Path, about: About, media_type: str) -> File:
    return File(
        path,
        filename=path.name,
        media_type=media_type,
        headers=_headers(about),
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
