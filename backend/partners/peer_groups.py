"""Peer-group breakdowns: the force attributes results are compared by, and their labels.

Codes match the answers of the force-profile questionnaire (`surveys/force-profile.yaml`),
whose submitted answers propose changes to a force's attributes; staff approve or reject
them (`backend/profile_changes`). A round groups its results by the attributes its forces
had when it opened (`rounds.services.round_groups`).

The labels are interface messages (`N_`: English here, in the suppression report and the JSON
API; translated where a page shows them: `group_name`, `dimension_name`, and the templates'
`group_label` and `dimension_label`). Partners compare by them, so they live in `partner.po`.
"""

from __future__ import annotations

from backend.i18n import N_, Language

DIMENSIONS: dict[str, str] = {
    "region": N_("Region"),
    "force_type": N_("Type of force"),
    "size_band": N_("Size"),
}

VALUES: dict[str, dict[str, str]] = {
    "region": {
        "europe": N_("Europe"),
        "north_america": N_("North America"),
        "latin_america": N_("Latin America and the Caribbean"),
        "africa": N_("Africa"),
        "asia_pacific": N_("Asia and the Pacific"),
        "middle_east": N_("Middle East"),
    },
    "force_type": {
        "national": N_("National police"),
        "regional": N_("Regional or state force"),
        "city": N_("City police"),
        "specialist_agency": N_("Specialist drug agency"),
        "customs": N_("Customs"),
        "other_type": N_("Other"),
    },
    "size_band": {
        "under_1000": N_("Under 1,000 staff"),
        "1000_4999": N_("1,000–4,999 staff"),
        "5000_19999": N_("5,000–19,999 staff"),
        "20000_plus": N_("20,000 staff or more"),
    },
}

ALL = ("all", "all")
ALL_LABEL = N_("All partner forces")


def label(dimension: str, value: str) -> str:
    """A group's name in English (an unknown value: the value itself)."""
    if (dimension, value) == ALL:
        return ALL_LABEL
    return VALUES.get(dimension, {}).get(value, value)


def dimension_label(dimension: str) -> str:
    return DIMENSIONS.get(dimension, dimension)


def group_name(language: Language, dimension: str, value: str) -> str:
    """A group's name in `language` ("Amérique latine et Caraïbes")."""
    return language.translations.gettext(label(dimension, value))


def dimension_name(language: Language, dimension: str) -> str:
    return language.translations.gettext(dimension_label(dimension))
