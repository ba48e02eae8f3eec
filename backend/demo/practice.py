"""The demo's practice bank (issue 12): three published notes, written by partners through the
practice bank's own services (draft, sent for review, published by staff), so that they are
stored, audited and notified like real ones. One is anonymous, one names its force, one has a
French translation; each is tagged with themes and questions of the drug-market questionnaire,
so the dashboard shows them beside those charts."""

from __future__ import annotations

from backend.i18n import language_for
from backend.practice.checks import NoteInput, TranslationInput
from backend.practice.services import create_note, publish_note, submit_note, translate_note
from backend.security.roles import Viewer

NOTES = (
    NoteInput(
        title="Focused deterrence call-ins with street-level sellers",
        original_language="en",
        problems=["market_violence"],
        approach="Sellers identified by the violence review were invited, with their families, to a call-in with "
        "police, prosecutors and outreach workers: a clear message that the next shooting would bring "
        "enforcement on the whole group, and an offer of jobs and treatment.",
        partners="Prosecutor's office, city outreach team, two community organisations.",
        resources="One analyst half-time, four call-ins a year, outreach funded by the city.",
        outcome="Shootings linked to the market fell by a third in the first year against the three previous "
        "years; the evaluation by the regional university is under way.",
        status_label="promising",
        attribution="anonymous",
        themes=["targeting"],
        questions=["focused_deterrence", "targeting_approach"],
    ),
    NoteInput(
        title="Naloxone carried by every response officer",
        original_language="en",
        problems=["health_harms", "drug_deaths"],
        approach="Every response officer was trained in twenty minutes and carries a nasal naloxone kit.",
        partners="Regional health service (kits and training), ambulance service.",
        resources="Kits at about 20 euros each; training during shift briefings.",
        outcome="Officers administered naloxone 41 times in eighteen months; all but two people survived.",
        status_label="worked",
        attribution="named",
        themes=["harm_reduction"],
        questions=["naloxone_carried"],
    ),
    NoteInput(
        title="Referral to treatment instead of charges for possession",
        original_language="en",
        problems=["health_harms", "public_nuisance"],
        approach="People found with drugs for their own use are offered an appointment with a treatment "
        "service within a week instead of a charge.",
        partners="Addiction services, public prosecutor.",
        resources="A liaison worker in the custody suite.",
        outcome="Too early to say: 120 referrals in the first six months, 70 attended.",
        status_label="new",
        attribution="named",
        themes=["alternatives"],
        questions=["alternatives_available"],
    ),
)

FRENCH = TranslationInput(
    translation_language="fr",
    title="Orientation vers un traitement plutôt que des poursuites pour détention",
    approach="Les personnes trouvées en possession de drogue pour leur propre usage se voient proposer un "
    "rendez-vous avec un service de soins dans la semaine plutôt que des poursuites.",
    partners="Services d’addictologie, parquet.",
    resources="Un agent de liaison dans les locaux de garde à vue.",
    outcome="Trop tôt pour conclure : 120 orientations au cours des six premiers mois, 70 rendez-vous honorés.",
)


async def seed_practice(staff: Viewer, authors: list[Viewer]) -> list[int]:
    """Publish the demo notes (one author each, in turn); their ids."""
    english = language_for("en")
    ids = []
    for i, data in enumerate(NOTES):
        author = authors[i % len(authors)]
        note = await create_note(data, author, english)
        note = await submit_note(note, author, english)
        if i == 2:
            note = await translate_note(note, FRENCH, staff, english)
        note = await publish_note(note, staff, english)
        ids.append(note.id)
    return ids
