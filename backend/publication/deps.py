"""What the partner routes (the dashboard pages and the publication API) are given: the
published round they ask for, with their own force's answers, and trends across rounds.

Both are built only from published snapshots (disclosure-controlled; the latest version of
each round) and the viewer's own force's answers. Registered on the controllers:
`dependencies = {"published": Provide(provide_published)}` for routes with a `round_id`,
`{"trends": Provide(provide_trends)}` for routes with a `questionnaire_id`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery

from backend.audit.refusals import refused
from backend.i18n import SOURCE_LANGUAGE, Language, language_for
from backend.partners.peer_groups import ALL, group_name
from backend.partners.schemas import ForceRow
from backend.partners.services import get_force
from backend.publication.dashboard import GroupChoice, group_choices, parse_group
from backend.publication.disclosure import DisclosedRound
from backend.publication.schemas import PublicationRow
from backend.publication.services import get_publication, partner_round, published_rounds
from backend.publication.trends import Trend, TrendRound, build_trends
from backend.rounds.schemas import RoundRow
from backend.rounds.services import round_groups
from backend.security.roles import Viewer
from backend.surveys.services import load_version
from backend.web.params import Injected, PathId


@dataclass(frozen=True)
class Published:
    publication: PublicationRow
    disclosed: DisclosedRound
    round: RoundRow
    #: the viewer's own force's submitted answers ({} for staff, or before submitting)
    own: dict[str, Any]
    #: the viewer's force (None for staff without one)
    force: ForceRow | None = None
    #: the viewer's force's peer groups: as frozen in the round if it took part, else current
    groups: dict[str, str] | None = None
    #: the viewer's force's themes in the round's coded free-text questions, as published
    own_themes: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Trends:
    """The published rounds of one questionnaire and the group chosen; the trends themselves
    are worded in the reader's language (`trends(language)`: the page's, or English for the API)."""

    rounds: list[TrendRound]
    #: the viewer's force's groups (None: none), and whether the viewer is staff
    groups: dict[str, str] | None
    staff: bool
    chosen: tuple[str, str]
    #: `group` as asked for, or "all"
    group: str

    def choices(self, language: Language) -> list[GroupChoice]:
        """The groups the viewer may choose, named in `language`."""
        return group_choices(self.groups, self.staff, self.rounds[-1].disclosed, language)

    def trends(self, language: Language) -> list[Trend]:
        return build_trends(self.rounds, self.chosen, language, group_name(language, *self.chosen))


async def provide_published(request: Request[Any, Any, Any], viewer: Injected[Viewer], round_id: PathId) -> Published:
    """The round's latest publication, with the viewer's force, its groups and its answers, in
    one query (404 while the round is unpublished: audited, as a partner asking for results
    before they are published may be trying to get at answers)."""
    found = await partner_round(round_id, viewer.force_id)
    if found is None:
        await refused(request, viewer, "not_published", f"round:{round_id}")
        raise NotFoundException("These results have not been published.")
    return Published(
        found.publication, found.disclosed, found.round, found.own, found.force, found.groups, found.own_themes
    )


async def force_groups(viewer: Viewer, round_id: int | None) -> dict[str, str] | None:
    """The viewer's force's peer groups: as frozen in the round if it took part, else current."""
    if viewer.force_id is None:
        return None
    if round_id is not None:
        frozen = (await round_groups(round_id)).get(viewer.force_id)
        if frozen:
            return frozen
    force = await get_force(viewer.force_id)
    return None if force is None else force.groups()


async def _trend_rounds(questionnaire_id: int) -> list[TrendRound]:
    rounds = [r for r in await published_rounds() if r.questionnaire_id == questionnaire_id]
    out = []
    for r in sorted(rounds, key=lambda r: r.round_id):
        found = await get_publication(r.round_id)
        if found is not None:
            survey = await load_version(r.version_id)
            titles = {survey.default_language: r.title, **r.titles}
            out.append(TrendRound(r.round_id, titles, survey, found[1]))
    return out


async def provide_trends(viewer: Injected[Viewer], questionnaire_id: PathId, group: FromQuery[str] = "all") -> Trends:
    """How the chosen group's published figures moved from round to round (`group` is `all` or
    `dimension:value`; partners may choose their own force's groups). 404 with fewer than two
    published rounds of the questionnaire."""
    rounds = await _trend_rounds(questionnaire_id)
    if len(rounds) < 2:
        raise NotFoundException("Trends need at least two published rounds of the same questionnaire.")
    groups = await force_groups(viewer, None)
    keys = group_choices(groups, viewer.is_staff, rounds[-1].disclosed, language_for(SOURCE_LANGUAGE))
    chosen = parse_group(group, keys)
    return Trends(rounds, groups, viewer.is_staff, chosen, group if chosen != ALL else "all")
