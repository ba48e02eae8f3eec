"""Staff's review of confirmed sign-ups: approve as a partner contact of a force, keep as a
subscriber, or reject (audited; the same in JSON: `api.py`)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import Language
from backend.partners.services import list_forces
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.signup.checks import INTERESTS, countries
from backend.signup.forms import ReviewForm
from backend.signup.services import Invalid, NotReviewable, review, review_queue, reviewed
from backend.web.forms import FORM
from backend.web.params import Injected, PathId, form_int
from backend.web.render import redirect, render


class StaffSignupController(Controller):
    path = "/staff/signups"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        language: Language,
        errors: dict[str, str] | None = None,
        failed: int | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        return await render(
            request,
            "staff/signups.html",
            status_code=400 if errors else 200,
            waiting=await review_queue(),
            reviewed=await reviewed(),
            forces=await list_forces(),
            countries=dict(countries(language.code)),
            interests=INTERESTS,
            errors=errors or {},
            failed=failed,
            values=values or {},
            page_path="/staff/signups",
        )

    @get("/")
    async def index(self, request: Request[Any, Any, Any], language: Injected[Language]) -> Template:
        """Confirmed sign-ups waiting for review, oldest first, and the latest reviewed."""
        return await self._page(request, language)

    @post("/{signup_id:int}")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        signup_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: Annotated[ReviewForm, FORM],
    ) -> Template | Redirect:
        try:
            done = await review(signup_id, data.decision, form_int(data.force), viewer, language, settings.secret_key)
        except LookupError as exc:
            raise NotFoundException() from exc
        except Invalid as exc:
            return await self._page(request, language, exc.problems, signup_id, data.values())
        except NotReviewable:
            flash(request, language.gettext("This sign-up has been reviewed already."), "error")
            return redirect("/staff/signups")
        words = {
            "partner": language.gettext(
                "Approved: %(name)s is now a partner contact and has been sent a sign-in link.", name=done.name
            ),
            "subscriber": language.gettext("%(name)s is kept as a subscriber.", name=done.name),
            "rejected": language.gettext("The sign-up of %(name)s is rejected.", name=done.name),
        }
        flash(request, words[done.status.value], "success")
        return redirect("/staff/signups")
