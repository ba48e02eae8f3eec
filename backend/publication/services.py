"""Publishing a round: preview, publish (version 1) and corrections (later versions), each an
immutable snapshot audited together with every earlier publication of the same questionnaire;
and reading publications back (partners always get the latest version)."""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, json_value
from backend.i18n import SOURCE_LANGUAGE, Language, language_for, pick
from backend.mail.notices import queue_published
from backend.partners.peer_groups import DIMENSIONS, VALUES, group_name
from backend.partners.schemas import ForceRow
from backend.partners.services import list_forces
from backend.publication.audit import Cell
from backend.publication.basis import RoundBasis
from backend.publication.basis_store import basis_from_json, basis_to_json, round_basis, version_key
from backend.publication.disclosure import DisclosedRound, Disclosure, disclose
from backend.publication.refusals import no_such_round, publish_refusal, published_meanwhile
from backend.publication.report import ReportLine, describe, report_to_json, unknown_force, version_name
from backend.publication.schemas import PublicationRow, PublicationVersionRow, PublishedRound
from backend.publication.tables import Publication, PublicationBasis, PublicationThemes
from backend.publication.themes import own_themes
from backend.responses.services import response_counts
from backend.rounds.schemas import RoundRow
from backend.rounds.services import get_round
from backend.security.roles import Viewer
from backend.surveys import Survey
from backend.surveys.services import load_version

#: Every configured peer group is listed for every question, shown or withheld.
BREAKDOWNS = {dim: list(values) for dim, values in VALUES.items()}


class PublishRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


CHAIN = """
SELECT p.id, p.round, p.version, p.snapshot, b.basis, r.title
FROM publication p
JOIN round r ON r.id = p.round
JOIN questionnaire_version v ON v.id = r.version
LEFT JOIN publication_basis b ON b.publication = p.id
WHERE v.questionnaire = (SELECT v2.questionnaire FROM round r2
                         JOIN questionnaire_version v2 ON v2.id = r2.version WHERE r2.id = $1)
ORDER BY p.published_at, p.id"""

LATEST_VERSION = "SELECT coalesce(max(version), 0) AS version FROM publication WHERE round = $1"
MARK_PUBLISHED = "UPDATE round SET status = 'published' WHERE id = $1"
CLOSE_ROUND = "UPDATE round SET status = 'closed' WHERE id = $1 AND status = 'open'"


async def earlier_publications(round_id: int) -> list[tuple[RoundBasis, set[Cell]]]:
    """Every version ever published of every round of the same questionnaire as `round_id`
    (earlier versions of the round itself included), with the cells each showed: what a reader
    can combine a new publication with."""
    out: list[tuple[RoundBasis, set[Cell]]] = []
    for row in await fetch(CHAIN, round_id):
        disclosed = DisclosedRound.from_snapshot(json_value(row["snapshot"]))
        if row["basis"] is not None:
            basis = basis_from_json(json_value(row["basis"]))
        else:
            # Published before bases were kept: answers are immutable once submitted and the
            # peer groups were frozen when the round opened, so the basis can be rebuilt (coded
            # themes were not published then, and codebooks change: they are left out).
            round_id, version = int(row["round"]), int(row["version"])
            survey = await load_version(await _version_of(round_id))
            key = version_key(round_id, version)
            basis = await round_basis(round_id, survey, key=key, label=str(row["title"]), themes=False)
        out.append((basis, disclosed.shown_cells()))
    return out


async def _version_of(round_id: int) -> int:
    row = await get_round(round_id)
    if row is None:
        raise PublishRefused("No such round.")
    return row.version_id


async def _latest_version(round_id: int) -> int:
    row = await fetchrow(LATEST_VERSION, round_id)
    return int(row["version"]) if row else 0


@dataclass(frozen=True)
class Preview:
    """What partners would see if the round were published now, and what is withheld."""

    round: RoundRow
    basis: RoundBasis
    disclosure: Disclosure
    #: the version publishing now would create (1, or a correction)
    version: int
    submitted: int
    drafts: int
    #: why publishing now is refused (None: it may be published)
    refused: str | None


