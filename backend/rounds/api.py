"""Staff JSON API for rounds: list them, open one, follow one (counts, summary, invitations
with their personal links), and give an invitation a new link. Closing and publishing:
publication/api.py.

Like every POST, opening a round and replacing a link need the CSRF token of the session: send
the value of the `csrftoken` cookie (`__Host-csrftoken` with SECURE_COOKIES; set by any GET
after signing in) in the `X-CSRFToken` header. Answers are never cached (`no-store`): they
hold personal links.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import JSONBody
from msgspec import Meta

from backend.analysis.summary import QuestionSummary
from backend.i18n import pick
from backend.responses.services import response_counts
from backend.rounds import lifecycle
from backend.rounds.monitor import round_monitor
from backend.rounds.reminders import remind_now
from backend.rounds.schemas import LinkedInvitation, RoundRow
from backend.rounds.services import (
    NewRound,
    RoundInputError,
    closing_time,
    get_round,
    linked_invitations,
    list_rounds,
    new_round_problems,
    renew_link,
    round_overview,
    start_round,
)
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.web.errors import invalid, refusals
from backend.web.forms import Form
from backend.web.params import Injected, PathId

NO_STORE = CacheControlHeader(no_store=True)
_CSRF = (
    " Like every POST, send the `csrftoken` cookie's value (`__Host-csrftoken` over HTTPS), as set "
    "by a GET after signing in, in the `X-CSRFToken` header."
)


class RoundSummary(msgspec.Struct):
    id: int
    #: in the questionnaire's default language
    title: str
    #: the title in every language it was given in, {language: title}
    titles: dict[str, str]
    status: str
    questionnaire: str
    version: str
    min_group_size: int
    forces_invited: int
    submitted: int
    drafts: int
    closes_at: str | None


class ResponseCounts(msgspec.Struct):
    round_id: int
    status: str
    submitted: int
    drafts: int


class NewRoundRequest(Form):
    """A round to open: what the page's form asks. Text is cleaned as the page cleans it (NUL
    dropped, the title's surrounding spaces stripped)."""

    stripped: ClassVar[frozenset[str]] = frozenset({"title"})

    #: the title in the questionnaire's default language (respondents and partners see it)
    title: str
    #: the questionnaire version's id (GET /api/questionnaires); it must be fully translated
    version: int
    #: the forces to invite (GET /api/forces): one invitation per contact who answers for each
    forces: list[int]
    #: published results only show groups with at least this many responding forces (3 or more)
    min_group_size: int = 5
    #: the last day answers are taken (until 23:59 UTC); none: no closing date
    closes_on: date | None = None
    #: the title in other languages, {language: title} (`en`, `fr`, `es` or one of the
    #: questionnaire's languages): partners and respondents reading that language see it, the
    #: others see `title`. A title in the default language must be `title` itself.
    titles: dict[Annotated[str, Meta(max_length=35)], str] = {}
    #: when the round opens (ISO 8601; without a time zone, UTC): it is `scheduled` until then,
    #: and the invitations go out when it opens. None: at once
    opens_at: datetime | None = None
    #: keep it as a `draft`: nobody is invited until it is opened or scheduled
    draft: bool = False
    #: reminders this many days before the deadline (only to forces that have not submitted)
    reminder_days: list[Annotated[int, Meta(ge=0, le=365)]] = msgspec.field(default_factory=lambda: [7, 2])
    #: at most this many scheduled reminders per person (0: none)
    reminder_cap: Annotated[int, Meta(ge=0, le=10)] = 2


class RoundOpened(msgspec.Struct):
    id: int
    #: personal invitations made (GET /api/rounds/{round_id}/invitations for the links); 0 until a
    #: scheduled round or a draft opens
    invitations: int
    #: what the page says once the round is open
    message: str


class InvitationOut(msgspec.Struct):
    id: int
    round_id: int
    force_id: int
    force_name: str
    person_name: str
    email: str
    #: the personal link to hand on (a secret: whoever has it answers for the force)
    link: str
    first_opened_at: datetime | None
    last_opened_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime
    #: draft | submitted; null: the force has not started
    response_status: str | None
    submitted_at: datetime | None


class SummaryRow(msgspec.Struct):
    label: str
    figure: str
    #: a share of the responses, like "40%"; empty where it means nothing
    share: str


