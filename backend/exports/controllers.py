"""Staff pages for exports: a round's responses as CSV, XLSX, SPSS or Stata, and its codebook
(the form is the "Export" section of the round page, `staff/round.html`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import File, Redirect, Stream

from backend.exports.codebook_html import codebook_html
from backend.exports.downloads import codebook_xlsx_response, export_response
from backend.exports.params import export_problems
from backend.exports.services import ExportRequest, codebook_for, language_of, prepare
from backend.i18n import Language
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.params import Injected, PathId
from backend.web.render import redirect


class ExportController(Controller):
    path = "/staff/rounds"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/{round_id:int}/export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        format: str = "csv",
        lang: str = "en",
        drafts: str = "",
        values: str = "codes",
    ) -> Stream | File | Redirect:
        """The round's responses, one row per force, in the chosen format and language."""
        if problems := export_problems(format, lang, language):
            for message in problems.values():
                flash(request, message, "error")
            return redirect(f"/staff/rounds/{round_id}#export")
        prepared = await prepare(ExportRequest(round_id, format, lang, bool(drafts), values == "labels"), viewer)
        if prepared is None:
            raise NotFoundException()
        return await export_response(prepared)

    @get("/{round_id:int}/codebook")
    async def codebook(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        format: str = "html",
        lang: str = "en",
    ) -> Response[str] | File | Redirect:
        """Every variable of the exports: its question, type, codes, missing values, condition."""
        if problems := export_problems(format, lang, language, codebook=True):
            for message in problems.values():
                flash(request, message, "error")
            return redirect(f"/staff/rounds/{round_id}#export")
        found = await codebook_for(round_id, lang, format, viewer)
        if found is None:
            raise NotFoundException()
        prepared, book = found
        if format == "xlsx":
            return codebook_xlsx_response(prepared)
        return Response(
            codebook_html(book, language_of(lang)),
            media_type="text/html; charset=utf-8",
            headers={"cache-control": "no-store"},
        )
