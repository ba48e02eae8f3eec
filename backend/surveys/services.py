"""Questionnaires in the database: loading definition files as content-addressed versions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import msgspec

from backend.database import fetch, json_value
from backend.surveys.format.files import LocatedProblem, definition_files, load_file
from backend.surveys.format.model import Survey
from backend.surveys.format.normal_form import content_hash, survey_to_data
from backend.surveys.format.parse import parse_definition
from backend.surveys.format.translations import translation_report
from backend.surveys.schemas import VersionRow
from backend.surveys.tables import Questionnaire, QuestionnaireVersion


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[LocatedProblem] = field(default_factory=list)
    #: versions loaded whose translations are incomplete (a round cannot be opened with them)
    incomplete: list[str] = field(default_factory=list)


async def store_survey(survey: Survey, source: str, source_name: str) -> tuple[int, bool]:
    """The version id for `survey`'s content, creating it when new; (id, created)."""
    digest = content_hash(survey)
    existing = (
        await QuestionnaireVersion.select(QuestionnaireVersion.id)
        .where(QuestionnaireVersion.content_hash == digest)
        .first()
    )
    if existing:
        return existing["id"], False
    questionnaire = await Questionnaire.select(Questionnaire.id).where(Questionnaire.slug == survey.id).first()
    title = survey.title.get(survey.default_language, survey.id)
    if questionnaire is None:
        try:
            rows = await Questionnaire.insert(
                Questionnaire(slug=survey.id, title=title, purpose=survey.purpose)
            ).returning(Questionnaire.id)
        except asyncpg.UniqueViolationError:
            return await store_survey(survey, source, source_name)
        questionnaire_id = rows[0]["id"]
    else:
        questionnaire_id = questionnaire["id"]
        await Questionnaire.update({Questionnaire.title: title, Questionnaire.purpose: survey.purpose}).where(
            Questionnaire.id == questionnaire_id
        )
    try:
        rows = await QuestionnaireVersion.insert(
            QuestionnaireVersion(
                questionnaire=questionnaire_id,
                version_label=survey.version,
                content_hash=digest,
                definition=json.dumps(survey_to_data(survey), ensure_ascii=False),
                source_name=source_name,
                source=source,
            )
        ).returning(QuestionnaireVersion.id)
    except asyncpg.UniqueViolationError:
        # Another process (a second worker or container starting) stored it first.
        return await store_survey(survey, source, source_name)
    return rows[0]["id"], True


async def sync_folder(folder: Path) -> SyncReport:
    """Load every definition file in `folder`; a changed file becomes a new version."""
    report = SyncReport()
    for path in definition_files([folder]):
        loaded = load_file(path)
        if not loaded.ok or loaded.survey is None:
            report.problems.extend(loaded.problems)
            continue
        _, created = await store_survey(loaded.survey, loaded.source, path.name)
        label = f"{loaded.survey.id} {loaded.survey.version}"
        (report.created if created else report.unchanged).append(label)
        translations = translation_report(loaded.survey)
        if not translations.complete:
            counts = ", ".join(str(c) for c in translations.counts if not c.complete)
            report.incomplete.append(f"{label} ({counts})")
    return report


_cache: dict[int, Survey] = {}


async def load_version(version_id: int) -> Survey:
    """The questionnaire of a version (versions never change, so they are cached)."""
    if version_id in _cache:
        return _cache[version_id]
    row = (
        await QuestionnaireVersion.select(QuestionnaireVersion.definition)
        .where(QuestionnaireVersion.id == version_id)
        .first()
    )
    if row is None:
        raise LookupError(f"no questionnaire version {version_id}")
    data = row["definition"]
    survey, problems = parse_definition(json.loads(data) if isinstance(data, str) else data)
    if survey is None:  # pragma: no cover - only valid definitions are ever stored
        raise ValueError(f"stored version {version_id} is invalid: {problems[0].message}")
    _cache[version_id] = survey
    return survey


LIST_VERSIONS = """
SELECT v.id, v.version_label, v.content_hash, v.loaded_at, v.source_name, q.slug, q.title, q.purpose,
       (SELECT count(*) FROM round r WHERE r.version = v.id) AS rounds,
       v.definition->'title' AS titles, coalesce(v.definition->>'default_language', 'en') AS default_language
FROM questionnaire_version v JOIN questionnaire q ON q.id = v.questionnaire
ORDER BY q.slug, v.id DESC"""


async def list_versions() -> list[VersionRow]:
    """Every version, newest first, with its questionnaire and how many rounds use it."""
    rows = await fetch(LIST_VERSIONS)
    return msgspec.convert([{**r, "titles": json_value(r["titles"]) or {}} for r in rows], list[VersionRow])


async def latest_versions() -> list[VersionRow]:
    """The newest version of each questionnaire."""
    seen: set[str] = set()
    out = []
    for row in await list_versions():
        if row.slug not in seen:
            seen.add(row.slug)
            out.append(row)
    return out
