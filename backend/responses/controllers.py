"""Respondent pages: the link's start page, a task list, one page per section, check your
answers, submit. Every page works without JavaScript; with it, pages also save as you type
(`api.py`, autosave)."""

from __future__ import annotations

import json
import secrets
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from backend.analysis.workspace.services import record_corrections
from backend.audit.refusals import refused
from backend.audit.services import record
from backend.i18n import LANGUAGE_NAMES, Language, language_for, pick, t
from backend.responses.deps import (
    LANG_KEY,
    LINK_ENDED_KEY,
    AccessEnded,
    Respondent,
    choose_language,
    load_respondent,
    page_field,
    page_revision,
    respondent_or_refusal,
)
from backend.responses.forms import LanguageChoice, SubmitForm
from backend.responses.kept_page import PAGE_MARKER, keep, kept, page_key
from backend.responses.schemas import ResponseStatus
from backend.responses.services import last_save, receipt_reference, save_answers, submit
from backend.rounds.services import InvitationRefused, open_invitation, peek_invitation
from backend.security.roles import INVITATION_KEY, LINK_KEY
from backend.security.sessions import rotate_session
from backend.surveys import (
    answer_text,
    answer_to_form,
    check_all,
    condition_to_data,
    describe,
    first_field,
    merge,
    read_page,
    referenced_questions,
)
from backend.surveys.services import load_version
from backend.web.forms import FORM, read_form
from backend.web.fragments import form_key
from backend.web.language import set_request_language
from backend.web.params import Injected
from backend.web.render import drawn, redirect, render


def _question_views(
    r: Respondent, section_id: str, form: dict[str, list[str]] | None, errors: dict[str, Any]
) -> list[dict[str, Any]]:
    """What the section template needs for each question: values to show, its error, and
    whether it is shown (conditions on earlier pages decide; same-page ones are described);
    `key` names its HTML as `web/fragments.cached` keeps it (None: drawn afresh)."""
    section = r.section(section_id)
    assert section is not None
    page_ids = {q.id for q in section.questions}
    shown = r.shown_question_ids()
    views = []
    for q in section.questions:
        values = form if form is not None else answer_to_form(q, r.answers, r.lang)
        # A question as stored, without an error, is the same HTML for everyone who gave the
        # same answer (or none) in the same version and languages: a form posted back with
        # what was typed, or an error, is drawn afresh.
        key = None
        if form is None and q.id not in errors:
            key = ("question", r.invitation.version_id, q.id, r.lang, form_key(values))
        depends_on_page = False
        if q.show_if is not None:
            depends_on_page = any(ref in page_ids for ref, _ in referenced_questions(q.show_if))
            if not depends_on_page and q.id not in shown:
                continue
        views.append(
            {
                "q": q,
                "values": values,
                "error": errors.get(q.id),
                "condition": describe(q.show_if, r.survey, r.lang) if depends_on_page and q.show_if else None,
                "condition_json": json.dumps(condition_to_data(q.show_if)) if depends_on_page and q.show_if else None,
                "first_field": first_field(q) if q.collects_answer else None,
                "key": key,
            }
        )
    return views


#: A questionnaire page (`RespondentController.section_page`).
SECTION_TEMPLATE = "respond/section.html"


def _section_context(
    r: Respondent,
    section_id: str,
    form: dict[str, list[str]] | None,
    errors: dict[str, Any],
    revision: int,
    conflict: str | None = None,
    page_id: str = "",
) -> dict[str, Any]:
    """What `SECTION_TEMPLATE` is drawn from, besides the layout's (`web/render.render`)."""
    section = r.section(section_id)
    assert section is not None
    shown = r.shown_sections()
    position = [s.id for s in shown].index(section_id) + 1 if section in shown else 1
    return {
        "r": r,
        "lang": r.lang,
        "section": section,
        "questions": _question_views(r, section_id, form, errors),
        "errors": list(errors.values()),
        "revision": revision,
        "page_id": page_id,
        "conflict": conflict,
        "position": position,
        "total": len(shown),
        "previous": r.previous_section(section),
    }


