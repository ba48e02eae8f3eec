"""Staff JSON API for the outbox: messages and their states, one message's bodies, and each
kind's preview. The same guards as the Outbox page; reading a message is audited, as there."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter

from backend.mail.resend import resend
from backend.mail.schemas import MessageDetail, MessageKind, MessageListing, MessagePreview, MessageState, Resend
from backend.mail.services import get_message, list_messages, preview, read_message
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.errors import refusals
from backend.web.params import Injected, PathId

KINDS = [k.value for k in MessageKind]


class OutboxApiController(Controller):
    path = "/api/outbox"
    guards = [requires_staff]
    tags = ["mail"]
    cache_control = CacheControlHeader(no_store=True)

    @get(
        "/",
        summary="Outgoing messages",
        description="The latest messages first, with their state: `queued` (waiting, or retried while the mail "
        "server is away), `sent`, `failed` (with the server's reason) or `bounced` (the server refused the "
        "recipient); and how many there are in each state (staff only).",
        responses=refusals(401, 403),
    )
    async def messages(
        self,
        chosen: Annotated[MessageState | None, QueryParameter(name="state", description="Only this state")] = None,
        kind: FromQuery[MessageKind | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000, description="How many messages")] = 200,
    ) -> MessageListing:
        return await list_messages(chosen, kind, limit)

    @get(
        "/{message_id:int}",
        summary="One message",
        description="A message with its text and HTML bodies. A personal link is shown only in a message "
        "delivered to the demo's local mailbox; elsewhere only its recipient has it. Written to the audit "
        "trail (staff only).",
        responses=refusals(401, 403, 404, says={404: "There is no such message"}),
    )
    async def message(self, message_id: PathId, viewer: Injected[Viewer]) -> MessageDetail:
        found = await get_message(message_id)
        if found is None:
            raise NotFoundException("There is no such message")
        await read_message(viewer, found)
        return found

    @post(
        "/{message_id:int}/resend",
        summary="Send a failed or bounced message again",
        description="The message goes back in the queue (state `queued`, attempts 0, a new sending job), to "
        "its person's current address. Idempotent: a message that is queued or sent is left as it is "
        "(`requeued` false). Written to the audit trail (`message.resent`; staff only). Like every POST, "
        "send the `csrftoken` cookie's value in the `X-CSRFToken` header (not needed with a bearer token).",
        status_code=200,
        responses=refusals(401, 403, 404, says={404: "There is no such message; nothing changed"}),
    )
    async def resend(self, message_id: PathId, viewer: Injected[Viewer]) -> Resend:
        done = await resend(message_id, viewer)
        if done is None:
            raise NotFoundException("There is no such message")
        return Resend(done.message_id, done.requeued, done.state)


class MailPreviewApiController(Controller):
    path = "/api/mail/previews"
    guards = [requires_staff]
    tags = ["mail"]

    @get(
        "/{kind:str}",
        summary="Preview a kind of message",
        description="The message drawn from its templates with made-up values, in a language (en, fr, es): "
        "`invitation`, `receipt`, `published`, `sign_in`, `reminder` (staff only).",
        responses=refusals(401, 403, 404, says={404: "There is no such kind of message"}),
    )
    async def preview(
        self,
        kind: FromPath[str],
        # `language` is the name of the request's language (a dependency): hence the alias.
        lang: Annotated[Literal["en", "fr", "es"], QueryParameter(name="language", description="en, fr or es")] = "en",
    ) -> MessagePreview:
        if kind not in KINDS:
            raise NotFoundException(f"There is no such kind of message: {', '.join(KINDS)}")
        return preview(MessageKind(kind), lang)
