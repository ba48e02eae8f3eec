"""Reading a round's basis (answers and frozen peer groups) from the database, and storing and
re-reading the bases of publications, so that every later round is audited against exactly
what was published. Staff-only material: nothing here is ever sent to partners."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from backend.database import fetch, json_value
from backend.partners.peer_groups import DIMENSIONS
from backend.publication.basis import QuestionSpec, RoundBasis
from backend.publication.specs import published_specs
from backend.publication.themes import with_themes
from backend.surveys import Survey

ROUND_ANSWERS = """
SELECT r.force, r.answers, rf.region, rf.force_type, rf.size_band
FROM response r JOIN round_force rf ON rf.round = r.round AND rf.force = r.force
WHERE r.round = $1 AND r.status = 'submitted'
ORDER BY r.force"""


#: The codebooks of the text questions whose theme counts staff chose to publish (the coding
#: tables belong to the analysis workspace, which partner-facing modules may not import: they are
#: read here by SQL, only to build the staff-only basis), in the codebook's order.
CODED_THEMES = """
SELECT t.question_id, t.name FROM coding_theme t
JOIN coding_publish p ON p.round = t.round AND p.question_id = t.question_id
WHERE t.round = $1 ORDER BY t.question_id, lower(t.name), t.id"""

#: Each submitted answer to those questions (text that is not blank): its force and the names of
#: the themes it carries (none while it is not coded). The text itself is not read.
CODED_ANSWERS = """
SELECT p.question_id, r.force,
       coalesce(array_agg(t.name) FILTER (WHERE t.name IS NOT NULL), '{}') AS themes
FROM coding_publish p
JOIN response r ON r.round = p.round AND r.status = 'submitted'
    AND jsonb_typeof(r.answers -> p.question_id) = 'string' AND btrim(r.answers ->> p.question_id) <> ''
JOIN round_force rf ON rf.round = r.round AND rf.force = r.force
LEFT JOIN coding_tag g ON g.response = r.id
LEFT JOIN coding_theme t ON t.id = g.theme AND t.round = p.round AND t.question_id = p.question_id
WHERE p.round = $1
GROUP BY p.question_id, r.force"""


async def coded_themes(round_id: int) -> dict[str, tuple[list[str], dict[int, list[str]]]]:
    """The coded text questions to publish with the round: question id → (the codebook's theme
    names, each answering force's theme names)."""
    coded: dict[str, tuple[list[str], dict[int, list[str]]]] = {}
    for row in await fetch(CODED_THEMES, round_id):
        coded.setdefault(row["question_id"], ([], {}))[0].append(str(row["name"]))
    for row in await fetch(CODED_ANSWERS, round_id):
        if row["question_id"] in coded:
            coded[row["question_id"]][1][int(row["force"])] = [str(t) for t in row["themes"]]
    return coded


async def round_basis(round_id: int, survey: Survey, *, key: str, label: str, themes: bool = True) -> RoundBasis:
    """The submitted answers of a round, each force with its peer groups frozen at opening; with
    `themes`, the coded themes of the text questions staff chose to publish (`themes.py`)."""
    specs = published_specs(survey)
    participants: dict[int, dict[str, str]] = {}
    answers: dict[int, dict[str, Any]] = {}
    for row in await fetch(ROUND_ANSWERS, round_id):
        force = int(row["force"])
        participants[force] = {dim: str(row[dim]) for dim in DIMENSIONS if row[dim]}
        given = json_value(row["answers"]) or {}
        answers[force] = {q: given[q] for q in specs if q in given}
    basis = RoundBasis(key=key, label=label, participants=participants, answers=answers, questions=specs)
    return with_themes(basis, survey, await coded_themes(round_id)) if themes else basis


def basis_to_json(basis: RoundBasis) -> dict[str, Any]:
    return {
        "key": basis.key,
        "label": basis.label,
        "participants": {str(f): dict(groups) for f, groups in basis.participants.items()},
        "answers": {str(f): dict(a) for f, a in basis.answers.items()},
        "questions": [asdict(spec) for spec in basis.questions.values()],
    }


def basis_from_json(data: Mapping[str, Any]) -> RoundBasis:
    specs = [
        QuestionSpec(
            id=q["id"],
            kind=q["kind"],
            components=tuple(q["components"]),
            codes=tuple(q["codes"]),
            depends_on=tuple(q["depends_on"]),
            coded=bool(q.get("coded", False)),
        )
        for q in data["questions"]
    ]
    return RoundBasis(
        key=data["key"],
        label=data["label"],
        participants={int(f): dict(g) for f, g in data["participants"].items()},
        answers={int(f): dict(a) for f, a in data["answers"].items()},
        questions={s.id: s for s in specs},
    )


def version_key(round_id: int, version: int) -> str:
    return f"round {round_id} v{version}"
