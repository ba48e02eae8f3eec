"""The language of a request, chosen once and carried as one `Language` value.

In order: the language chosen explicitly in this session (the switch in every page's header,
`POST /language`, `language_switch.py`; respondents' own switch writes the same session key), then the signed-in
person's stored preference (`Person.language`, set on the account page), then the browser's
`Accept-Language` (Babel's `negotiate_locale`), then English. A respondent page settles it
from the questionnaire's languages instead (`responses/deps.py` calls `set_request_language`).

Handlers declare `language: Injected[Language]` (registered for the whole app in `app.py`);
`render()` puts it in every page's context as `language`, which the template functions
(`web/templating.py`) use."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection

from backend.i18n import DEFAULT_LANGUAGE, LANGUAGES, Language, language_for, negotiate
from backend.security.guards import load_viewer

#: The session key of an explicit choice.
CHOSEN_LANGUAGE_KEY = "language"
_STATE_KEY = "language"

#: The language of the page being drawn, for templates that do not see the page's context (a
#: macro imported without context): set by `render()` and the error pages, in the request's task.
PAGE_LANGUAGE: ContextVar[Language | None] = ContextVar("page_language", default=None)


def _session(connection: ASGIConnection[Any, Any, Any, Any]) -> dict[str, Any] | None:
    session = connection.scope.get("session")
    return session if isinstance(session, dict) else None


def chosen_language(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The language chosen explicitly in this session, if any."""
    session = _session(connection)
    chosen = session.get(CHOSEN_LANGUAGE_KEY) if session else None
    return chosen if chosen in LANGUAGES else None


def _choose(connection: ASGIConnection[Any, Any, Any, Any], stored: str | None) -> Language:
    code = chosen_language(connection)
    if code is None and stored in LANGUAGES:
        code = stored
    if code is None:
        code = negotiate(connection.headers.get("accept-language"), LANGUAGES, DEFAULT_LANGUAGE)
    return language_for(code)


async def request_language(connection: ASGIConnection[Any, Any, Any, Any]) -> Language:
    """The request's language, chosen on first use and kept in the request's state."""
    state = connection.state
    if _STATE_KEY not in state:
        viewer = await load_viewer(connection)
        state[_STATE_KEY] = _choose(connection, viewer.language if viewer else None)
    language: Language = state[_STATE_KEY]
    return language


def known_language(connection: ASGIConnection[Any, Any, Any, Any]) -> Language:
    """The request's language without waiting for the database, for error pages (exception
    handlers cannot await): the one chosen already, else the choice from what is known now
    (the stored preference only when the signed-in person was loaded)."""
    state = connection.state
    if _STATE_KEY in state:
        language: Language = state[_STATE_KEY]
        return language
    viewer = state.get("viewer")
    return _choose(connection, getattr(viewer, "language", None))


def set_request_language(connection: ASGIConnection[Any, Any, Any, Any], code: str) -> Language:
    """Settle the request's language (a respondent's page: the questionnaire's language)."""
    language = language_for(code)
    connection.state[_STATE_KEY] = language
    return language


async def provide_language(request: Request[Any, Any, Any]) -> Language:
    return await request_language(request)
