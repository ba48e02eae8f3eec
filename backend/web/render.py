"""Rendering pages with the common context, and redirects.

Flash messages are Litestar's FlashPlugin (registered in `app.py`): handlers call
`litestar.plugins.flash.flash(request, message, category)`, and `base.html` shows and removes
them with `get_flashes()` when the next page is rendered."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from backend.security.guards import load_viewer


async def render(request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any) -> Template:
    """A page, with the viewer (or None) for the header and English unless `lang` is given."""
    base = {"viewer": await load_viewer(request), "lang": "en"}
    base.update(context)
    return Template(template_name=template, context=base, status_code=status_code)


def redirect(path: str) -> Redirect:
    # 303: after a POST, the browser fetches the next page with GET.
    return Redirect(path=path, status_code=303)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: `next` must never send someone to another site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