async def preview(round_id: int, *, correction: bool = False, language: Language | None = None) -> Preview:
    """What publishing now would show and withhold, and why it is refused if it is (in
    `language`: English unless given)."""
    round_row = await get_round(round_id)
    if round_row is None:
        raise PublishRefused(no_such_round(language))
    survey = await load_version(round_row.version_id)
    version = await _latest_version(round_id) + 1
    candidate = await round_basis(round_id, survey, key=version_key(round_id, version), label=round_row.title)
    disclosure = disclose(
        candidate,
        await earlier_publications(round_id),
        round_id=round_id,
        version=version,
        min_group_size=round_row.min_group_size,
        breakdowns=BREAKDOWNS,
    )
    counts = await response_counts(round_id)
    refused = publish_refusal(round_row.status, counts.submitted, counts.drafts, correction, language)
    return Preview(round_row, candidate, disclosure, version, counts.submitted, counts.drafts, refused)


async def publish(
    round_id: int, actor: Viewer, *, correction: bool = False, language: Language | None = None
) -> Preview:
    """Freeze the round's disclosure-controlled results as a new immutable version (refusals
    in `language`: English unless given)."""
    found = await preview(round_id, correction=correction, language=language)
    if found.refused:
        raise PublishRefused(found.refused)
    disclosure = found.disclosure
    disclosed = disclosure.round
    report = report_to_json(disclosure)
    basis = found.basis
    try:
        async with Publication._meta.db.transaction():
            rows = await Publication.insert(
                Publication(
                    round=round_id,
                    version=found.version,
                    published_by=actor.person_id,
                    min_group_size=disclosed.min_group_size,
                    snapshot=json.dumps(disclosed.to_snapshot()),
                )
            ).returning(Publication.id)
            await PublicationBasis.insert(
                PublicationBasis(
                    publication=rows[0]["id"], basis=json.dumps(basis_to_json(basis)), report=json.dumps(report)
                )
            )
            # Each force's own coded themes, frozen with the publication (its dashboard marks them).
            mine = [(f, own_themes(basis, f)) for f in basis.participants]
            if any(themes for _f, themes in mine):
                await PublicationThemes.insert(
                    *(
                        PublicationThemes(publication=rows[0]["id"], force=f, themes=json.dumps(themes))
                        for f, themes in mine
                        if themes
                    )
                )
            await execute(MARK_PUBLISHED, round_id)
            # "Results are published" to the partner contacts, with the publication.
            await queue_published(round_id, found.version)
    except asyncpg.UniqueViolationError as exc:
        raise PublishRefused(published_meanwhile(language)) from exc
    shown = len(disclosed.shown_cells())
    await record(
        actor,
        "round.correction_published" if correction else "round.published",
        f"round:{round_id}",
        version=found.version,
        submitted=found.submitted,
        min_group_size=disclosed.min_group_size,
        cells_shown=shown,
        cells_withheld=sum(1 for w in disclosure.withheld if w.question_id is not None),
    )
    return found


LATEST = """
SELECT p.id, p.round, p.version, p.published_at, p.published_by
FROM publication p WHERE p.round = $1 ORDER BY p.version DESC LIMIT 1"""

SNAPSHOT = "SELECT snapshot FROM publication WHERE id = $1"

#: Published snapshots, as read: a publication never changes (a correction is a new row), so
#: one read and parsed once per process stays right. Keyed by `publication_key`; the least
#: recently used go first past MAX_SNAPSHOTS.
_SNAPSHOTS: OrderedDict[tuple[int, int, datetime], DisclosedRound] = OrderedDict()
MAX_SNAPSHOTS = 32


def publication_key(publication: PublicationRow) -> tuple[int, int, datetime]:
    """What names a publication's immutable content in a cache: its id and version, and the
    moment it was published (an id alone could come back after a database is emptied and its
    sequences restarted, as the tests do)."""
    return (publication.id, publication.version, publication.published_at)


