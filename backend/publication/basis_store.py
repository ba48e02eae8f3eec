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
from backend.surveys import Survey

ROUND_ANSWERS = """
SELECT r.force, r.answers, rf.region, rf.force_type, rf.size_band
FROM response r JOIN round_force rf ON rf.round = r.round AND rf.force = r.force
WHERE r.round = $1 AND r.status = 'submitted'
ORDER BY r.force"""


async def round_basis(round_id: int, survey: Survey, *, key: str, label: str) -> RoundBasis:
    """The submitted answers of a round, each force with its peer groups frozen at opening."""
    specs = published_specs(survey)
    participants: dict[int, dict[str, str]] = {}
    answers: dict[int, dict[str, Any]] = {}
    for row in await fetch(ROUND_ANSWERS, round_id):
        force = int(row["force"])
        participants[force] = {dim: str(row[dim]) for dim in DIMENSIONS if row[dim]}
        given = json_value(row["answers"]) or {}
        answers[force] = {q: given[q] for q in specs if q in given}
    return RoundBasis(key=key, label=label, participants=participants, answers=answers, questions=specs)


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