class QuestionSummaryOut(msgspec.Struct):
    question_id: str
    label: str
    type: str
    #: whether partners may see it once published
    published: bool
    #: forces that answered
    n: int
    rows: list[SummaryRow]
    #: the answers to a free-text question (staff only; never published)
    texts: list[str]


class RoundDetail(msgspec.Struct):
    id: int
    #: in the questionnaire's default language
    title: str
    #: the title in every language it was given in, {language: title}
    titles: dict[str, str]
    #: draft | open | closed | published
    status: str
    questionnaire: str
    version_id: int
    version: str
    min_group_size: int
    opens_at: datetime | None
    closes_at: datetime | None
    forces_invited: int
    submitted: int
    drafts: int
    #: per question, raw figures over every submitted response (staff see everything)
    summary: list[QuestionSummaryOut]
    #: reminders this many days before the deadline, at most `reminder_cap` per person
    reminder_days: list[int] = msgspec.field(default_factory=list)
    reminder_cap: int = 0


def _invitation(round_id: int, inv: LinkedInvitation) -> InvitationOut:
    return InvitationOut(
        id=inv.id,
        round_id=round_id,
        force_id=inv.force_id,
        force_name=inv.force_name,
        person_name=inv.person_name,
        email=inv.email,
        link=inv.link,
        first_opened_at=inv.first_opened_at,
        last_opened_at=inv.last_opened_at,
        revoked_at=inv.revoked_at,
        expires_at=inv.expires_at,
        response_status=inv.response_status,
        submitted_at=inv.submitted_at,
    )


def _question(s: QuestionSummary) -> QuestionSummaryOut:
    rows = [SummaryRow(label, figure, share) for label, figure, share in s.rows]
    return QuestionSummaryOut(s.question_id, s.label, s.type, s.published, s.n, rows, list(s.texts))


class RoundApiController(Controller):
    path = "/api/rounds"
    guards = [requires_staff]
    tags = ["rounds"]
    cache_control = NO_STORE

    @get("/", summary="All rounds", responses=refusals(401, 403))
    async def rounds(self) -> list[RoundSummary]:
        """Every round with its questionnaire version and response counts (staff only)."""
        return [
            RoundSummary(
                id=r.id,
                title=r.title,
                titles=r.titles,
                status=r.status,
                questionnaire=r.questionnaire,
                version=r.version_label,
                min_group_size=r.min_group_size,
                forces_invited=r.forces_invited,
                submitted=r.submitted,
                drafts=r.drafts,
                closes_at=r.closes_at.isoformat() if r.closes_at else None,
            )
            for r in await list_rounds()
        ]

    @post(
        "/",
        summary="Open a round",
        description="Open a round of a questionnaire version for the chosen forces: one personal invitation "
        "per contact who answers for each, and each force's peer groups frozen for the round, as the "
        "staff page does (the same checks and messages). `title` is in the questionnaire's default "
        "language; `titles` gives it in others (a problem with one names it: `titles.fr`). Written to "
        "the audit trail (`round.opened`)." + _CSRF,
        status_code=201,
        responses=refusals(401, 403, 422),
    )
    async def open_round(
        self, viewer: Injected[Viewer], settings: Injected[Settings], data: JSONBody[NewRoundRequest]
    ) -> RoundOpened:
        new_round = NewRound(
            data.title,
            data.version,
            data.forces,
            data.min_group_size,
            closing_time(data.closes_on) if data.closes_on else None,
            data.titles,
            opens_at=(data.opens_at if data.opens_at.tzinfo else data.opens_at.replace(tzinfo=UTC))
            if data.opens_at
            else None,
            draft=data.draft,
            reminder_days=tuple(data.reminder_days),
            reminder_cap=data.reminder_cap,
        )
        problems: dict[str, str] = {}
        for problem in await new_round_problems(new_round, settings.min_group_size_floor):
            problems.setdefault(problem.field, problem.message)
        if problems:
            raise invalid(problems)
        round_id, invited = await start_round(new_round, settings.secret_key, viewer)
        if new_round.draft:
            message = "The round is saved as a draft: nobody is invited yet."
        elif new_round.opens_at is not None:
            message = "The round is scheduled: invitations go out when it opens."
        elif invited:
            message = f"Round opened with {invited} personal invitation links."
        else:
            message = "The round is open, but none of the chosen forces has a contact who answers."
        return RoundOpened(round_id, invited, message)

    @get(
        "/{round_id:int}",
        summary="A round",
        description="A round as its staff page shows it: the round, its questionnaire version, response "
        "counts and a summary per question (raw figures; staff only).",
        responses=refusals(401, 403, 404),
    )
    async def round_detail(self, round_id: PathId, settings: Injected[Settings]) -> RoundDetail:
        found = await round_overview(round_id, settings.base_url, settings.secret_key)
        if found is None:
            raise NotFoundException("No such round.")
        r, survey = found.round, found.survey
        return RoundDetail(
            id=r.id,
            title=r.title,
            titles=r.titles,
            status=r.status,
            questionnaire=pick(survey.title, survey.default_language, survey.default_language),
            version_id=r.version_id,
            version=survey.version,
            min_group_size=r.min_group_size,
            opens_at=r.opens_at,
            closes_at=r.closes_at,
            forces_invited=found.forces_invited,
            submitted=found.counts.submitted,
            drafts=found.counts.drafts,
            summary=[_question(s) for s in found.summary],
            reminder_days=r.reminder_days,
            reminder_cap=r.reminder_cap,
        )

    @get("/{round_id:int}/responses", summary="Response counts of a round", responses=refusals(401, 403, 404))
    async def counts(self, round_id: PathId) -> ResponseCounts:
        """How many forces have submitted, and how many have a draft (staff only)."""
        round_row = await get_round(round_id)
        if round_row is None:
            raise NotFoundException("No such round.")
        counts = await response_counts(round_id)
        return ResponseCounts(round_id, round_row.status, counts.submitted, counts.drafts)

    @get(
        "/{round_id:int}/invitations",
        summary="Invitations of a round, with their personal links",
        description="Who is invited, for which force, whether they opened their link and how far their "
        "force's response is, and each personal link to hand on (staff only; never cached).",
        responses=refusals(401, 403, 404),
    )
    async def invitations(self, round_id: PathId, settings: Injected[Settings]) -> list[InvitationOut]:
        if await get_round(round_id) is None:
            raise NotFoundException("No such round.")
        return [
            _invitation(round_id, inv)
            for inv in await linked_invitations(round_id, settings.base_url, settings.secret_key)
        ]


