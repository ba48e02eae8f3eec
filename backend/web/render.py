"""Rendering pages with the common context, and redirects.

Flash messages are Litestar's FlashPlugin (registered in `app.py`): handlers call
`litestar.plugins.flash.flash(request, language.gettext("…"), category)` (in the language of
the request that made them), and `base.html` shows and removes them with `get_flashes()` when
the next page is rendered."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.enums import MediaType
from litestar.response import Redirect, Template
from litestar.response.base import ASGIResponse
from markupsafe import Markup

from backend.i18n import Language
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


def render_part(request: Request[Any, Any, Any], template: str, language: Language, **context: Any) -> bytes:
    """A part of a page, drawn apart to be kept (`web/kept_pages.py`), encoded as it is sent: only
    from `context` and `language`, never from the request or the person (no viewer, no CSRF
    token, no flashes), which the page's layout draws around it at every request
    (`render_around`)."""
    PAGE_LANGUAGE.set(language)
    environment = request.app.template_engine.engine  # type: ignore[union-attr]
    return environment.get_template(template).render(language=language, lang=language.code, **context).encode()


#: Where a kept part goes in the page drawn around it: random per process, and starting with
#: "<", which Jinja escapes in every value it is given, so no text anyone typed can contain it.
KEPT_MARKER = f"<!--kept-{secrets.token_hex(16)}-->"


def _drawn_around(request: Request[Any, Any, Any], template: str, context: dict[str, Any], kept: bytes) -> bytes:
    engine = request.app.template_engine
    assert engine is not None
    page = engine.get_template(template).render(**context)
    # the last marker: the layout draws the person's name and flash messages before the
    # content, and nothing of the person after it
    head, marker, tail = page.rpartition(KEPT_MARKER)
    if not marker:
        raise RuntimeError(f"{template} does not show its kept body")
    return b"".join((head.encode(), kept, tail.encode()))


class AroundKept(Template):
    """A page drawn at this request around a part already drawn, encoded and kept: the template
    is given `body` (a marker), and the kept bytes are put where the marker is, so the kept
    part is neither joined by Jinja nor encoded again."""

    def __init__(self, *, kept: bytes, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kept = kept

    def to_asgi_response(  # type: ignore[override]
        self,
        app: Any,
        request: Request[Any, Any, Any],
        *,
        background: Any = None,
        cookies: Iterable[Cookie] | None = None,
        encoded_headers: Iterable[tuple[bytes, bytes]] | None = None,
        headers: dict[str, str] | None = None,
        is_head_response: bool = False,
        media_type: MediaType | str | None = None,
        status_code: int | None = None,
        type_encoders: Any = None,
    ) -> ASGIResponse:
        assert self.template_name is not None
        return ASGIResponse(
            background=self.background or background,
            body=_drawn_around(request, self.template_name, self.create_template_context(request), self.kept),
            cookies=self.cookies if cookies is None else itertools.chain(self.cookies, cookies),
            encoded_headers=encoded_headers,
            headers={**headers, **self.headers} if headers is not None else self.headers,
            is_head_response=is_head_response,
            media_type=MediaType.HTML,
            status_code=self.status_code or status_code,
        )


async def render_around(
    request: Request[Any, Any, Any], template: str, kept: bytes, status_code: int = 200, **context: Any
) -> Template:
    """As `render`, with `kept` (from `render_part`) where the template shows `body`."""
    page = await render(request, template, status_code, body=Markup(KEPT_MARKER), **context)  # noqa: S704
    return AroundKept(kept=kept, template_name=template, context=page.context, status_code=status_code)


async def drawn_around(request: Request[Any, Any, Any], template: str, kept: bytes, **context: Any) -> bytes:
    """`render_around`'s page as the bytes it sends (a page kept whole: `web/kept_responses.py`)."""
    page = await render(request, template, body=Markup(KEPT_MARKER), **context)  # noqa: S704
    return _drawn_around(request, template, page.create_template_context(request), kept)


async def drawn(request: Request[Any, Any, Any], template: str, **context: Any) -> bytes:
    """`render`'s page (status 200) as the bytes it sends, drawn now: for a page kept whole
    (`responses/kept_page.py`), drawn exactly as its Template would be."""
    page = await render(request, template, **context)
    engine = request.app.template_engine
    assert engine is not None
    return engine.get_template(template).render(**page.create_template_context(request)).encode()


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
