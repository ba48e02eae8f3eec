"""Briefing packs: a published round (or a meeting's published rounds) as one force's dashboard
shows it, printed to PDF in the reader's language; staff's questions for discussion per round.

The figures come only through the dashboard's own functions, called as the dashboard calls them
for that force: `publication.services.partner_round` (the latest published version, the force's
frozen groups and its own answers), `dashboard.group_choices` as a partner (never staff's wider
choice, even when staff prepare a force's pack), `dashboard.build_panels` and `highlights`. So a
pack holds nothing the force's dashboard would not show (docs/briefing.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from backend.audit.services import record
from backend.briefing.checks import check_questions
from backend.briefing.pack import Cover, MeetingPart, Pack, Related, RoundPart, round_part
from backend.briefing.render import pack_html, pdf_of
from backend.briefing.tables import BriefingQuestions
from backend.database import json_value
from backend.i18n import LANGUAGES, Language
from backend.library.services import ReportRow, list_reports
from backend.meetings.services import meeting_for_pack
from backend.partners.peer_groups import ALL
from backend.partners.services import get_force
from backend.practice.dashboard import practice_links
from backend.publication.dashboard import build_panels, group_choices, parse_group
from backend.publication.deps import Published
from backend.publication.highlights import highlights
from backend.publication.services import partner_round, publication_key
from backend.security.roles import Viewer
from backend.surveys.services import load_version


@dataclass(frozen=True)
class PackFile:
    filename: str
    content: bytes


# -- questions for discussion ------------------------------------------------------------------


async def stored_questions(round_id: int) -> dict[str, list[str]]:
    """Staff's questions for the round by language ({} when none were written)."""
    row = await BriefingQuestions.select(BriefingQuestions.questions).where(BriefingQuestions.round == round_id).first()
    if row is None:
        return {}
    found = json_value(row["questions"]) or {}
    return {code: [str(q) for q in found.get(code, [])] for code in LANGUAGES}


async def save_questions(round_id: int, questions: Mapping[str, Sequence[str]], viewer: Viewer) -> dict[str, list[str]]:
    """Store the round's questions (checked: `checks.QuestionsInvalid` names the fields); all
    languages empty: the packs draw their questions from the findings again. Audited."""
    checked = check_questions(questions)
    existing = await BriefingQuestions.objects().where(BriefingQuestions.round == round_id).first()
    if existing is None:
        await BriefingQuestions.insert(
            BriefingQuestions(round=round_id, questions=checked, updated_by=viewer.person_id)
        )
    else:
        await BriefingQuestions.update(
            {
                BriefingQuestions.questions: checked,
                BriefingQuestions.updated_by: viewer.person_id,
                BriefingQuestions.updated_at: dt.datetime.now(dt.UTC),
            }
        ).where(BriefingQuestions.round == round_id)
    counts = {code: len(items) for code, items in checked.items()}
    await record(viewer, "briefing.questions.edit", f"round:{round_id}", **counts)
    return checked


# -- related reports and practice notes --------------------------------------------------------


def _report(r: ReportRow, language: Language) -> Related:
    return Related(
        "report",
        r.shown_title(language),
        r.shown_summary(language),
        ", ".join(x for x in (r.authors, language.date(r.published_on)) if x),
        f"/library/{r.id}",
    )


async def related_reports(
    theme_ids: set[str], also: Sequence[int], viewer: Viewer, language: Language
) -> list[Related]:
    """Published reports of the library about one of the round's themes (or linked to the
    meeting: `also`), newest first. Published ones only, even when staff prepare the pack: a
    force's pack holds what the force may read."""
    wanted = set(also)
    return [
        _report(r, language)
        for r in await list_reports(viewer)
        if r.published and (r.id in wanted or theme_ids & set(r.themes))
    ]


async def related_practice(questionnaire: str, theme_ids: set[str], language: Language) -> list[Related]:
    """Published practice notes tagged with one of the round's themes or questions
    (`practice.dashboard.practice_links`, the notes the dashboard links); [] while the practice
    """
    links = await practice_links(questionnaire, language)
    seen: dict[int, Related] = {}
    for group in (links.by_theme, links.by_question):
        for subject, notes in group.items():
            if group is links.by_theme and subject not in theme_ids:
                continue
            for note in notes:
                lang = note.lang or language.code
                title = language.text({lang: note.title}, lang)
                seen.setdefault(
                    note.id, Related("practice", title, None, language.gettext("practice note"), f"/practice/{note.id}")
                )
    return list(seen.values())


# -- the pack ----------------------------------------------------------------------------------


