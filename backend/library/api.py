"""The library's JSON API: the same actions, guards, checks and audit as its pages. Reports are
listed, read and downloaded by partners (published ones) and staff (every one); staff publish
(multipart upload), edit, unpublish and publish again."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import CacheControlHeader, UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import Body, FromQuery, JSONBody

from backend.i18n import LANGUAGES, Language
from backend.library.checks import ReportInput, check_upload
from backend.library.deps import MAX_REQUEST_BYTES, NOT_FOUND, as_upload, pdf_response, visible_report
from backend.library.services import (
    Invalid,
    ReportRow,
    create_report,
    edit_report,
    list_reports,
    report_input,
    report_pdf,
    set_published,
)
from backend.security.guards import requires_partner, requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.web.errors import invalid, refusals
from backend.web.params import Injected, PathId

NO_STORE = CacheControlHeader(no_store=True)

_STAFF = (
    " Staff only; written to the audit trail. With a session, send the `csrftoken` cookie's value in the "
    "`X-CSRFToken` header; with a personal API token (`Authorization: Bearer …`, write scope), no CSRF token."
)


class ReportOut(msgspec.Struct):
    id: int
    #: in the reader's language, else the report's default language (`title_lang` says which)
    title: str
    title_lang: str
    summary: str
    summary_lang: str
    #: every language's title and summary
    titles: dict[str, str]
    summaries: dict[str, str]
    default_language: str
    authors: str
    published_on: dt.date
    #: section ids of the drug-market questionnaire
    themes: list[str]
    filename: str
    size: int
    #: false: unpublished (only staff see it)
    published: bool
    #: where to download the PDF
    pdf: str


def report_out(r: ReportRow, language: Language) -> ReportOut:
    title = r.shown_title(language)
    summary = r.shown_summary(language)
    return ReportOut(
        id=r.id,
        title=title.text,
        title_lang=title.lang,
        summary=summary.text if summary else "",
        summary_lang=summary.lang if summary else r.default_language,
        titles=r.title,
        summaries=r.summary,
        default_language=r.default_language,
        authors=r.authors,
        published_on=r.published_on,
        themes=r.themes,
        filename=r.filename,
        size=r.size,
        published=r.published,
        pdf=f"/api/library/reports/{r.id}/pdf",
    )


class ReportUpload(msgspec.Struct):
    """A new report as multipart form fields: the PDF as `file` (within LIBRARY_MAX_BYTES) and
    the title in `default_language` are required."""

    file: UploadFile
    default_language: str = "en"
    title_en: str = ""
    title_fr: str = ""
    title_es: str = ""
    summary_en: str = ""
    summary_fr: str = ""
    summary_es: str = ""
    authors: str = ""
    #: YYYY-MM-DD
    published_on: str = ""
    #: section ids of the drug-market questionnaire, separated by commas
    themes: str = ""


class PdfFile(msgspec.Struct):
    """A report's new PDF, as the multipart field `file`."""

    file: UploadFile


def _input(data: ReportUpload) -> ReportInput:
    fields = msgspec.structs.asdict(data)
    return ReportInput(
        title={code: str(fields[f"title_{code}"]) for code in LANGUAGES},
        summary={code: str(fields[f"summary_{code}"]) for code in LANGUAGES},
        default_language=data.default_language,
        authors=data.authors,
        published_on=data.published_on,
        themes=[t for t in data.themes.split(",") if t.strip()],
    )


