"""Staff pages for rounds: list, open a new round, follow responses, close (publishing: publication/staff.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.audit.services import record
from backend.i18n import Language
from backend.partners.services import list_forces
from backend.profile_changes.services import count_pending
from backend.publication.services import close_round
from backend.rounds import lifecycle
from backend.rounds.forms import (
    DeadlineForm,
    ForcesForm,
    NewRoundForm,
    OpenAtForm,
    ReminderScheduleForm,
    ReplaceLink,
    title_field,
)
from backend.rounds.monitor import non_responders_csv, round_monitor
from backend.rounds.reminders import remind_now
from backend.rounds.schemas import RoundStatus
from backend.rounds.services import (
    NewRound,
    RoundInputError,
    closing_time,
    get_round,
    list_rounds,
    new_round_problems,
    opening_time,
    reminder_days,
    renew_link,
    round_groups,
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
        language: Injected[Language],
        data: Annotated[NewRoundForm, FORM],
    ) -> Template | Redirect:
        """Open a round: one invitation per respondent contact of each chosen force; on any
        problem, the form again with every message and what was chosen."""
        errors: dict[str, str] = {}
        version_id = form_int(data.version) or 0
        try:
            force_ids = [int(f) for f in data.forces]
        except ValueError:
            errors["forces"] = language.gettext("One of the chosen forces does not exist.")
            force_ids = []
        try:
            min_group = int(data.min_group_size)
        except ValueError:
            errors["min_group_size"] = language.gettext("Enter the minimum group size as a whole number, like 5.")
            min_group = 0
        closes_at = None
        if data.closes_on:
            try:
                closes_at = closing_time(dt.date.fromisoformat(data.closes_on))
            except ValueError:
                errors["closes_on"] = language.gettext("Enter the closing date as YYYY-MM-DD, like 2027-03-31.")
        opens_at = None
        if data.opens_at:
            try:
                opens_at = opening_time(data.opens_at)
            except ValueError:
                errors["opens_at"] = language.gettext(
                    "Enter the opening time as YYYY-MM-DD HH:MM, like 2027-03-01 09:00."
                )
        try:
            days = reminder_days(data.reminder_days)
            cap = int(data.reminder_cap or "0")
        except ValueError:
            errors["reminder_days"] = language.gettext("Enter days before the deadline as whole numbers, like 7, 2.")
            days, cap = [], 0
        new_round = NewRound(
            data.title,
            version_id,
            force_ids,
            min_group,
            closes_at,
            data.titles(),
            opens_at=opens_at,
            draft=data.draft == "yes",
            reminder_days=tuple(days),
            reminder_cap=cap,
        )
        for problem in await new_round_problems(new_round, settings.min_group_size_floor, language):
            errors.setdefault(title_field(problem.field), problem.message)
        if errors:
            return await self._new_form(request, data.values(), errors, status_code=400)
        round_id, invited = await start_round(new_round, settings.secret_key, viewer)
        if new_round.draft:
            flash(request, language.gettext("The round is saved as a draft: nobody is invited yet."), "success")
        elif opens_at is not None:
            flash(request, language.gettext("The round is scheduled: invitations go out when it opens."), "success")
        elif invited == 0:
            message = language.gettext("The round is open, but none of the chosen forces has a contact who answers.")
            flash(request, message, "warning")
        else:
            message = language.ngettext(
                "Round opened with %(num)d personal invitation link.",
                "Round opened with %(num)d personal invitation links.",
                invited,
            )
            flash(request, message, "success")
        return redirect(f"/staff/rounds/{round_id}")

    @get("/rounds/{round_id:int}")
    async def round_page(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        settings: NamedDependency[Settings],
        language: Injected[Language],
    ) -> Template:
        """A round: who is invited (with their personal links), response counts, a summary per question."""
        overview = await round_overview(round_id, settings.base_url, settings.secret_key, language)
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
            forces=await list_forces(),
            in_round=set(await round_groups(round_id)),
        )

    @post("/rounds/{round_id:int}/close")
    async def close(
        self, request: Request[Any, Any, Any], round_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Close an open round: respondents can no longer change answers."""
        round_row = await get_round(round_id)
        if round_row is None:
            raise NotFoundException()
        if round_row.status != RoundStatus.OPEN:
            flash(request, language.gettext("Only an open round can be closed."), "error")
        else:
            await close_round(round_id, viewer)
            flash(request, language.gettext("Round closed: respondents can no longer change answers."), "success")
        return redirect(f"/staff/rounds/{round_id}")

    @post("/invitations/{invitation_id:int}/replace")
    async def replace(
        self,
        request: Request[Any, Any, Any],
        invitation_id: PathId,
        settings: NamedDependency[Settings],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ReplaceLink, FORM],
    ) -> Redirect:
        """A new personal link for an invitation; the old one stops working at once."""
        if await renew_link(invitation_id, settings.secret_key, viewer) is None:
            raise NotFoundException()
        round_id = form_int(data.round) or 0
        flash(request, language.gettext("A new link was made; the old one no longer works."), "success")
        return redirect(f"/staff/rounds/{round_id}" if round_id else "/staff")


def _force_ids(data: ForcesForm) -> list[int] | None:
    try:
        return [int(f) for f in data.forces]
    except ValueError:
        return None