class InvitationApiController(Controller):
    path = "/api/invitations"
    guards = [requires_staff]
    tags = ["rounds"]
    cache_control = NO_STORE

    @post(
        "/{invitation_id:int}/replace",
        summary="Give an invitation a new personal link",
        description="The old link stops working at once (sessions opened with it end); the answer holds the "
        "new one. Written to the audit trail (`invitation.replaced`)." + _CSRF,
        status_code=200,
        responses=refusals(401, 403, 404, says={404: "There is no such invitation; nothing changed"}),
    )
    async def replace(
        self, invitation_id: PathId, viewer: Injected[Viewer], settings: Injected[Settings]
    ) -> InvitationOut:
        round_id = await renew_link(invitation_id, settings.secret_key, viewer)
        if round_id is None:
            raise NotFoundException("No such invitation.")
        invitations = await linked_invitations(round_id, settings.base_url, settings.secret_key)
        replaced = next((inv for inv in invitations if inv.id == invitation_id), None)
        if replaced is None:  # pragma: no cover - invitations are never deleted
            raise NotFoundException("No such invitation.")
        return _invitation(round_id, replaced)


# The round's life after it is created (rounds/lifecycle.py, reminders.py, monitor.py).


class OpenedNow(msgspec.Struct):
    round_id: int
    #: personal invitations made and queued by mail
    invitations: int


class RoundDates(msgspec.Struct):
    id: int
    #: draft | scheduled | open | closed | published
    status: str
    opens_at: datetime | None
    closes_at: datetime | None


class ScheduleRequest(msgspec.Struct):
    #: when the round opens (ISO 8601 with a time zone; without one, UTC); in the future
    opens_at: datetime


class DeadlineRequest(msgspec.Struct):
    #: the new last day answers are taken (until 23:59 UTC); later than the current one
    closes_on: date


class ForcesRequest(msgspec.Struct):
    #: force ids (GET /api/forces)
    forces: list[Annotated[int, Meta(ge=1, le=2**31 - 1)]]


class ReminderSchedule(msgspec.Struct):
    #: days before the deadline, e.g. [7, 2]
    days: list[Annotated[int, Meta(ge=0, le=365)]]
    #: at most this many reminders per person (0: none by the schedule)
    cap: Annotated[int, Meta(ge=0, le=10)]


