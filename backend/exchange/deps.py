"""What the exchange's pages and JSON routes share: finding the thread or post a reader asks
for, with the dashboard's guard (a published round; refusals audited as `not_published`), and
turning the services' refusals into HTTP errors."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException, NotFoundException

from backend.audit.refusals import refused
from backend.exchange.posts import NeedsConfirmation, Refused, post_thread_key
from backend.exchange.schemas import ROUNDLESS, SEGMENTS, ThreadContext, ThreadKey
from backend.exchange.threads import resolve
from backend.i18n import Language
from backend.security.roles import Viewer
from backend.web.errors import invalid

NOT_FOUND = "There is no such discussion, or its results are not published."


async def reader_thread(
    request: Request[Any, Any, Any], viewer: Viewer, round_id: int, segment: str, subject: str, language: Language
) -> ThreadContext:
    """The thread, if the reader may see it; else 404 (audited)."""
    kind = SEGMENTS.get(segment)
    context = None if kind is None else await resolve(ThreadKey(kind, round_id, subject), language)
    if context is None:
        await refused(request, viewer, "not_published", f"exchange:{round_id}:{segment}")
        raise NotFoundException(NOT_FOUND)
    return context


async def reader_roundless(
    request: Request[Any, Any, Any], viewer: Viewer, subject_id: int, language: Language
) -> ThreadContext:
    """A meeting's or a report's thread (which: the path's segment, `/…/meetings/<id>` or
    `/…/reports/<id>`), if the reader may see it; else 404 (audited)."""
    segment = request.url.path.removeprefix("/api").split("/")[2]
    kind = next((k for k, name in ROUNDLESS.items() if name == segment), None)
    context = None if kind is None else await resolve(ThreadKey(kind, None, str(subject_id)), language)
    if context is None:
        await refused(request, viewer, "not_published", f"exchange:{segment}:{subject_id}")
        raise NotFoundException(NOT_FOUND)
    return context


async def reader_post(
    request: Request[Any, Any, Any], viewer: Viewer, post_id: int, language: Language
) -> ThreadContext:
    """The thread of a post the reader may see; else 404 (audited)."""
    key = await post_thread_key(post_id)
    context = None if key is None else await resolve(key, language)
    if context is None:
        await refused(request, viewer, "not_published", f"exchange_post:{post_id}")
        raise NotFoundException("There is no such post.")
    return context


def http_error(exc: Refused | NeedsConfirmation) -> HTTPException:
    """The API's answer to a refusal: 422 naming the field (`confirm` for the identity check)."""
    if isinstance(exc, NeedsConfirmation):
        return invalid({"confirm": exc.message})
    if exc.status_code == 422 and exc.field:
        return invalid({exc.field: exc.message})
    return HTTPException(status_code=exc.status_code, detail=exc.message)
