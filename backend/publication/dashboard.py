"""What a partner's dashboard shows: for each published question, the chosen peer group's
chart with the viewer's own force marked, or the reason it is withheld; in the reader's
`Language` (the questionnaire's words in it where the questionnaire has them, else in its
default language, which `Shown.fell_back` says so that the page marks them with `lang`)."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from backend.i18n import N_, Language, Shown
from backend.partners.peer_groups import ALL, DIMENSIONS, dimension_name, group_name
from backend.publication.charts import Chart, PeerChart, peer_chart, theme_chart, with_own
from backend.publication.disclosure import DisclosedRound
from backend.surveys import Answers, Question, Section, Survey, answer_text, other_key


@dataclass(frozen=True, eq=False)
class QuestionPanel:
    """One question's panel: its peer chart with the viewer's own answer marked (`chart`), or
    the reason it is withheld, and the viewer's answer in words (`own_answer`).

    `chart` and `own_answer` are worked out when first asked for: a page that has the panel's
    HTML already (`key`) never asks, and so never copies and marks the chart."""

    question: Question
    label: Shown
    withheld: str | None
    #: What the panel's HTML depends on, for the page to render it once and keep it
    #: (`web/fragments.cached`): the publication, group, language, question and the viewer's
    #: own answer to it. None for what may change (a preview).
    key: Hashable | None
    peer: PeerChart | None = field(repr=False)
    own: Answers = field(repr=False)
    language: Language = field(repr=False)
    default_language: str = field(repr=False)
    #: a free-text question's coded themes (`own` then holds the force's themes, never its text)
    coded: bool = field(default=False)

    @property
    def question_id(self) -> str:
        return self.question.id

    @cached_property
    def chart(self) -> Chart | None:
        return None if self.peer is None else with_own(self.peer, self.own.get(self.question.id) if self.own else None)

    @cached_property
    def own_answer(self) -> str:
        if self.coded or not self.own:
            return ""
        return answer_text(self.question, self.own, self.language.code, self.default_language)

    def _shown(self) -> tuple[object, ...]:
        return (self.question_id, self.label, self.chart, self.withheld, self.own_answer)

    def __eq__(self, other: object) -> bool:
        """Panels are equal when they show the same (however they were built)."""
        return isinstance(other, QuestionPanel) and self._shown() == other._shown()

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class SectionPanels:
    section: Section
    title: Shown
    panels: tuple[QuestionPanel, ...]


@dataclass(frozen=True)
class GroupChoice:
    key: str  # "all" or "dimension:value"
    label: str


#: What partners read wherever a figure is withheld: the same words whatever the reason, so that
#: the marker itself tells nothing (no n, no "fewer than k", no "to protect another group").
WITHHELD_TEXT = N_("Withheld: shown only where enough forces answered and no force's answer could be worked out.")

#: A partner's own force's group, by dimension ("My region: Europe").
MY_GROUP = {
    "region": N_("My region: %(group)s"),
    "force_type": N_("My type of force: %(group)s"),
    "size_band": N_("My size: %(group)s"),
}


def group_choices(
    groups: Mapping[str, str] | None, staff: bool, disclosed: DisclosedRound, language: Language
) -> list[GroupChoice]:
    """Partners compare with everyone or with their own force's groups (as they were when the
    round opened); staff may pick any configured group. Labels in `language`."""
    choices = [GroupChoice("all", group_name(language, *ALL))]
    if staff:
        keys = [g.key for g in disclosed.responses if g.key != ALL]
        choices += [
            GroupChoice(
                f"{d}:{v}",
                language.gettext(
                    "%(dimension)s: %(group)s",
                    dimension=dimension_name(language, d),
                    group=group_name(language, d, v),
                ),
            )
            for d, v in keys
        ]
    elif groups:
        for dim in DIMENSIONS:
            value = groups.get(dim)
            if value:
                mine = language.gettext(MY_GROUP[dim], group=group_name(language, dim, value))
                choices.append(GroupChoice(f"{dim}:{value}", mine))
    return choices


def parse_group(key: str, choices: list[GroupChoice]) -> tuple[str, str]:
    if key not in {c.key for c in choices} or key == "all" or ":" not in key:
        return ALL
    dim, value = key.split(":", 1)
    return (dim, value)


@dataclass(frozen=True)
class _PeerPanel:
    question: Question
    label: Shown
    chart: PeerChart | None
    coded: bool = False


#: A round's panels for one group and language as every reader sees them (the viewer's own
#: answers are added per request), as (section, title, panels).
_PeerSections = tuple[tuple[Section, Shown, tuple[_PeerPanel, ...]], ...]

#: Peer panels of published rounds by (publication, group, language): `services.publication_key`
#: names a publication, which never changes (a correction is a new version), so an entry never
#: goes stale; the least recently used go first past MAX_CACHED (staff may look through every
#: group of every round). Whatever a peer panel says must therefore depend on nothing but the key:
#: text in another language than `lang` (the interface's, say) would need to join the key.
_CACHE: OrderedDict[Hashable, _PeerSections] = OrderedDict()
MAX_CACHED = 64


def _peer_sections(
    survey: Survey, disclosed: DisclosedRound, group: tuple[str, str], language: Language
) -> _PeerSections:
    d = survey.default_language
    group_label = group_name(language, *group)
    out = []
    for section in survey.sections:
        panels = []
        for q in section.questions:
            dq = disclosed.questions.get(q.id)
            if dq is None:
                continue  # staff-only or free text: never in the snapshot
            g = dq.group(group)
            if g is None:
                chart = None
            elif dq.themes:  # a free-text question's coded themes: never its text
                chart = theme_chart(dq, g, language, group_label)
            else:
                chart = peer_chart(q, dq, g, survey, language, group_label)
            panels.append(_PeerPanel(q, language.text(q.label, d), chart, bool(dq.themes)))
        if panels:
            out.append((section, language.text(section.title, d), tuple(panels)))
    return tuple(out)


def _cached_peer_sections(
    key: Hashable | None, survey: Survey, disclosed: DisclosedRound, group: tuple[str, str], language: Language
) -> _PeerSections:
    if key is None:
        return _peer_sections(survey, disclosed, group, language)
    full_key = (key, group, language.code)
    found = _CACHE.get(full_key)
    if found is None:
        found = _CACHE[full_key] = _peer_sections(survey, disclosed, group, language)
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
    language: Language,
    publication: Hashable | None = None,
    own_themes: Mapping[str, list[str]] | None = None,
) -> list[SectionPanels]:
    """Each section's panels for one group in `language`, the viewer's own answers marked.
    `publication` names an immutable publication (`services.publication_key`): its peer charts
    are then built once per group and language and kept (a preview, which may change, passes None).
    `own_themes`: the viewer's force's themes in each coded free-text question, as published."""
    d = survey.default_language
    withheld = language.gettext(WITHHELD_TEXT)
    out = []
    for section, title, peers in _cached_peer_sections(publication, survey, disclosed, group, language):
        panels = []
        for p in peers:
            q = p.question
            answers: Answers = own
            if p.coded:
                themes = (own_themes or {}).get(q.id)
                answers = {q.id: themes} if themes is not None else {}
            key = None
            if publication is not None:
                # The marker follows the answer; its words, the answer and its "other" text.
                mine = json.dumps([answers.get(q.id), answers.get(other_key(q.id))], default=str) if answers else ""
                key = (publication, group, language.code, q.id, mine)
            hidden = None if p.chart else withheld
            panels.append(QuestionPanel(q, p.label, hidden, key, p.chart, answers, language, d, p.coded))
        out.append(SectionPanels(section, title, tuple(panels)))
    return out
