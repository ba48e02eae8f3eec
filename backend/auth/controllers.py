"""Sign-in pages: e-mail and password, one-time links, signing out. A language chosen with the
header's switch stays chosen across signing in and out (the session is replaced, not the choice)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.audit.refusals import refused
from backend.audit.services import record
from backend.auth.forms import SignInForm
from backend.auth.services import authenticate, redeem_sign_in_link
from backend.i18n import LANGUAGES, Language, language_for
from backend.partners.schemas import PersonRow
from backend.security.deps import provide_optional_viewer
from backend.security.guards import viewer_of
from backend.security.roles import PERSON_KEY, Role, Viewer
from backend.security.sessions import rotate_session
from backend.web.forms import FORM
from backend.web.language import CHOSEN_LANGUAGE_KEY, chosen_language
from backend.web.params import Injected
from backend.web.render import redirect, render, safe_next


def home_for(role: Role) -> str:
    return "/staff" if Role(role).is_staff else "/dashboard"


def _kept(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What outlives signing in and out: the language chosen with the switch."""
    chosen = chosen_language(request)
    return {CHOSEN_LANGUAGE_KEY: chosen} if chosen else {}


def _start_session(request: Request[Any, Any, Any], person: PersonRow) -> None:
    kept = _kept(request)
    rotate_session(request)
    request.set_session({**kept, PERSON_KEY: person.id})


class AuthController(Controller):
    tags = ["pages: sign-in"]
    include_in_schema = False

    @get("/", dependencies={"viewer": Provide(provide_optional_viewer)})
    async def home(self, request: Request[Any, Any, Any], viewer: Injected[Viewer | None]) -> Template | Redirect:
        """Start page: signed-in people go to their home; others see how to sign in."""
        if viewer is not None:
            return Redirect(path=home_for(viewer.role))
        return await render(request, "home.html")

    @get("/sign-in")
    async def sign_in_page(self, request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Template:
        return await render(request, "auth/sign_in.html", next=safe_next(next, ""), email="", errors={})

    @post("/sign-in")
    async def sign_in(
        self, request: Request[Any, Any, Any], language: Injected[Language], data: Annotated[SignInForm, FORM]
    ) -> Template | Redirect:
        """Sign in with e-mail and password; on any problem, the form again with every message."""
        email, password, target = data.email, data.password, data.next
        errors = {}
        if not email:
            errors["email"] = language.gettext("Enter your e-mail address.")
        if not password:
            errors["password"] = language.gettext("Enter your password.")
        person = await authenticate(email, password) if not errors else None
        if person is None:
            if not errors:
                errors["email"] = language.gettext("The e-mail address or password is not right.")
            return await render(
                request,
                "auth/sign_in.html",
                status_code=400,
                next=safe_next(target, ""),
                email=email,
                errors=errors,
                page_path="/sign-in",
            )
        _start_session(request, person)
        await record(viewer_of(person), "signed_in", f"person:{person.id}", method="password")
        return redirect(safe_next(target, home_for(person.role)))

    @get("/sign-in/link/{token:str}")
    async def link_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        """A one-time link shows a button: opening a link (or a mail scanner fetching it)
        must not use it up."""
        return await render(request, "auth/link.html", token=token)

    @post("/sign-in/link/{token:str}")
    async def link_sign_in(
        self, request: Request[Any, Any, Any], token: FromPath[str], language: Injected[Language]
    ) -> Template | Redirect:
        person = await redeem_sign_in_link(token)
        if person is None:
            await refused(request, None, "sign_in_link_not_valid")  # the route, never the token
            return await render(
                request,
                "error.html",
                status_code=400,
                title=language.gettext("Link not valid"),
                message=language.gettext(
                    "This sign-in link is not valid: it may have been used already or "
                    "expired. Ask the project team for a new one."
                ),
            )
        _start_session(request, person)
        await record(viewer_of(person), "signed_in", f"person:{person.id}", method="link")
        if not person.has_password:
            # In the next page's language: a choice made before signing in, else the person's own.
            own = not chosen_language(request) and person.language in LANGUAGES
            shown = language_for(person.language) if own else language
            message = shown.gettext("You are signed in. Set a password on your account page to sign in without a link.")
            flash(request, message, "info")
        return redirect(home_for(person.role))

    @post("/sign-out")
    async def sign_out(self, request: Request[Any, Any, Any]) -> Redirect:
        kept = _kept(request)
        request.clear_session()
        if kept:
            request.set_session(kept)
        return redirect("/")
