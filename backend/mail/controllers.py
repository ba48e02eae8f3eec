"""The Outbox (staff): every outgoing message with its state, filtered by state and kind;
one message as text, as its HTML source, and drawn (a page of its own, sandboxed); and a
preview of each kind of message in each language. In the demo (no SMTP_HOST), this is the
mailbox messages are delivered to."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import LANGUAGES, Language
from backend.mail.config import current
from backend.mail.opt_out import person_of, switch_off
from backend.mail.resend import RESENDABLE, resend
from backend.mail.schemas import MessageKind, MessageState
from backend.mail.services import get_message, list_messages, preview, read_message
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render

#: A message's HTML drawn on a page of its own: no script, no request anywhere, no form, no
#: framing; `sandbox` puts it in an origin of its own besides.
MESSAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'none'"


def _choice(value: str | None, choices: type[MessageState] | type[MessageKind]) -> Any:
    return choices(value) if value in {c.value for c in choices} else None


class OutboxController(Controller):
    path = "/staff/outbox"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        chosen: Annotated[str | None, QueryParameter(name="state")] = None,
        kind: FromQuery[str | None] = None,
    ) -> Template:
        chosen_state, chosen_kind = _choice(chosen, MessageState), _choice(kind, MessageKind)
        return await render(
            request,
            "staff/outbox.html",
            listing=await list_messages(chosen_state, chosen_kind),
            state=chosen_state,
            kind=chosen_kind,
            states=list(MessageState),
            kinds=list(MessageKind),
            local_mailbox=current().local_mailbox,
        )

    @get("/{message_id:int}")
    async def message(self, request: Request[Any, Any, Any], message_id: PathId, viewer: Injected[Viewer]) -> Template:
        found = await get_message(message_id)
        if found is None:
            raise NotFoundException()
        await read_message(viewer, found)
        return await render(request, "staff/outbox_message.html", message=found, resendable=found.state in RESENDABLE)

    @post("/{message_id:int}/resend")
    async def resend(
        self,
        request: Request[Any, Any, Any],
        message_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        """Send a failed or bounced message again (a queued or sent one: nothing changes)."""
        done = await resend(message_id, viewer)
        if done is None:
            raise NotFoundException()
        if done.requeued:
            flash(request, language.gettext("The message is back in the queue: it will be sent again."), "success")
        else:
            flash(
                request,
                language.gettext("Only a failed or bounced message can be sent again: nothing changed."),
                "info",
            )
        return redirect(f"/staff/outbox/{message_id}")

    @get("/{message_id:int}/html")
    async def message_html(self, message_id: PathId, viewer: Injected[Viewer]) -> Response[str]:
        found = await get_message(message_id)
        if found is None:
            raise NotFoundException()
        await read_message(viewer, found)
        return Response(found.body_html, media_type="text/html", headers={"content-security-policy": MESSAGE_CSP})

    @get("/previews")
    async def previews(
        self, request: Request[Any, Any, Any], kind: FromQuery[str | None] = None, lang: FromQuery[str | None] = None
    ) -> Template:
        chosen = _choice(kind, MessageKind) or MessageKind.INVITATION
        language = lang if lang in LANGUAGES else "en"
        return await render(
            request,
            "staff/outbox_preview.html",
            shown=preview(chosen, language),
            kinds=list(MessageKind),
            languages_available=LANGUAGES,
        )

    @get("/previews/{kind:str}/{lang:str}/html")
    async def preview_html(self, kind: FromPath[str], lang: FromPath[str]) -> Response[str]:
        chosen = _choice(kind, MessageKind)
        if chosen is None or lang not in LANGUAGES:
            raise NotFoundException()
        return Response(
            preview(chosen, lang).body_html, media_type="text/html", headers={"content-security-policy": MESSAGE_CSP}
        )


class ReminderOptOutController(Controller):
    """The link in every reminder that switches reminders off for its person. GET asks to
    confirm (a mail scanner fetching the link changes nothing); POST switches off, from the
    page's button or from the mail client's one-click button (RFC 8058: `List-Unsubscribe-Post`),
    which sends no CSRF token: the path is exempt (`security/csrf.py`), the token in it being
    the proof."""

    path = "/reminders/off"
    tags = ["pages: reminders"]
    include_in_schema = False
    cache_control = CacheControlHeader(no_store=True)

    @get("/{token:str}")
    async def confirm(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        found = await person_of(current().secret_key, token)
        if found is None:
            raise NotFoundException()
        _, name, off = found
        return await render(request, "mail/pages/reminders_off.html", token=token, name=name, done=off)

    @post("/{token:str}", status_code=200)
    async def switch(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        found = await person_of(current().secret_key, token)
        if found is None:
            raise NotFoundException()
        form = await request.form()
        one_click = form.get("List-Unsubscribe") == "One-Click"
        await switch_off(found[0], "one-click" if one_click else "page")
        return await render(request, "mail/pages/reminders_off.html", token=token, name=found[1], done=True)