async def published_for(round_id: int, force_id: int) -> Published | None:
    """The round as the force's dashboard gets it (`deps.provide_published` for that force)."""
    found = await partner_round(round_id, force_id)
    if found is None or found.force is None:
        return None
    return Published(found.publication, found.disclosed, found.round, found.own, found.force, found.groups)


async def round_of_pack(
    published: Published, language: Language, group: str = "all"
) -> tuple[RoundPart, set[str], str]:
    """A round's part of the force's pack, with its themes' ids and its questionnaire's slug.
    `group`: as on the dashboard (`all`, or one of the force's own `dimension:value` groups)."""
    survey = await load_version(published.round.version_id)
    disclosed = published.disclosed
    choices = group_choices(published.groups, False, disclosed, language)
    chosen = parse_group(group, choices)
    key = publication_key(published.publication)
    sections = build_panels(survey, disclosed, chosen, published.own, language, key)
    found = await highlights(published, sections, chosen, language)
    chosen_key = "all" if chosen == ALL else f"{chosen[0]}:{chosen[1]}"
    label = next(c.label for c in choices if c.key == chosen_key)
    part = round_part(
        published.round.id,
        published.round.shown_title(language, survey.default_language),
        language.text(survey.title, survey.default_language),
        label,
        (published.publication.published_at, published.publication.version, disclosed.min_group_size),
        sections,
        (found.summary, found.changed),
        bool(published.own),
        await stored_questions(published.round.id),
        language,
    )
    return part, {s.section.id for s in sections}, survey.id


def _filename(kind: str, ident: int, force_code: str, language: Language) -> str:
    safe = "".join(ch for ch in force_code if ch.isalnum() or ch in "-_") or "force"
    return f"briefing-{kind}-{ident}-{safe}-{language.code}.pdf"


async def round_pack(
    published: Published, viewer: Viewer, language: Language, group: str = "all", today: dt.date | None = None
) -> PackFile:
    """The round's briefing pack for the force of `published`, as a PDF (audited: who downloaded
    which force's pack of which round, in which language)."""
    assert published.force is not None
    part, theme_ids, slug = await round_of_pack(published, language, group)
    related = await related_reports(theme_ids, (), viewer, language)
    related += await related_practice(slug, theme_ids, language)
    cover = Cover(part.title, published.force.name, today or dt.date.today())
    pack = Pack(language, cover, (part,), tuple(related))
    content = await pdf_of(pack_html(pack))
    await record(
        viewer,
        "briefing.pack.download",
        f"round:{published.round.id}",
        force=published.force.id,
        language=language.code,
        group=group[:50],
        version=published.publication.version,
    )
    return PackFile(_filename("round", published.round.id, published.force.code, language), content)


async def force_pack(
    round_id: int, force_id: int, viewer: Viewer, language: Language, group: str = "all"
) -> PackFile | None:
    """Staff: a force's pack of a published round, exactly as that force would download it;
    None when the round is unpublished or there is no such force."""
    published = await published_for(round_id, force_id)
    if published is None:
        return None
    return await round_pack(published, viewer, language, group)


# -- a meeting's pack (backend/meetings) -------------------------------------------------------


async def meeting_pack(
    meeting_id: int, force_id: int, viewer: Viewer, language: Language, today: dt.date | None = None
) -> PackFile | None:
    """A meeting's briefing pack for a force: the meeting (title, when, where, agenda), then
    each of its published rounds as the force's dashboard shows it, the reports linked to the
    meeting and about its rounds' themes. None for a meeting partners cannot see (a draft, a
    cancelled or unknown one) or an unknown force. Audited."""
    meeting = await meeting_for_pack(meeting_id, language)
    force = await get_force(force_id)
    if meeting is None or force is None:
        return None
    parts: list[RoundPart] = []
    themes: set[str] = set()
    slugs: list[str] = []
    for round_id in meeting.round_ids:
        published = await published_for(round_id, force_id)
        if published is None:
            continue
        part, theme_ids, slug = await round_of_pack(published, language)
        parts.append(part)
        themes |= theme_ids
        slugs.append(slug)
    related = await related_reports(themes, meeting.report_ids, viewer, language)
    for slug in dict.fromkeys(slugs):
        related += await related_practice(slug, themes, language)
    starts = language.datetime(meeting.starts_at, meeting.timezone)
    about = MeetingPart(meeting.title, starts, meeting.place, meeting.agenda_html)
    cover = Cover(meeting.title, force.name, today or dt.date.today(), about)
    content = await pdf_of(pack_html(Pack(language, cover, tuple(parts), tuple(related))))
    await record(viewer, "briefing.pack.download", f"meeting:{meeting_id}", force=force_id, language=language.code)
    return PackFile(_filename("meeting", meeting_id, force.code, language), content)
