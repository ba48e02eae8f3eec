"""What a briefing pack says, put together from what the viewer's dashboard already holds: the
round's panels (`publication.dashboard.build_panels`, the same call the dashboard makes), the
summary of where the force stands out (`publication.highlights`), related reports and practice
notes, and the questions for discussion. Pure: no database, no web (docs/briefing.md).

Nothing here reads a figure: each chart is the dashboard's own `Chart` (its figure drawn for
paper by `drawing.py`, its table as it is), and a withheld one keeps the dashboard's words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backend.briefing.drawing import Drawing, drawing
from backend.i18n import LANGUAGES, N_, Language, Shown
from backend.publication.dashboard import SectionPanels
from backend.publication.summary import SummaryItem

#: At most this many findings become questions when staff wrote none.
FINDING_QUESTIONS = 5

FINDING_QUESTION = N_(
    "“%(question)s”: what lies behind your force's answer, and what have forces that answered differently learned?"
)
GENERAL_QUESTIONS = (
    N_("Which of these results would your force most like to hear more about from its peers?"),
    N_("What, if anything, would your force do differently in the light of these results?"),
)
NOTHING_STANDS_OUT_QUESTION = N_("Where does your force's practice differ from most of its peers', and why?")


@dataclass(frozen=True)
class PackChart:
    """One question as the dashboard shows it: its chart (drawn for paper) and table, or the
    withheld note; the viewer's own answer in words."""

    question_id: str
    label: Shown
    own_answer: str
    withheld: str | None
    drawing: Drawing | None = None
    caption: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class PackTheme:
    id: str
    title: Shown
    charts: tuple[PackChart, ...]


@dataclass(frozen=True)
class Related:
    """A report of the library or a practice note: what it is called, about, and where it is."""

    kind: str  # "report" or "practice"
    title: Shown
    summary: Shown | None
    about: str
    path: str


@dataclass(frozen=True)
class MeetingPart:
    """What a meeting adds to a pack (from the meetings feature's `meeting_for_pack`): its title,
    when and where, and its agenda (sanitised HTML, as the meeting's page shows it)."""

    title: Shown
    when: str
    where: str
    agenda_html: str = ""


@dataclass(frozen=True)
class Cover:
    """The first page: what the pack is for, and who may read it."""

    title: Shown
    force: str
    prepared_on: dt.date
    meeting: MeetingPart | None = None


@dataclass(frozen=True)
class RoundPart:
    """One published round as the force's dashboard shows it, with its questions for discussion."""

    round_id: int
    title: Shown
    questionnaire: Shown
    group: str
    published_at: dt.datetime
    version: int
    min_group_size: int
    own_submitted: bool
    findings: tuple[SummaryItem, ...]
    changed: tuple[SummaryItem, ...]
    themes: tuple[PackTheme, ...]
    questions: tuple[str, ...]
    #: True when staff wrote the questions, False when they were drawn from the findings
    questions_written: bool = False


@dataclass(frozen=True)
class Pack:
    language: Language
    cover: Cover
    rounds: tuple[RoundPart, ...]
    related: tuple[Related, ...] = field(default=())


def themes_of(sections: Sequence[SectionPanels], language: Language) -> tuple[PackTheme, ...]:
    """The dashboard's sections and panels as the pack shows them (`language`: the panels')."""
    out = []
    for s in sections:
        charts = []
        for p in s.panels:
            chart = p.chart
            if chart is None or p.peer is None:
                charts.append(PackChart(p.question_id, p.label, p.own_answer, p.withheld))
                continue
            charts.append(
                PackChart(
                    p.question_id,
                    p.label,
                    p.own_answer,
                    None,
                    drawing(chart.figure, p.peer.style, language),
                    chart.caption,
                    chart.header,
                    chart.rows,
                )
            )
        out.append(PackTheme(s.section.id, s.title, tuple(charts)))
    return tuple(out)


def written_questions(stored: Mapping[str, Sequence[str]], language: str) -> tuple[str, ...]:
    """Staff's questions in the reader's language, else in the first language they wrote them in
    (English, French, Spanish); () when they wrote none."""
    for code in (language, *LANGUAGES):
        found = tuple(q for q in stored.get(code, ()) if q.strip())
        if found:
            return found
    return ()


def default_questions(findings: Sequence[SummaryItem], language: Language) -> tuple[str, ...]:
    """Questions drawn from the key findings (one per finding, up to FINDING_QUESTIONS), then
    the general ones; without findings, a question about practice instead."""
    _ = language.gettext
    asked = [_(FINDING_QUESTION, question=item.label.text) for item in findings[:FINDING_QUESTIONS]]
    if not asked:
        asked.append(_(NOTHING_STANDS_OUT_QUESTION))
    return tuple(asked) + tuple(_(q) for q in GENERAL_QUESTIONS)


def round_part(
    round_id: int,
    title: Shown,
    questionnaire: Shown,
    group: str,
    published: tuple[dt.datetime, int, int],
    sections: Sequence[SectionPanels],
    highlights: tuple[Sequence[SummaryItem], Sequence[SummaryItem]],
    own_submitted: bool,
    stored_questions: Mapping[str, Sequence[str]],
    language: Language,
) -> RoundPart:
    """A round's part of a pack from its dashboard's `sections` and `highlights` (the findings,
    and what changed since the previous round); `published`: when, which version, and the
    smallest group shown."""
    findings, changed = highlights
    written = written_questions(stored_questions, language.code)
    questions = written or default_questions(findings, language)
    published_at, version, k = published
    return RoundPart(
        round_id,
        title,
        questionnaire,
        group,
        published_at,
        version,
        k,
        own_submitted,
        tuple(findings),
        tuple(changed),
        themes_of(sections, language),
        questions,
        bool(written),
    )
