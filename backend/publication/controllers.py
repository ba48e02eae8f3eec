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
from litestar.response.base import ASGIResponse

from backend.i18n import Language, Shown
from backend.partners.peer_groups import ALL
from backend.partners.services import get_force
from backend.practice.dashboard import practice_links
from backend.publication.dashboard import build_panels, group_choices, parse_group
from backend.publication.deps import Published, Trends, provide_published, provide_trends
from backend.publication.highlights import found_with
from backend.publication.page_cache import page_key
from backend.publication.previous import previous_round
from backend.publication.schemas import PublishedRound
from backend.publication.services import publication_key, published_rounds
from backend.security.guards import load_viewer, requires_partner
from backend.security.roles import Viewer
from backend.surveys.services import load_version
from backend.web import kept_pages, kept_responses
from backend.web.assets import PRECOMPRESSED
from backend.web.language import request_language
from backend.web.params import Injected, PathId
from backend.web.render import drawn_around, render, render_part


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


async def _round_body(
    request: Request[Any, Any, Any], viewer: Viewer, language: Language, published: Published, group: str
) -> tuple[bytes, Shown]:
    """The round page's body, kept per everything it is drawn from (`page_cache.page_key`), and
    the round's title."""
    disclosed = published.disclosed
    survey = await load_version(published.round.version_id)
    choices = group_choices(published.groups, viewer.is_staff, disclosed, language)
    chosen = parse_group(group, choices)
    shown_group = group if chosen != ALL else "all"
    title = published.round.shown_title(language, survey.default_language)
    force_id = published.force.id if published.force else None
    # read at every request that draws the body (one statement each): a correction of the
    # previous round, or a practice note published beside a chart, shows at once in every worker
    before = await previous_round(published.round.id, disclosed, force_id) if published.own else None
    practice = await practice_links(survey.id, language)
    key = page_key(published, viewer, before, title, chosen, shown_group, language, practice)
    body = kept_pages.get(key)
    if body is None:
        sections = build_panels(
            survey,
            disclosed,
            chosen,
            published.own,
            language,
            publication_key(published.publication),
            published.own_themes,
        )
        found = found_with(published, sections, chosen, language, before)
        body = render_part(
            request,
            "dashboard/_round_body.html",
            language,
            round=published.round,
            title=title,
            published_at=published.publication.published_at,
            version=published.publication.version,
            survey=survey,
            sections=sections,
            summary=found.summary,
            changed=found.changed,
            choices=choices,
            chosen=shown_group,
            responding=next((g for g in disclosed.responses if g.key == chosen), None),
            force=published.force,
            own_submitted=bool(published.own),
            min_group_size=disclosed.min_group_size,
            preview=False,
            # published practice notes beside their charts and themes (docs/practice.md)
            practice=practice,
        )
        kept_pages.put(key, body)
    return body, title


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

    @get("/rounds/{round_id:int}", opt={PRECOMPRESSED: True})
    async def round_dashboard(
        self, request: Request[Any, Any, Any], round_id: PathId, group: FromQuery[str] = "all"
    ) -> ASGIResponse:
        """One published round: each question's chart for the chosen group, own answers marked.
        The whole page is kept per person while nothing it is drawn from changes
        (`web/kept_responses.py`); its body is kept per everything it is drawn from
        (`page_cache.page_key`), and the layout around it (the person, the CSRF token, flash
        messages) is drawn when the whole page is not kept."""
        # The viewer and the language are taken here rather than injected: Litestar resolves two
        # injected dependencies in a task group of their own, which cost this page (served from
        # what is kept) about a fifth of its time. The guard has loaded the viewer already.
        viewer = await load_viewer(request)
        assert viewer is not None  # requires_partner
        language = await request_language(request)
        place = kept_responses.slot(request, "dashboard.round", viewer, language)
        page = kept_responses.get(place)
        if page is None:
            published = await provide_published(request, viewer, round_id)
            body, title = await _round_body(request, viewer, language, published, group)
            page = kept_responses.put(place, await drawn_around(request, "dashboard/round.html", body, title=title))
        return kept_responses.send(request, page)

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
