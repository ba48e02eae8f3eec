"""Staff pages for rounds: list, open a new round, follow responses, close (publishing: publication/staff.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from backend.analysis.aggregates import aggregate_round
from backend.analysis.summary import summarise
from backend.audit.services import record
from backend.pages import flash, read_form, redirect, render
from backend.params import PathId, form_int
from backend.partners.services import list_forces
from backend.profile_changes.services import count_pending
from backend.publication.disclosure import MIN_GROUP_SIZE_FLOOR
from backend.publication.services import close_round, publication_versions
from backend.responses.services import response_counts, text_answers
from backend.rounds.services import (
    NewRound,
    check_new_round,
    get_round,
    invitation_url,
    list_rounds,
    open_round,
    replace_invitation,
    round_invitations,
)
from backend.security.guards import load_viewer, requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.surveys.definition import FREE_TEXT_TYPES
from backend.surveys.services import latest_versions, list_versions, load_version


async def _viewer(request: Request[Any, Any, Any]) -> Viewer:
    viewer = await load_viewer(request)
    assert viewer is not None  # the guard let the request through
    return viewer


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
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        form = await read_form(request)
        values: dict[str, Any] = {
            "title": (form.get("title") or [""])[0].strip(),
            "version": (form.get("version") or [""])[0],
            "forces": form.get("forces") or [],
            "min_group_size": (form.get("min_group_size") or ["5"])[0].strip(),
            "closes_on": (form.get("closes_on") or [""])[0].strip(),
        }
        errors: dict[str, str] = {}
        versions = {v["id"] for v in await list_versions()}
        try:
            version_id = int(values["version"])
            if version_id not in versions:
                raise ValueError
        except ValueError:
            errors["version"] = "Choose a questionnaire version."
            version_id = 0
        try:
            force_ids = [int(f) for f in values["forces"]]
        except ValueError:
            errors["forces"] = "One of the chosen forces does not exist."
            force_ids = []
        try:
            min_group = int(values["min_group_size"])
        except ValueError:
            errors["min_group_size"] = "Enter the minimum group size as a whole number, like 5."
            min_group = 0
        closes_at = None
        if values["closes_on"]:
            try:
                closes_at = dt.datetime.combine(
                    dt.date.fromisoformat(values["closes_on"]), dt.time(23, 59), tzinfo=dt.UTC
                )
            except ValueError:
                errors["closes_on"] = "Enter the closing date as YYYY-MM-DD, like 2027-03-31."
        data = NewRound(values["title"], version_id, force_ids, min_group, closes_at)
        known = {f["id"] for f in await list_forces()}
        floor = max(settings.min_group_size_floor, MIN_GROUP_SIZE_FLOOR)
        for problem in check_new_round(data, floor, known, dt.datetime.now(dt.UTC)):
            errors.setdefault(problem.field, problem.message)
        if errors:
            return await self._new_form(request, values, errors, status_code=400)
        viewer = await _viewer(request)
        round_id, invited = await open_round(data, settings.secret_key, viewer)
        await record(viewer, "round.opened", f"round:{round_id}", forces=force_ids, invitations=invited)
        if invited == 0:
            flash(request, "The round is open, but none of the chosen forces has a contact who answers.", "warning")
        else:
            flash(request, f"Round opened with {invited} personal invitation links.")
        return redirect(f"/staff/rounds/{round_id}")

    @get("/rounds/{round_id:int}")
    async def round_page(
        self, request: Request[Any, Any, Any], round_id: PathId, settings: NamedDependency[Settings]
    ) -> Template:
        """A round: who is invited (with their personal links), response counts, a summary per question."""
        round_row = await get_round(round_id)
        if round_row is None:
            raise NotFoundException()
        survey = await load_version(round_row["version"])
        invitations = await round_invitations(round_id)
        for inv in invitations:
            inv["link"] = invitation_url(settings.base_url, settings.secret_key, inv["nonce"])
        raw = await aggregate_round(round_id, survey)
        text_ids = [q.id for q in survey.questions() if q.type in FREE_TEXT_TYPES]
        summary = summarise(survey, raw, await text_answers(round_id, text_ids))
        counts = await response_counts(round_id)
        forces_invited = len({inv["force_id"] for inv in invitations})
        return await render(
            request,
            "staff/round.html",
            round=round_row,
            survey=survey,
            invitations=invitations,
            summary=summary,
            counts=counts,
            forces_invited=forces_invited,
            versions=await publication_versions(round_id),
        )

    @post("/rounds/{round_id:int}/close")
    async def close(self, request: Request[Any, Any, Any], round_id: PathId) -> Redirect:
        round_row = await get_round(round_id)
        if round_row is None:
            raise NotFoundException()
        if round_row["status"] != "open":
            flash(request, "Only an open round can be closed.", "error")
        else:
            await close_round(round_id, await _viewer(request))
            flash(request, "Round closed: respondents can no longer change answers.")
        return redirect(f"/staff/rounds/{round_id}")

    @post("/invitations/{invitation_id:int}/replace")
    async def replace(
        self, request: Request[Any, Any, Any], invitation_id: PathId, settings: NamedDependency[Settings]
    ) -> Redirect:
        form = await read_form(request)
        round_id = form_int((form.get("round") or [""])[0]) or 0
        await replace_invitation(invitation_id, settings.secret_key)
        await record(await _viewer(request), "invitation.replaced", f"invitation:{invitation_id}")
        flash(request, "A new link was made; the old one no longer works.")
        return redirect(f"/staff/rounds/{round_id}" if round_id else "/staff")
