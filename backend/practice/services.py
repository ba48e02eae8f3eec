"""Practice notes: writing, editing, submitting, withdrawing (authors), publishing and returning
(staff), translations (authors and staff), and reading with each reader's rights. Every change
is audited. Who may see a note: staff every note; a partner published notes and their own.

The author (person and force) is read here for staff and for the author's own pages; what
partners see of someone else's note is decided by `NoteRow.shown_force` (the force's name on a
named note, nothing on an anonymous one) and by the JSON shape in `api.py`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec

from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, json_value, transaction
from backend.i18n import Language
from backend.practice.checks import (
    NoteInput,
    TranslationInput,
    check_comment,
    check_note,
    check_translation,
    cleaned,
    cleaned_translation,
)
from backend.practice.schemas import EDITABLE, NoteListing, NoteRow, NoteState
from backend.practice.tables import Note, NoteTag
from backend.security.roles import Viewer
from backend.surveys.services import latest_versions, load_version

PER_PAGE = 20


class Invalid(Exception):
    """Bad input: problems by field; nothing was stored."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class NotAllowed(Exception):
    """The viewer may see the note but not do this to it (not its author): a 403."""


class WrongState(Exception):
    """The note is not in a state that allows this (a 409); the message says why, in words."""


class Subject(msgspec.Struct, frozen=True):
    id: str
    title: str
    lang: str | None


class ThemeChoice(msgspec.Struct, frozen=True):
    """A section of the questionnaire with its published questions: what a note can be tagged with."""

    id: str
    title: str
    lang: str | None
    questions: list[Subject]


async def tag_choices(slug: str, language: Language) -> list[ThemeChoice] | None:
    """The sections and published questions of the newest version of the questionnaire `slug`
    (None: no such questionnaire), worded in the reader's language."""
    for row in await latest_versions():
        if row.slug == slug:
            survey = await load_version(row.id)
            d = survey.default_language
            out = []
            for s in survey.sections:
                title = language.text(s.title, d)
                questions = []
                for q in s.questions:
                    if q.published:
                        label = language.text(q.label, d)
                        questions.append(Subject(q.id, label.text, label.lang if label.fell_back else None))
                out.append(ThemeChoice(s.id, title.text, title.lang if title.fell_back else None, questions))
            return out
    return None


async def subject_titles(language: Language) -> dict[str, Subject]:
    """Every theme's and question's title in every questionnaire's newest version, by id."""
    out: dict[str, Subject] = {}
    for row in await latest_versions():
        choices = await tag_choices(row.slug, language)
        for theme in choices or []:
            out.setdefault(theme.id, Subject(theme.id, theme.title, theme.lang))
            for q in theme.questions:
                out.setdefault(q.id, q)
    return out


NOTE_SELECT = """
SELECT n.id, n.problems, n.status_label, n.original_language, n.attribution, n.state, n.staff_comment,
       n.created_at, n.updated_at, n.submitted_at, n.published_at,
       n.author AS author_id, p.name AS author_name, p.email AS author_email,
       n.author_force AS author_force_id, f.name AS author_force_name, f.code AS author_force_code,
       (SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object(
                 'language', t.language, 'title', t.title, 'approach', t.approach, 'partners', t.partners,
                 'resources', t.resources, 'outcome', t.outcome)), '{}'::jsonb)
        FROM practice_text t WHERE t.note = n.id) AS texts,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'questionnaire', g.questionnaire, 'kind', g.kind, 'subject', g.subject) ORDER BY g.id), '[]'::jsonb)
        FROM practice_tag g WHERE g.note = n.id) AS tags
FROM practice_note n LEFT JOIN person p ON p.id = n.author LEFT JOIN force f ON f.id = n.author_force"""

#: Staff see every note; anyone else published notes and their own.
VISIBLE = "($1::boolean OR n.state = 'published' OR n.author = $2::int)"


def _row(r: dict[str, Any]) -> NoteRow:
    data = {k: v for k, v in r.items() if k not in ("total", "rank")}
    data["problems"] = json_value(r["problems"]) or []
    data["texts"] = json_value(r["texts"]) or {}
    data["tags"] = json_value(r["tags"]) or []
    return msgspec.convert(data, NoteRow)


