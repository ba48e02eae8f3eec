"""The library's pages for partners (and staff, who also see unpublished reports): the list with
its theme filter and search, a report's page and its PDF. The same in JSON: `api.py`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Template

from backend.audit.refusals import refused
from backend.i18n import Language
from backend.library.deps import NOT_FOUND, pdf_response, visible_report
from backend.library.services import list_reports, report_pdf, themes
from backend.security.guards import requires_partner
from backend.security.roles import Viewer
from backend.web.params import Injected, PathId
from backend.web.render import render


class LibraryController(Controller):
    path = "/library"
    guards = [requires_partner]
    tags = ["pages: partners"]
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        theme: FromQuery[str] = "",
        q: FromQuery[str] = "",
    ) -> Template:
        """Reports, newest first; `theme` (a questionnaire section) and `q` (words) narrow it."""
        all_themes = await themes(language)
        return await render(
            request,
            "library/index.html",
            reports=await list_reports(viewer, theme[:100], q[:200]),
            themes=all_themes,
            theme_titles={t.id: t for t in all_themes},
            theme=theme,
            q=q,
        )

    @get("/{report_id:int}")
    async def report(
        self, request: Request[Any, Any, Any], report_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """A report: its title, authors, date, summary and themes, and the PDF to download."""
        found = await visible_report(request, viewer, report_id)
        all_themes = await themes(language)
        return await render(request, "library/report.html", report=found, theme_titles={t.id: t for t in all_themes})

    @get("/{report_id:int}/pdf")
    async def pdf(
        self, request: Request[Any, Any, Any], report_id: PathId, viewer: Injected[Viewer]
    ) -> Response[bytes]:
        """The report's PDF, as an attachment (audited)."""
        found = await report_pdf(report_id, viewer)
        if found is None:
            await refused(request, viewer, "not_published", f"library_report:{report_id}")
            raise NotFoundException(NOT_FOUND)
        return pdf_response(*found)
