"""The moderation queue: reported posts with their authors and reasons; hide, redact or dismiss."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.exchange.forms import ModerationForm
from backend.exchange.moderation import moderate, queue
from backend.exchange.posts import Refused
from backend.i18n import Language
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.forms import FORM
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render

PAGE = "/staff/exchange"


class ModerationController(Controller):
    path = PAGE
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """Reported posts, oldest report first."""
        return await render(request, "exchange/moderation.html", queued=await queue(viewer, language))

    @post("/posts/{post_id:int}")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        post_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ModerationForm, FORM],
    ) -> Redirect:
        """Hide, redact or dismiss the reports on one post."""
        try:
            await moderate(post_id, viewer, data.action, data.reason, data.body, language)
        except Refused as exc:
            flash(request, exc.message, "error")
            return redirect(f"{PAGE}#post-{post_id}")
        flash(request, language.gettext("Done: the reports on this post are resolved."), "success")
        return redirect(PAGE)