async def get_note(note_id: int, viewer: Viewer) -> NoteRow | None:
    """The note, or None when there is none the viewer may see."""
    r = await fetchrow(f"{NOTE_SELECT} WHERE n.id = $3 AND {VISIBLE}", viewer.is_staff, viewer.person_id, note_id)
    return None if r is None else _row(r)


class Filters(msgspec.Struct, frozen=True):
    """What a list of notes is narrowed by (every part optional)."""

    #: words, as people type them in a search box (`websearch_to_tsquery`: "quoted phrases", or, -not)
    q: str = ""
    problem: str = ""
    status: str = ""
    theme: str = ""
    question: str = ""
    #: notes with words in this language (written in it or translated into it)
    lang: str = ""
    page: int = 1


#: One text-search configuration per language; each text is searched in its own language's.
CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}


def _matches(q_arg: str, lang_arg: str | None) -> str:
    """A text of the note matches the words, each language's text with its own configuration
    (written out per language so the GIN index on `search` serves every branch)."""
    branches = " OR ".join(
        f"(t.language = '{code}' AND t.search @@ websearch_to_tsquery('{config}', {q_arg}))"
        for code, config in CONFIGS.items()
    )
    only = f" AND t.language = {lang_arg}" if lang_arg else ""
    return f"EXISTS (SELECT 1 FROM practice_text t WHERE t.note = n.id{only} AND ({branches}))"


def _rank(q_arg: str) -> str:
    cases = " ".join(
        f"WHEN '{code}' THEN websearch_to_tsquery('{config}', {q_arg})" for code, config in CONFIGS.items()
    )
    return "(SELECT max(ts_rank(t.search, CASE t.language " + cases + " END)) FROM practice_text t WHERE t.note = n.id)"


async def list_notes(
    viewer: Viewer, filters: Filters, *, state: str = NoteState.PUBLISHED, mine: bool = False, per_page: int = PER_PAGE
) -> NoteListing:
    """A page of notes, best match first when searching, else newest first. Partners list
    published notes (`mine`: their own, in every state); staff may list any `state`."""
    args: list[Any] = [viewer.is_staff, viewer.person_id]
    where = [VISIBLE]

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if mine:
        where.append("n.author = $2::int")
    else:
        where.append(f"n.state = {arg(state if viewer.is_staff else NoteState.PUBLISHED.value)}")
    if filters.problem:
        where.append(f"n.problems @> {arg(json.dumps([filters.problem]))}::jsonb")
    if filters.status:
        where.append(f"n.status_label = {arg(filters.status)}")
    for kind, subject in (("theme", filters.theme), ("question", filters.question)):
        if subject:
            where.append(
                f"EXISTS (SELECT 1 FROM practice_tag g WHERE g.note = n.id AND g.kind = '{kind}' "
                f"AND g.subject = {arg(subject)})"
            )
    lang_arg = arg(filters.lang) if filters.lang else None
    rank = "NULL::real"
    if filters.q.strip():
        q_arg = arg(filters.q.strip())
        where.append(_matches(q_arg, lang_arg))
        rank = _rank(q_arg)
    elif lang_arg:
        where.append(f"EXISTS (SELECT 1 FROM practice_text t WHERE t.note = n.id AND t.language = {lang_arg})")
    page = max(1, filters.page)
    sql = (
        f"SELECT * FROM (SELECT sub.*, count(*) OVER () AS total FROM ("
        f"{NOTE_SELECT.replace('SELECT n.id,', f'SELECT {rank} AS rank, n.id,', 1)} WHERE {' AND '.join(where)}"
        f") sub) counted ORDER BY rank DESC NULLS LAST, published_at DESC NULLS LAST, updated_at DESC, id DESC "
        f"LIMIT {arg(per_page)} OFFSET {arg((page - 1) * per_page)}"
    )
    rows = await fetch(sql, *args)
    total = int(rows[0]["total"]) if rows else 0
    if not rows and page > 1:
        count = await fetchrow(f"SELECT count(*) AS n FROM ({sql.split(' LIMIT ')[0]}) c", *args[:-2])
        total = int(count["n"]) if count else 0
    return NoteListing([_row(r) for r in rows], total, page, per_page)


