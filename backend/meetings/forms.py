"""Reading the meeting form (URL-encoded, with repeated `report_ids` and `round_ids`) into the
same `MeetingInput` as the JSON API, keeping what was typed to show it again."""

from __future__ import annotations

from typing import Any

from litestar import Request

from backend.i18n import LANGUAGES
from backend.meetings.checks import ID_MAX, MeetingInput


def _ids(values: list[Any]) -> list[int]:
    out = []
    for v in values:
        if isinstance(v, str) and v.strip().isdigit() and 1 <= int(v.strip()) <= ID_MAX:
            out.append(int(v.strip()))
    return out


async def read_meeting_form(request: Request[Any, Any, Any]) -> tuple[MeetingInput, dict[str, Any], dict[str, str]]:
    """(the input, the form's values as typed, problems found in reading: a capacity that is not
    a number)."""
    form = await request.form()

    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    values: dict[str, Any] = {
        name: text(name)
        for name in (
            "default_language",
            "starts_at",
            "ends_at",
            "timezone",
            "place",
            "online_url",
            "capacity",
            "registration_deadline",
        )
    }
    for code in LANGUAGES:
        values[f"title_{code}"] = text(f"title_{code}")
        values[f"agenda_{code}"] = text(f"agenda_{code}")
    values["report_ids"] = _ids(form.getall("report_ids")) if "report_ids" in form else []
    values["round_ids"] = _ids(form.getall("round_ids")) if "round_ids" in form else []
    problems: dict[str, str] = {}
    capacity_text = values["capacity"].strip()
    capacity = int(capacity_text) if capacity_text.isdigit() and len(capacity_text) < 7 else -1
    data = MeetingInput(
        title={code: values[f"title_{code}"] for code in LANGUAGES},
        agenda={code: values[f"agenda_{code}"] for code in LANGUAGES},
        default_language=values["default_language"] or "en",
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        timezone=values["timezone"] or "UTC",
        place=values["place"],
        online_url=values["online_url"],
        capacity=capacity,
        registration_deadline=values["registration_deadline"],
        report_ids=values["report_ids"],
        round_ids=values["round_ids"],
    )
    return data, values, problems


async def read_summary_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {code: v for code in LANGUAGES if isinstance(v := form.get(f"summary_{code}"), str)}
