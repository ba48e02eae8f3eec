"""The sign-up's JSON API: the public actions (sign up, confirm, unsubscribe, ask for and use a
link to one's data) with the same honeypot, limits and answers as the pages, and staff's review
with the same guard and audit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import JSONBody

from backend.i18n import Language
from backend.mail.config import current
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.signup.checks import SignupInput
from backend.signup.deps import LINK_NOT_VALID, over_limit, too_many
from backend.signup.services import (
    ConsentEvent,
    Invalid,
    NotReviewable,
    SignupRow,
    confirm,
    data_for,
    delete_data,
    request_data_link,
    review,
    review_queue,
    reviewed,
    sign_up,
    unsubscribe,
    unsubscribe_target,
)
from backend.web.errors import invalid, refusals
from backend.web.params import Injected, PathId

NO_STORE = CacheControlHeader(no_store=True)
_PUBLIC = (
    " No sign-in needed. A POST needs the `csrftoken` cookie (set by any page, e.g. `GET /signup`) "
    "and its value in the `X-CSRFToken` header."
)
_LIMITED = {429: "Too many uses of the public forms from this client address (SIGNUP_RATE_LIMIT an hour)"}
_LINK = {404: "The link's token is not valid: used, replaced by a newer one, or expired; nothing changed"}
Text = Annotated[str, msgspec.Meta(max_length=1000)]
#: The form's field names where the JSON's differ.
_API_FIELDS = {"language": "mail_language"}
Token = Annotated[str, msgspec.Meta(max_length=200)]


class SignupIn(msgspec.Struct, kw_only=True):
    name: Text = ""
    #: the person's role or title at their organisation
    role: Text = ""
    organisation: Text = ""
    #: ISO 3166 alpha-2 code (`FR`, `KE`, …)
    country: Text = ""
    email: Text = ""
    #: en | fr | es: the language of the messages sent. Not `language`: Litestar takes a body
    #: field named like a dependency (the request's `language`) for that dependency.
    mail_language: Text = ""
    #: theme ids: strategy, measurement, targeting, harm_reduction, alternatives, financial,
    #: integrity, partnerships, resources, barriers
    interests: Annotated[list[Text], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)
    #: true: the person agrees to the privacy text (its version is recorded)
    consent: bool = False
    #: the honeypot: leave empty (a request that fills it is answered as usual and stores nothing)
    website: Text = ""


class Accepted(msgspec.Struct):
    #: always `check_your_mailbox`: whether the address was known never shows
    status: str = "check_your_mailbox"


class EmailIn(msgspec.Struct, kw_only=True):
    email: Text = ""
    website: Text = ""


class TokenIn(msgspec.Struct, kw_only=True):
    #: the token at the end of the link sent by e-mail
    token: Token


class Done(msgspec.Struct):
    #: false: it had been done already (nothing changed)
    changed: bool


class SignupOut(msgspec.Struct):
    id: int
    email: str
    name: str
    role: str
    organisation: str
    country: str
    language: str
    interests: list[str]
    #: pending | confirmed | subscriber | partner | rejected
    status: str
    subscribed: bool
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    #: the partner contact made from it (approved)
    person_id: int | None


class SentMessage(msgspec.Struct):
    kind: str
    state: str
    created_at: dt.datetime


class MyData(msgspec.Struct):
    signup: SignupOut
    consents: list[ConsentEvent]
    messages: list[SentMessage]


class ReviewQueue(msgspec.Struct):
    #: confirmed, waiting for review, oldest first
    waiting: list[SignupOut]
    #: the latest reviewed
    reviewed: list[SignupOut]


class ReviewIn(msgspec.Struct, kw_only=True):
    #: approve (a partner contact of `force`) | keep (a subscriber) | reject
    decision: Text
    force: Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)] | None = None


def signup_out(r: SignupRow) -> SignupOut:
    return SignupOut(
        r.id, r.email, r.name, r.job_role, r.organisation, r.country, r.language, r.interests, r.status.value,
        r.subscribed, r.created_at, r.confirmed_at, r.reviewed_at, r.person,
    )  # fmt: skip


class SignupApiController(Controller):
    """Public: no guard; the forms' limits and honeypot apply."""

    path = "/api/signup"
    tags = ["sign-up"]
    cache_control = NO_STORE

    @post(
        "/",
        summary="Sign up",
        description="Double opt-in: a confirmation link goes to the address. The answer is the same whether or "
        "not the address had signed up before (a repeat gets a fresh link, or a \u201cyou already signed "
        "up\u201d message), and for a request that fills the honeypot `website` (nothing stored). Bad values "
        "are a 422 naming each field; nothing stored." + _PUBLIC,
        status_code=200,
        responses=refusals(403, 422, 429, says=_LIMITED),
    )
    async def sign_up(
        self,
        request: Request[Any, Any, Any],
        language: Injected[Language],
        settings: Injected[Settings],
        data: JSONBody[SignupIn],
    ) -> Accepted:
        if (wait := await over_limit(request, settings)) is not None:
            raise too_many(wait)
        if not data.website:
            given = SignupInput(
                name=data.name,
                role=data.role,
                organisation=data.organisation,
                country=data.country,
                email=data.email,
                language=data.mail_language,
                interests=list(data.interests),
                consent=data.consent,
            )
            try:
                await sign_up(given, language, settings.secret_key, "api")
            except Invalid as exc:
                raise invalid({_API_FIELDS.get(k, k): v for k, v in exc.problems.items()}) from exc
        return Accepted()

    @post(
        "/confirm",
        summary="Confirm a sign-up",
        description="The token of the confirmation link; it works once." + _PUBLIC,
        status_code=200,
        responses=refusals(403, 404, says=_LINK),
    )
    async def confirm(self, data: JSONBody[TokenIn]) -> SignupOut:
        found = await confirm(data.token, "api")
        if found is None:
            raise NotFoundException(LINK_NOT_VALID)
        return signup_out(found)

    @post(
        "/unsubscribe",
        summary="Unsubscribe",
        description="The token of the unsubscribe link in every message to a sign-up. `changed` is false when "
        "it was unsubscribed already." + _PUBLIC,
        status_code=200,
        responses=refusals(403, 404, says=_LINK),
    )
    async def unsubscribe(self, data: JSONBody[TokenIn]) -> Done:
        found = await unsubscribe_target(current().secret_key, data.token)
        if found is None:
            raise NotFoundException(LINK_NOT_VALID)
        return Done(await unsubscribe(found.id, "api"))

    @post(
        "/my-data",
        summary="Ask for a link to one's data",
        description="A link to see and delete one's sign-up goes to the address if it has one; the answer is the "
        "same either way (and for a filled honeypot `website`). A malformed address is a 422." + _PUBLIC,
        status_code=200,
        responses=refusals(403, 422, 429, says=_LIMITED),
    )
    async def my_data_link(
        self,
        request: Request[Any, Any, Any],
        language: Injected[Language],
        settings: Injected[Settings],
        data: JSONBody[EmailIn],
    ) -> Accepted:
        if (wait := await over_limit(request, settings)) is not None:
            raise too_many(wait)
        if not data.website:
            try:
                await request_data_link(data.email, language, settings.secret_key)
            except Invalid as exc:
                raise invalid(exc.problems) from exc
        return Accepted()

    @post(
        "/my-data/view",
        summary="See one's data",
        description="Everything stored about the sign-up behind a data link (valid for an hour): its fields, its "
        "consent history, the messages sent about it." + _PUBLIC,
        status_code=200,
        responses=refusals(403, 404, says=_LINK),
    )
    async def my_data(self, data: JSONBody[TokenIn]) -> MyData:
        found = await data_for(data.token)
        if found is None:
            raise NotFoundException(LINK_NOT_VALID)
        messages = [SentMessage(m["kind"], m["state"], m["created_at"]) for m in found.messages]
        return MyData(signup_out(found.signup), found.consents, messages)

    @post(
        "/my-data/delete",
        summary="Delete one's data",
        description="Deletes the sign-up behind a data link, its consent history and the messages sent about it. "
        "The audit trail keeps that a sign-up was deleted, not who." + _PUBLIC,
        status_code=200,
        responses=refusals(403, 404, says=_LINK),
    )
    async def delete(self, data: JSONBody[TokenIn]) -> Done:
        if not await delete_data(data.token):
            raise NotFoundException(LINK_NOT_VALID)
        return Done(True)


