"""The practice bank's JSON API: the same actions, guards, checks and audit as its pages.

Partners see published notes and their own; a note's author is never in a partner's answer:
a named note carries its force's name (`force`), an anonymous one nothing. Staff also get
`author` (name, e-mail, force) and review notes, and handle contact requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.params import FromQuery, JSONBody, QueryParameter

from backend.i18n import Language
from backend.practice.checks import PAGE_MAX, NoteInput, TranslationInput
from backend.practice.contact import handle_contact, list_contacts, request_contact
from backend.practice.deps import not_author, read_filters, visible_note
from backend.practice.notices import PracticeNoticeOut, mark_read, notices
from backend.practice.schemas import (
    PROBLEM_LABELS,
    STATUS_LABELS,
    ContactRow,
    NoteRow,
    NoteState,
    problem_label,
    state_label,
    status_label,
)
from backend.practice.services import (
    Filters,
    Invalid,
    NotAllowed,
    WrongState,
    create_note,
    edit_note,
    list_notes,
    publish_note,
    return_note,
    submit_note,
    translate_note,
    withdraw_note,
)
from backend.security.guards import requires_partner, requires_staff
from backend.security.roles import Viewer
from backend.web.errors import invalid, refusals
from backend.web.params import Injected, PathId

NO_STORE = CacheControlHeader(no_store=True)

_CSRF = (
    " With a session, send the `csrftoken` cookie's value in the `X-CSRFToken` header; with a personal API token "
    "(`Authorization: Bearer …`, write scope), no CSRF token."
)
_STAFF = " Staff only; written to the audit trail." + _CSRF
_AUTHOR = " The note's author only (403 otherwise); written to the audit trail." + _CSRF


class TextOut(msgspec.Struct, frozen=True):
    language: str
    title: str
    approach: str
    #: partners involved
    partners: str
    resources: str
    #: outcome and evidence
    outcome: str


class AuthorOut(msgspec.Struct, frozen=True):
    name: str
    email: str
    force: str | None
    force_code: str | None


class NoteOut(msgspec.Struct, frozen=True, omit_defaults=True):
    """A note as its reader may see it."""

    id: int
    #: the words in the reader's language when translated, else in the original language (`text.language`)
    text: TextOut
    #: every language's words (the original and each translation)
    texts: dict[str, TextOut]
    original_language: str
    problems: list[str]
    #: the problems' names in the reader's language
    problem_labels: list[str]
    #: worked | promising | new | didnt_work
    status_label: str
    status_text: str
    #: named | anonymous
    attribution: str
    #: draft | submitted | published | returned | withdrawn
    state: str
    state_text: str
    questionnaire: str
    #: section ids
    themes: list[str]
    #: question ids
    questions: list[str]
    #: the reader wrote it
    own: bool
    #: the reader may change it (its author, while a draft or returned)
    editable: bool
    #: the day it was published (none before)
    published_on: str | None = None
    #: the author's force, on named notes only (never the person)
    force: str | None = None
    #: staff's comment when returning it (the author and staff only)
    staff_comment: str | None = None
    #: staff only
    author: AuthorOut | None = None


def _text(t: Any) -> TextOut:
    return TextOut(t.language, t.title, t.approach, t.partners, t.resources, t.outcome)


def note_out(n: NoteRow, viewer: Viewer, language: Language) -> NoteOut:
    own = n.own(viewer.person_id)
    questionnaire = n.tags[0].questionnaire if n.tags else ""
    author = None
    if viewer.is_staff and n.author_name is not None:
        author = AuthorOut(n.author_name, n.author_email or "", n.author_force_name, n.author_force_code)
    return NoteOut(
        id=n.id,
        text=_text(n.shown(language)),
        texts={code: _text(t) for code, t in sorted(n.texts.items())},
        original_language=n.original_language,
        problems=n.problems,
        problem_labels=[problem_label(p, language) for p in n.problems],
        status_label=n.status_label,
        status_text=status_label(n.status_label, language),
        attribution=n.attribution,
        state=n.state,
        state_text=state_label(n.state, language),
        questionnaire=questionnaire,
        themes=n.themes(),
        questions=n.questions(),
        own=own,
        editable=own and n.editable,
        published_on=n.published_at.date().isoformat() if n.published_at else None,
        force=n.shown_force(),
        staff_comment=n.staff_comment if (own or viewer.is_staff) and n.staff_comment else None,
        author=author,
    )


class NoteListOut(msgspec.Struct, frozen=True):
    notes: list[NoteOut]
    #: how many notes match in all
    total: int
    page: int
    pages: int


class Choice(msgspec.Struct, frozen=True):
    code: str
    label: str


class ChoicesOut(msgspec.Struct, frozen=True):
    """The fixed lists a note's fields take, named in the reader's language."""

    problems: list[Choice]
    status_labels: list[Choice]


class ContactInput(msgspec.Struct):
    """A message to the note's author, sent through staff (your name is given to the author only
    when staff forward it)."""

    message: str


class ContactOut(msgspec.Struct, frozen=True):
    id: int
    #: what happens next, in words
    message: str


class ReturnInput(msgspec.Struct):
    #: what the author should change (required)
    comment: str


class OutcomeInput(msgspec.Struct):
    #: forwarded | declined
    outcome: str


class NoticesRead(msgspec.Struct, frozen=True):
    ok: bool
    count: int


async def _acting(
    request: Request[Any, Any, Any], viewer: Viewer, note: NoteRow, action: Callable[[], Awaitable[NoteRow]]
) -> NoteRow:
    """An action on a note, with its refusals as JSON errors (nothing changes on any of them)."""
    try:
        return await action()
    except Invalid as exc:
        raise invalid(exc.problems) from exc
    except NotAllowed as exc:
        await not_author(request, viewer, note.id)
        raise PermissionDeniedException("Only the note's author may do this.") from exc
    except WrongState as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc


Page = Annotated[int, QueryParameter(ge=1, le=PAGE_MAX)]


class PracticeApiController(Controller):
    path = "/api/practice"
    guards = [requires_partner]
    tags = ["practice bank"]
    cache_control = NO_STORE

    @get(
        "/notes",
        summary="Search practice notes",
        description="Published notes, best match first when `q` is given (PostgreSQL full-text search, each "
        'language\'s words in its own language: `"quoted phrase"`, `or`, `-word`), else newest first; 20 a page. '
        "Filters: `problem`, `status` (worked, promising, new, didnt_work), `theme` (section id), `question` "
        "(question id), `lang` (notes with words in en, fr or es). A bad filter is a 422 naming it.",
        responses=refusals(401, 403, 422),
    )
    async def index(
        self,
        viewer: Injected[Viewer],
        language: Injected[Language],
        q: FromQuery[str] = "",
        problem: FromQuery[str] = "",
        status: FromQuery[str] = "",
        theme: FromQuery[str] = "",
        question: FromQuery[str] = "",
        lang: FromQuery[str] = "",
        page: Page = 1,
    ) -> NoteListOut:
        try:
            filters = read_filters(language, q, problem, status, theme, question, lang, page)
        except Invalid as exc:
            raise invalid(exc.problems) from exc
        found = await list_notes(viewer, filters)
        return NoteListOut([note_out(n, viewer, language) for n in found.notes], found.total, found.page, found.pages)

    @get("/notes/mine", summary="Your own practice notes", description="Every state, newest first.",
         responses=refusals(401, 403))  # fmt: skip
    async def mine(self, viewer: Injected[Viewer], language: Injected[Language], page: Page = 1) -> NoteListOut:
        found = await list_notes(viewer, Filters(page=page), mine=True)
        return NoteListOut([note_out(n, viewer, language) for n in found.notes], found.total, found.page, found.pages)

    @get("/choices", summary="Problems and status labels", responses=refusals(401, 403))
    async def choices(self, language: Injected[Language]) -> ChoicesOut:
        return ChoicesOut(
            [Choice(p.value, language.gettext(label)) for p, label in PROBLEM_LABELS.items()],
            [Choice(s.value, language.gettext(label)) for s, label in STATUS_LABELS.items()],
        )

    @get(
        "/notes/{note_id:int}",
        summary="Read a practice note",
        description="Partners: published notes and their own (404 otherwise, audited).",
        responses=refusals(401, 403, 404),
    )
    async def read(
        self, request: Request[Any, Any, Any], note_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> NoteOut:
        return note_out(await visible_note(request, viewer, note_id), viewer, language)

    @post(
        "/notes",
        summary="Write a practice note",
        description="A draft by the reader (send it for review with `…/submit`). `attribution`: named (your "
        "force's name is shown, never yours) or anonymous. Problems are a 422 naming each field; nothing is stored."
        + _CSRF,
        status_code=201,
        responses=refusals(401, 403, 422),
    )
    async def create(
        self, viewer: Injected[Viewer], language: Injected[Language], data: JSONBody[NoteInput]
    ) -> NoteOut:
        try:
            note = await create_note(data, viewer, language)
        except Invalid as exc:
            raise invalid(exc.problems) from exc
        return note_out(note, viewer, language)

    @post(
        "/notes/{note_id:int}",
        summary="Edit a practice note",
        description="Every field replaced; a draft or returned note only (409 otherwise)." + _AUTHOR,
        status_code=200,
        responses=refusals(401, 403, 404, 409, 422),
    )
    async def edit(
        self,
        request: Request[Any, Any, Any],
        note_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: JSONBody[NoteInput],
    ) -> NoteOut:
        note = await visible_note(request, viewer, note_id)
        done = await _acting(request, viewer, note, lambda: edit_note(note, data, viewer, language))
        return note_out(done, viewer, language)

    @post(
        "/notes/{note_id:int}/submit",
        summary="Send a note for review",
        description="A draft or returned note goes to staff, who publish it or return it." + _AUTHOR,
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def submit(
        self, request: Request[Any, Any, Any], note_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> NoteOut:
        note = await visible_note(request, viewer, note_id)
        done = await _acting(request, viewer, note, lambda: submit_note(note, viewer, language))
        return note_out(done, viewer, language)

    @post(
        "/notes/{note_id:int}/withdraw",
        summary="Withdraw a note",
        description="In any state: partners no longer see it; nothing is deleted." + _AUTHOR,
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def withdraw(
        self, request: Request[Any, Any, Any], note_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> NoteOut:
        note = await visible_note(request, viewer, note_id)
        done = await _acting(request, viewer, note, lambda: withdraw_note(note, viewer, language))
        return note_out(done, viewer, language)

    @post(
        "/notes/{note_id:int}/translations",
        summary="Add or replace a translation",
        description="The note's words in another language than its original one (the author or staff; 403 "
        "for anyone else). A 422 names each field." + _CSRF,
        status_code=200,
        responses=refusals(401, 403, 404, 409, 422),
    )
    async def translate(
        self,
        request: Request[Any, Any, Any],
        note_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: JSONBody[TranslationInput],
    ) -> NoteOut:
        note = await visible_note(request, viewer, note_id)
        done = await _acting(request, viewer, note, lambda: translate_note(note, data, viewer, language))
        return note_out(done, viewer, language)

    @post(
        "/notes/{note_id:int}/contact",
        summary="Write to a note's author, through staff",
        description="Your message is stored for staff, who know the author and forward it; the author's "
        "identity is not given to you. Published notes only (409 otherwise); 422 when the message is empty "
        "or too long." + _CSRF,
        status_code=201,
        responses=refusals(401, 403, 404, 409, 422),
    )
    async def contact(
        self,
        request: Request[Any, Any, Any],
        note_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: JSONBody[ContactInput],
    ) -> ContactOut:
        note = await visible_note(request, viewer, note_id)
        try:
            contact_id = await request_contact(note, data.message, viewer, language)
        except Invalid as exc:
            raise invalid(exc.problems) from exc
        except WrongState as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from exc
        sent = language.gettext("Your message is with staff, who will pass it on to the author.")
        return ContactOut(contact_id, sent)

    @get("/notices", summary="Notices of new practice notes", description="Newest first, without authors.",
         responses=refusals(401, 403))  # fmt: skip
    async def notices(self, viewer: Injected[Viewer], language: Injected[Language]) -> list[PracticeNoticeOut]:
        return await notices(viewer, language)

    @post("/notices/read", summary="Mark every notice read", description=_CSRF.strip(), status_code=200,
          responses=refusals(401, 403))  # fmt: skip
    async def read_notices(self, viewer: Injected[Viewer]) -> NoticesRead:
        return NoticesRead(True, await mark_read(viewer))


class PracticeStaffApiController(Controller):
    path = "/api/practice"
    guards = [requires_staff]
    tags = ["practice bank"]
    cache_control = NO_STORE

    @get("/review", summary="Notes waiting for review", description="Oldest first, with their authors. Staff only.",
         responses=refusals(401, 403))  # fmt: skip
    async def review(self, viewer: Injected[Viewer], language: Injected[Language], page: Page = 1) -> NoteListOut:
        found = await list_notes(viewer, Filters(page=page), state=NoteState.SUBMITTED)
        notes = sorted(found.notes, key=lambda n: (n.submitted_at or n.updated_at, n.id))
        return NoteListOut([note_out(n, viewer, language) for n in notes], found.total, found.page, found.pages)

    @post(
        "/notes/{note_id:int}/publish",
        summary="Publish a note",
        description="A note waiting for review (409 otherwise): partners see it and are notified." + _STAFF,
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def publish(
        self, request: Request[Any, Any, Any], note_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> NoteOut:
        note = await visible_note(request, viewer, note_id)
        done = await _acting(request, viewer, note, lambda: publish_note(note, viewer, language))
        return note_out(done, viewer, language)

    @post(
        "/notes/{note_id:int}/return",
        summary="Return a note to its author",
        description="With a comment saying what to change (required: a 422 on `comment`); a note waiting for "
        "review or published (409 otherwise)." + _STAFF,
        status_code=200,
        responses=refusals(401, 403, 404, 409, 422),
    )
    async def return_(
        self,
        request: Request[Any, Any, Any],
        note_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: JSONBody[ReturnInput],
    ) -> NoteOut:
        note = await visible_note(request, viewer, note_id)
        done = await _acting(request, viewer, note, lambda: return_note(note, data.comment, viewer, language))
        return note_out(done, viewer, language)

    @get(
        "/contact-requests",
        summary="Contact requests",
        description="Messages to notes' authors, with the author and the sender, oldest first. `state`: open "
        "(default), forwarded, declined or all. Staff only.",
        responses=refusals(401, 403, 422),
    )
    async def contacts(
        self, language: Injected[Language], which: Annotated[str, QueryParameter(name="state")] = "open"
    ) -> list[ContactRow]:
        if which not in ("open", "forwarded", "declined", "all"):
            raise invalid({"state": language.gettext("Choose open, forwarded, declined or all.")})
        return await list_contacts(which)

    @post(
        "/contact-requests/{contact_id:int}",
        summary="Mark a contact request handled",
        description="`outcome`: forwarded (you wrote to the author) or declined." + _STAFF,
        status_code=200,
        responses=refusals(401, 403, 404, 422),
    )
    async def handle(
        self, contact_id: PathId, viewer: Injected[Viewer], language: Injected[Language], data: JSONBody[OutcomeInput]
    ) -> ContactRow:
        try:
            found = await handle_contact(contact_id, data.outcome, viewer, language)
        except Invalid as exc:
            raise invalid(exc.problems) from exc
        if found is None:
            raise NotFoundException("There is no such contact request.")
        return found
