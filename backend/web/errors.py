"""Errors: pages for people, JSON for the API, and how the OpenAPI document states the
refusals.

Every status a JSON route can answer is listed on the route (the schemathesis test checks it):
guards answer 401 and 403, a POST without the session's CSRF token 403, an unknown id 404.
Litestar adds 400 itself for routes whose parameters or body it validates. The body is what
`http_error` sends (`ApiError`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import ClientException, HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from backend.i18n import N_
from backend.web.language import PAGE_LANGUAGE, known_language

log = logging.getLogger(__name__)


class ApiError(msgspec.Struct):
    status_code: int
    detail: str


class FieldProblem(msgspec.Struct):
    #: the request's field to correct
    key: str
    message: str


class InvalidInput(msgspec.Struct):
    """A 422: values of the right type that cannot be accepted, every one named (`extra`)."""

    status_code: int
    detail: str
    extra: list[FieldProblem]


def invalid(problems: Mapping[str, str]) -> HTTPException:
    """The 422 for `problems` (field → message), the same messages the page shows beside its fields."""
    return HTTPException(
        status_code=422,
        detail="Some values cannot be accepted; nothing changed: " + " ".join(problems.values()),
        extra=[{"key": key, "message": message} for key, message in problems.items()],
    )


#: What each refusal means on any route; a route may say more (see `refusals`).
MEANINGS = {
    401: "Not signed in (or the session has ended)",
    403: "Signed in without the role this needs; for a POST, also a missing or wrong X-CSRFToken header",
    404: "There is no such thing (an id that is not a whole number is none either); nothing changed",
    409: "The request conflicts with the current state; nothing changed",
    422: "Some values cannot be accepted (`extra` names each field and says why); nothing changed",
}


def refusals(*statuses: int, says: dict[int, str] | None = None) -> dict[int, ResponseSpec]:
    """Response documentation for `statuses`; `says` replaces the general wording of some."""
    return {
        status: ResponseSpec(
            data_container=InvalidInput if status == 422 else ApiError,
            description=(says or {}).get(status) or MEANINGS[status],
            # Litestar would otherwise invent random example values, different at every start.
            generate_examples=False,
        )
        for status in statuses
    }


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith(("/api/", "/schema", "/healthz")):
        return False
    # A JSON route outside /api/ (autosave) is in the OpenAPI document; pages never are.
    handler = request.scope.get("route_handler")
    if isinstance(handler, HTTPRouteHandler) and handler.resolve_include_in_schema():
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/json" not in accept


#: The title of each error page people see (translated when shown).
TITLES = {
    400: N_("Bad request"),
    401: N_("Sign in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Not allowed"),
    409: N_("Conflict"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
}
NOT_FOUND = N_("The page you asked for does not exist. Check the address, or go back to the start.")
TOO_MANY = N_("Too many attempts. Wait a minute and try again.")
SESSION_ENDED = N_("Your session has ended. Sign in again and retry.")
CANNOT_SEE = N_("You cannot see this page.")
OUR_FAULT = N_("Something went wrong on our side. Nothing you typed was lost if you saved it; try again in a moment.")


def _page(request: Request[Any, Any, Any], status: int, title: str, message: str) -> Response[Any]:
    """An error page in the request's language: `title` and `message` are English messages
    (`N_`-marked, or an exception's detail), translated here when a translation exists."""
    language = known_language(request)
    PAGE_LANGUAGE.set(language)
    return Template(
        template_name="error.html",
        status_code=status,
        # No flash messages on an error page: they stay for the next page.
        context={
            "title": language.translations.gettext(title),
            "message": language.translations.gettext(message),
            "viewer": None,
            "flashes": [],
            "language": language,
            "lang": language.code,
            "page_path": "/",
        },
    )  # type: ignore[return-value]


def not_authorized(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if _wants_html(request):
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return Redirect(path=f"/sign-in?next={quote(target)}")  # type: ignore[return-value]
        return _page(request, 401, TITLES[401], SESSION_ENDED)
    return Response(
        {"status_code": 401, "detail": exc.detail}, status_code=401, media_type=MediaType.JSON, headers=exc.headers
    )


def permission_denied(request: Request[Any, Any, Any], exc: PermissionDeniedException) -> Response[Any]:
    if _wants_html(request):
        return _page(request, 403, TITLES[403], exc.detail or CANNOT_SEE)
    return Response({"status_code": 403, "detail": exc.detail}, status_code=403, media_type=MediaType.JSON)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= 500:
        # A 4xx is the client's doing and is not logged as an error; a 5xx is ours.
        log.error("%d on %s %s", exc.status_code, request.method, request.url.path, exc_info=exc)
    if _wants_html(request) and exc.status_code in {400, 403, 404, 405, 409, 429}:
        message = {404: NOT_FOUND, 429: TOO_MANY}.get(exc.status_code, exc.detail)
        response = _page(request, exc.status_code, TITLES[exc.status_code], message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response
    body: dict[str, Any] = {"status_code": exc.status_code, "detail": exc.detail}
    if exc.extra:
        body["extra"] = exc.extra
    return Response(body, status_code=exc.status_code, media_type=MediaType.JSON, headers=exc.headers)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if _wants_html(request):
        return _page(request, 500, TITLES[500], OUR_FAULT)
    return Response(
        {"status_code": 500, "detail": "Internal server error"},
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


def undecodable(request: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[Any]:
    """A form part that is not UTF-8 text: Litestar's multipart parser raises while reading the
    body, before any handler runs. The client's doing: a 400, never a 500."""
    return http_error(request, ClientException(detail="A form field is not valid UTF-8 text."))


EXCEPTION_HANDLERS = {
    UnicodeDecodeError: undecodable,
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: permission_denied,
    HTTPException: http_error,
    HTTP_500_INTERNAL_SERVER_ERROR: server_error,
}