class RoundLifecycleController(Controller):
    """A round's life after it is created (rounds/lifecycle.py): open now or at a set time, a
    later deadline, more forces, the reminder schedule, "remind now", revoking a link; and the
    response monitor (rounds/monitor.py). Every refusal is a flash message on the round page."""

    path = "/staff"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @staticmethod
    def _done(
        request: Request[Any, Any, Any], round_id: int, problem: RoundInputError | None, message: str
    ) -> Redirect:
        if problem is not None:
            flash(request, problem.message, "error")
        else:
            flash(request, message, "success")
        return redirect(f"/staff/rounds/{round_id}")

    @post("/rounds/{round_id:int}/open")
    async def open_now(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        settings: NamedDependency[Settings],
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        invited, problem = await lifecycle.open_now(round_id, settings.secret_key, viewer, language)
        message = language.ngettext(
            "Round opened with %(num)d personal invitation link.",
            "Round opened with %(num)d personal invitation links.",
            invited,
        )
        return self._done(request, round_id, problem, message)

    @post("/rounds/{round_id:int}/schedule")
    async def schedule(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[OpenAtForm, FORM],
    ) -> Redirect:
        try:
            opens_at = opening_time(data.opens_at)
        except ValueError:
            message = language.gettext("Enter the opening time as YYYY-MM-DD HH:MM, like 2027-03-01 09:00.")
            return self._done(request, round_id, RoundInputError("opens_at", message), "")
        problem = await lifecycle.schedule(round_id, opens_at, viewer, language)
        return self._done(
            request, round_id, problem, language.gettext("The round is scheduled: invitations go out when it opens.")
        )

    @post("/rounds/{round_id:int}/deadline")
    async def deadline(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[DeadlineForm, FORM],
    ) -> Redirect:
        try:
            closes_at = closing_time(dt.date.fromisoformat(data.closes_on))
        except ValueError:
            message = language.gettext("Enter the closing date as YYYY-MM-DD, like 2027-03-31.")
            return self._done(request, round_id, RoundInputError("closes_on", message), "")
        problem = await lifecycle.extend_deadline(round_id, closes_at, viewer, language)
        return self._done(
            request, round_id, problem, language.gettext("The deadline is extended; reminders follow the new date.")
        )

    @post("/rounds/{round_id:int}/forces")
    async def add_forces(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        settings: NamedDependency[Settings],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ForcesForm, FORM],
    ) -> Redirect:
        force_ids = _force_ids(data)
        if force_ids is None:
            message = language.gettext("One of the chosen forces does not exist.")
            return self._done(request, round_id, RoundInputError("forces", message), "")
        invited, problem = await lifecycle.add_forces(round_id, force_ids, settings.secret_key, viewer, language)
        message = language.ngettext(
            "Forces added; %(num)d invitation sent.", "Forces added; %(num)d invitations sent.", invited
        )
        return self._done(request, round_id, problem, message)

    @post("/rounds/{round_id:int}/reminders")
    async def reminder_schedule(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ReminderScheduleForm, FORM],
    ) -> Redirect:
        try:
            days, cap = reminder_days(data.reminder_days), int(data.reminder_cap or "0")
        except ValueError:
            message = language.gettext("Enter days before the deadline as whole numbers, like 7, 2.")
            return self._done(request, round_id, RoundInputError("reminder_days", message), "")
        problem = await lifecycle.set_reminders(round_id, days, cap, viewer, language)
        return self._done(request, round_id, problem, language.gettext("The reminder schedule is saved."))

    @post("/rounds/{round_id:int}/remind")
    async def remind(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ForcesForm, FORM],
    ) -> Redirect:
        """ "Remind now" for the forces chosen on the monitor."""
        force_ids = _force_ids(data) or []
        result = await remind_now(round_id, force_ids, viewer, language)
        if result.problem is not None:
            flash(request, result.problem.message, "error")
        else:
            message = language.ngettext("%(num)d reminder queued.", "%(num)d reminders queued.", result.sent)
            flash(request, message, "success")
            if result.opted_out:
                skipped = language.gettext(
                    "Not reminded (they switched reminders off): %(people)s", people=", ".join(result.opted_out)
                )
                flash(request, skipped, "warning")
        return redirect(f"/staff/rounds/{round_id}/monitor")

    @post("/invitations/{invitation_id:int}/revoke")
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        invitation_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ReplaceLink, FORM],
    ) -> Redirect:
        """Stop a link at once; "New link" reissues it (and sends it)."""
        round_id = await lifecycle.revoke(invitation_id, viewer)
        if round_id is None:
            flash(request, language.gettext("That link is already revoked."), "error")
            round_id = form_int(data.round) or 0
        else:
            flash(request, language.gettext("The link is revoked: it no longer works."), "success")
        return redirect(f"/staff/rounds/{round_id}" if round_id else "/staff")

    @get("/rounds/{round_id:int}/monitor")
    async def monitor(
        self, request: Request[Any, Any, Any], round_id: PathId, language: Injected[Language]
    ) -> Template:
        """Who has submitted, who is in progress and who has not started; rates by group; a chart
        of submissions over time; the non-responders, to export or remind."""
        found = await get_round(round_id)
        if found is None:
            raise NotFoundException()
        shown = await round_monitor(round_id, found.opens_at, language)
        return await render(request, "staff/monitor.html", round=found, monitor=shown)

    @get("/rounds/{round_id:int}/monitor/non-responders.csv")
    async def non_responders(self, round_id: PathId, viewer: Injected[Viewer]) -> Response[str]:
        found = await get_round(round_id)
        if found is None:
            raise NotFoundException()
        shown = await round_monitor(round_id, found.opens_at)
        await record(viewer, "round.non_responders_exported", f"round:{round_id}", forces=len(shown.non_responders))
        return Response(
            non_responders_csv(shown.forces),
            media_type="text/csv; charset=utf-8",
            headers={
                "content-disposition": f'attachment; filename="round-{round_id}-non-responders.csv"',
                "cache-control": "no-store",
            },
        )
