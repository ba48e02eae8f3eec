"""Autosave: respondent pages save drafts as people type (`respond.js`), in JSON.

The page itself posts to `POST /respond/section/{id}` and gets HTML (`controllers.py`);
scripts post the same fields here and get an `AutosaveResult`. Like every POST, this needs the
session's CSRF token: the page's `_csrf_token` field, or the `X-CSRFToken` header.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, MediaType, Request, Response, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromPath

from backend.responses import context_cache
from backend.responses.deps import KEPT_CONTEXT_WRITES, Respondent, load_respondent, page_field, page_revision
from backend.responses.services import save_answers
from backend.surveys import read_page
from backend.web.errors import refusals
from backend.web.forms import FormFields, form_lists
from backend.web.params import Injected


class FieldError(msgspec.Struct):
    #: the form field to correct (the question's id, or one of its parts)
    field: str
    message: str


class AutosaveResult(msgspec.Struct, omit_defaults=True):
    saved: bool
    #: the response's revision now: send it with the next save (absent when the round is closed)
    revision: int | None = None
    #: why nothing was saved: `invalid` (see `errors`), `conflict` (someone else saved since
    #: this revision), `submitted`, or `closed` (the round no longer takes answers)
    reason: Literal["invalid", "conflict", "submitted", "closed"] | None = None
    #: every answer on the page that cannot be saved, in the respondent's language
    errors: list[FieldError] = []
    #: for a `conflict`: who saved since and when, and what to do, in the respondent's language
    message: str | None = None


def _result(status: int, result: AutosaveResult) -> Response[AutosaveResult]:
    return Response(result, status_code=status, media_type=MediaType.JSON)


_PAGE_FIELDS = Body(
    media_type=RequestEncodingType.URL_ENCODED,
    title="The page's fields",
    description="What the page's form holds, as it would post it: each question's fields and "
    "`revision`, the revision the page was rendered with (or the last autosave returned), and "
    "`page`, the id the page was rendered with.",
)


class AutosaveController(Controller):
    path = "/respond/section"
    tags = ["respondents"]
    dependencies = {"respondent": Provide(load_respondent)}

    @post(
        "/{section_id:str}/autosave",
        # Its respondent may come from what this process keeps: the save checks the link itself.
        opt={KEPT_CONTEXT_WRITES: True},
        summary="Save a draft of a questionnaire page",
        status_code=200,
        responses={
            409: ResponseSpec(
                AutosaveResult,
                description="Not saved: someone else saved since (`conflict`), or the response is "
                "submitted or the round closed; nothing changed",
                generate_examples=False,
            ),
            422: ResponseSpec(
                AutosaveResult,
                description="Not saved: an answer on the page is not valid (`errors`); nothing changed",
                generate_examples=False,
            ),
            **refusals(
                403,
                404,
                says={
                    403: "No respondent session (open the personal link), or the link is no longer "
                    "valid; also a missing or wrong CSRF token",
                    404: "The questionnaire has no such page; nothing changed",
                },
            ),
        },
    )
    async def autosave(
        self,
        request: Request[Any, Any, Any],
        section_id: FromPath[str],
        respondent: Injected[Respondent],
        data: Annotated[FormFields, _PAGE_FIELDS],
    ) -> Response[AutosaveResult]:
        """Save the page's answers as a draft (nothing is required yet) if every answer on it is
        valid and `revision` is still the response's revision."""
        r = respondent
        # When the respondent's context came from what this process keeps (`context_cache`),
        # the save checks the link and the round itself, and what it saved is kept in turn.
        answer = await _autosave(r, section_id, data)
        if answer is not None:
            return answer
        # Refused by the link's check, or by the revision: ask the database what holds now
        # (a link that ended is refused here as at any request), and answer from that.
        context_cache.forget(r.invitation.id)
        again = await _autosave(await load_respondent(request), section_id, data)
        assert again is not None  # not from what is kept: no link check in the save
        return again


async def _autosave(r: Respondent, section_id: str, data: FormFields) -> Response[AutosaveResult] | None:
    """The autosave of `r`'s page. Where `r` came from what this process keeps (`r.kept`), the
    link is checked in the save, and what it saved is kept. None: the save was refused and the
    database must be asked again why (`save_answers`' "recheck")."""
    section = r.section(section_id)
    if section is None:
        raise NotFoundException()
    if not r.editable:
        return _result(409, AutosaveResult(saved=False, reason="closed"))
    form = form_lists(data)
    revision = page_revision((form.get("revision") or [""])[0])
    result = read_page(r.survey, section, form, r.answers, lang=r.lang, require=False)
    if result.errors:
        errors = [FieldError(e.field, e.message) for e in result.errors]
        return _result(422, AutosaveResult(False, r.response.revision, "invalid", errors))
    page_id = page_field(form)
    link = None if r.kept is None else (r.invitation.id, r.kept.link_hash)
    seen = context_cache.token()  # before the save: what it saved is kept only if nothing moved since
    # Strict about the revision, unlike the page's own final save: an autosave that arrives
    # late must not overwrite a newer save of its page.
    saved = await save_answers(r.response.id, revision, result.answers, r.invitation.person_id, page_id, link=link)
    if saved.reason == "recheck":
        return None
    if not saved.saved:
        message = None
        if saved.reason == "conflict" and saved.last is not None:
            message = r.conflict_message(saved.last, page_id)
        return _result(409, AutosaveResult(False, saved.revision, saved.reason, message=message))  # type: ignore[arg-type]
    if r.kept is not None and saved.row is not None and saved.digest is not None:
        context_cache.put(r.kept.saved(saved.row, saved.digest), seen)
    return _result(200, AutosaveResult(True, saved.revision))