async def _snapshot(publication: PublicationRow) -> DisclosedRound:
    key = publication_key(publication)
    found = _SNAPSHOTS.get(key)
    if found is not None:
        _SNAPSHOTS.move_to_end(key)
        return found
    row = await fetchrow(SNAPSHOT, publication.id)
    if row is None:
        raise LookupError(f"publication {publication.id} has gone")
    found = _SNAPSHOTS[key] = DisclosedRound.from_snapshot(json_value(row["snapshot"]))
    while len(_SNAPSHOTS) > MAX_SNAPSHOTS:
        _SNAPSHOTS.popitem(last=False)
    return found


#: Everything a partner's page of one published round reads, in one statement: the latest
#: publication (its snapshot is read apart, once: `_snapshot`), the round, and for the viewer's
#: force ($2, NULL for staff without one) the force, its peer groups as frozen in the round (if it
#: took part) and its submitted answers.
PARTNER_ROUND = """
SELECT p.id, p.round, p.version, p.published_at, p.published_by, to_jsonb(r) AS round_row,
       to_jsonb(f) AS force, rf.id IS NOT NULL AS took_part, rf.region AS frozen_region,
       rf.force_type AS frozen_force_type, rf.size_band AS frozen_size_band, s.answers AS own
FROM publication p JOIN round r ON r.id = p.round
LEFT JOIN force f ON f.id = $2
LEFT JOIN round_force rf ON rf.round = p.round AND rf.force = $2
LEFT JOIN response s ON s.round = p.round AND s.force = $2 AND s.status = 'submitted'
WHERE p.round = $1 ORDER BY p.version DESC LIMIT 1"""


@dataclass(frozen=True)
class PartnerRound:
    """A published round as one partner sees it (`partner_round`)."""

    publication: PublicationRow
    disclosed: DisclosedRound
    round: RoundRow
    #: the viewer's force (None: the viewer has none, as staff)
    force: ForceRow | None
    #: the force's peer groups: as frozen in the round if it took part, else its current ones
    groups: dict[str, str] | None
    #: the force's submitted answers ({} when it submitted none, or for no force)
    own: dict[str, Any]
    #: the force's themes in the coded free-text questions, as published ({} for none)
    own_themes: dict[str, list[str]] = field(default_factory=dict)


OWN_THEMES = "SELECT themes FROM publication_themes WHERE publication = $1 AND force = $2"


async def _own_themes(publication: PublicationRow, disclosed: DisclosedRound, force_id: int | None) -> dict[str, Any]:
    """The viewer's force's themes as frozen when the round was published: read only where the
    publication has coded themes (most have none: no query)."""
    if force_id is None or not any(q.themes for q in disclosed.questions.values()):
        return {}
    row = await fetchrow(OWN_THEMES, publication.id, force_id)
    return {} if row is None else dict(json_value(row["themes"]))


async def partner_round(round_id: int, force_id: int | None) -> PartnerRound | None:
    """The latest version of a round's publication, with what the viewer's force needs beside
    it; None while the round is unpublished. One query (and the snapshot's once per process)."""
    row = await fetchrow(PARTNER_ROUND, round_id, force_id)
    if row is None:
        return None
    publication = msgspec.convert(row, PublicationRow)
    round_row = msgspec.json.decode(row["round_row"], type=RoundRow, strict=False)
    force = None if row["force"] is None else msgspec.json.decode(row["force"], type=ForceRow, strict=False)
    if row["took_part"]:
        groups: dict[str, str] | None = {dim: row[f"frozen_{dim}"] for dim in DIMENSIONS}
    else:
        groups = None if force is None else force.groups()
    own = json_value(row["own"]) if row["own"] is not None else {}
    disclosed = await _snapshot(publication)
    themes = await _own_themes(publication, disclosed, force_id)
    return PartnerRound(publication, disclosed, round_row, force, groups, own, themes)