class LibraryApiController(Controller):
    path = "/api/library/reports"
    guards = [requires_partner]
    tags = ["reports library"]
    cache_control = NO_STORE

    @get(
        "/",
        summary="List reports",
        description="Newest first. Partners see published reports; staff also unpublished ones. `theme`: a section "
        "id of the drug-market questionnaire; `q`: words in a title or summary (any language).",
        responses=refusals(401, 403),
    )
    async def index(
        self, viewer: Injected[Viewer], language: Injected[Language], theme: FromQuery[str] = "", q: FromQuery[str] = ""
    ) -> list[ReportOut]:
        return [report_out(r, language) for r in await list_reports(viewer, theme[:100], q[:200])]

    @get("/{report_id:int}", summary="Read a report", responses=refusals(401, 403, 404))
    async def read(
        self, request: Request[Any, Any, Any], report_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> ReportOut:
        return report_out(await visible_report(request, viewer, report_id), language)

    @get(
        "/{report_id:int}/pdf",
        summary="Download a report's PDF",
        description="`application/pdf` as an attachment; written to the audit trail.",
        responses=refusals(401, 403, 404),
        media_type="application/pdf",
    )
    async def pdf(
        self, request: Request[Any, Any, Any], report_id: PathId, viewer: Injected[Viewer]
    ) -> Response[bytes]:
        found = await report_pdf(report_id, viewer)
        if found is None:
            await visible_report(request, viewer, report_id)  # audits the refusal and answers 404
            raise NotFoundException(NOT_FOUND)
        return pdf_response(*found)

    @post(
        "/",
        summary="Publish a report",
        description="Multipart form (fields of `ReportUpload`, the PDF as `file`). The file must be a PDF "
        "(`.pdf`, `application/pdf`, starting `%PDF-`) within the LIBRARY_MAX_BYTES setting; problems are a 422 "
        "naming each field (`file`, `title_en`, `published_on`, …) and nothing is stored." + _STAFF,
        guards=[requires_staff],
        status_code=201,
        request_max_body_size=MAX_REQUEST_BYTES,
        responses=refusals(401, 403, 422),
    )
    async def create(
        self,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: Annotated[ReportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ReportOut:
        try:
            report = await create_report(
                _input(data), await as_upload(data.file), viewer, settings.library_max_bytes, language
            )
        except Invalid as exc:
            raise invalid(exc.problems) from exc
        return report_out(report, language)

    @post(
        "/{report_id:int}",
        summary="Edit a report",
        description="JSON: every field is replaced (`title` and `summary` map en, fr, es to their words; "
        "`themes` is a list of section ids); the PDF is kept (replace it with `POST …/{id}/file`). Problems "
        "are a 422 naming each field; nothing changes." + _STAFF,
        guards=[requires_staff],
        status_code=200,
        responses=refusals(401, 403, 404, 422),
    )
    async def edit(
        self,
        request: Request[Any, Any, Any],
        report_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: JSONBody[ReportInput],
    ) -> ReportOut:
        await visible_report(request, viewer, report_id)
        try:
            report = await edit_report(report_id, data, None, viewer, settings.library_max_bytes, language)
        except Invalid as exc:
            raise invalid(exc.problems) from exc
        if report is None:
            raise NotFoundException(NOT_FOUND)
        return report_out(report, language)

    @post(
        "/{report_id:int}/file",
        summary="Replace a report's PDF",
        description="Multipart form, the PDF as `file`: checked like a new report's (a 422 on `file`; "
        "nothing changes)." + _STAFF,
        guards=[requires_staff],
        status_code=200,
        request_max_body_size=MAX_REQUEST_BYTES,
        responses=refusals(401, 403, 404, 422),
    )
    async def replace_file(
        self,
        request: Request[Any, Any, Any],
        report_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: Annotated[PdfFile, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ReportOut:
        found = await visible_report(request, viewer, report_id)
        upload = await as_upload(data.file)
        problems = check_upload(upload, settings.library_max_bytes, language, required=True)
        if problems:
            raise invalid(problems)
        report = await edit_report(report_id, report_input(found), upload, viewer, settings.library_max_bytes, language)
        if report is None:
            raise NotFoundException(NOT_FOUND)
        return report_out(report, language)

    @post(
        "/{report_id:int}/unpublish",
        summary="Unpublish a report",
        description="Partners no longer see it; nothing is deleted." + _STAFF,
        guards=[requires_staff],
        status_code=200,
        responses=refusals(401, 403, 404),
    )
    async def unpublish(
        self, request: Request[Any, Any, Any], report_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> ReportOut:
        return await self._publish(request, report_id, viewer, language, False)

    @post(
        "/{report_id:int}/publish",
        summary="Publish an unpublished report again",
        description="Partners see it again." + _STAFF,
        guards=[requires_staff],
        status_code=200,
        responses=refusals(401, 403, 404),
    )
    async def republish(
        self, request: Request[Any, Any, Any], report_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> ReportOut:
        return await self._publish(request, report_id, viewer, language, True)

    async def _publish(
        self, request: Request[Any, Any, Any], report_id: int, viewer: Viewer, language: Language, published: bool
    ) -> ReportOut:
        await visible_report(request, viewer, report_id)
        report = await set_published(report_id, published, viewer)
        if report is None:
            raise HTTPException(status_code=404, detail=NOT_FOUND)
        return report_out(report, language)
