"""A meeting as one reader sees it, gathered for the pages and the JSON routes alike: the
online link only for registered attendees and staff, linked rounds only when published, the
reader's own registration and never anyone else's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.exchange.markdown import render
from backend.i18n import Language, Shown
from backend.meetings.schemas import (
    LinkedReport,
    LinkedRound,
    MeetingRow,
    MeetingState,
    RegistrationRow,
    RegistrationState,
)
from backend.meetings.services import linked_reports, linked_rounds, my_registration, now, waitlist_place
from backend.security.roles import Viewer


@dataclass(frozen=True)
class MeetingView:
    meeting: MeetingRow
    title: Shown
    agenda: Shown | None
    agenda_html: str
    summary: Shown | None
    summary_html: str
    reports: list[LinkedReport]
    rounds: list[LinkedRound]
    mine: RegistrationRow | None
    waitlist_place: int | None
    #: the online link, for registered attendees and staff ("" otherwise)
    online_url: str
    registration_open: bool
    past: bool
    #: the reader may download the calendar file
    has_calendar: bool
    #: the meeting's discussion exists (announced meetings only)
    discussable: bool
    language: Language

    @property
    def registered(self) -> bool:
        return self.mine is not None and self.mine.state == RegistrationState.REGISTERED

    @property
    def waitlisted(self) -> bool:
        return self.mine is not None and self.mine.state == RegistrationState.WAITLISTED


async def meeting_view(
    meeting: MeetingRow, viewer: Viewer, language: Language, moment: dt.datetime | None = None
) -> MeetingView:
    moment = moment or now()
    mine = await my_registration(meeting.id, viewer)
    registered = mine is not None and mine.state == RegistrationState.REGISTERED
    agenda = meeting.shown_agenda(language)
    published_summary = meeting.summary_published_at is not None
    summary = meeting.shown_summary(language) if published_summary or viewer.is_staff else None
    return MeetingView(
        meeting=meeting,
        title=meeting.shown_title(language),
        agenda=agenda,
        agenda_html=render(agenda.text) if agenda else "",
        summary=summary,
        summary_html=render(summary.text) if summary else "",
        reports=await linked_reports(meeting.id, viewer),
        rounds=await linked_rounds(meeting.id, viewer),
        mine=mine,
        waitlist_place=await waitlist_place(mine),
        online_url=meeting.online_url if registered or viewer.is_staff else "",
        registration_open=meeting.open_for_registration(moment),
        past=meeting.is_past(moment),
        has_calendar=registered or viewer.is_staff,
        discussable=meeting.state == MeetingState.ANNOUNCED,
        language=language,
    )
