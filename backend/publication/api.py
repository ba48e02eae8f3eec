"""Staff JSON API for publishing: close a round, preview exactly what partners will see with the
suppression report, publish (with confirmation) and publish corrections, list versions.

Like every POST, these need the CSRF token of the session: send the value of the `csrftoken`
cookie (`__Host-csrftoken` with SECURE_COOKIES; set by any GET after signing in) in the
`X-CSRFToken` header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.params import FromQuery, JSONBody

from backend.api_errors import refusals
from backend.params import PathId
from backend.publication.report import report_to_json
from backend.publication.schemas import PublicationDetail, publication_detail
from backend.publication.services import (
    PublishRefused,
    close_round,
    preview,
    publication_versions,
    publish,
    report_lines,
    stored_report,
)
from backend.rounds.services import get_round
from backend.security.guards import load_viewer, requires_admin, requires_staff
from backend.security.roles import Viewer
from backend.surveys.services import load_version


class WithheldCell(msgspec.Struct):
    question: str
    group: str
    #: the option, item or row, when only part of a question is withheld
    item: str
    #: threshold | dominance | parent | crowd | linear | difference
    code: str
    reason: str


class PreviewResult(msgspec.Struct):
    round_id: int
    #: the version publishing now would create (1, or a correction)
    version: int
    #: why publishing now would be refused (null: it may be published)
    refused: str | None
    submitted: int
    drafts: int
    #: exactly what partners would see (the same shape as GET /api/publications/{round_id})
    results: PublicationDetail
    withheld: list[WithheldCell]


class PublishRequest(msgspec.Struct):
    #: must be true: the caller has checked the preview and the suppression report
    confirm: bool
    #: publish a new version of an already published round
    correction: bool = False


class PublicationVersion(msgspec.Struct):
    version: int
    published_at: datetime
    published_by: str | None
    min_group_size: int


class RoundClosed(msgspec.Struct):
    round_id: int
    status: str


async def _viewer(request: Request[Any, Any, Any]) -> Viewer:
    viewer = await load_viewer(request)
    assert viewer is not None  # the guard let the request through
    return viewer


async def _withheld(entries: list[dict[str, Any]], version_id: int, k: int) -> list[WithheldCell]:
    lines = await report_lines(entries, await load_version(version_id), k)
    return [WithheldCell(line.question, line.group, line.item, line.code, line.reason) for line in lines]


class StaffPublicationApiController(Controller):
    path = "/api/rounds"
    guards = [requires_staff]
    tags = ["publishing"]

    @post(
        "/{round_id:int}/close",
        summary="Close a round",
        responses=refusals(401, 403, 404, 409, says={409: "The round is not open; nothing changed"}),
    )
    async def close(self, request: Request[Any, Any, Any], round_id: PathId) -> RoundClosed:
        """Stop respondents changing answers (an open round cannot be published). 409 unless open."""
        round_row = await get_round(round_id)
        if round_row is None:
            raise NotFoundException("No such round.")
        if round_row["status"] != "open":
            raise HTTPException(status_code=409, detail="Only an open round can be closed.")
        await close_round(round_id, await _viewer(request))
        return RoundClosed(round_id, "closed")

    @get(
        "/{round_id:int}/preview",
        summary="Preview a publication",
        responses=refusals(401, 403, 404),
    )
    async def preview_results(self, round_id: PathId, correction: FromQuery[bool] = False) -> PreviewResult:
        """What partners would see if the round were published now (or a correction), and every
        withheld figure with its reason. Stores nothing."""
        try:
            found = await preview(round_id, correction=correction)
        except PublishRefused as exc:
            raise NotFoundException(exc.message) from exc
        disclosed = found.disclosure.round
        return PreviewResult(
            round_id=round_id,
            version=found.version,
            refused=found.refused,
            submitted=found.submitted,
            drafts=found.drafts,
            results=publication_detail(disclosed, found.round["title"], None, {}),
            withheld=await _withheld(
                report_to_json(found.disclosure), found.round["version"], disclosed.min_group_size
            ),
        )

    @post(
        "/{round_id:int}/publish",
        summary="Publish a round's results",
        guards=[requires_admin],
        status_code=201,
        responses=refusals(
            401, 403, 404, 409, says={409: "Publishing was refused (the detail says why); nothing changed"}
        ),
    )
    async def publish_results(
        self, request: Request[Any, Any, Any], round_id: PathId, data: JSONBody[PublishRequest]
    ) -> PublicationDetail:
        """Publish the round (it must be closed) as version 1, or with `correction` a new version
        of a published round. `confirm` must be true. 409 with the reason when refused."""
        if not data.confirm:
            raise ValidationException("confirm: check the preview and the suppression report, then send true.")
        try:
            found = await publish(round_id, await _viewer(request), correction=data.correction)
        except PublishRefused as exc:
            raise HTTPException(status_code=409, detail=exc.message) from exc
        return publication_detail(found.disclosure.round, found.round["title"], None, {})

    @get("/{round_id:int}/publications", summary="Published versions of a round", responses=refusals(401, 403, 404))
    async def versions(self, round_id: PathId) -> list[PublicationVersion]:
        """Every published version, newest first (partners see the newest)."""
        return [
            PublicationVersion(v["version"], v["published_at"], v["published_by"], v["min_group_size"])  # type: ignore[arg-type]
            for v in await publication_versions(round_id)
        ]

    @get(
        "/{round_id:int}/publications/{version:int}/report",
        summary="Suppression report of a version",
        responses=refusals(401, 403, 404),
    )
    async def report(self, round_id: PathId, version: PathId) -> list[WithheldCell]:
        """Every figure withheld from partners in a published version, and why."""
        round_row = await get_round(round_id)
        entries = await stored_report(round_id, version)
        if round_row is None or entries is None:
            raise NotFoundException("No such publication.")
        versions = {v["version"]: v["min_group_size"] for v in await publication_versions(round_id)}
        return await _withheld(entries, round_row["version"], int(versions.get(version, round_row["min_group_size"])))  # type: ignore[call-overload]
