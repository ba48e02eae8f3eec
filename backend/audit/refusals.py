"""Refused requests into the audit trail: who asked for what they may not have.

Called where access is refused (guards, the partner dashboard, respondent pages), so that
staff see probing in the audit trail. Repeats are counted, not listed (services.record_refusal).
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.connection import ASGIConnection

from backend.audit.services import record_refusal
from backend.security.logs import redact
from backend.security.roles import Viewer

log = logging.getLogger(__name__)


def _target(connection: ASGIConnection[Any, Any, Any, Any], viewer: Viewer | None) -> str:
    """A signed-in person's refusal names the path they asked for; an anonymous one names the
    route (`/respond/section/{section_id}`), so that nobody can write text of their
    choosing into the trail and no link's secret is ever kept."""
    method = connection.scope.get("method", "")
    if viewer is None:
        return f"{method} {connection.scope.get('path_template') or '(unknown route)'}"
    return f"{method} {redact(connection.scope['path'])}"


async def refused(
    connection: ASGIConnection[Any, Any, Any, Any], viewer: Viewer | None, refusal: str, subject: str | None = None
) -> None:
    """Record that `viewer` (None: nobody signed in) was refused; `subject` defaults to the
    request's target. A failure to record must not turn a refusal into an error page."""
    try:
        await record_refusal(viewer, refusal, subject or _target(connection, viewer))
    except Exception:
        log.exception("could not record a refused request in the audit trail")
