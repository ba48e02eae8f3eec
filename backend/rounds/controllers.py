"""Staff pages for rounds: list, open a new round, follow responses, close (publishing: publication/staff.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.partners.services import list_forces
from backend.profile_changes.services import count_pending
from backend.publication.services import close_round
from backend.rounds.forms import NewRoundForm, ReplaceLink
from backend.rounds.schemas import RoundStatus
from backend.rounds.services import (
    NewRound,
    closing_time,
    get_round,
    list_rounds,
    new_round_problems,
    renew_link,
    round_overview,
    start_round,
)
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.surveys.services import latest_versions, list_versions
from backend.web.forms import FORM
from backend.web.params import Injected, PathId, form_int
from backend.web.render import redirect, render


class StaffRoundController(Controller):
    path = "/staff"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        """Staff start page: rounds, questionnaires, and force-profile changes awaiting review."""
        return await render(
            request,
            "staff/home.html",
            rounds=await list_rounds(),
            versions=await latest_versions(),
            pending_profile_changes=await count_pending(),
        )

    @get("/rounds/new")
    async def new_round(self, request: Request[Any, Any, Any]) -> Template:
        return await self._new_form(request, {}, {})

    async def _new_form(
        self, request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str], status_code: int = 200
    ) -> Template:
        versions = await list_versions()
        forces = await list_forces()
        return await render(
            request,
            "staff/round_new.html",
            status_code=status_code,
            versions=versions,
            forces=forces,
            values=values,
            errors=errors,
        )

    @post("/rounds")
    async def create_round(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        viewer: Injected[Viewer],
        data: Annotated[NewRoundForm, FORM],
    ) -> Template | Redirect:
        """Open a round: one invitation per respondent contact of each chosen force; on any
        problem, the form again with every message and what was chosen."""
        errors: dict[str, str] = {}
        version_id = form_int(data.version) or 0
        try:
            force_ids = [int(f) for f in data.forces]
        except ValueError:
            errors["forces"] = "One of the chosen forces does not exist."
            force_ids = []
        try:
            min_group = int(data.min_group_size)
        except ValueError:
            errors["min_group_size"] = "Enter the minimum group size as a whole number, like 5."
            min_group = 0
        closes_at = None
        if data.closes_on:
            try:
                closes_at = closing_time(dt.date.fromisoformat(data.closes_on))
            except ValueError:
                errors["closes_on"] = "Enter the closing date as YYYY-MM-DD, like 2027-03-31."
        new_round = NewRound(data.title, version_id, force_ids, min_group, closes_at)
        for problem in await new_round_problems(new_round, settings.min_group_size_floor):
            errors.setdefault(problem.field, problem.message)
        if errors:
            return await self._new_form(request, data.values(), errors, status_code=400)
        round_id, invited = await start_round(new_round, settings.secret_key, viewer)
        if invited == 0:
            flash(request, "The round is open, but none of the chosen forces has a contact who answers.", "warning")
        else:
            flash(request, f"Round opened with {invited} personal invitation links.", "success")
        return redirect(f"/staff/rounds/{round_id}")

    @get("/rounds/{round_id:int}")
    async def round_page(
        self, request: Request[Any, Any, Any], round_id: PathId, settings: NamedDependency[Settings]
    ) -> Template:
        """A round: who is invited (with their personal links), response counts, a summary per question."""
        overview = await round_overview(round_id, settings.base_url, settings.secret_key)
        if overview is None:
            raise NotFoundException()
        return await render(
            request,
            "staff/round.html",
            round=overview.round,
            survey=overview.survey,
            invitations=overview.invitations,
            summary=overview.summary,
            counts=overview.counts,
            forces_invited=overview.forces_invited,
            versions=overview.versions,
        )

    @post("/rounds/{round_id:int}/close")
    async def close(self, request: Request[Any, Any, Any], round_id: PathId, viewer: Injected[Viewer]) -> Redirect:
        """Close an open round: respondents can no longer change answers."""
        round_row = await get_round(round_id)
        if round_row is None:
            raise NotFoundException()
        if round_row.status != RoundStatus.OPEN:
            flash(request, "Only an open round can be closed.", "error")
        else:
            await close_round(round_id, viewer)
            flash(request, "Round closed: respondents can no longer change answers.", "success")
        return redirect(f"/staff/rounds/{round_id}")

    @post("/invitations/{invitation_id:int}/replace")
    async def replace(
        self,
        request: Request[Any, Any, Any],
        invitation_id: PathId,
        settings: NamedDependency[Settings],
        viewer: Injected[Viewer],
        data: Annotated[ReplaceLink, FORM],
    ) -> Redirect:
        """A new personal link for an invitation; the old one stops working at once."""
        if await renew_link(invitation_id, settings.secret_key, viewer) is None:
            raise NotFoundException()
        round_id = form_int(data.round) or 0
        flash(request, "A new link was made; the old one no longer works.", "success")
        return redirect(f"/staff/rounds/{round_id}" if round_id else "/staff")
