"""The JSON API's refusals, as the OpenAPI document states them.

Every status a route can answer is listed on the route (the schemathesis test checks it):
guards answer 401 and 403, a POST without the session's CSRF token 403, an unknown id 404.
Litestar adds 400 itself for routes whose parameters or body it validates. The body is what
`errors.http_error` sends.
"""

from __future__ import annotations

import msgspec
from litestar.openapi.datastructures import ResponseSpec


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
