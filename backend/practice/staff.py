"""The practice bank's staff pages: the review queue (publish a note, or return it with a
comment) and the contact requests (who wrote to which note's author; staff forward them).
Every decision is audited; the same in JSON: `api.py`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import Language
from backend.practice.contact import handle_contact, list_contacts
from backend.practice.deps import visible_note
from backend.practice.forms import OutcomeForm, ReturnForm
from backend.practice.schemas import NoteState
from backend.practice.services import Filters, Invalid, WrongState, list_notes, publish_note, return_note
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.forms import FORM
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render


class StaffPracticeController(Controller):
    path = "/staff/practice"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    async def _queue(
        self, request: Request[Any, Any, Any], viewer: Viewer, errors: dict[str, str] | None = None, **more: Any
    ) -> Template:
        waiting = await list_notes(viewer, Filters(), state=NoteState.SUBMITTED, per_page=100)
        return await render(
            request,
            "practice/review.html",
            status_code=400 if errors else 200,
            waiting=sorted(waiting.notes, key=lambda n: (n.submitted_at or n.updated_at, n.id)),
            contacts=await list_contacts("open"),
            errors=errors or {},
            **more,
        )

    @get("/")
    async def queue(self, request: Request[Any, Any, Any], viewer: Injected[Viewer]) -> Template:
        """Notes waiting for review, and open contact requests."""
        return await self._queue(request, viewer)

    @post("/{note_id:int}/publish")
    async def publish(
        self, request: Request[Any, Any, Any], note_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Publish a note waiting for review."""
        found = await visible_note(request, viewer, note_id)
        try:
            await publish_note(found, viewer, language)
        except WrongState as exc:
            flash(request, str(exc), "error")
        else:
            flash(request, language.gettext("The note is published: partners see it."), "success")
        return redirect("/staff/practice")

    @post("/{note_id:int}/return")
    async def return_(
        self,
        request: Request[Any, Any, Any],
        note_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ReturnForm, FORM],
    ) -> Template | Redirect:
        """Return a note to its author with a comment; without one, the queue again saying so."""
        found = await visible_note(request, viewer, note_id)
        try:
            await return_note(found, data.comment, viewer, language)
        except Invalid as exc:
            return await self._queue(
                request, viewer, {f"comment-{note_id}": exc.problems["comment"]}, comment=data.comment, failed=note_id
            )
        except WrongState as exc:
            flash(request, str(exc), "error")
            return redirect("/staff/practice")
        flash(request, language.gettext("The note is returned to its author with your comment."), "success")
        return redirect("/staff/practice")

    @post("/contacts/{contact_id:int}")
    async def handle(
        self,
        request: Request[Any, Any, Any],
        contact_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[OutcomeForm, FORM],
    ) -> Redirect:
        """Mark a contact request forwarded or declined."""
        try:
            found = await handle_contact(contact_id, data.outcome, viewer, language)
        except Invalid as exc:
            flash(request, exc.problems["outcome"], "error")
            return redirect("/staff/practice")
        if found is None:
            raise NotFoundException("There is no such contact request.")
        flash(request, language.gettext("The contact request is marked handled."), "success")
        return redirect("/staff/practice")