class Reminded(msgspec.Struct):
    round_id: int
    #: reminders queued by mail
    reminders: int
    #: people at the chosen forces not reminded because they switched reminders off
    opted_out: list[str]


class ForcesAdded(msgspec.Struct):
    round_id: int
    #: invitations made and sent (none unless the round is open)
    invitations: int


class Revoked(msgspec.Struct):
    invitation_id: int
    round_id: int


class ForceProgressOut(msgspec.Struct):
    force_id: int
    force_name: str
    region: str
    force_type: str
    size_band: str
    #: submitted | in_progress | not_started
    state: str
    submitted_at: datetime | None
    #: the latest save of its response or opening of one of its links
    last_activity: datetime | None
    #: people invited (links not revoked)
    invited: int
    reminders: int
    last_reminded_at: datetime | None
    emails: list[str]
    #: invited people who switched reminders off
    opted_out: int


class GroupRateOut(msgspec.Struct):
    #: region | force_type | size_band
    dimension: str
    value: str
    forces: int
    submitted: int
    in_progress: int
    not_started: int
    #: submitted / forces
    rate: float


class MonitorOut(msgspec.Struct):
    round_id: int
    status: str
    submitted: int
    in_progress: int
    not_started: int
    forces: list[ForceProgressOut]
    groups: list[GroupRateOut]
    #: submissions over time: a Plotly figure ({"data": […], "layout": {…}}; staff only)
    figure: dict[str, Any]
    #: ids of the forces that have not submitted
    non_responders: list[int]


def _refused(problem: RoundInputError) -> HTTPException:
    """A step the round's state does not allow is a 409; a bad value, a 422 naming its field."""
    if problem.field == "status":
        return HTTPException(status_code=409, detail=problem.message)
    return invalid({problem.field: problem.message})


_LIFECYCLE = refusals(401, 403, 404, 409, 422, says={404: "There is no such round; nothing changed"})


