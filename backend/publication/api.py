"""The JSON API of publication.

- For partners (`PublicationApiController`): published rounds, one round's results, trends
  across rounds; only from published snapshots and the caller's own force's answers (`deps.py`).
- For staff (`StaffPublicationApiController`): close a round, preview exactly what partners
  will see with the suppression report, publish (with confirmation) and publish corrections,
  list versions.

Like every POST, these need the CSRF token of the session: send the value of the `csrftoken`
cookie (`__Host-csrftoken` with SECURE_COOKIES; set by any GET after signing in) in the
`X-CSRFToken` header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.params import FromQuery, JSONBody

from backend.i18n import SOURCE_LANGUAGE, language_for
from backend.publication.dashboard import build_panels, group_choices, parse_group
from backend.publication.deps import Published, Trends, provide_published, provide_trends
from backend.publication.highlights import SummaryDetail, highlights, summary_detail
from backend.publication.report import report_to_json
from backend.publication.schemas import (
    PublicationDetail,
    PublicationSummary,
    TrendResult,
    TrendsDetail,
    TrendSeries,
    publication_detail,
)
from backend.publication.services import (
    PublishRefused,
    close_round,
    preview,
    publication_key,
    publication_versions,
    publish,
    published_rounds,
    report_lines,
    stored_report,
)
from backend.rounds.schemas import RoundStatus
from backend.rounds.services import get_round
from backend.security.guards import requires_admin, requires_partner, requires_staff
from backend.security.roles import Viewer
from backend.surveys.services import load_version
from backend.web.errors import refusals
from backend.web.params import Injected, PathId


class PublicationApiController(Controller):
    path = "/api/publications"
    guards = [requires_partner]
    tags = ["publications"]
    dependencies = {"published": Provide(provide_published), "trends": Provide(provide_trends)}

    @get("/", summary="Published rounds", responses=refusals(401, 403))
    async def list_publications(self) -> list[PublicationSummary]:
        """Every round whose disclosure-controlled results have been published (latest version)."""
        return [
            PublicationSummary(
                r.round_id, r.title, r.questionnaire, r.questionnaire_id, r.version, r.published_at, r.titles
            )
            for r in await published_rounds()
        ]

    @get(
        "/{round_id:int}",
        summary="Results of one published round",
        responses=refusals(401, 403, 404, says={404: "The round does not exist or is not published"}),
    )
    async def get_results(self, round_id: PathId, published: Injected[Published]) -> PublicationDetail:
        """The latest published version: per question, every configured peer group with its number
        of forces and figures, or `withheld` (no number, no figures, no reason); plus the
        caller's own force's answers."""
        p = published
        return publication_detail(p.disclosed, p.round.title, p.publication.published_at, p.own, p.round.titles)

    @get(
        "/{round_id:int}/summary",
        summary="Where the caller's force stands out in a published round",
        responses=refusals(401, 403, 404, says={404: "The round does not exist or is not published"}),
    )
    async def get_summary(
        self, round_id: PathId, viewer: Injected[Viewer], published: Injected[Published], group: FromQuery[str] = "all"
    ) -> SummaryDetail:
        """What the round's dashboard page leads with, in English: where the caller's force's answer
        is in a minority of the chosen group (`all` or one of its own `dimension:value` groups),
        where its number lies outside the group's published middle half, and what changed since
        the previous published round of the questionnaire. Only from published figures and the
        caller's own answers (docs/disclosure-control.md, "The summary"); empty for staff."""
        english = language_for(SOURCE_LANGUAGE)
        choices = group_choices(published.groups, viewer.is_staff, published.disclosed, english)
        chosen = parse_group(group, choices)
        survey = await load_version(published.round.version_id)
        key = publication_key(published.publication)
        sections = build_panels(survey, published.disclosed, chosen, published.own, english, key, published.own_themes)
        return summary_detail(await highlights(published, sections, chosen, english), chosen)

    @get(
        "/trends/{questionnaire_id:int}",
        summary="Trends across published rounds",
        responses=refusals(401, 403, 404, says={404: "Fewer than two published rounds of this questionnaire"}),
    )
    async def get_trends(self, questionnaire_id: PathId, trends: Injected[Trends]) -> TrendsDetail:
        """For one questionnaire with at least two published rounds: how the chosen group's figures
        moved, question by question (`group` is `all` or `dimension:value`; partners may choose
        their own force's groups). Only published figures are used: a withheld figure is null.
        In English (the questionnaire's words and the rounds' titles too, where they have it; else
        in the questionnaire's default language)."""
        english = language_for(SOURCE_LANGUAGE)
        return TrendsDetail(
            questionnaire_id,
            trends.chosen[0],
            trends.chosen[1],
            [
                TrendResult(
                    t.question_id,
                    t.label.text,
                    t.measure,
                    [r.text for r in t.rounds],
                    list(t.n),
                    [TrendSeries(s.name, list(s.values)) for s in t.series],
                )
                for t in trends.trends(english)
            ],
        )


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
    async def close(self, round_id: PathId, viewer: Injected[Viewer]) -> RoundClosed:
        """Stop respondents changing answers (an open round cannot be published). 409 unless open."""
        round_row = await get_round(round_id)
        if round_row is None:
            raise NotFoundException("No such round.")
        if round_row.status != RoundStatus.OPEN:
            raise HTTPException(status_code=409, detail="Only an open round can be closed.")
        await close_round(round_id, viewer)
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
            results=publication_detail(disclosed, found.round.title, None, {}, found.round.titles),
            withheld=await _withheld(
                report_to_json(found.disclosure), found.round.version_id, disclosed.min_group_size
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
        self, round_id: PathId, viewer: Injected[Viewer], data: JSONBody[PublishRequest]
    ) -> PublicationDetail:
        """Publish the round (it must be closed) as version 1, or with `correction` a new version
        of a published round. `confirm` must be true. 409 with the reason when refused."""
        if not data.confirm:
            raise ValidationException("confirm: check the preview and the suppression report, then send true.")
        try:
            found = await publish(round_id, viewer, correction=data.correction)
        except PublishRefused as exc:
            raise HTTPException(status_code=409, detail=exc.message) from exc
        return publication_detail(found.disclosure.round, found.round.title, None, {}, found.round.titles)

    @get("/{round_id:int}/publications", summary="Published versions of a round", responses=refusals(401, 403, 404))
    async def versions(self, round_id: PathId) -> list[PublicationVersion]:
        """Every published version, newest first (partners see the newest)."""
        return [
            PublicationVersion(v.version, v.published_at, v.published_by, v.min_group_size)
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
        versions = {v.version: v.min_group_size for v in await publication_versions(round_id)}
        return await _withheld(entries, round_row.version_id, versions.get(version, round_row.min_group_size))
