"""What a partner's dashboard shows: for each published question, the chosen peer group's
chart with the viewer's own force marked, or the reason it is withheld."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from backend.i18n import pick
from backend.partners.peer_groups import ALL, DIMENSIONS, dimension_label, label
from backend.publication.charts import Chart, chart_for
from backend.publication.disclosure import DisclosedRound
from backend.surveys import Answers, Section, Survey, answer_text


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


def build_panels(
    survey: Survey, disclosed: DisclosedRound, group: tuple[str, str], own: Answers, lang: str
) -> list[SectionPanels]:
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
            own_text = answer_text(q, own, lang, d) if own else ""
            own_value = own.get(q.id) if own else None
            chart = None if g is None else chart_for(q, dq, g, survey, lang, own_value, group_label)
            withheld = None if chart else WITHHELD_TEXT
            panels.append(QuestionPanel(q.id, pick(q.label, lang, d), chart, withheld, own_text))
        if panels:
            out.append(SectionPanels(section, pick(section.title, lang, d), tuple(panels)))
    return out