async def _checked(data: NoteInput, language: Language) -> NoteInput:
    data = cleaned(data)
    choices = await tag_choices(data.questionnaire, language)
    themes = None if choices is None else {t.id for t in choices}
    questions = None if choices is None else {q.id for t in choices for q in t.questions}
    problems = check_note(data, themes, questions, language)
    if problems:
        raise Invalid(problems)
    return data


async def _store_tags(note_id: int, data: NoteInput) -> None:
    await NoteTag.delete().where(NoteTag.note == note_id)
    tags = [("theme", t) for t in data.themes] + [("question", q) for q in data.questions]
    if tags:
        await NoteTag.insert(
            *[NoteTag(note=note_id, questionnaire=data.questionnaire, kind=kind, subject=s) for kind, s in tags]
        )


UPSERT_TEXT = """
INSERT INTO practice_text (note, language, title, approach, partners, resources, outcome, translated_by, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
ON CONFLICT (note, language) DO UPDATE SET title = EXCLUDED.title, approach = EXCLUDED.approach,
  partners = EXCLUDED.partners, resources = EXCLUDED.resources, outcome = EXCLUDED.outcome,
  translated_by = EXCLUDED.translated_by, updated_at = now()"""


async def create_note(data: NoteInput, viewer: Viewer, language: Language) -> NoteRow:
    """A new draft by the viewer (a partner's force is kept for named notes); `Invalid` stores nothing."""
    data = await _checked(data, language)
    async with transaction():
        rows = await Note.insert(
            Note(
                problems=data.problems,
                status_label=data.status_label,
                original_language=data.original_language,
                author=viewer.person_id,
                author_force=viewer.force_id if not viewer.is_staff else None,
                attribution=data.attribution,
                state=NoteState.DRAFT.value,
            )
        )
        note_id = int(rows[0]["id"])
        await execute(
            UPSERT_TEXT, note_id, data.original_language, data.title, data.approach, data.partners, data.resources,
            data.outcome, None,
        )  # fmt: skip
        await _store_tags(note_id, data)
        await record(viewer, "practice.note.created", f"practice_note:{note_id}", attribution=data.attribution)
    found = await get_note(note_id, viewer)
    assert found is not None
    return found


def _own(note: NoteRow, viewer: Viewer) -> None:
    if not note.own(viewer.person_id):
        raise NotAllowed


async def edit_note(note: NoteRow, data: NoteInput, viewer: Viewer, language: Language) -> NoteRow:
    """The author changes a draft or a returned note (every field replaced; translations kept
    unless the original language changes to one of them, which then becomes the original)."""
    _own(note, viewer)
    if note.state not in EDITABLE:
        raise WrongState(language.gettext("Only a draft or a returned note can be changed."))
    data = await _checked(data, language)
    async with transaction():
        await Note.update(
            {
                Note.problems: data.problems,
                Note.status_label: data.status_label,
                Note.original_language: data.original_language,
                Note.attribution: data.attribution,
                Note.updated_at: dt.datetime.now(dt.UTC),
            }
        ).where(Note.id == note.id)
        await execute(
            UPSERT_TEXT, note.id, data.original_language, data.title, data.approach, data.partners, data.resources,
            data.outcome, None,
        )  # fmt: skip
        await _store_tags(note.id, data)
        await record(viewer, "practice.note.edited", f"practice_note:{note.id}", attribution=data.attribution)
    return await _again(note.id, viewer)


async def _again(note_id: int, viewer: Viewer) -> NoteRow:
    found = await get_note(note_id, viewer)
    assert found is not None
    return found


MOVE = """
UPDATE practice_note SET state = $2::text, updated_at = now(),
  submitted_at = CASE WHEN $2::text = 'submitted' THEN now() ELSE submitted_at END,
  published_at = CASE WHEN $2::text = 'published' THEN now() ELSE published_at END,
  staff_comment = CASE WHEN $2::text = 'returned' THEN $4::text WHEN $2::text = 'published' THEN ''
                       ELSE staff_comment END,
  reviewed_by = CASE WHEN $2::text IN ('published', 'returned') THEN $5::int ELSE reviewed_by END
WHERE id = $1 AND state = ANY($3::text[]) RETURNING id"""