#: Form fields that carry no answer.
_NOT_ANSWERS = {"_csrf_token", "revision", "action", "page"}


class RespondentController(Controller):
    tags = ["pages: respondents"]
    include_in_schema = False
    dependencies = {"respondent": Provide(load_respondent)}

    @get("/r/{token:str}")
    async def link(
        self, request: Request[Any, Any, Any], token: FromPath[str], language: Injected[Language]
    ) -> Template:
        """The start page of a personal link (GET does not use the link up or record anything)."""
        try:
            info = await peek_invitation(token)
        except InvitationRefused:
            await refused(request, None, "link_not_valid")  # the route, never the token
            return await _link_refused(request, language)
        # The page speaks the language the answers will be in, and shows the privacy notice in
        # it, in full.
        survey = await load_version(info.version_id)
        notice = survey.privacy_notice
        lang = choose_language(request, survey, info.language)
        set_request_language(request, lang)
        privacy = language_for(lang).text(notice, survey.default_language) if notice else None
        # The round's title in that language, else the questionnaire's default (marked with lang).
        title = info.shown_title(language_for(lang), survey.default_language)
        return await render(request, "respond/start.html", token=token, info=info, privacy=privacy, title=title)

    @post("/r/{token:str}")
    async def start(
        self, request: Request[Any, Any, Any], token: FromPath[str], language: Injected[Language]
    ) -> Template | Redirect:
        try:
            opened = await open_invitation(token)
        except InvitationRefused:
            await refused(request, None, "link_not_valid")  # the route, never the token
            return await _link_refused(request, language)
        session = request.scope.get("session")
        # Keep the rest (e.g. the language chosen); a link that works again is no longer "ended".
        kept = {k: v for k, v in session.items() if k != LINK_ENDED_KEY} if isinstance(session, dict) else {}
        rotate_session(request)
        request.set_session({**kept, INVITATION_KEY: opened.invitation_id, LINK_KEY: opened.link_hash})
        return redirect("/respond")

    @get("/respond")
    async def overview(self, request: Request[Any, Any, Any], respondent: Injected[Respondent]) -> Template | Redirect:
        r = respondent
        if r.response.status == ResponseStatus.SUBMITTED:
            return redirect("/respond/done")
        tasks = r.task_list()
        return await render(
            request,
            "respond/overview.html",
            r=r,
            lang=r.lang,
            tasks=tasks,
            done=sum(1 for _, status in tasks if status == "done"),
            # The main button goes on with the first section not done; "check your answers"
            # stays one link away.
            next_task=next(((s, status) for s, status in tasks if status != "done"), None),
            language_names=LANGUAGE_NAMES,
        )

    @post("/respond/language")
    async def language(self, request: Request[Any, Any, Any], data: Annotated[LanguageChoice, FORM]) -> Redirect:
        choice, back = data.language, data.back
        session = request.scope.get("session")
        # Only a language we ship, and only in a respondent's session: anything else would let
        # anyone store what they like in a server-side session.
        if isinstance(session, dict) and choice in LANGUAGE_NAMES and INVITATION_KEY in session:
            request.set_session({**session, LANG_KEY: choice})
        return redirect(back if back.startswith("/respond") else "/respond")

    @get("/respond/section/{section_id:str}")
    async def section_page(
        self, request: Request[Any, Any, Any], section_id: FromPath[str], respondent: Injected[Respondent]
    ) -> Template | Redirect | Response[bytes]:
        r = respondent
        # The page as drawn before from this very row, section, languages, person and token:
        # the checks below read nothing else, so they came out the same then (a page is kept
        # only after passing them). The statement that read the row ran all the same: it is the
        # access check.
        key = await page_key(request, r, section_id)
        if key is not None and (page := kept(key)) is not None:
            return page
        if not r.editable:
            return redirect("/respond/done" if r.response.status == ResponseStatus.SUBMITTED else "/respond")
        section = r.section(section_id)
        if section is None:
            raise NotFoundException()
        if section not in r.shown_sections():
            following = r.next_section(section)
            return redirect(f"/respond/section/{following.id}" if following else "/respond/check")
        if key is None:
            return await self._section(request, r, section_id, None, {}, revision=r.response.revision)
        context = _section_context(r, section_id, None, {}, r.response.revision, page_id=PAGE_MARKER)
        return keep(key, await drawn(request, SECTION_TEMPLATE, **context))

    async def _section(
        self,
        request: Request[Any, Any, Any],
        r: Respondent,
        section_id: str,
        form: dict[str, list[str]] | None,
        errors: dict[str, Any],
        revision: int,
        conflict: str | None = None,
        status_code: int = 200,
        page_id: str = "",
    ) -> Template:
        # A new id for each page shown (not for one shown again with its errors): saves name
        # the page they come from (`services.save_answers`).
        page_id = page_id or secrets.token_urlsafe(16)
        context = _section_context(r, section_id, form, errors, revision, conflict, page_id)
        return await render(request, SECTION_TEMPLATE, status_code=status_code, **context)

    @post("/respond/section/{section_id:str}", dependencies={"respondent": Provide(respondent_or_refusal)})
    async def save_section(
        self,
        request: Request[Any, Any, Any],
        section_id: FromPath[str],
        respondent: Injected[Respondent | AccessEnded],
    ) -> Template | Redirect:
        """Save the page (`action`: `continue` checks required answers and goes on, `draft` saves
        and goes back to the task list); on any problem, the page again with what was typed."""
        form = await read_form(request)
        if isinstance(respondent, AccessEnded):
            # The session ended, or its link was replaced, while the page was open: show what
            # was typed, so that it can be copied back after opening a valid link again.
            typed = [(k, v) for k, values in form.items() if k not in _NOT_ANSWERS for v in values if v.strip()]
            return await render(
                request, "respond/expired.html", status_code=403, typed=typed, link_ended=respondent.link_ended
            )
        r = respondent
        section = r.section(section_id)
        if section is None:
            raise NotFoundException()
        action = (form.get("action") or ["continue"])[0]
        revision = page_revision((form.get("revision") or [""])[0])
        if not r.editable:
            return redirect("/respond/done" if r.response.status == ResponseStatus.SUBMITTED else "/respond")
        result = read_page(r.survey, section, form, r.answers, lang=r.lang, require=action == "continue")
        errors = {e.question_id: e for e in result.errors}
        if errors:
            # Shares that do not add up are a response-quality flag (analysis workspace).
            await record_corrections(r.invitation.round_id, r.invitation.force_id, r.survey, result.answers, errors)
            # Nothing is saved when any answer on the page is invalid; the page comes back
            # with everything as typed, so nothing is lost.
            return await self._section(
                request, r, section_id, form, errors, revision, status_code=400, page_id=page_field(form)
            )
        page_id = page_field(form)
        saved = await save_answers(r.response.id, revision, result.answers, r.invitation.person_id, page_id, final=True)
        if not saved.saved:
            if saved.reason == "submitted" or saved.last is None:
                return redirect("/respond/done")
            # Someone else saved meanwhile (not this page's own autosave: that is no conflict):
            # show this person's input again, with the current revision and who saved when, so
            # a second click saves it deliberately.
            message = r.conflict_message(saved.last, page_id)
            return await self._section(request, r, section_id, form, {}, saved.revision, message, 409)
        if action == "draft":
            return redirect("/respond?saved=1")
        r.response = msgspec.structs.replace(r.response, answers=merge(r.answers, result.answers))
        following = r.next_section(section)
        return redirect(f"/respond/section/{following.id}" if following else "/respond/check")

    @get("/respond/check")
    async def check(self, request: Request[Any, Any, Any], respondent: Injected[Respondent]) -> Template | Redirect:
        r = respondent
        if r.response.status == ResponseStatus.SUBMITTED:
            return redirect("/respond/done")
        errors = {e.question_id: e for e in check_all(r.survey, r.answers, lang=r.lang)}
        return await render(
            request,
            "respond/check.html",
            r=r,
            lang=r.lang,
            errors=errors,
            sections=_check_rows(r),
            revision=r.response.revision,
        )

    @post("/respond/submit")
    async def do_submit(
        self,
        request: Request[Any, Any, Any],
        respondent: Injected[Respondent],
        data: Annotated[SubmitForm, FORM],
    ) -> Template | Redirect:
        r = respondent
        if not r.editable:
            return redirect("/respond/done" if r.response.status == ResponseStatus.SUBMITTED else "/respond")
        revision = page_revision(data.revision)
        result = await submit(r.response.id, revision, r.survey, r.lang, r.invitation.person_id, r.invitation.force_id)
        if result.submitted:
            await record(
                None,
                "response.submitted",
                f"round:{r.invitation.round_id}",
                force=r.invitation.force_id,
                invitation=r.invitation.id,
            )
            return redirect("/respond/done")
        if result.reason == "submitted":
            return redirect("/respond/done")
        errors = {e.question_id: e for e in result.errors}
        await record_corrections(r.invitation.round_id, r.invitation.force_id, r.survey, r.answers, errors)
        return await render(
            request,
            "respond/check.html",
            status_code=409 if result.reason else 400,
            r=r,
            lang=r.lang,
            errors=errors,
            sections=_check_rows(r),
            revision=r.response.revision,
            conflict=await _submit_conflict(r) if result.reason == "conflict" else None,
        )

    @get("/respond/done")
    async def done(self, request: Request[Any, Any, Any], respondent: Injected[Respondent]) -> Template | Redirect:
        r = respondent
        if r.response.status != ResponseStatus.SUBMITTED:
            return redirect("/respond")
        return await _receipt(request, r, "respond/done.html")

    @get("/respond/print")
    async def print_answers(
        self, request: Request[Any, Any, Any], respondent: Injected[Respondent]
    ) -> Template | Redirect:
        """A printable copy of the submitted answers: every question shown, with its answer."""
        if respondent.response.status != ResponseStatus.SUBMITTED:
            return redirect("/respond")
        return await _receipt(request, respondent, "respond/print.html")


