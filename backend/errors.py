"""Error pages for people, JSON errors for the API."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

log = logging.getLogger(__name__)


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith(("/api/", "/schema", "/healthz")):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/json" not in accept


def _page(request: Request[Any, Any, Any], status: int, title: str, message: str) -> Response[Any]:
    return Template(
        template_name="error.html",
        status_code=status,
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
