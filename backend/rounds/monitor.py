"""The response monitor (staff only, raw figures: never shown to partners): each force's state
(submitted, in progress, not started), last activity and reminders; rates by region, force
type and size band (the round's frozen groups); submissions over time as a Plotly figure; the
non-responders, as a list and as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from backend.database import fetch
from backend.i18n import SOURCE_LANGUAGE, Language, language_for
from backend.partners.peer_groups import DIMENSIONS

FORCES = """
SELECT rf.force AS force_id, f.name AS force_name, rf.region, rf.force_type, rf.size_band,
       x.status AS response_status, x.updated_at,
       CASE WHEN x.status = 'submitted' THEN coalesce(x.submitted_at, x.updated_at) END AS submitted_at,
       (SELECT max(i.last_opened_at) FROM invitation i WHERE i.round = rf.round AND i.force = rf.force)
         AS last_opened_at,
       (SELECT count(*) FROM invitation i WHERE i.round = rf.round AND i.force = rf.force AND i.revoked_at IS NULL)
         AS invited,
       (SELECT count(*) FROM reminder m JOIN invitation i ON i.id = m.invitation
        WHERE m.round = rf.round AND i.force = rf.force) AS reminders,
       (SELECT max(m.created_at) FROM reminder m JOIN invitation i ON i.id = m.invitation
        WHERE m.round = rf.round AND i.force = rf.force) AS last_reminded_at,
       (SELECT string_agg(p.email, ' ' ORDER BY p.email) FROM invitation i JOIN person p ON p.id = i.person
        WHERE i.round = rf.round AND i.force = rf.force AND i.revoked_at IS NULL) AS emails,
       (SELECT count(*) FROM invitation i JOIN reminder_opt_out o ON o.person = i.person
        WHERE i.round = rf.round AND i.force = rf.force AND i.revoked_at IS NULL) AS opted_out
FROM round_force rf JOIN force f ON f.id = rf.force
LEFT JOIN response x ON x.round = rf.round AND x.force = rf.force
WHERE rf.round = $1 ORDER BY f.name, rf.force"""

SUBMITTED = "submitted"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
STATES = (SUBMITTED, IN_PROGRESS, NOT_STARTED)


class ForceProgress(msgspec.Struct, frozen=True):
    """A force in the monitor."""

    force_id: int
    force_name: str
    region: str
    force_type: str
    size_band: str
    #: submitted | in_progress | not_started
    state: str
    submitted_at: datetime | None
    #: the latest of its response's last save and its people's last opening of their links
    last_activity: datetime | None
    #: people invited (links not revoked)
    invited: int
    reminders: int
    last_reminded_at: datetime | None
    #: the invited people's addresses (staff only: the CSV of non-responders)
    emails: list[str]
    #: invited people who switched reminders off
    opted_out: int


class GroupRate(msgspec.Struct, frozen=True):
    """Forces of one group (a region, a force type, a size band) and how far they are."""

    dimension: str
    value: str
    forces: int
    submitted: int
    in_progress: int
    not_started: int
    #: submitted / forces
    rate: float


@dataclass(frozen=True)
class Monitor:
    forces: list[ForceProgress]
    groups: list[GroupRate]
    #: submitted, in progress, not started
    totals: dict[str, int]
    #: the Plotly figure of submissions over time
    figure: dict[str, Any]

    @property
    def non_responders(self) -> list[ForceProgress]:
        return [f for f in self.forces if f.state != SUBMITTED]


def _state(status: str | None) -> str:
    return SUBMITTED if status == "submitted" else IN_PROGRESS if status == "draft" else NOT_STARTED


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


async def force_progress(round_id: int) -> list[ForceProgress]:
    rows = await fetch(FORCES, round_id)
    return [
        ForceProgress(
            force_id=r["force_id"],
            force_name=r["force_name"],
            region=r["region"],
            force_type=r["force_type"],
            size_band=r["size_band"],
            state=_state(r["response_status"]),
            submitted_at=r["submitted_at"],
            last_activity=_latest(r["updated_at"] if r["response_status"] else None, r["last_opened_at"]),
            invited=r["invited"],
            reminders=r["reminders"],
            last_reminded_at=r["last_reminded_at"],
            emails=(r["emails"] or "").split(),
            opted_out=r["opted_out"],
        )
        for r in rows
    ]


def group_rates(forces: list[ForceProgress]) -> list[GroupRate]:
    """Per region, force type and size band (each in the order first met): how many forces,
    how many submitted, in progress and not started."""
    out = []
    for dimension in DIMENSIONS:
        values: dict[str, list[ForceProgress]] = {}
        for f in forces:
            values.setdefault(getattr(f, dimension), []).append(f)
        for value, members in sorted(values.items()):
            counts = {s: sum(1 for m in members if m.state == s) for s in STATES}
            out.append(
                GroupRate(
                    dimension,
                    value,
                    len(members),
                    counts[SUBMITTED],
                    counts[IN_PROGRESS],
                    counts[NOT_STARTED],
                    counts[SUBMITTED] / len(members),
                )
            )
    return out


def submissions_figure(forces: list[ForceProgress], language: Language, opened: datetime | None) -> dict[str, Any]:
    """Submissions over time, as a Plotly figure (a dict, as `publication/charts.py` builds):
    the running count of submitted forces, a step at each submission. Staff only."""
    times = sorted(f.submitted_at for f in forces if f.submitted_at is not None)
    x = ([opened.isoformat()] if opened else []) + [t.isoformat() for t in times]
    y = ([0] if opened else []) + list(range(1, len(times) + 1))
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "line": {"shape": "hv", "color": "#1d70b8"},
                "x": x,
                "y": y,
                "name": language.gettext("Forces that submitted"),
                "hovertemplate": "%{x}<br>%{y}<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": language.gettext("Submissions over time"), "x": 0, "font": {"size": 15}},
            "height": 320,
            "margin": {"l": 50, "r": 20, "t": 50, "b": 50},
            "xaxis": {"title": {"text": language.gettext("Date (UTC)")}, "type": "date"},
            "yaxis": {
                "title": {"text": language.gettext("Forces that submitted")},
                "rangemode": "tozero",
                "range": [0, max(len(forces), 1)],
                "dtick": max(1, len(forces) // 10),
            },
            "showlegend": False,
            "plot_bgcolor": "white",
            "font": {"family": "Arial, Helvetica, sans-serif", "size": 13},
        },
    }


async def round_monitor(round_id: int, opened: datetime | None, language: Language | None = None) -> Monitor:
    words = language or language_for(SOURCE_LANGUAGE)
    forces = await force_progress(round_id)
    totals = {s: sum(1 for f in forces if f.state == s) for s in STATES}
    return Monitor(forces, group_rates(forces), totals, submissions_figure(forces, words, opened))


#: The CSV's columns (English: a file for staff's tools, as the JSON API).
CSV_COLUMNS = ("force", "region", "force_type", "size_band", "state", "last_activity", "reminders", "emails")


def non_responders_csv(forces: list[ForceProgress]) -> str:
    """The forces that have not submitted, one a row, with the addresses of their people."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in forces:
        if f.state == SUBMITTED:
            continue
        last = f.last_activity.isoformat() if f.last_activity else ""
        writer.writerow(
            [
                _safe(f.force_name),
                f.region,
                f.force_type,
                f.size_band,
                f.state,
                last,
                f.reminders,
                " ".join(_safe(e) for e in f.emails),
            ]
        )
    return out.getvalue()


def _safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + cell if cell[:1] in {"=", "+", "-", "@", "\t", "\r"} else cell
