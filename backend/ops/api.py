"""GET /healthz (JSON) for load balancers and compose healthchecks."""

from __future__ import annotations

import msgspec
from litestar import Controller, MediaType, Response, get
from litestar.openapi.datastructures import ResponseSpec

from backend.database import database_ok


class Health(msgspec.Struct):
    status: str
    database: str


class HealthController(Controller):
    path = "/healthz"
    tags = ["operations"]

    @get(
        summary="Service health",
        description="200 when the database answers, 503 otherwise.",
        media_type=MediaType.JSON,
        exclude_from_csrf=True,
        cache=False,
        responses={503: ResponseSpec(data_container=Health, description="The database does not answer")},
    )  # type: ignore[dict-item]
    async def health(self) -> Response[Health]:
        if await database_ok():
            return Response(Health(status="ok", database="ok"))
        return Response(Health(status="unavailable", database="unreachable"), status_code=503)