async def _move(
    note: NoteRow, to: NoteState, allowed: set[NoteState], viewer: Viewer, message: str, comment: str = ""
) -> bool:
    row = await fetchrow(MOVE, note.id, to.value, [s.value for s in allowed], comment, viewer.person_id)
    if row is None:
        raise WrongState(message)
    return True


async def submit_note(note: NoteRow, viewer: Viewer, language: Language) -> NoteRow:
    """The author sends a draft or a returned note to staff for review."""
    _own(note, viewer)
    async with transaction():
        await _move(
            note, NoteState.SUBMITTED, {NoteState.DRAFT, NoteState.RETURNED}, viewer,
            language.gettext("Only a draft or a returned note can be sent for review."),
        )  # fmt: skip
        await record(viewer, "practice.note.submitted", f"practice_note:{note.id}")
    return await _again(note.id, viewer)


async def withdraw_note(note: NoteRow, viewer: Viewer, language: Language) -> NoteRow:
    """The author takes the note back, whatever its state: partners no longer see it."""
    _own(note, viewer)
    async with transaction():
        await _move(
            note, NoteState.WITHDRAWN, set(NoteState) - {NoteState.WITHDRAWN}, viewer,
            language.gettext("This note is already withdrawn."),
        )  # fmt: skip
        await record(viewer, "practice.note.withdrawn", f"practice_note:{note.id}")
    return await _again(note.id, viewer)


NOTIFY = """
INSERT INTO practice_notice (person, note, created_at)
SELECT p.id, $1, now() FROM person p
WHERE p.active AND p.role = 'partner' AND p.id IS DISTINCT FROM $2::int
ON CONFLICT (person, note) DO NOTHING"""


async def publish_note(note: NoteRow, viewer: Viewer, language: Language) -> NoteRow:
    """Staff publish a note sent for review: partners see it, and each partner but its author
    gets an in-app notice (and the note enters their next e-mail digest)."""
    async with transaction():
        await _move(
            note, NoteState.PUBLISHED, {NoteState.SUBMITTED}, viewer,
            language.gettext("Only a note waiting for review can be published."),
        )  # fmt: skip
        await execute(NOTIFY, note.id, note.author_id)
        await record(viewer, "practice.note.published", f"practice_note:{note.id}")
    return await _again(note.id, viewer)


async def return_note(note: NoteRow, comment: str, viewer: Viewer, language: Language) -> NoteRow:
    """Staff send a note back to its author with a comment saying what to change."""
    problems = check_comment(comment, language)
    if problems:
        raise Invalid(problems)
    async with transaction():
        await _move(
            note, NoteState.RETURNED, {NoteState.SUBMITTED, NoteState.PUBLISHED}, viewer,
            language.gettext("Only a note waiting for review or published can be returned."), comment.strip(),
        )  # fmt: skip
        await record(viewer, "practice.note.returned", f"practice_note:{note.id}")
    return await _again(note.id, viewer)


async def translate_note(note: NoteRow, data: TranslationInput, viewer: Viewer, language: Language) -> NoteRow:
    """Add or replace the note's words in another language (its author or staff)."""
    if not viewer.is_staff:
        _own(note, viewer)
    if note.state == NoteState.WITHDRAWN:
        raise WrongState(language.gettext("This note is withdrawn."))
    data = cleaned_translation(data)
    problems = check_translation(data, note.original_language, language)
    if problems:
        raise Invalid(problems)
    async with transaction():
        await execute(
            UPSERT_TEXT, note.id, data.translation_language, data.title, data.approach, data.partners,
            data.resources, data.outcome, viewer.person_id,
        )  # fmt: skip
        await Note.update({Note.updated_at: dt.datetime.now(dt.UTC)}).where(Note.id == note.id)
        await record(viewer, "practice.note.translated", f"practice_note:{note.id}", language=data.translation_language)
    return await _again(note.id, viewer)
