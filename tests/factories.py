"""Building test data through the real services (no shortcuts around the database)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.demo.answers import random_answers
from backend.partners.services import create_force, create_person
from backend.responses.tables import Response
from backend.rounds.services import NewRound, open_round
from backend.security.roles import Viewer
from backend.surveys.format.files import load_file
from backend.surveys.services import load_version, store_survey

STAFF_EMAIL = "staff@example.org"
STAFF_PASSWORD = "staff-password-123"
PARTNER_PASSWORD = "partner-password-123"

REGIONS = ["europe", "europe", "europe", "europe", "latin_america", "latin_america", "africa", "asia_pacific"]
TYPES = ["national", "city", "regional", "national", "national", "city", "national", "specialist_agency"]
SIZES = ["20000_plus", "1000_4999", "5000_19999", "5000_19999", "20000_plus", "1000_4999", "20000_plus", "under_1000"]


@dataclass
class World:
    staff: Viewer
    force_ids: list[int]
    partner_emails: list[str]
    version_id: int


async def load_survey(path: Path) -> int:
    loaded = load_file(path)
    assert loaded.survey is not None, loaded.problems
    version_id, _ = await store_survey(loaded.survey, loaded.source, path.name)
    return version_id


async def make_world(surveys_dir: Path, forces: int = 8, survey: str = "drug-market-practice.yaml") -> World:
    staff_id = await create_person(STAFF_EMAIL, "Sam Staff", "admin", password=STAFF_PASSWORD)
    staff = Viewer(staff_id, "Sam Staff", STAFF_EMAIL, "admin", None, False, "en")
    force_ids, emails = [], []
    for i in range(forces):
        force_id = await create_force(f"Force {i}", f"force-{i}", "Country", REGIONS[i % 8], TYPES[i % 8], SIZES[i % 8])
        email = f"contact{i}@force{i}.example.org"
        await create_person(
            email, f"Contact {i}", "partner", force_id=force_id, can_respond=True, password=PARTNER_PASSWORD
        )
        force_ids.append(force_id)
        emails.append(email)
    version_id = await load_survey(surveys_dir / survey)
    return World(staff, force_ids, emails, version_id)


async def open_test_round(
    world: World, secret_key: str, min_group_size: int = 3, force_ids: list[int] | None = None
) -> int:
    round_id, _ = await open_round(
        NewRound("Test round", world.version_id, force_ids or world.force_ids, min_group_size, None),
        secret_key,
        world.staff,
    )
    return round_id


async def submit_random(round_id: int, world: World, force_ids: list[int], seed: int = 1) -> dict[int, dict[str, Any]]:
    """Submitted responses with valid random answers, inserted as the respondent pages would leave them."""
    survey = await load_version(world.version_id)
    rng = random.Random(seed)
    out = {}
    for force_id in force_ids:
        answers = random_answers(survey, rng)
        await Response.insert(
            Response(round=round_id, force=force_id, status="submitted", revision=1, answers=json.dumps(answers))
        )
        out[force_id] = answers
    return out
