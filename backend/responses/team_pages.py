"""Respondent pages for working together at one force: who helps (and, for the lead
respondent, inviting a colleague), and each answer's history (who changed it, when, from what
to what). JSON twins: `team_api.py`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import LANGUAGE_NAMES, language_for
from backend.responses.colleagues import ColleagueRefused, invite_colleague, is_lead, team
from backend.responses.deps import Respondent, load_respondent
from backend.responses.forms import ColleagueForm
from backend.responses.history import history, question_ids
from backend.responses.schemas import ResponseStatus
from backend.settings import Settings
from backend.web.forms import FORM
from backend.web.params import Injected
from backend.web.render import redirect, render


async def _team_page(
    request: Request[Any, Any, Any],
    r: Respondent,
    form: ColleagueForm | None = None,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    lead = await is_lead(r.invitation.person_id, r.invitation.force_id)
    return await render(
        request,
        "respond/colleagues.html",
        status_code=status_code,
        r=r,
        lang=r.lang,
        members=await team(r.invitation.round_id, r.invitation.force_id),
        lead=lead,
        can_invite=lead and r.editable,
        form=form or ColleagueForm(),
        problems=problems or {},
        language_names=LANGUAGE_NAMES,
    )


def _question_ids(r: Respondent, question: str | None, section: str | None) -> list[str] | None:
    try:
        return question_ids(r.survey, question, section)
    except KeyError:
        raise NotFoundException() from None


class TeamController(Controller):
    path = "/respond"
    tags = ["pages: respondents"]
    include_in_schema = False
    dependencies = {"respondent": Provide(load_respondent)}

    @get("/colleagues")
    async def colleagues(self, request: Request[Any, Any, Any], respondent: Injected[Respondent]) -> Template:
        """Who at the force answers this questionnaire; the lead respondent can invite more."""
        return await _team_page(request, respondent)

    @post("/colleagues")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        respondent: Injected[Respondent],
        data: Annotated[ColleagueForm, FORM],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        r = respondent
        words = language_for(r.lang)
        try:
            invited = await invite_colleague(
                r.invitation,
                data.name,
                data.email,
                data.language,
                settings.secret_key,
                words,
                responded=r.response.status == ResponseStatus.SUBMITTED,
            )
        except ColleagueRefused as refusal:
            return await _team_page(request, r, data, refusal.problems, refusal.status_code)
        flash(
            request,
            words.gettext(
                "%(name)s is invited: their personal link is on its way to %(email)s.",
                name=invited.name,
                email=invited.email,
            ),
            "success",
        )
        return redirect("/respond/colleagues")

    @get("/history")
    async def answer_history(
        self,
        request: Request[Any, Any, Any],
        respondent: Injected[Respondent],
        question: FromQuery[str | None] = None,
        section: FromQuery[str | None] = None,
    ) -> Template:
        """The changes to one question's answer (`question`), a page's (`section`), or every one."""
        r = respondent
        ids = _question_ids(r, question, section)
        changes = await history(r.response.id, r.survey, r.lang, ids)
        return await render(
            request,
            "respond/history.html",
            r=r,
            lang=r.lang,
            changes=changes,
            question=r.survey.question(ids[0]) if question and ids else None,
            section=r.section(section) if section else None,
        )