class RoundLifecycleApiController(Controller):
    path = "/api/rounds"
    guards = [requires_staff]
    tags = ["rounds"]
    cache_control = NO_STORE

    @staticmethod
    async def _round(round_id: int) -> RoundRow:
        found = await get_round(round_id)
        if found is None:
            raise NotFoundException("No such round.")
        return found

    @post(
        "/{round_id:int}/open",
        summary="Open a draft or scheduled round now",
        description="The invitations go out by mail at once (the forces' peer groups are taken again as they "
        "are now). 409 unless the round is a draft or scheduled. Audited (`round.opened`)." + _CSRF,
        status_code=200,
        responses=_LIFECYCLE,
    )
    async def open_now(self, round_id: PathId, viewer: Injected[Viewer], settings: Injected[Settings]) -> OpenedNow:
        await self._round(round_id)
        invited, problem = await lifecycle.open_now(round_id, settings.secret_key, viewer)
        if problem is not None:
            raise _refused(problem)
        return OpenedNow(round_id, invited)

    @post(
        "/{round_id:int}/schedule",
        summary="Open a draft or scheduled round at a set time",
        description="The schedule (run each minute by the mail worker) opens it then and sends the "
        "invitations. Audited (`round.scheduled`)." + _CSRF,
        status_code=200,
        responses=_LIFECYCLE,
    )
    async def schedule(self, round_id: PathId, viewer: Injected[Viewer], data: JSONBody[ScheduleRequest]) -> RoundDates:
        await self._round(round_id)
        opens_at = data.opens_at if data.opens_at.tzinfo else data.opens_at.replace(tzinfo=UTC)
        problem = await lifecycle.schedule(round_id, opens_at, viewer)
        if problem is not None:
            raise _refused(problem)
        return await self._detail(round_id)

    @post(
        "/{round_id:int}/deadline",
        summary="Extend a round's deadline",
        description="A later closing date for a round not yet closed: links last longer and the reminder "
        "schedule follows the new date. Audited (`round.deadline_extended`)." + _CSRF,
        status_code=200,
        responses=_LIFECYCLE,
    )
    async def deadline(self, round_id: PathId, viewer: Injected[Viewer], data: JSONBody[DeadlineRequest]) -> RoundDates:
        await self._round(round_id)
        try:
            closes_at = closing_time(data.closes_on)
        except OverflowError as exc:
            raise invalid({"closes_on": "The closing date must be within the next hundred years."}) from exc
        problem = await lifecycle.extend_deadline(round_id, closes_at, viewer)
        if problem is not None:
            raise _refused(problem)
        return await self._detail(round_id)

    @post(
        "/{round_id:int}/forces",
        summary="Add forces to a round",
        description="For a round not yet closed: their peer groups are frozen for it and, if it is open, "
        "their contacts are invited at once. Audited (`round.forces_added`)." + _CSRF,
        status_code=200,
        responses=_LIFECYCLE,
    )
    async def add_forces(
        self, round_id: PathId, viewer: Injected[Viewer], settings: Injected[Settings], data: JSONBody[ForcesRequest]
    ) -> ForcesAdded:
        await self._round(round_id)
        invited, problem = await lifecycle.add_forces(round_id, data.forces, settings.secret_key, viewer)
        if problem is not None:
            raise _refused(problem)
        return ForcesAdded(round_id, invited)

    @post(
        "/{round_id:int}/reminders",
        summary="Set a round's reminder schedule",
        description="Reminders go `days` before the deadline, at most `cap` to each person, only to people "
        "whose force has not submitted and who did not switch reminders off. Audited "
        "(`round.reminders_set`)." + _CSRF,
        status_code=200,
        responses=_LIFECYCLE,
    )
    async def reminders(
        self, round_id: PathId, viewer: Injected[Viewer], data: JSONBody[ReminderSchedule]
    ) -> ReminderSchedule:
        await self._round(round_id)
        problem = await lifecycle.set_reminders(round_id, data.days, data.cap, viewer)
        if problem is not None:
            raise _refused(problem)
        found = await self._round(round_id)
        return ReminderSchedule(found.reminder_days, found.reminder_cap)

    @post(
        "/{round_id:int}/remind",
        summary="Remind chosen forces now",
        description="A reminder with their personal link to everyone invited at the chosen forces of an open "
        "round, unless their force has submitted or they switched reminders off (no cap: staff chose). "
        "Audited (`round.reminded`)." + _CSRF,
        status_code=200,
        responses=_LIFECYCLE,
    )
    async def remind(self, round_id: PathId, viewer: Injected[Viewer], data: JSONBody[ForcesRequest]) -> Reminded:
        await self._round(round_id)
        result = await remind_now(round_id, data.forces, viewer)
        if result.problem is not None:
            raise _refused(result.problem)
        return Reminded(round_id, result.sent, result.opted_out)

    @get(
        "/{round_id:int}/monitor",
        summary="The response monitor of a round",
        description="Each force's state (submitted, in progress, not started), last activity and reminders; "
        "rates by region, force type and size band; submissions over time as a Plotly figure; the "
        "non-responders (staff only: raw figures, never shown to partners).",
        responses=refusals(401, 403, 404),
    )
    async def monitor(self, round_id: PathId) -> MonitorOut:
        found = await self._round(round_id)
        shown = await round_monitor(round_id, found.opens_at)
        return MonitorOut(
            round_id=round_id,
            status=found.status,
            submitted=shown.totals["submitted"],
            in_progress=shown.totals["in_progress"],
            not_started=shown.totals["not_started"],
            forces=[msgspec.convert(msgspec.structs.asdict(f), ForceProgressOut) for f in shown.forces],
            groups=[msgspec.convert(msgspec.structs.asdict(g), GroupRateOut) for g in shown.groups],
            figure=shown.figure,
            non_responders=[f.force_id for f in shown.non_responders],
        )

    async def _detail(self, round_id: int) -> RoundDates:
        found = await self._round(round_id)
        return RoundDates(found.id, found.status, found.opens_at, found.closes_at)


class InvitationLifecycleApiController(Controller):
    path = "/api/invitations"
    guards = [requires_staff]
    tags = ["rounds"]
    cache_control = NO_STORE

    @post(
        "/{invitation_id:int}/revoke",
        summary="Revoke an invitation's link",
        description="The link stops working at once (sessions opened with it end). "
        "`POST /api/invitations/{id}/replace` reissues it and sends the new link. Audited "
        "(`invitation.revoked`)." + _CSRF,
        status_code=200,
        responses=refusals(401, 403, 404, says={404: "There is no such invitation, or it is already revoked"}),
    )
    async def revoke(self, invitation_id: PathId, viewer: Injected[Viewer]) -> Revoked:
        round_id = await lifecycle.revoke(invitation_id, viewer)
        if round_id is None:
            raise NotFoundException("No such invitation, or it is already revoked.")
        return Revoked(invitation_id, round_id)
