"""What the library's pages and JSON routes share: reading the report form (multipart), and the
PDF download answer (an attachment that browsers must not sniff or keep in shared caches)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException

from backend.audit.refusals import refused
from backend.i18n import LANGUAGES
from backend.library.checks import ReportInput, Upload
from backend.library.services import ReportRow, get_report
from backend.security.roles import Viewer

#: Requests larger than this are refused (413) before they are read; the PDF's own limit is the
#: LIBRARY_MAX_BYTES setting (a field message), which must stay below it.
MAX_REQUEST_BYTES = 128 * 1024 * 1024


NOT_FOUND = "There is no such report."


async def visible_report(request: Request[Any, Any, Any], viewer: Viewer, report_id: int) -> ReportRow:
    found = await get_report(report_id, viewer)
    if found is None:
        await refused(request, viewer, "not_published", f"library_report:{report_id}")
        raise NotFoundException(NOT_FOUND)
    return found


async def read_form(request: Request[Any, Any, Any]) -> tuple[ReportInput, Upload | None]:
    """The report's fields (`title_en`, `summary_fr`, `themes` repeated, ...) and its file."""
    form = await request.form()

    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    data = ReportInput(
        title={code: text(f"title_{code}") for code in LANGUAGES},
        summary={code: text(f"summary_{code}") for code in LANGUAGES},
        default_language=text("default_language") or "en",
        authors=text("authors"),
        published_on=text("published_on"),
        themes=[t for t in form.getall("themes") if isinstance(t, str)] if "themes" in form else [],
    )
    return data, await as_upload(form.get("file"))


async def as_upload(value: Any) -> Upload | None:
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return Upload(value.filename, value.content_type or "", await value.read())


def pdf_response(report: ReportRow, content: bytes) -> Response[bytes]:
    return Response(
        content=content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{report.filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
