"""Rendering pages with the common context, and redirects.

Flash messages are Litestar's FlashPlugin (registered in `app.py`): handlers call
`litestar.plugins.flash.flash(request, language.gettext("…"), category)` (in the language of
the request that made them), and `base.html` shows and removes them with `get_flashes()` when
the next page is rendered."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from backend.security.guards import load_viewer
from backend.web.language import PAGE_LANGUAGE, request_language


async def render(request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any) -> Template:
    """A page, with the viewer (or None) for the header and the request's `language` (the
    interface's words, dates and numbers: `web/language.py`). `lang` is the language of the
    page's questionnaire text, the interface's unless given (a staff preview shows a
    questionnaire in any of its languages)."""
    language = await request_language(request)
    PAGE_LANGUAGE.set(language)
    base = {
        "viewer": await load_viewer(request),
        "language": language,
        "lang": language.code,
        "page_path": page_path(request, template, status_code),
    }
    base.update(context)
    return Template(template_name=template, context=base, status_code=status_code)


#: The page of every refusal (`web/errors.py`, refused links).
ERROR_TEMPLATE = "error.html"


def page_path(request: Request[Any, Any, Any], template: str, status_code: int) -> str:
    """Where the language switch comes back to: this page; the start page from an error page
    (the same for every refusal, and never a refused link's address); a form drawn again by a
    POST comes back to the address posted to, without its query. A handler that draws a form
    again at an address with no page of its own (GET answers 405) passes `page_path` itself."""
    if template == ERROR_TEMPLATE or (request.method == "GET" and status_code >= 400):
        return "/"
    if request.method == "GET":
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return request.url.path


def redirect(path: str) -> Redirect:
    # 303: after a POST, the browser fetches the next page with GET.
    return Redirect(path=path, status_code=303)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: `next` must never send someone to another site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
