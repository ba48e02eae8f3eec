"""The public pages (no sign-in): about the initiative, the sign-up form, the confirmation and
unsubscribe links, and "see and delete my data". The same in JSON: `api.py`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from backend.i18n import LANGUAGES, Language
from backend.mail.config import current
from backend.settings import Settings
from backend.signup.checks import CONSENT_VERSION, INTERESTS, countries, country_name
from backend.signup.deps import LINK_NOT_VALID, over_limit
from backend.signup.forms import EmailForm, SignupForm
from backend.signup.services import (
    Invalid,
    confirm,
    confirmable,
    data_for,
    delete_data,
    published_reports,
    request_data_link,
    sign_up,
    unsubscribe,
    unsubscribe_target,
)
from backend.web.forms import FORM
from backend.web.params import Injected
from backend.web.render import render


def _invalid_link(request: Request[Any, Any, Any], language: Language) -> Any:
    return render(
        request,
        "error.html",
        status_code=404,
        title=language.gettext("Link not valid"),
        message=language.gettext(LINK_NOT_VALID),
    )


class PublicController(Controller):
    tags = ["pages: public"]
    include_in_schema = False
    # Personal data and one-time links: no cache keeps these pages.
    cache_control = CacheControlHeader(no_store=True)

    @get("/about")
    async def about(self, request: Request[Any, Any, Any], language: Injected[Language]) -> Template:
        """What the initiative is, who is behind it, how confidentiality works, and the summaries
        of published reports."""
        return await render(request, "public/about.html", reports=await published_reports(language))

    async def _form(
        self,
        request: Request[Any, Any, Any],
        language: Language,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        return await render(
            request,
            "public/signup.html",
            status_code=status_code,
            values=values,
            errors=errors or {},
            countries=countries(language.code),
            interests=INTERESTS,
            languages=LANGUAGES,
            consent_version=CONSENT_VERSION,
            page_path="/signup",
        )

    @get("/signup")
    async def signup_page(self, request: Request[Any, Any, Any], language: Injected[Language]) -> Template:
        return await self._form(request, language, {"language": language.code, "interests": []})

    @post("/signup", status_code=200)
    async def signup(
        self,
        request: Request[Any, Any, Any],
        language: Injected[Language],
        settings: Injected[Settings],
        data: Annotated[SignupForm, FORM],
    ) -> Template:
        """Sign up; every sign-up that is well formed gets the same answer ("look in your
        mailbox"), whether or not the address was known, and so does a bot that filled the
        honeypot (nothing stored for it)."""
        values = data.values()
        if await over_limit(request, settings) is not None:
            message = language.gettext("Too many sign-ups from your network. Please try again in an hour.")
            return await self._form(request, language, values, {"form": message}, status_code=429)
        if not data.website:
            try:
                await sign_up(data.as_input(), language, settings.secret_key, "form")
            except Invalid as exc:
                return await self._form(request, language, values, exc.problems, status_code=400)
        return await render(request, "public/signup_sent.html", email=data.email.strip())

    @get("/signup/confirm/{token:str}")
    async def confirm_page(
        self, request: Request[Any, Any, Any], token: FromPath[str], language: Injected[Language]
    ) -> Template:
        """A button to confirm: opening the link (or a mail scanner fetching it) uses nothing up."""
        if not await confirmable(token[:200]):
            return await _invalid_link(request, language)
        return await render(request, "public/confirm.html", token=token, done=False)

    @post("/signup/confirm/{token:str}", status_code=200)
    async def confirm(
        self, request: Request[Any, Any, Any], token: FromPath[str], language: Injected[Language]
    ) -> Template:
        found = await confirm(token[:200], "link")
        if found is None:
            return await _invalid_link(request, language)
        return await render(request, "public/confirm.html", token=token, done=True)

    @get("/signup/unsubscribe/{token:str}")
    async def unsubscribe_page(
        self, request: Request[Any, Any, Any], token: FromPath[str], language: Injected[Language]
    ) -> Template:
        found = await unsubscribe_target(current().secret_key, token[:200])
        if found is None:
            raise NotFoundException()
        done = not found.subscribed and found.status != "pending"
        return await render(request, "public/unsubscribe.html", token=token, done=done, name=found.name)

    @post("/signup/unsubscribe/{token:str}", status_code=200)
    async def unsubscribe(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        """From the page's button, or the mail client's one-click button (RFC 8058: no CSRF
        token; the path is exempt, the token in it being the proof)."""
        found = await unsubscribe_target(current().secret_key, token[:200])
        if found is None:
            raise NotFoundException()
        form = await request.form()
        await unsubscribe(found.id, "one-click" if form.get("List-Unsubscribe") == "One-Click" else "link")
        return await render(request, "public/unsubscribe.html", token=token, done=True, name=found.name)

    @get("/signup/my-data")
    async def data_request_page(self, request: Request[Any, Any, Any]) -> Template:
        return await render(request, "public/data_request.html", email="", errors={}, sent=False)

    @post("/signup/my-data", status_code=200)
    async def data_request(
        self,
        request: Request[Any, Any, Any],
        language: Injected[Language],
        settings: Injected[Settings],
        data: Annotated[EmailForm, FORM],
    ) -> Template:
        """Send a link to one's data: the same answer whether or not the address has a sign-up."""
        if await over_limit(request, settings) is not None:
            message = language.gettext("Too many requests from your network. Please try again in an hour.")
            return await render(
                request, "public/data_request.html", status_code=429, email=data.email, errors={"form": message},
                sent=False,
            )  # fmt: skip
        if not data.website:
            try:
                await request_data_link(data.email, language, settings.secret_key)
            except Invalid as exc:
                return await render(
                    request, "public/data_request.html", status_code=400, email=data.email, errors=exc.problems,
                    sent=False,
                )  # fmt: skip
        return await render(request, "public/data_request.html", email=data.email, errors={}, sent=True)

    @get("/signup/my-data/{token:str}")
    async def my_data(
        self, request: Request[Any, Any, Any], token: FromPath[str], language: Injected[Language]
    ) -> Template:
        """Everything stored about one's sign-up, and a button to delete it."""
        found = await data_for(token[:200])
        if found is None:
            return await _invalid_link(request, language)
        return await render(
            request,
            "public/my_data.html",
            token=token,
            data=found,
            country=country_name(found.signup.country, language.code),
            interests=INTERESTS,
        )

    @post("/signup/my-data/{token:str}/delete", status_code=200)
    async def delete(
        self, request: Request[Any, Any, Any], token: FromPath[str], language: Injected[Language]
    ) -> Template:
        if not await delete_data(token[:200]):
            return await _invalid_link(request, language)
        return await render(request, "public/deleted.html")
