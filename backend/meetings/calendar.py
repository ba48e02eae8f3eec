"""A meeting's calendar file (.ics, RFC 5545), built with the maintained `icalendar` library:
pure, no database or web framework.

The UID is stable per meeting (`meeting-<id>@<host>`), so a calendar that imports the file again
updates the event it has; SEQUENCE counts the changes made after announcing, so the newer file
wins; a cancelled meeting's file says METHOD:CANCEL and STATUS:CANCELLED, so importing it
removes the event. Times carry their TZID (the zone staff gave, with its VTIMEZONE) or are UTC."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from urllib.parse import urlsplit

from icalendar import Calendar, Event

PRODID = "-//Practice Exchange//Meetings//EN"


def uid(meeting_id: int, base_url: str) -> str:
    host = urlsplit(base_url).hostname or "practice-exchange"
    return f"meeting-{meeting_id}@{host}"


def meeting_calendar(
    *,
    meeting_id: int,
    base_url: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    timezone: str,
    place: str,
    online_url: str,
    description: str,
    sequence: int,
    cancelled: bool,
    stamp: dt.datetime,
) -> bytes:
    """The calendar file of one meeting (`description`: plain text: the agenda and the page)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid(meeting_id, base_url))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    if timezone in ("UTC", "Etc/UTC"):
        event.add("dtstart", starts_at.astimezone(dt.UTC))
        event.add("dtend", ends_at.astimezone(dt.UTC))
    else:
        zone = zoneinfo.ZoneInfo(timezone)
        event.add("dtstart", starts_at.astimezone(zone))
        event.add("dtend", ends_at.astimezone(zone))
    event.add("summary", title)
    if place:
        event.add("location", place)
    elif online_url:
        event.add("location", online_url)
    page = f"{base_url.rstrip('/')}/meetings/{meeting_id}"
    event.add("url", online_url or page)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    # A VTIMEZONE for every TZID used, so calendars that do not know the zone still read it.
    calendar.add_missing_timezones()
    return calendar.to_ical()
