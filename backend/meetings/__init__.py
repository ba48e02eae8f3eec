"""Meetings (issue 12, item 4): staff announce them; partners register within a capacity, with a
waiting list, get a calendar file and read the unattributed summary afterwards (docs/meetings.md)."""
