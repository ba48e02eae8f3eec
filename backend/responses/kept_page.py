"""The respondent's question page (`GET /respond/section/{id}`), kept per process as sent and
served again while nothing it is drawn from has changed (issue 10).

The statement every respondent request runs (`rounds.services.respondent_context`) stays: it
is the access check, so a replaced or revoked link ends access at once, kept page or not. What
it read names the page, with all else the page is drawn from (`page_key`): the row as read (the
invitation, its round, and the force's response whole: revision, status, answers, who saved
when), the section, the questionnaire's and the interface's language, the signed-in person if
any (the header), the path with its query (the language switches come back to it) and the CSRF
token the page's forms carry. A save by anyone, in any process, changes the row, so the next
request reads another key.

The page's hidden `page` field must differ on every page shown (saves name the page they come
from: `services.save_answers`), so a kept page holds `PAGE_MARKER` there and every page sent
gets a new id in its place (`sent`).

Never kept or served from what is kept: a page with flash messages waiting (shown once), a page
drawn again with errors or a conflict (those go through `_section` with a form), a response
created by this very request (not in the row read), and anything but a 200 page. Pages live in
`web/kept_pages.py`'s byte-budget LRU, per process, under keys starting with `ROUTE`.
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable
from typing import Any

from litestar import Request
from litestar.enums import MediaType
from litestar.response import Response

from backend.responses.deps import Respondent
from backend.security.guards import load_viewer
from backend.web import kept_pages
from backend.web.kept_responses import flashes_waiting, form_token
from backend.web.language import request_language

#: First item of every key here, apart from other pages kept in `web/kept_pages.py`.
ROUTE = "respond.section"
#: Where a kept page's id goes: random per process and only letters and digits, so Jinja leaves
#: it as it is and nobody's text can hold it (it is never sent: `sent` replaces it).
PAGE_MARKER = "pgid" + secrets.token_hex(16)
_MARKER = PAGE_MARKER.encode()


async def page_key(request: Request[Any, Any, Any], r: Respondent, section_id: str) -> Hashable | None:
    """Everything this request's question page is drawn from; None when it may be neither kept
    nor served from what is kept."""
    if r.fingerprint is None or flashes_waiting(request):
        return None
    url = request.url
    return (
        ROUTE,
        r.fingerprint,
        section_id,
        r.lang,
        (await request_language(request)).code,
        await load_viewer(request),  # a frozen dataclass: every field the header may show
        url.path,
        url.query,
        form_token(request),
    )


def kept(key: Hashable) -> Response[bytes] | None:
    """The page kept under `key`, with a new page id, if any."""
    body = kept_pages.get(key)
    return None if body is None else sent(body)


def keep(key: Hashable, body: bytes) -> Response[bytes]:
    """Keep `body` (drawn with `PAGE_MARKER` as its page id) and send it with a new page id; a
    page that does not hold the marker exactly once is sent but not kept."""
    if body.count(_MARKER) == 1:
        kept_pages.put(key, body)
        return sent(body)
    return Response(content=body.replace(_MARKER, _page_id()), media_type=MediaType.HTML)


def sent(body: bytes) -> Response[bytes]:
    """`body` (holding the marker once) with a new page id in its place."""
    return Response(content=body.replace(_MARKER, _page_id(), 1), media_type=MediaType.HTML)


def _page_id() -> bytes:
    return secrets.token_urlsafe(16).encode()
