"""Everyone's own account page: password and language. (The staff pages for forces and people
are `staff.py`.)"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import Language, language_for
from backend.partners.forms import ChangePassword, LanguagePreference
from backend.partners.services import language_problem, password_change_problems, set_own_language, set_own_password
from backend.security.guards import requires_sign_in
from backend.security.roles import Viewer
from backend.web.forms import FORM
from backend.web.language import CHOSEN_LANGUAGE_KEY
from backend.web.params import Injected
from backend.web.render import redirect, render

#: Pages drawn by the account page's forms come back here when the language is switched.
PAGE = "/account"


class AccountController(Controller):
    path = "/account"
    guards = [requires_sign_in]
    tags = ["pages: account"]
    include_in_schema = False

    async def _page(
        self, request: Request[Any, Any, Any], errors: dict[str, str] | None = None, status_code: int = 200
    ) -> Template:
        return await render(request, "account.html", status_code=status_code, errors=errors or {}, page_path=PAGE)

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
        chosen = language_for(data.language)
        flash(request, chosen.gettext("Your language has been saved: %(language)s.", language=chosen.name), "success")
        return redirect(PAGE)
