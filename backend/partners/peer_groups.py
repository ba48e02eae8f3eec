"""Peer-group breakdowns: the force attributes results are compared by, and their labels.

Codes match the answers of the force-profile questionnaire (`surveys/force-profile.yaml`),
whose submitted answers propose changes to a force's attributes; staff approve or reject
them (`backend/profile_changes`). A round groups its results by the attributes its forces
had when it opened (`rounds.services.round_groups`).
"""

from __future__ import annotations

DIMENSIONS: dict[str, str] = {
    "region": "Region",
    "force_type": "Type of force",
    "size_band": "Size",
}

VALUES: dict[str, dict[str, str]] = {
    "region": {
        "europe": "Europe",
        "north_america": "North America",
        "latin_america": "Latin America and the Caribbean",
        "africa": "Africa",
        "asia_pacific": "Asia and the Pacific",
        "middle_east": "Middle East",
    },
    "force_type": {
        "national": "National police",
        "regional": "Regional or state force",
        "city": "City police",
        "specialist_agency": "Specialist drug agency",
        "customs": "Customs",
        "other_type": "Other",
    },
    "size_band": {
        "under_1000": "Under 1,000 staff",
        "1000_4999": "1,000–4,999 staff",
        "5000_19999": "5,000–19,999 staff",
        "20000_plus": "20,000 staff or more",
    },
}

ALL = ("all", "all")


def label(dimension: str, value: str) -> str:
    if (dimension, value) == ALL:
        return "All partner forces"
    return VALUES.get(dimension, {}).get(value, value)


def dimension_label(dimension: str) -> str:
    return DIMENSIONS.get(dimension, dimension)
