"""Whole pages kept per process exactly as sent to one signed-in person, gzip-compressed once, and
served again without a statement or a template while nothing they were drawn from has changed.

`web/kept_pages.py` keeps a page's body, shared by everyone who sees the same thing; this keeps the
whole page of one person (the layout drawn around that body: their name, their CSRF token, the
language switch's return address) under a key that names all of it:

- the data epoch (`web/data_epoch.py`): any committed change to the tables partner pages are
  drawn from, in any process, makes every page kept before it unreachable;
- the route, the path with its query, the signed-in person as loaded (every field the layout
  may show), the request's language, and the CSRF token the layout's forms carry.

A page is neither kept nor served while flash messages wait in the session (the layout shows them
once), while the process is not listening to PostgreSQL (`data_epoch.current()` is None), or
when the epoch moved while it was being drawn. Entries live at most `TTL` seconds (a backstop:
notifications make them stale at once), least recently used first out past `MAX_BYTES`.

Routes that use this send their own compressed bodies (`opt={PRECOMPRESSED: True}`): gzip for a
client that takes it (compressed once per kept page), the page as it is otherwise.
"""

from __future__ import annotations

import gzip
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.enums import MediaType
from litestar.response.base import ASGIResponse
from litestar.utils.scope.state import ScopeState

from backend.i18n import Language
from backend.security.roles import Viewer
from backend.web import data_epoch
from backend.web.assets import accepted_encodings

#: Seconds a page is kept at most.
TTL = 300.0
#: Bytes of pages kept per process (uncompressed and gzip together).
MAX_BYTES = 32 * 1024 * 1024
#: The flash messages' session key (Litestar's FlashPlugin): `base.html` shows them once.
FLASHES = "_messages"
#: gzip's level, as the app's compression middleware's: level 9 took a third longer on the
#: dashboard's 256 KB for 0.5% fewer bytes.
LEVEL = 6
#: Smaller bodies are sent as they are (as the app's compression middleware would).
MINIMUM_SIZE = 1024


@dataclass
class KeptPage:
    body: bytes
    until: float
    gzipped: bytes | None = field(default=None)
    #: whether it is among the pages kept now (its gzip copy then counts against MAX_BYTES)
    kept: bool = False

    def size(self) -> int:
        return len(self.body) + (len(self.gzipped) if self.gzipped else 0)


_KEPT: OrderedDict[Hashable, KeptPage] = OrderedDict()
_size = 0


@dataclass(frozen=True)
class Slot:
    """Where a page would be kept: its key, and the epoch it was read at."""

    key: Hashable
    epoch: int


def flashes_waiting(request: Request[Any, Any, Any]) -> bool:
    """Whether flash messages wait in the session: a page drawn now shows them, once, so it is
    neither kept nor served from what is kept (here and `responses/kept_page.py`)."""
    session = request.scope.get("session")
    return isinstance(session, dict) and bool(session.get(FLASHES))


def form_token(request: Request[Any, Any, Any]) -> str | None:
    """The CSRF token this request's page carries in its forms (as the Template draws it)."""
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else None


def slot(request: Request[Any, Any, Any], route: str, viewer: Viewer, language: Language) -> Slot | None:
    """The key of this request's page, or None when it may not be kept or served from what is kept."""
    epoch = data_epoch.current()
    if epoch is None or request.method != "GET" or flashes_waiting(request):
        return None
    token = form_token(request)
    if token is None:
        return None
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Slot((route, path, viewer, language.code, token, epoch), epoch)


def get(place: Slot | None) -> KeptPage | None:
    if place is None:
        return None
    found = _KEPT.get(place.key)
    if found is None:
        return None
    if found.until <= time.monotonic():
        _forget(place.key)
        return None
    _KEPT.move_to_end(place.key)
    return found


def put(place: Slot | None, body: bytes) -> KeptPage:
    """Keep `body` if nothing it was drawn from changed while it was drawn; the page either way."""
    page = KeptPage(body, time.monotonic() + TTL)
    if place is None or not data_epoch.still(place.epoch):
        return page
    global _size
    _forget(place.key)
    page.kept = True
    _KEPT[place.key] = page
    _size += page.size()
    while _size > MAX_BYTES and _KEPT:
        _forget(next(iter(_KEPT)))
    return page


def _forget(key: Hashable) -> None:
    global _size
    old = _KEPT.pop(key, None)
    if old is not None:
        old.kept = False
        _size -= old.size()


def clear() -> None:
    """Forget every page (tests)."""
    global _size
    _KEPT.clear()
    _size = 0


def kept_count() -> int:
    return len(_KEPT)


def send(request: Request[Any, Any, Any], page: KeptPage) -> ASGIResponse:
    """The page, gzip-compressed for a client that takes it (once, for a kept page). An
    ASGIResponse, ready to send: a kept page needs none of a Response's conversions."""
    global _size
    headers = {"vary": "accept-encoding"}
    body = page.body
    if len(body) >= MINIMUM_SIZE and "gzip" in accepted_encodings(request.headers.get("accept-encoding", "")):
        if page.gzipped is None:
            page.gzipped = gzip.compress(body, LEVEL, mtime=0)
            if page.kept:
                _size += len(page.gzipped)
        body = page.gzipped
        headers["content-encoding"] = "gzip"
    return ASGIResponse(body=body, media_type=MediaType.HTML, headers=headers)