_STAFF = (
    " Staff only; written to the audit trail. With a session, send the `csrftoken` cookie's value in the "
    "`X-CSRFToken` header; with a personal API token (`Authorization: Bearer …`, write scope), no CSRF token."
)


class StaffSignupApiController(Controller):
    path = "/api/signups"
    guards = [requires_staff]
    tags = ["sign-up"]
    cache_control = NO_STORE

    @get("/", summary="Sign-ups to review", description="Staff only.", responses=refusals(401, 403))
    async def index(self) -> ReviewQueue:
        return ReviewQueue([signup_out(r) for r in await review_queue()], [signup_out(r) for r in await reviewed()])

    @post(
        "/{signup_id:int}/review",
        summary="Review a sign-up",
        description="`approve` makes a partner contact (viewer) of `force` in the sign-up's language and sends a "
        "welcome with a sign-in link; `keep` keeps a subscriber (sent a welcome with an unsubscribe link); "
        "`reject` sends nothing. Only a confirmed sign-up waiting for review (else 409)." + _STAFF,
        status_code=200,
        responses=refusals(401, 403, 404, 409, 422),
    )
    async def review(
        self,
        signup_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: JSONBody[ReviewIn],
    ) -> SignupOut:
        try:
            done = await review(signup_id, data.decision, data.force, viewer, language, settings.secret_key)
        except LookupError as exc:
            raise NotFoundException() from exc
        except Invalid as exc:
            raise invalid(exc.problems) from exc
        except NotReviewable as exc:
            raise HTTPException(status_code=409, detail="This sign-up is not waiting for review.") from exc
        return signup_out(done)
