"""Free-text coding, stored: each text question's codebook (themes staff add, rename, merge and
delete) in a round, and the themes given to each answer; and whether staff chose to publish a
question's theme counts with the round (through disclosure control: `publication/themes.py`).
Every change is audited. The answers' text never reaches partners (docs/analysis.md)."""

from __future__ import annotations

from collections.abc import Iterable

from backend.analysis.workspace.themes import CodedAnswer, Theme, theme_name_problem
from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, transaction
from backend.i18n import N_
from backend.security.roles import Viewer


class CodingRefused(Exception):
    """A codebook change refused: `field` names the form field, `message` is English (`N_`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


THEMES = "SELECT id, name FROM coding_theme WHERE round = $1 AND question_id = $2 ORDER BY lower(name), id"

#: Every submitted answer to the question that holds text, with its force's frozen groups and
#: the themes it carries (in the forces' order: staff may show or hide the names).
ANSWERS = """
SELECT r.id AS response_id, f.name AS force_name, r.answers ->> $2 AS text,
       rf.region, rf.force_type, rf.size_band,
       coalesce(array_agg(t.theme) FILTER (WHERE t.theme IS NOT NULL), '{}') AS theme_ids
FROM response r
JOIN force f ON f.id = r.force
LEFT JOIN round_force rf ON rf.round = r.round AND rf.force = r.force
LEFT JOIN coding_tag t ON t.response = r.id
    AND t.theme IN (SELECT id FROM coding_theme WHERE round = $1 AND question_id = $2)
WHERE r.round = $1 AND r.status = 'submitted' AND jsonb_typeof(r.answers -> $2) = 'string'
    AND btrim(r.answers ->> $2) <> ''
GROUP BY r.id, f.name, rf.region, rf.force_type, rf.size_band
ORDER BY f.name, r.id"""

ADD = """
INSERT INTO coding_theme (round, question_id, name, created_by, created_at)
VALUES ($1, $2, $3, $4, now()) RETURNING id"""

#: Tags of the merged theme move to the target (an answer with both keeps one), then it goes.
MERGE_TAGS = """
INSERT INTO coding_tag (theme, response, tagged_by, tagged_at)
SELECT $2, response, tagged_by, tagged_at FROM coding_tag WHERE theme = $1
ON CONFLICT (theme, response) DO NOTHING"""

SET_TAGS_CLEAR = """
DELETE FROM coding_tag WHERE response = $1
    AND theme IN (SELECT id FROM coding_theme WHERE round = $2 AND question_id = $3)
    AND NOT (theme = ANY($4::int[]))"""
SET_TAGS_ADD = """
INSERT INTO coding_tag (theme, response, tagged_by, tagged_at)
SELECT id, $1, $5, now() FROM coding_theme WHERE round = $2 AND question_id = $3 AND id = ANY($4::int[])
ON CONFLICT (theme, response) DO NOTHING"""

ANSWERING = """
SELECT 1 FROM response WHERE id = $1 AND round = $2 AND status = 'submitted'
    AND jsonb_typeof(answers -> $3) = 'string'"""


def _subject(round_id: int) -> str:
    return f"round:{round_id}"


async def themes(round_id: int, question_id: str) -> list[Theme]:
    return [Theme(row["id"], row["name"]) for row in await fetch(THEMES, round_id, question_id)]


async def coded_answers(round_id: int, question_id: str) -> list[CodedAnswer]:
    out = []
    for row in await fetch(ANSWERS, round_id, question_id):
        groups = {d: row[d] for d in ("region", "force_type", "size_band") if row[d]}
        out.append(CodedAnswer(row["response_id"], row["force_name"], groups, row["text"], frozenset(row["theme_ids"])))
    return out


async def _theme(round_id: int, question_id: str, theme_id: int, field: str) -> Theme:
    found = next((t for t in await themes(round_id, question_id) if t.id == theme_id), None)
    if found is None:
        raise CodingRefused(field, N_("Choose a theme of this question's codebook."))
    return found


async def add_theme(viewer: Viewer, round_id: int, question_id: str, name: str) -> Theme:
    name = name.strip()
    problem = theme_name_problem(name, await themes(round_id, question_id))
    if problem:
        raise CodingRefused("name", problem)
    async with transaction():
        row = await fetchrow(ADD, round_id, question_id, name, viewer.person_id)
        if row is None:  # INSERT … RETURNING always returns its row
            raise RuntimeError("theme not added")
        created = Theme(row["id"], name)
        await record(viewer, "coding.theme.added", _subject(round_id), question=question_id, theme=name)
    return created


async def rename_theme(viewer: Viewer, round_id: int, question_id: str, theme_id: int, name: str) -> Theme:
    name = name.strip()
    theme = await _theme(round_id, question_id, theme_id, "theme")
    problem = theme_name_problem(name, await themes(round_id, question_id), renaming=theme_id)
    if problem:
        raise CodingRefused("name", problem)
    async with transaction():
        await execute("UPDATE coding_theme SET name = $2 WHERE id = $1", theme_id, name)
        await record(
            viewer, "coding.theme.renamed", _subject(round_id), question=question_id, theme=theme.name, name=name
        )
    return Theme(theme_id, name)


async def merge_themes(viewer: Viewer, round_id: int, question_id: str, theme_id: int, into: int) -> Theme:
    """`theme_id`'s answers carry `into` instead; `theme_id` is deleted."""
    source = await _theme(round_id, question_id, theme_id, "theme")
    target = await _theme(round_id, question_id, into, "into")
    if source.id == target.id:
        raise CodingRefused("into", N_("Choose another theme to merge into."))
    async with transaction():
        await execute(MERGE_TAGS, source.id, target.id)
        await execute("DELETE FROM coding_theme WHERE id = $1", source.id)
        await record(
            viewer, "coding.theme.merged", _subject(round_id), question=question_id, theme=source.name, into=target.name
        )
    return target


