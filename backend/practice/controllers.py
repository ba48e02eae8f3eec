"""The practice bank's pages for partners (and staff, who also see authors and review): the
searchable list with its filters, a note, writing and editing one, sending it for review,
withdrawing it, translating it, writing to its author through staff, and the notices of new
notes. The same in JSON: `api.py`; staff's review queue: `staff.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import LANGUAGES, Language
from backend.practice.checks import DEFAULT_QUESTIONNAIRE, PAGE_MAX
from backend.practice.contact import request_contact
from backend.practice.deps import not_author, read_filters, visible_note
from backend.practice.forms import ContactForm, NoteForm, TranslationForm
from backend.practice.notices import mark_read, notices, unread_count
from backend.practice.schemas import (
    PROBLEM_LABELS,
    STATUS_LABELS,
    TEXT_FIELDS,
    Attribution,
    NoteRow,
)
from backend.practice.services import (
    Filters,
    Invalid,
    NotAllowed,
    WrongState,
    create_note,
    edit_note,
    list_notes,
    subject_titles,
    submit_note,
    tag_choices,
    translate_note,
    withdraw_note,
)
from backend.security.guards import requires_partner
from backend.security.roles import Viewer
from backend.web.forms import FORM
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render

Page = Annotated[int, QueryParameter(ge=1, le=PAGE_MAX)]


def note_values(note: NoteRow | None) -> dict[str, Any]:
    """The note form's fields from a stored note (or a new one's defaults)."""
    if note is None:
        return {"original_language": "", "problems": [], "themes": [], "questions": [], "attribution": "anonymous"}
    text = note.texts[note.original_language]
    return {
        "original_language": note.original_language,
        "problems": list(note.problems),
        "status_label": note.status_label,
        "attribution": note.attribution,
        "questionnaire": note.tags[0].questionnaire if note.tags else DEFAULT_QUESTIONNAIRE,
        "themes": note.themes(),
        "questions": note.questions(),
        **{name: getattr(text, name) for name in TEXT_FIELDS},
    }


def form_values(data: NoteForm) -> dict[str, Any]:
    values = data.as_input()
    return {
        "title": values.title,
        "original_language": values.original_language,
        "problems": values.problems,
        "approach": values.approach,
        "partners": values.partners,
        "resources": values.resources,
        "outcome": values.outcome,
        "status_label": values.status_label,
        "attribution": values.attribution,
        "questionnaire": values.questionnaire,
        "themes": values.themes,
        "questions": values.questions,
    }


class PracticeController(Controller):
    path = "/practice"
    guards = [requires_partner]
    tags = ["pages: partners"]
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        q: FromQuery[str] = "",
        problem: FromQuery[str] = "",
        status: FromQuery[str] = "",
        theme: FromQuery[str] = "",
        question: FromQuery[str] = "",
        lang: FromQuery[str] = "",
        page: Page = 1,
    ) -> Template:
        """Published notes: search in any language, filter by problem, label, theme, question, language."""
        errors: dict[str, str] = {}
        try:
            filters = read_filters(language, q, problem, status, theme, question, lang, page)
        except Invalid as exc:
            errors = exc.problems
            filters = Filters()
        found = await list_notes(viewer, filters)
        kept = {k: v for k, v in msgspec.structs.asdict(filters).items() if k != "page" and v}
        return await render(
            request,
            "practice/index.html",
            query_base="/practice?" + (urlencode(kept) + "&" if kept else ""),
            status_code=400 if errors else 200,
            found=found,
            filters=filters,
            asked={"q": q, "problem": problem, "status": status, "theme": theme, "question": question, "lang": lang},
            errors=errors,
            problems=PROBLEM_LABELS,
            statuses=STATUS_LABELS,
            choices=await tag_choices(DEFAULT_QUESTIONNAIRE, language) or [],
            subjects=await subject_titles(language),
            unread=await unread_count(viewer),
        )

    @get("/mine")
    async def mine(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language], page: Page = 1
    ) -> Template:
        """The reader's own notes, in every state."""
        found = await list_notes(viewer, Filters(page=page), mine=True)
        return await render(request, "practice/mine.html", found=found)

    async def _form(
        self,
        request: Request[Any, Any, Any],
        language: Language,
        values: dict[str, Any],
        note: NoteRow | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        questionnaire = values.get("questionnaire") or DEFAULT_QUESTIONNAIRE
        return await render(
            request,
            "practice/edit.html",
            status_code=400 if errors else 200,
            values=values,
            note=note,
            errors=errors or {},
            problems=PROBLEM_LABELS,
            statuses=STATUS_LABELS,
            attributions=list(Attribution),
            choices=await tag_choices(questionnaire, language) or [],
            page_path="/practice/new" if note is None else f"/practice/{note.id}/edit",
        )

    @get("/new")
    async def new(self, request: Request[Any, Any, Any], language: Injected[Language]) -> Template:
        """The form to write a note."""
        values = note_values(None)
        values["original_language"] = language.code
        return await self._form(request, language, values)

    @post("/new")
    async def create(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[NoteForm, FORM],
    ) -> Template | Redirect:
        """Save a draft; with any problem, the form again with what was typed, and nothing stored."""
        try:
            note = await create_note(data.as_input(), viewer, language)
        except Invalid as exc:
            return await self._form(request, language, form_values(data), errors=exc.problems)
        saved = language.gettext("Your note is saved as a draft. Send it for review when it is ready.")
        flash(request, saved, "success")
        return redirect(f"/practice/{note.id}")

    @get("/{note_id:int}")
    async def note(
        self, request: Request[Any, Any, Any], note_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """A note: its words in the reader's language where translated, its labels and tags, the
        contact form (others' published notes), the author's and staff's actions."""
        found = await visible_note(request, viewer, note_id)
        return await render(
            request,
            "practice/note.html",
            note=found,
            text=found.shown(language),
            subjects=await subject_titles(language),
            own=found.own(viewer.person_id),
            errors={},
            values={},
        )

    @get("/{note_id:int}/edit")
    async def edit(
        self, request: Request[Any, Any, Any], note_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """The form to change a draft or returned note (its author only)."""
        found = await self._authors(request, viewer, note_id)
        return await self._form(request, language, note_values(found), found)

    async def _authors(self, request: Request[Any, Any, Any], viewer: Viewer, note_id: int) -> NoteRow:
        found = await visible_note(request, viewer, note_id)
        if not found.own(viewer.person_id):
            await not_author(request, viewer, note_id)
            raise PermissionDeniedException("Only the note's author may do this.")
        return found

    @post("/{note_id:int}/edit")
    async def save(
        self,
        request: Request[Any, Any, Any],
        note_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[NoteForm, FORM],
    ) -> Template | Redirect:
        """Save the changes; with any problem, the form again with what was typed, and nothing changed."""
        found = await self._authors(request, viewer, note_id)
        try:
            await edit_note(found, data.as_input(), viewer, language)
        except Invalid as exc:
            return await self._form(request, language, form_values(data), found, errors=exc.problems)
        except WrongState as exc:
            flash(request, str(exc), "error")
            return redirect(f"/practice/{note_id}")
        flash(request, language.gettext("Your changes are saved."), "success")
        return redirect(f"/practice/{note_id}")

    async def _step(
        self,
        request: Request[Any, Any, Any],
        viewer: Viewer,
        note_id: int,
        action: Callable[[NoteRow], Awaitable[NoteRow]],
        done: str,
    ) -> Redirect:
        found = await self._authors(request, viewer, note_id)
        try:
            await action(found)
        except WrongState as exc:
            flash(request, str(exc), "error")
        else:
            flash(request, done, "success")
        return redirect(f"/practice/{note_id}")

    @post("/{note_id:int}/submit")
    async def submit(
        self, request: Request[Any, Any, Any], note_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Send the note to staff for review."""
        return await self._step(
            request,
            viewer,
            note_id,
            lambda n: submit_note(n, viewer, language),
            language.gettext("Your note is sent for review. Staff will publish it or tell you what to change."),
        )

    @post("/{note_id:int}/withdraw")
    async def withdraw(
        self, request: Request[Any, Any, Any], note_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Take the note back: partners no longer see it."""
        return await self._step(
            request,
            viewer,
            note_id,
            lambda n: withdraw_note(n, viewer, language),
            language.gettext("Your note is withdrawn: nobody else sees it now."),
        )

    async def _translation_form(
        self,
        request: Request[Any, Any, Any],
        note: NoteRow,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
    ) -> Template:
        return await render(
            request,
            "practice/translate.html",
            status_code=400 if errors else 200,
            note=note,
            values=values,
            errors=errors or {},
            targets=[code for code in LANGUAGES if code != note.original_language],
            original=note.texts[note.original_language],
        )

    async def _translator(self, request: Request[Any, Any, Any], viewer: Viewer, note_id: int) -> NoteRow:
        """The note, for its author or staff (others are refused, audited)."""
        if viewer.is_staff:
            return await visible_note(request, viewer, note_id)
        return await self._authors(request, viewer, note_id)

    @get("/{note_id:int}/translate")
    async def translation(
        self,
        request: Request[Any, Any, Any],
        note_id: PathId,
        viewer: Injected[Viewer],
        lang: FromQuery[str] = "",
    ) -> Template:
        """The form to add (or change) the note's words in another language."""
        found = await self._translator(request, viewer, note_id)
        targets = [code for code in LANGUAGES if code != found.original_language]
        code = lang if lang in targets else targets[0]
        existing = found.texts.get(code)
        values: dict[str, Any] = {"translation_language": code}
        if existing is not None:
            values.update({name: getattr(existing, name) for name in TEXT_FIELDS})
        return await self._translation_form(request, found, values)

    @post("/{note_id:int}/translate")
    async def translate(
        self,
        request: Request[Any, Any, Any],
        note_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[TranslationForm, FORM],
    ) -> Template | Redirect:
        """Save the translation; with any problem, the form again with what was typed."""
        found = await self._translator(request, viewer, note_id)
        try:
            await translate_note(found, data.as_input(), viewer, language)
        except Invalid as exc:
            return await self._translation_form(request, found, data.values(), exc.problems)
        except (WrongState, NotAllowed) as exc:
            flash(request, str(exc) or language.gettext("Only the note's author may do this."), "error")
            return redirect(f"/practice/{note_id}")
        flash(request, language.gettext("The translation is saved."), "success")
        return redirect(f"/practice/{note_id}")

    @post("/{note_id:int}/contact")
    async def contact(
        self,
        request: Request[Any, Any, Any],
        note_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ContactForm, FORM],
    ) -> Template | Redirect:
        """Send a message to the note's author through staff."""
        found = await visible_note(request, viewer, note_id)
        try:
            await request_contact(found, data.message, viewer, language)
        except Invalid as exc:
            return await render(
                request,
                "practice/note.html",
                status_code=400,
                note=found,
                text=found.shown(language),
                subjects=await subject_titles(language),
                own=found.own(viewer.person_id),
                errors=exc.problems,
                values=data.values(),
            )
        except WrongState as exc:
            flash(request, str(exc), "error")
            return redirect(f"/practice/{note_id}")
        flash(request, language.gettext("Your message is with staff, who will pass it on to the author."), "success")
        return redirect(f"/practice/{note_id}")

    @get("/notices")
    async def notices_page(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """Practice notes published since, newest first."""
        return await render(request, "practice/notices.html", notices=await notices(viewer, language))

    @post("/notices/read")
    async def read_notices(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Mark every notice read."""
        await mark_read(viewer)
        flash(request, language.gettext("Every notice is marked read."), "success")
        return redirect("/practice/notices")
