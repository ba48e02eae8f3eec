"""Demo data, created once: forces, staff and partner users, a published round with
submitted answers, and an open round to try answering."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from backend.demo.answers import random_answers
from backend.demo.discussion import seed_discussion
from backend.demo.library import seed_library
from backend.demo.meetings import seed_meeting
from backend.demo.practice import seed_practice
from backend.partners.services import create_force, create_person, find_person, force_code_taken
from backend.partners.tables import Person
from backend.publication.services import close_round, publish
from backend.responses.schemas import ResponseStatus
from backend.responses.tables import Response
from backend.rounds.services import NewRound, invitation_url, latest_open_round, open_round, round_invitations
from backend.security.guards import viewer_of
from backend.security.roles import Role, Viewer
from backend.surveys.services import load_version
from backend.surveys.tables import Questionnaire, QuestionnaireVersion

ADMIN_EMAIL = "admin@practice-exchange.test"
ADMIN_PASSWORD = "demo-admin-password"
PARTNER_PASSWORD = "demo-partner-password"

FORCES = [
    ("Metropolitan Police Service", "met", "United Kingdom", "europe", "city", "20000_plus"),
    ("Politie Nederland", "politie-nl", "Netherlands", "europe", "national", "20000_plus"),
    ("Policía de Investigaciones", "pdi-chile", "Chile", "latin_america", "national", "5000_19999"),
    ("Polícia Civil do Rio de Janeiro", "pcerj", "Brazil", "latin_america", "regional", "5000_19999"),
    ("Boston Police Department", "boston-pd", "United States", "north_america", "city", "1000_4999"),
    ("Vancouver Police Department", "vancouver-pd", "Canada", "north_america", "city", "1000_4999"),
    ("Kenya National Police Service", "kenya-nps", "Kenya", "africa", "national", "20000_plus"),
    ("Ghana Narcotics Control Commission", "ghana-nacoc", "Ghana", "africa", "specialist_agency", "under_1000"),
    ("Victoria Police", "vicpol", "Australia", "asia_pacific", "regional", "5000_19999"),
    ("Royal Malaysia Police NCID", "pdrm-ncid", "Malaysia", "asia_pacific", "specialist_agency", "1000_4999"),
    ("Policía Nacional de Colombia", "ponal", "Colombia", "latin_america", "national", "20000_plus"),
    ("Police fédérale belge", "polfed-be", "Belgium", "europe", "national", "5000_19999"),
    ("Police Scotland", "police-scotland", "United Kingdom", "europe", "national", "20000_plus"),
    ("Policía Nacional", "policia-nacional-es", "Spain", "europe", "national", "20000_plus"),
    ("Polizei Berlin", "polizei-berlin", "Germany", "europe", "city", "20000_plus"),
    ("Polícia Judiciária", "pj-pt", "Portugal", "europe", "national", "1000_4999"),
    ("Toronto Police Service", "toronto-ps", "Canada", "north_america", "city", "5000_19999"),
    ("Royal Canadian Mounted Police", "rcmp", "Canada", "north_america", "national", "20000_plus"),
    ("Secretaría de Seguridad Ciudadana CDMX", "ssc-cdmx", "Mexico", "latin_america", "city", "20000_plus"),
    ("Policía Nacional del Perú", "pnp", "Peru", "latin_america", "national", "20000_plus"),
    ("South African Police Service", "saps", "South Africa", "africa", "national", "20000_plus"),
    ("National Drug Law Enforcement Agency", "ndlea", "Nigeria", "africa", "specialist_agency", "5000_19999"),
    ("New Zealand Police", "nz-police", "New Zealand", "asia_pacific", "national", "5000_19999"),
    ("Office of the Narcotics Control Board", "oncb", "Thailand", "asia_pacific", "specialist_agency", "1000_4999"),
]

#: Forces that took part in each published demo round (indexes into FORCES): the same forces in
#: both years, so that the trend between them can be shown in full. (When a few forces join or
#: leave between rounds, a reader who assumes nobody changed their answers can subtract one
#: round from the other; the audit then withholds what would give those forces away: see
#: docs/disclosure-control.md.)
TOOK_PART = {
    "Drug market practice 2025": [i for i in range(len(FORCES)) if i not in {3, 11, 17}],
    "Drug market practice 2026 (London meeting)": [i for i in range(len(FORCES)) if i not in {3, 11, 17}],
}
#: The rounds' titles in other languages (the 2026 round has no Spanish one: Spanish readers
#: see the English, marked as such).
TITLES = {
    "Drug market practice 2025": {
        "fr": "Pratiques face aux marchés de la drogue 2025",
        "es": "Prácticas ante los mercados de drogas 2025",
    },
    "Drug market practice 2026 (London meeting)": {
        "fr": "Pratiques face aux marchés de la drogue 2026 (réunion de Londres)",
    },
    "Drug market practice 2027 (Vienna side event)": {
        "fr": "Pratiques face aux marchés de la drogue 2027 (événement parallèle de Vienne)",
        "es": "Prácticas ante los mercados de drogas 2027 (evento paralelo de Viena)",
    },
}
#: Share of forces whose answers change from one year to the next (the others answer as before).
CHANGED = 0.3


@dataclass
class DemoAccounts:
    admin_email: str = ADMIN_EMAIL
    admin_password: str = ADMIN_PASSWORD
    partner_email: str = ""
    partner_password: str = PARTNER_PASSWORD
    respondent_link: str = ""
    created: bool = False
    notes: list[str] = field(default_factory=list)


async def _version_id(slug: str) -> int:
    row = (
        await QuestionnaireVersion.select(QuestionnaireVersion.id)
        .where(
            QuestionnaireVersion.questionnaire.is_in(
                Questionnaire.select(Questionnaire.id).where(Questionnaire.slug == slug)
            )
        )
        .order_by(QuestionnaireVersion.id, ascending=False)
        .first()
    )
    if row is None:
        raise LookupError(f"questionnaire {slug!r} is not loaded (is it in surveys/?)")
    return row["id"]


async def seed_demo(base_url: str, secret_key: str) -> DemoAccounts:
    """Create the demo data unless it exists; return how to sign in either way."""
    accounts = DemoAccounts(partner_email=f"contact@{FORCES[0][1]}.practice-exchange.test")
    if not await force_code_taken(FORCES[0][1]):
        await _create(secret_key)
        accounts.created = True
    open_round_id = await latest_open_round("drug-market-practice")
    if open_round_id is not None:
        for inv in await round_invitations(open_round_id):
            if inv.email == accounts.partner_email:
                accounts.respondent_link = invitation_url(base_url, secret_key, inv.nonce)
    return accounts


async def _create(secret_key: str) -> None:
    rng = random.Random(20261129)  # noqa: S311 - the same demo every time, not a secret
    admin_id = await create_person(ADMIN_EMAIL, "Alex Admin", Role.ADMIN, password=ADMIN_PASSWORD)
    await create_person("analyst@practice-exchange.test", "Ana Analyst", Role.ANALYST, password=ADMIN_PASSWORD)
    admin = Viewer(admin_id, "Alex Admin", ADMIN_EMAIL, Role.ADMIN, None, False, "en")
    force_ids = []
    for name, code, country, region, force_type, size in FORCES:
        force_id = await create_force(name, code, country, region, force_type, size)
        force_ids.append(force_id)
        language = "es" if country in {"Chile", "Colombia"} else ("fr" if country == "Belgium" else "en")
        await create_person(
            f"contact@{code}.practice-exchange.test",
            f"Contact, {name}",
            Role.PARTNER,
            force_id=force_id,
            can_respond=True,
            password=PARTNER_PASSWORD,
            language=language,
        )

    version_id = await _version_id("drug-market-practice")
    survey = await load_version(version_id)
    now = datetime.now(UTC)
    previous: dict[int, dict[str, object]] = {}
    for years_ago, (title, took_part) in zip((2, 1), TOOK_PART.items(), strict=True):
        past = NewRound(title, version_id, force_ids, 5, None, TITLES.get(title, {}))
        past_id, _ = await open_round(past, secret_key, admin)
        for index in took_part:
            force_id = force_ids[index]
            keep = force_id in previous and rng.random() > CHANGED
            answers = previous[force_id] if keep else random_answers(survey, rng)
            previous[force_id] = answers
            await Response.insert(
                Response(
                    round=past_id,
                    force=force_id,
                    status=ResponseStatus.SUBMITTED,
                    revision=1,
                    answers=json.dumps(answers),
                    language="en",
                    submitted_at=now - timedelta(days=365 * years_ago - rng.randint(20, 60)),
                )
            )
        await close_round(past_id, admin)
        await publish(past_id, admin)
    # a discussion of the latest published round's results (docs/exchange.md)
    contacts = [await find_person(f"contact@{f[1]}.practice-exchange.test") for f in FORCES]
    partners = [viewer_of(p) for p in contacts if p is not None]
    await seed_discussion(past_id, partners[1:4], admin, partners[0])
    # a commissioned report in the library (docs/library.md)
    report_id = await seed_library(admin)
    # an upcoming meeting on the report and the latest published round (docs/meetings.md)
    await seed_meeting(admin, report_id, past_id)
    # practice notes: one anonymous, one named, one translated into French (docs/practice.md)
    await seed_practice(admin, partners[2:5])
    current = "Drug market practice 2027 (Vienna side event)"
    await open_round(
        NewRound(current, version_id, force_ids, 5, now + timedelta(days=60), TITLES[current]), secret_key, admin
    )
    # a profile round keeps peer groups current
    profile_id = await _version_id("force-profile")
    await open_round(
        NewRound("Force profile 2027", profile_id, force_ids, 3, now + timedelta(days=60)), secret_key, admin
    )
    await Person.update({Person.language: "en"}).where(Person.email == f"contact@{FORCES[0][1]}.practice-exchange.test")
