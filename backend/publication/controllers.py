"""The partner dashboard: published rounds, one round's charts, trends across rounds (the same
results in JSON: `api.py`). Built only from published snapshots (disclosure-controlled; the
latest version of each round) and the viewer's own force's answers (`deps.py`). Every page is
in the request's language: its words, the charts, the rounds' titles and the questionnaire's
text (in the questionnaire's default language where it lacks the reader's, marked with `lang`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get
from litestar.di import Provide
from litestar.params import FromQuery
from litestar.response import Template

from backend.i18n import Language, Shown
from backend.partners.peer_groups import ALL
from backend.partners.services import get_force
from backend.publication.dashboard import build_panels, group_choices, parse_group
from backend.publication.deps import Published, Trends, provide_published, provide_trends
from backend.publication.highlights import highlights
from backend.publication.schemas import PublishedRound
from backend.publication.services import publication_key, published_rounds
from backend.security.guards import requires_partner
from backend.security.roles import Viewer
from backend.surveys.services import load_version
from backend.web.params import Injected, PathId
from backend.web.render import render


@dataclass(frozen=True)
class Listed:
    """A published round as the list of results shows it."""

    round: PublishedRound
    title: Shown
    questionnaire: Shown


async def _listed(rounds: list[PublishedRound], language: Language) -> list[Listed]:
    out = []
    for r in rounds:
        survey = await load_version(r.version_id)
        d = survey.default_language
        out.append(Listed(r, r.shown_title(language, d), language.text(survey.title, d)))
    return out


class DashboardController(Controller):
    path = "/dashboard"
    guards = [requires_partner]
    tags = ["pages: partners"]
    include_in_schema = False
    dependencies = {"published": Provide(provide_published), "trends": Provide(provide_trends)}

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """Published rounds this partner can compare themselves in, and trends across rounds."""
        force = await get_force(viewer.force_id) if viewer.force_id else None
        rounds = await _listed(await published_rounds(), language)
        per_questionnaire: dict[int, list[Listed]] = {}
        for r in rounds:
            per_questionnaire.setdefault(r.round.questionnaire_id, []).append(r)
        trends = [(qid, rs[0].questionnaire, len(rs)) for qid, rs in per_questionnaire.items() if len(rs) >= 2]
        return await render(request, "dashboard/index.html", rounds=rounds, force=force, trends=trends)

    @get("/rounds/{round_id:int}")
    async def round_dashboard(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        published: Injected[Published],
        group: FromQuery[str] = "all",
    ) -> Template:
        """One published round: each question's chart for the chosen group, own answers marked."""
        disclosed = published.disclosed
        survey = await load_version(published.round.version_id)
        force = published.force
        choices = group_choices(published.groups, viewer.is_staff, disclosed, language)
        chosen = parse_group(group, choices)
        key = publication_key(published.publication)
        sections = build_panels(survey, disclosed, chosen, published.own, language, key)
        found = await highlights(published, sections, chosen, language)
        return await render(
            request,
            "dashboard/round.html",
            round=published.round,
            title=published.round.shown_title(language, survey.default_language),
            published_at=published.publication.published_at,
            version=published.publication.version,
            survey=survey,
            sections=sections,
            summary=found.summary,
            changed=found.changed,
            choices=choices,
            chosen=group if chosen != ALL else "all",
            responding=next((g for g in disclosed.responses if g.key == chosen), None),
            force=force,
            own_submitted=bool(published.own),
            min_group_size=disclosed.min_group_size,
            preview=False,
        )

    @get("/trends/{questionnaire_id:int}")
    async def trends_page(
        self,
        request: Request[Any, Any, Any],
        questionnaire_id: PathId,
        language: Injected[Language],
        trends: Injected[Trends],
    ) -> Template:
        """How the chosen group's published figures moved from round to round."""
        return await render(
            request,
            "dashboard/trends.html",
            trends=trends.trends(language),
            choices=trends.choices(language),
            chosen=trends.group,
            first=trends.rounds[0].title(language),
            last=trends.rounds[-1].title(language),
            questionnaire_id=questionnaire_id,
        )
