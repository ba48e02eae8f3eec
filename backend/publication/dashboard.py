"""What a partner's dashboard shows: for each published question, the chosen peer group's
chart with the viewer's own force marked, or the reason it is withheld."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from backend.i18n import pick
from backend.partners.peer_groups import ALL, DIMENSIONS, dimension_label, label
from backend.publication.charts import Chart, PeerChart, peer_chart, with_own
from backend.publication.disclosure import DisclosedRound
from backend.surveys import Answers, Question, Section, Survey, answer_text


@dataclass(frozen=True)
class QuestionPanel:
    question_id: str
    label: str
    chart: Chart | None
    withheld: str | None
    own_answer: str


@dataclass(frozen=True)
class SectionPanels:
    section: Section
    title: str
    panels: tuple[QuestionPanel, ...]


@dataclass(frozen=True)
class GroupChoice:
    key: str  # "all" or "dimension:value"
    label: str


#: What partners read wherever a figure is withheld: the same words whatever the reason, so that
#: the marker itself tells nothing (no n, no "fewer than k", no "to protect another group").
WITHHELD_TEXT = "Withheld: shown only where enough forces answered and no force's answer could be worked out."


def group_choices(groups: Mapping[str, str] | None, staff: bool, disclosed: DisclosedRound) -> list[GroupChoice]:
    """Partners compare with everyone or with their own force's groups (as they were when the
    round opened); staff may pick any configured group."""
    choices = [GroupChoice("all", "All partner forces")]
    if staff:
        keys = [g.key for g in disclosed.responses if g.key != ALL]
        choices += [GroupChoice(f"{d}:{v}", f"{dimension_label(d)}: {label(d, v)}") for d, v in keys]
    elif groups:
        for dim in DIMENSIONS:
            value = groups.get(dim)
            if value:
                choices.append(GroupChoice(f"{dim}:{value}", f"My {dimension_label(dim).lower()}: {label(dim, value)}"))
    return choices


def parse_group(key: str, choices: list[GroupChoice]) -> tuple[str, str]:
    if key not in {c.key for c in choices} or key == "all" or ":" not in key:
        return ALL
    dim, value = key.split(":", 1)
    return (dim, value)


@dataclass(frozen=True)
class _PeerPanel:
    question: Question
    label: str
    chart: PeerChart | None


#: A round's panels for one group and language as every reader sees them (the viewer's own
#: answers are added per request), as (section, title, panels).
_PeerSections = tuple[tuple[Section, str, tuple[_PeerPanel, ...]], ...]

#: Peer panels of published rounds by (publication, group, language): `services.publication_key`
#: names a publication, which never changes (a correction is a new version), so an entry never
#: goes stale; the least recently used go first past MAX_CACHED (staff may look through every
#: group of every round). Whatever a peer panel says must therefore depend on nothing but the key:
#: text in another language than `lang` (the interface's, say) would need to join the key.
_CACHE: OrderedDict[Hashable, _PeerSections] = OrderedDict()
MAX_CACHED = 64


def _peer_sections(survey: Survey, disclosed: DisclosedRound, group: tuple[str, str], lang: str) -> _PeerSections:
    d = survey.default_language
    group_label = label(*group)
    out = []
    for section in survey.sections:
        panels = []
        for q in section.questions:
            dq = disclosed.questions.get(q.id)
            if dq is None:
                continue  # staff-only or free text: never in the snapshot
            g = dq.group(group)
            chart = None if g is None else peer_chart(q, dq, g, survey, lang, group_label)
            panels.append(_PeerPanel(q, pick(q.label, lang, d), chart))
        if panels:
            out.append((section, pick(section.title, lang, d), tuple(panels)))
    return tuple(out)


def _cached_peer_sections(
    key: Hashable | None, survey: Survey, disclosed: DisclosedRound, group: tuple[str, str], lang: str
) -> _PeerSections:
    if key is None:
        return _peer_sections(survey, disclosed, group, lang)
    full_key = (key, group, lang)
    found = _CACHE.get(full_key)
    if found is None:
        found = _CACHE[full_key] = _peer_sections(survey, disclosed, group, lang)
        while len(_CACHE) > MAX_CACHED:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(full_key)
    return found


def build_panels(
    survey: Survey,
    disclosed: DisclosedRound,
    group: tuple[str, str],
    own: Answers,
    lang: str,
    publication: Hashable | None = None,
) -> list[SectionPanels]:
    """Each section's panels for one group, the viewer's own answers marked. `publication`
    names an immutable publication (`services.publication_key`): its peer charts are then built
    once per group and language and kept (a preview, which may change, passes None)."""
    d = survey.default_language
    out = []
    for section, title, peers in _cached_peer_sections(publication, survey, disclosed, group, lang):
        panels = []
        for p in peers:
            q = p.question
            own_text = answer_text(q, own, lang, d) if own else ""
            chart = None if p.chart is None else with_own(p.chart, own.get(q.id) if own else None)
            withheld = None if chart else WITHHELD_TEXT
            panels.append(QuestionPanel(q.id, p.label, chart, withheld, own_text))
        out.append(SectionPanels(section, title, tuple(panels)))
    return out
