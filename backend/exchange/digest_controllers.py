"""E-mail digests (`digest.py`): the choice on its own page (linked from the account page) and
in the JSON API (`/api/account/digest`), and the link in every digest that switches them off.

The link's GET asks to confirm (a mail scanner fetching it changes nothing); its POST, from
the page's button or the mail client's one-click button (RFC 8058), switches digests off. The
path is exempt from CSRF (`security/csrf.py`): the token in it is the proof."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.exchange.digest import choose, digest_choice, off_link_person, switch_off
from backend.exchange.digest_plan import BadFrequency, Frequency, parse_frequency
from backend.exchange.forms import DigestForm
from backend.i18n import Language
from backend.i18n.language import N_
from backend.security.guards import requires_partner
from backend.security.roles import Viewer
from backend.web.errors import invalid, refusals
from backend.web.forms import FORM
from backend.web.params import Injected
from backend.web.render import redirect, render

PAGE = "/account/digest"
NO_STORE = CacheControlHeader(no_store=True)
#: The field's message, on the page (translated) and in the API.
CHOOSE_ONE = N_("Choose how often to receive the digest: daily, weekly or none.")
SAVED = {
    Frequency.NONE: N_("You will receive no digest by e-mail."),
    Frequency.DAILY: N_("You will receive a daily digest of new posts in the discussions you follow."),
    Frequency.WEEKLY: N_("You will receive a weekly digest of new posts in the discussions you follow."),
}


class DigestPageController(Controller):
    path = PAGE
    guards = [requires_partner]
    tags = ["pages: account"]
    include_in_schema = False
    cache_control = NO_STORE

    @get("/")
    async def page(self, request: Request[Any, Any, Any], viewer: Injected[Viewer]) -> Template:
        chosen = await digest_choice(viewer.person_id)
        return await render(request, "exchange/digest.html", chosen=chosen.value, errors={}, choices=list(Frequency))

    @post("/")
    async def save(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[DigestForm, FORM],
    ) -> Template | Redirect:
        try:
            frequency = parse_frequency(data.frequency)
        except BadFrequency:
            chosen = await digest_choice(viewer.person_id)
            errors = {"frequency": language.gettext(CHOOSE_ONE)}
            return await render(
                request, "exchange/digest.html", status_code=400, chosen=chosen.value, errors=errors,
                choices=list(Frequency),
            )  # fmt: skip
        await choose(viewer, frequency, via="page")
        flash(request, language.gettext(SAVED[frequency]), "success")
        return redirect(PAGE)


class DigestIn(msgspec.Struct):
    #: none, daily or weekly
    frequency: str


class DigestOut(msgspec.Struct):
    #: none, daily or weekly
    frequency: Frequency


class DigestApiController(Controller):
    path = "/api/account/digest"
    guards = [requires_partner]
    tags = ["account"]
    cache_control = NO_STORE

    @get("/", summary="Your e-mail digest", description="How often you receive new posts in the threads you follow.",
         responses=refusals(401, 403))  # fmt: skip
    async def show(self, viewer: Injected[Viewer]) -> DigestOut:
        return DigestOut(await digest_choice(viewer.person_id))

    @post(
        "/",
        summary="Choose your e-mail digest",
        description="`frequency`: `none`, `daily` or `weekly`: new posts in the threads you follow, without "
        "their authors, once a day or once a week (nothing is sent when there is nothing new). Any other "
        "value is a 422 naming `frequency`, and nothing changes. Written to the audit trail. Like every "
        "POST, send the `csrftoken` cookie's value in the `X-CSRFToken` header.",
        status_code=200,
        responses=refusals(401, 403, 422),
    )
    async def save(self, viewer: Injected[Viewer], data: JSONBody[DigestIn]) -> DigestOut:
        try:
            frequency = parse_frequency(data.frequency)
        except BadFrequency as exc:
            raise invalid({exc.field: CHOOSE_ONE}) from exc
        await choose(viewer, frequency, via="api")
        return DigestOut(frequency)


class DigestOffController(Controller):
    """The link in every digest that switches digests off for its person."""

    path = "/digest/off"
    tags = ["pages: account"]
    include_in_schema = False
    cache_control = NO_STORE

    @get("/{token:str}")
    async def confirm(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        found = await off_link_person(token)
        if found is None:
            raise NotFoundException()
        _, name, off = found
        return await render(request, "mail/pages/digest_off.html", token=token, name=name, done=off)

    @post("/{token:str}", status_code=200)
    async def switch(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        found = await off_link_person(token)
        if found is None:
            raise NotFoundException()
        form = await request.form()
        one_click = form.get("List-Unsubscribe") == "One-Click"
        await switch_off(found[0], "one-click" if one_click else "page")
        return await render(request, "mail/pages/digest_off.html", token=token, name=found[1], done=True)