async def get_publication(round_id: int) -> tuple[PublicationRow, DisclosedRound] | None:
    """The latest version of a round's publication (what partners see)."""
    row = await fetchrow(LATEST, round_id)
    if row is None:
        return None
    publication = msgspec.convert(row, PublicationRow)
    return publication, await _snapshot(publication)


VERSIONS = """
SELECT p.id, p.version, p.published_at, p.min_group_size, pe.name AS published_by
FROM publication p LEFT JOIN person pe ON pe.id = p.published_by
WHERE p.round = $1 ORDER BY p.version DESC"""


async def publication_versions(round_id: int) -> list[PublicationVersionRow]:
    """Staff: every version of a round's publication, newest first, with who published it."""
    return msgspec.convert(await fetch(VERSIONS, round_id), list[PublicationVersionRow])


STORED_REPORT = """
SELECT b.report FROM publication p JOIN publication_basis b ON b.publication = p.id
WHERE p.round = $1 AND p.version = $2"""


async def stored_report(round_id: int, version: int) -> list[dict[str, Any]] | None:
    """Staff only: the suppression report of one published version (as stored: JSON entries)."""
    row = await fetchrow(STORED_REPORT, round_id, version)
    return None if row is None else list(json_value(row["report"]))


PUBLISHED = """
SELECT DISTINCT ON (p.round) p.round, p.published_at, p.version, r.title, r.titles, r.version AS version_id,
       q.title AS questionnaire, q.id AS questionnaire_id
FROM publication p JOIN round r ON r.id = p.round JOIN questionnaire_version v ON v.id = r.version
JOIN questionnaire q ON q.id = v.questionnaire
ORDER BY p.round, p.version DESC"""


async def published_rounds() -> list[PublishedRound]:
    """Every published round (its latest version), most recent first."""
    found = [{**row, "titles": json_value(row["titles"])} for row in await fetch(PUBLISHED)]
    rows = msgspec.convert(found, list[PublishedRound])
    return sorted(rows, key=lambda r: r.published_at, reverse=True)


async def close_round(round_id: int, actor: Viewer) -> None:
    await execute(CLOSE_ROUND, round_id)
    await record(actor, "round.closed", f"round:{round_id}")


_KEY = re.compile(r"^round (\d+) v(\d+)$")


async def report_lines(
    entries: Sequence[Mapping[str, Any]], survey: Survey, k: int, language: Language | None = None
) -> list[ReportLine]:
    """The suppression report in words, with staff's names for forces and rounds, in `language`
    (English unless given: the JSON API); questionnaire text in that language where it has it."""
    words = language or language_for(SOURCE_LANGUAGE)
    names = {f.id: f.name for f in await list_forces()}
    titles: dict[int, str] = {}

    async def round_label(key: str) -> str:
        match = _KEY.match(key)
        if not match:
            return key
        round_id, version = int(match.group(1)), int(match.group(2))
        if round_id not in titles:
            row = await get_round(round_id)
            titles[round_id] = row.title if row else ""
        return version_name(words, titles[round_id], round_id, version)

    keys = {r for e in entries if "exposure" in e for r, _ in e["exposure"]["rows"]}
    round_labels = {key: await round_label(key) for key in keys}
    d = survey.default_language

    def question_label(qid: str) -> str:
        try:
            return pick(survey.question(qid).label, words.code, d)
        except KeyError:
            return qid

    def item_label(qid: str, code: str) -> str:
        try:
            q = survey.question(qid)
        except KeyError:
            return code
        for option in q.kind.parts(q):
            if option.code == code:
                return pick(option.label, words.code, d)
        return code

    return describe(
        entries,
        k=k,
        question_label=question_label,
        item_label=item_label,
        group_label=lambda g: group_name(words, *g),
        round_label=lambda key: round_labels.get(key, key),
        force_name=lambda f: names.get(f) or unknown_force(words, f),
        question_order=[q.id for q in survey.questions()],
        language=words,
    )
