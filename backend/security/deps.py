"""Who is asking, as dependencies: a handler declares `viewer: Injected[Viewer]` (registered
for the whole app in `app.py`) instead of digging the person out of the request.

The guards (`guards.py`) have loaded the viewer already, once per request; these only hand it
over. On a route without a guard, `viewer` is still refused to anyone not signed in."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException

from backend.i18n import N_
from backend.security.guards import load_viewer
from backend.security.roles import Viewer


async def provide_viewer(request: Request[Any, Any, Any]) -> Viewer:
    """The signed-in person (401 for anyone else: the guard has normally said so already)."""
    viewer = await load_viewer(request)
    if viewer is None:
        raise NotAuthorizedException(N_("Sign in to see this page."))
    return viewer


async def provide_optional_viewer(request: Request[Any, Any, Any]) -> Viewer | None:
    """The signed-in person, or None: for pages anyone may see."""
    return await load_viewer(request)
