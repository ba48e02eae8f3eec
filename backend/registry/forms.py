"""The registry's fixed HTML forms."""

from __future__ import annotations

from typing import ClassVar

from backend.web.forms import Form


class ForceEdit(Form):
    stripped: ClassVar[frozenset[str]] = frozenset(
        {"name", "code", "country", "region", "force_type", "size_band", "officers", "population_served"}
    )

    name: str = ""
    code: str = ""
    country: str = ""
    #: peer groups: a change goes through a profile change decided by the editor
    region: str = ""
    force_type: str = ""
    size_band: str = ""
    #: whole numbers, or "" for not known
    officers: str = ""
    population_served: str = ""


class PersonEdit(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"person_name", "email", "partner_role", "language", "force"})

    person_name: str = ""
    email: str = ""
    #: partner contacts: lead_respondent | colleague | viewer
    partner_role: str = ""
    #: en | fr | es, or "" (their browser's)
    language: str = ""
    #: partner contacts: the force's id
    force: str = ""


class MergeInto(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"into"})

    #: the id of the force or person that stays
    into: str = ""
