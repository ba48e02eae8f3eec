"""Staff pages for publishing: the preview of exactly what partners will see, the suppression
report, publishing with confirmation, corrections (new versions) and past versions' reports."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import Language
from backend.partners.peer_groups import ALL
from backend.publication.dashboard import build_panels, group_choices, parse_group
from backend.publication.forms import PublishForm
from backend.publication.report import report_to_json
from backend.publication.services import (
    Preview,
    PublishRefused,
    preview,
    publication_versions,
    publish,
    report_lines,
    stored_report,
)
from backend.rounds.services import get_round
from backend.security.guards import requires_admin, requires_staff
from backend.security.roles import Viewer
from backend.surveys.services import load_version
from backend.web.forms import FORM
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render


class StaffPublicationController(Controller):
    path = "/staff/rounds"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    async def _preview_page(
        self,
        request: Request[Any, Any, Any],
        found: Preview,
        group: str,
        correction: bool,
        language: Language,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        survey = await load_version(found.round.version_id)
        disclosed = found.disclosure.round
        choices = group_choices(None, True, disclosed, language)
        chosen = parse_group(group, choices)
        report = await report_lines(report_to_json(found.disclosure), survey, disclosed.min_group_size, language)
        shown = len(disclosed.shown_cells())
        withheld = sum(1 for w in found.disclosure.withheld if w.question_id is not None)
        return await render(
            request,
            "staff/preview.html",
            status_code=status_code,
            round=found.round,
            survey=survey,
            found=found,
            sections=build_panels(survey, disclosed, chosen, {}, language),
            choices=choices,
            chosen=group if chosen != ALL else "all",
            responding=next((g for g in disclosed.responses if g.key == chosen), None),
            report=report,
            cells_shown=shown,
            cells_withheld=withheld,
            correction=correction,
            errors=errors or {},
            min_group_size=disclosed.min_group_size,
            preview=True,
        )

    @get("/{round_id:int}/preview")
    async def preview_page(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        language: Injected[Language],
        group: FromQuery[str] = "all",
        correction: FromQuery[bool] = False,
    ) -> Template:
        """Exactly what partners would see if the round were published now, the suppression
        report, and the form to publish (or to publish a correction)."""
        try:
            found = await preview(round_id, correction=correction, language=language)
        except PublishRefused as exc:
            raise NotFoundException(exc.message) from exc
        return await self._preview_page(request, found, group, correction, language)

    @post("/{round_id:int}/publish", guards=[requires_admin])
    async def publish_round(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[PublishForm, FORM],
    ) -> Template | Redirect:
        """Publish after the preview, once staff have confirmed they checked it."""
        correction = data.correction == "1"
        if data.confirm != "yes":
            found = await preview(round_id, correction=correction, language=language)
            errors = {
                "confirm": language.gettext("Confirm that you have checked the preview and the suppression report.")
            }
            return await self._preview_page(request, found, "all", correction, language, errors, status_code=400)
        try:
            published = await publish(round_id, viewer, correction=correction, language=language)
        except PublishRefused as exc:
            flash(request, exc.message, "error")
            return redirect(f"/staff/rounds/{round_id}")
        if correction:
            message = language.gettext(
                "Correction published as version %(version)d. Partners can now see the comparison charts.",
                version=published.version,
            )
        else:
            message = language.gettext("Results published. Partners can now see the comparison charts.")
        flash(request, message, "success")
        return redirect(f"/staff/rounds/{round_id}")

    @get("/{round_id:int}/publications/{version:int}/report")
    async def version_report(
        self, request: Request[Any, Any, Any], round_id: PathId, version: PathId, language: Injected[Language]
    ) -> Template:
        """The suppression report of a published version: every withheld cell and why."""
        round_row = await get_round(round_id)
        entries = await stored_report(round_id, version)
        if round_row is None or entries is None:
            raise NotFoundException("No such publication.")
        survey = await load_version(round_row.version_id)
        versions = await publication_versions(round_id)
        k = next((v.min_group_size for v in versions if v.version == version), round_row.min_group_size)
        return await render(
            request,
            "staff/publication_report.html",
            round=round_row,
            version=version,
            report=await report_lines(entries, survey, k, language),
        )
