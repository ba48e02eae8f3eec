"""Everyone's own account page: password and language. (The staff pages for forces and people
are `staff.py`.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import Language, language_for
from backend.partners.forms import ChangePassword, LanguagePreference, NewApiToken
from backend.partners.services import language_problem, password_change_problems, set_own_language, set_own_password
from backend.security.api_tokens import DAY_CHOICES, TokenScope, create_token, list_tokens, revoke_token, token_problems
from backend.security.deps import provide_viewer
from backend.security.guards import requires_sign_in, requires_staff
from backend.security.roles import Viewer
from backend.web.forms import FORM
from backend.web.language import CHOSEN_LANGUAGE_KEY
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render

#: Pages drawn by the account page's forms come back here when the language is switched.
PAGE = "/account"


class AccountController(Controller):
    path = "/account"
    guards = [requires_sign_in]
    tags = ["pages: account"]
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        errors: dict[str, str] | None = None,
        status_code: int = 200,
        new_token: str | None = None,
        token_values: dict[str, str] | None = None,
    ) -> Template:
        viewer = await provide_viewer(request)
        tokens = await list_tokens(viewer.person_id) if viewer.is_staff else []
        return await render(
            request,
            "account.html",
            status_code=status_code,
            errors=errors or {},
            page_path=PAGE,
            tokens=tokens,
            new_token=new_token,
            token_values=token_values or {"days": str(DAY_CHOICES[1])},
            day_choices=DAY_CHOICES,
            now=datetime.now(UTC),
        )

    @get("/")
    async def account(self, request: Request[Any, Any, Any]) -> Template:
        return await self._page(request)

    @post("/password")
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ChangePassword, FORM],
    ) -> Template | Redirect:
        """Change one's own password (the current one is asked for when there is one)."""
        errors = await password_change_problems(viewer.person_id, data, language)
        if errors:
            return await self._page(request, errors, status_code=400)
        await set_own_password(viewer, data.new)
        flash(request, language.gettext("Your password has been changed."), "success")
        return redirect(PAGE)

    @post("/language")
    async def change_language(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[LanguagePreference, FORM],
    ) -> Template | Redirect:
        """Store the language one's pages are in whenever one is signed in. It replaces a
        language chosen with the header's switch in this session."""
        problem = language_problem(data.language, language)
        if problem:
            return await self._page(request, {"language": problem}, status_code=400)
        await set_own_language(viewer, data.language)
        session = request.scope.get("session")
        if isinstance(session, dict) and CHOSEN_LANGUAGE_KEY in session:
            request.set_session({k: v for k, v in session.items() if k != CHOSEN_LANGUAGE_KEY})
        if data.language:
            chosen = language_for(data.language)
            saved = chosen.gettext("Your language has been saved: %(language)s.", language=chosen.name)
        else:
            saved = language.gettext("Your pages now follow your browser's language.")
        flash(request, saved, "success")
        return redirect(PAGE)

    @post("/tokens", guards=[requires_staff])
    async def make_token(
        self,
        request: Request[Any, Any, Any],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[NewApiToken, FORM],
    ) -> Template:
        """Make a personal API token (staff): the page again, showing the token this once."""
        errors = token_problems(data.token_name, data.scope, data.days, language)
        if errors:
            return await self._page(request, errors, status_code=400, token_values=data.values())
        days = int(data.days) if data.days else None
        token, _ = await create_token(viewer, data.token_name, TokenScope(data.scope), days)
        return await self._page(request, new_token=token)

    @post("/tokens/{token_id:int}/revoke", guards=[requires_staff])
    async def revoke(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language], token_id: PathId
    ) -> Redirect:
        """Revoke one of one's own tokens: it stops working at once."""
        if await revoke_token(viewer, token_id):
            flash(request, language.gettext("The token is revoked."), "success")
        else:
            flash(request, language.gettext("You have no such token, or it is already revoked."), "error")
        return redirect(PAGE + "#tokens")