async def delete_theme(viewer: Viewer, round_id: int, question_id: str, theme_id: int) -> None:
    theme = await _theme(round_id, question_id, theme_id, "theme")
    async with transaction():
        await execute("DELETE FROM coding_theme WHERE id = $1", theme.id)
        await record(viewer, "coding.theme.deleted", _subject(round_id), question=question_id, theme=theme.name)


async def set_tags(
    viewer: Viewer, round_id: int, question_id: str, response_id: int, theme_ids: Iterable[int]
) -> frozenset[int]:
    """The answer of `response_id` carries exactly `theme_ids` (themes of this codebook)."""
    wanted = sorted(set(theme_ids))
    known = {t.id for t in await themes(round_id, question_id)}
    if any(t not in known for t in wanted):
        raise CodingRefused("themes", N_("Choose themes of this question's codebook."))
    if await fetchrow(ANSWERING, response_id, round_id, question_id) is None:
        raise CodingRefused("response", N_("Choose an answer to this question."))
    async with transaction():
        await execute(SET_TAGS_CLEAR, response_id, round_id, question_id, wanted)
        await execute(SET_TAGS_ADD, response_id, round_id, question_id, wanted, viewer.person_id)
        await record(
            viewer,
            "coding.answer.tagged",
            _subject(round_id),
            question=question_id,
            response=response_id,
            themes=wanted,
        )
    return frozenset(wanted)


PUBLISHING = "SELECT 1 FROM coding_publish WHERE round = $1 AND question_id = $2"
PUBLISH = """
INSERT INTO coding_publish (round, question_id, chosen_by, chosen_at) VALUES ($1, $2, $3, now())
ON CONFLICT (round, question_id) DO NOTHING"""
UNPUBLISH = "DELETE FROM coding_publish WHERE round = $1 AND question_id = $2"


async def publishing(round_id: int, question_id: str) -> bool:
    """Whether the question's coded theme counts are to be published with the round."""
    return await fetchrow(PUBLISHING, round_id, question_id) is not None


async def set_publishing(viewer: Viewer, round_id: int, question_id: str, publish: bool) -> bool:
    """Publish the question's coded theme counts with the round (from its next publication or
    correction: what is published already stays as it is), or stop. Audited when it changes."""
    if publish == await publishing(round_id, question_id):
        return publish
    async with transaction():
        await execute(
            PUBLISH if publish else UNPUBLISH, round_id, question_id, *([viewer.person_id] if publish else [])
        )
        action = "coding.publish.chosen" if publish else "coding.publish.withdrawn"
        await record(viewer, action, _subject(round_id), question=question_id)
    return publish
