"""The demo's meeting (issue 12): an upcoming peer-exchange meeting, announced, linked to the demo
report and to the latest published round, created through the meetings' own services so that it
is stored, announced and audited like a real one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from backend.i18n import language_for
from backend.meetings.checks import MeetingInput
from backend.meetings.services import announce, create_meeting
from backend.security.roles import Viewer

TITLE = {
    "en": "Peer exchange: open-air drug markets",
    "fr": "Échange entre pairs : les marchés de la drogue à ciel ouvert",
    "es": "Intercambio entre pares: los mercados de drogas al aire libre",
}

AGENDA = {
    "en": "1. Welcome and the Chatham House Rule\n2. **What the latest results show**: priorities and measures\n"
    "3. Lessons from five cities (the library's report)\n4. Open discussion",
    "fr": "1. Accueil et règle de Chatham House\n2. **Ce que montrent les derniers résultats** : priorités et "
    "mesures\n3. Leçons de cinq villes (le rapport de la bibliothèque)\n4. Discussion libre",
    "es": "1. Bienvenida y regla de Chatham House\n2. **Lo que muestran los últimos resultados**: prioridades y "
    "medidas\n3. Lecciones de cinco ciudades (el informe de la biblioteca)\n4. Debate abierto",
}


async def seed_meeting(staff: Viewer, report_id: int, round_id: int) -> int:
    """Create and announce the demo meeting, three weeks ahead at 14:00 in Paris; its id."""
    zone = "Europe/Paris"
    day = (datetime.now(UTC) + timedelta(days=21)).astimezone(ZoneInfo(zone)).date()
    data = MeetingInput(
        title=TITLE,
        agenda=AGENDA,
        default_language="en",
        starts_at=f"{day.isoformat()}T14:00",
        ends_at=f"{day.isoformat()}T16:00",
        timezone=zone,
        place="Lyon, Interpol General Secretariat",
        online_url="https://meet.example.org/px-open-air-markets",
        capacity=12,
        registration_deadline=f"{(day - timedelta(days=2)).isoformat()}T18:00",
        report_ids=[report_id],
        round_ids=[round_id],
    )
    english = language_for("en")
    meeting = await create_meeting(data, staff, english)
    await announce(meeting.id, staff, english)
    return meeting.id