async def _link_refused(request: Request[Any, Any, Any], language: Language) -> Template:
    """The one page for every unusable link (`rounds.services.LINK_REFUSED`), in the request's
    language: no questionnaire is known to choose one from."""
    return await render(
        request,
        "error.html",
        status_code=404,
        title=language.gettext("Link not valid"),
        message=language.gettext(
            "This link is not valid: it may be incomplete, replaced by a newer link, or expired. "
            "Ask the project team for a new one."
        ),
    )


async def _receipt(request: Request[Any, Any, Any], r: Respondent, template: str) -> Template:
    """The receipt and the printable copy: the answers, and the reference to quote."""
    reference = receipt_reference(r.response)
    return await render(request, template, r=r, lang=r.lang, sections=_check_rows(r), reference=reference)


async def _submit_conflict(r: Respondent) -> str:
    return r.conflict_message(await last_save(r.response.id), None, on_check_page=True)


def _check_rows(r: Respondent) -> list[dict[str, Any]]:
    """Sections with each shown question's answer in words, for "check your answers"."""
    out = []
    shown = r.shown_question_ids()
    for section in r.shown_sections():
        rows = []
        for q in section.questions:
            if not q.collects_answer or q.id not in shown:
                continue
            rows.append(
                {
                    "q": q,
                    "label": pick(q.label, r.lang, r.survey.default_language),
                    "answer": answer_text(q, r.answers, r.lang, r.survey.default_language) or t("not_answered", r.lang),
                    "field": first_field(q),
                }
            )
        out.append({"section": section, "rows": rows})
    return out
