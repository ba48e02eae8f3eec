"""Errors: pages for people, JSON for the API, and how the OpenAPI document states the
refusals.

Every status a JSON route can answer is listed on the route (the schemathesis test checks it):
guards answer 401 and 403, a POST without the session's CSRF token 403, an unknown id 404.
Litestar adds 400 itself for routes whose parameters or body it validates. The body is what
`http_error` sends (`ApiError`).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

log = logging.getLogger(__name__)


class ApiError(msgspec.Struct):
    status_code: int
    detail: str


#: What each refusal means on any route; a route may say more (see `refusals`).
MEANINGS = {
    401: "Not signed in (or the session has ended)",
    403: "Signed in without the role this needs; for a POST, also a missing or wrong X-CSRFToken header",
    404: "There is no such thing (an id that is not a whole number is none either); nothing changed",
    409: "The request conflicts with the current state; nothing changed",
}


def refusals(*statuses: int, says: dict[int, str] | None = None) -> dict[int, ResponseSpec]:
    """Response documentation for `statuses`; `says` replaces the general wording of some."""
    return {
        status: ResponseSpec(
            data_container=ApiError,
            description=(says or {}).get(status, MEANINGS[status]),
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


def _page(request: Request[Any, Any, Any], status: int, title: str, message: str) -> Response[Any]:
    return Template(
        template_name="error.html",
        status_code=status,
        # No flash messages on an error page: they stay for the next page.
        context={"title": title, "message": message, "viewer": None, "flashes": [], "lang": "en"},
    )  # type: ignore[return-value]


def not_authorized(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if _wants_html(request):
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return Redirect(path=f"/sign-in?next={quote(target)}")  # type: ignore[return-value]
        return _page(request, 401, "Sign in", "Your session has ended. Sign in again and retry.")
    return Response({"status_code": 401, "detail": exc.detail}, status_code=401, media_type=MediaType.JSON)


def permission_denied(request: Request[Any, Any, Any], exc: PermissionDeniedException) -> Response[Any]:
    if _wants_html(request):
        return _page(request, 403, "Not allowed", exc.detail or "You cannot see this page.")
    return Response({"status_code": 403, "detail": exc.detail}, status_code=403, media_type=MediaType.JSON)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= 500:
        # A 4xx is the client's doing and is not logged as an error; a 5xx is ours.
        log.error("%d on %s %s", exc.status_code, request.method, request.url.path, exc_info=exc)
    if _wants_html(request) and exc.status_code in {400, 403, 404, 405, 409, 429}:
        titles = {
            404: "Page not found",
            405: "Not allowed",
            409: "Conflict",
            429: "Too many attempts",
            403: "Not allowed",
            400: "Bad request",
        }
        message = {
            404: "The page you asked for does not exist. Check the address, or go back to the start.",
            429: "Too many attempts. Wait a minute and try again.",
        }.get(exc.status_code, exc.detail)
        response = _page(request, exc.status_code, titles[exc.status_code], message)
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
        return _page(
            request,
            500,
            "Something went wrong",
            "Something went wrong on our side. Nothing you typed was lost if you saved it; try again in a moment.",
        )
    return Response(
        {"status_code": 500, "detail": "Internal server error"},
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


EXCEPTION_HANDLERS = {
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: permission_denied,
    HTTPException: http_error,
    HTTP_500_INTERNAL_SERVER_ERROR: server_error,
}
