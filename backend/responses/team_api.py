"""The respondent's JSON routes for working together at one force (the pages:
`team_pages.py`): who answers for the force, inviting a colleague (lead respondent only), and
each answer's history. A respondent session (opened with a personal link) is needed; like
every POST, the session's CSRF token too (`X-CSRFToken` header)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromQuery, JSONBody

from backend.i18n import language_for
from backend.responses.colleagues import ColleagueRefused, TeamMember, invite_colleague, is_lead, team
from backend.responses.deps import Respondent, load_respondent
from backend.responses.history import history, question_ids
from backend.responses.schemas import AnswerChangeOut, ResponseStatus
from backend.settings import Settings
from backend.web.errors import invalid, refusals
from backend.web.params import Injected

_SESSION = "No respondent session (open the personal link), or the link is no longer valid"


class Team(msgspec.Struct, frozen=True):
    """Who answers for the force, and whether this person may invite more."""

    members: list[TeamMember]
    #: this person is the force's lead respondent and the questionnaire takes answers
    can_invite: bool


class NewColleague(msgspec.Struct, frozen=True):
    name: str
    email: str
    #: en, fr or es; empty: the lead respondent's language
    language: str = ""


class InvitedColleague(msgspec.Struct, frozen=True):
    person_id: int
    name: str
    email: str
    #: a new person at the force (False: someone already there, now invited)
    created: bool


class TeamApiController(Controller):
    path = "/respond/api"
    tags = ["respondents"]
    dependencies = {"respondent": Provide(load_respondent)}

    @get(
        "/colleagues",
        summary="Who answers for the force",
        description="The force's people who answer, with their link for this round, and whether this "
        "person (the lead respondent, while the questionnaire takes answers) may invite colleagues.",
        responses=refusals(403, says={403: _SESSION}),
    )
    async def colleagues(self, respondent: Injected[Respondent]) -> Team:
        r = respondent
        lead = await is_lead(r.invitation.person_id, r.invitation.force_id)
        return Team(await team(r.invitation.round_id, r.invitation.force_id), lead and r.editable)

    @post(
        "/colleagues",
        summary="Invite a colleague to help answer",
        description="The lead respondent invites a colleague: a person at the force (partner role "
        "`colleague`; an address already at the force is invited as it is) with a personal link of their "
        "own for this round, mailed in their language. They edit the force's one response. Written to the "
        "audit trail (`colleague.invited`).",
        status_code=201,
        responses=refusals(
            403,
            409,
            422,
            says={
                403: _SESSION + "; or this person is not the force's lead respondent",
                409: "The questionnaire no longer takes answers, or that person already has a link; nothing changed",
            },
        ),
    )
    async def invite(
        self, respondent: Injected[Respondent], data: JSONBody[NewColleague], settings: NamedDependency[Settings]
    ) -> InvitedColleague:
        r = respondent
        try:
            done = await invite_colleague(
                r.invitation,
                data.name,
                data.email,
                data.language,
                settings.secret_key,
                language_for(r.lang),
                responded=r.response.status == ResponseStatus.SUBMITTED,
            )
        except ColleagueRefused as refusal:
            if refusal.status_code == 400:
                raise invalid(refusal.problems) from refusal
            raise HTTPException(status_code=refusal.status_code, detail=str(refusal)) from refusal
        return InvitedColleague(done.person_id, done.name, done.email, done.created)

    @get(
        "/history",
        summary="The history of the force's answers",
        description="Every change to the answers, the latest first: who, when, before and after (in words, in "
        "the respondent's language), including saves refused because someone else saved first (`saved` "
        "false). `question` or `section` narrows it to one question or one page.",
        responses=refusals(403, 404, says={403: _SESSION, 404: "The questionnaire has no such question or page"}),
    )
    async def answer_history(
        self,
        respondent: Injected[Respondent],
        question: FromQuery[str | None] = None,
        section: FromQuery[str | None] = None,
    ) -> list[AnswerChangeOut]:
        r = respondent
        try:
            ids = question_ids(r.survey, question, section)
        except KeyError:
            raise NotFoundException("The questionnaire has no such question or page") from None
        changes = await history(r.response.id, r.survey, r.lang, ids)
        return [msgspec.convert(c, AnswerChangeOut, from_attributes=True) for c in changes]
