"""The library's staff pages: publish a report (form with its PDF), edit it, unpublish it or
publish it again. Nothing is ever deleted; every change is audited."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import LANGUAGES, Language
from backend.library.checks import ReportInput
from backend.library.deps import MAX_REQUEST_BYTES, read_form, visible_report
from backend.library.services import Invalid, ReportRow, create_report, edit_report, set_published, themes
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render


def _values(report: ReportRow | ReportInput | None) -> dict[str, Any]:
    """The form's fields, from a stored report or from what was sent."""
    if report is None:
        return {"default_language": "en", "themes": []}
    values: dict[str, Any] = {
        "default_language": report.default_language,
        "authors": report.authors,
        "published_on": str(report.published_on),
        "themes": list(report.themes),
    }
    for code in LANGUAGES:
        values[f"title_{code}"] = report.title.get(code, "")
        values[f"summary_{code}"] = report.summary.get(code, "")
    return values


class StaffLibraryController(Controller):
    path = "/staff/library"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    async def _form(
        self,
        request: Request[Any, Any, Any],
        language: Language,
        values: dict[str, Any],
        report_id: int | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        return await render(
            request,
            "library/edit.html",
            status_code=400 if errors else 200,
            values=values,
            report_id=report_id,
            errors=errors or {},
            themes=await themes(language),
            languages=LANGUAGES,
            page_path="/staff/library/new" if report_id is None else f"/staff/library/{report_id}/edit",
        )

    @get("/new")
    async def new(self, request: Request[Any, Any, Any], language: Injected[Language]) -> Template:
        """The form to publish a report."""
        return await self._form(request, language, _values(None))

    @post("/new", request_max_body_size=MAX_REQUEST_BYTES)
    async def create(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
    ) -> Template | Redirect:
        """Publish a report with its PDF; with any problem, the form again and nothing stored."""
        data, upload = await read_form(request)
        try:
            report = await create_report(data, upload, viewer, settings.library_max_bytes, language)
        except Invalid as exc:
            return await self._form(request, language, _values(data), errors=exc.problems)
        flash(request, language.gettext("The report is published."), "success")
        return redirect(f"/library/{report.id}")

    @get("/{report_id:int}/edit")
    async def edit(
        self, request: Request[Any, Any, Any], report_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """The form to change a report (a new PDF is optional)."""
        found = await visible_report(request, viewer, report_id)
        return await self._form(request, language, _values(found), report_id)

    @post("/{report_id:int}/edit", request_max_body_size=MAX_REQUEST_BYTES)
    async def save(
        self,
        request: Request[Any, Any, Any],
        report_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
    ) -> Template | Redirect:
        """Save the changes; with any problem, the form again and nothing changed."""
        await visible_report(request, viewer, report_id)
        data, upload = await read_form(request)
        try:
            await edit_report(report_id, data, upload, viewer, settings.library_max_bytes, language)
        except Invalid as exc:
            return await self._form(request, language, _values(data), report_id, errors=exc.problems)
        flash(request, language.gettext("The report is saved."), "success")
        return redirect(f"/library/{report_id}")

    @post("/{report_id:int}/unpublish")
    async def unpublish(
        self, request: Request[Any, Any, Any], report_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Hide the report from partners (kept, and audited)."""
        await visible_report(request, viewer, report_id)
        await set_published(report_id, False, viewer)
        flash(request, language.gettext("The report is unpublished: partners no longer see it."), "success")
        return redirect(f"/library/{report_id}")

    @post("/{report_id:int}/publish")
    async def republish(
        self, request: Request[Any, Any, Any], report_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Show an unpublished report to partners again (audited)."""
        await visible_report(request, viewer, report_id)
        await set_published(report_id, True, viewer)
        flash(request, language.gettext("The report is published."), "success")
        return redirect(f"/library/{report_id}")
