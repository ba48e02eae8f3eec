"""The staff forms for forces and people, and the account page's password and language forms."""

from __future__ import annotations

from typing import ClassVar

from backend.web.forms import Form


class NewForce(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"name", "code", "country", "region", "force_type", "size_band"})

    name: str = ""
    #: short, lower-case letters, digits and hyphens, unique
    code: str = ""
    country: str = ""
    region: str = ""
    force_type: str = ""
    size_band: str = ""


class NewPerson(Form):
    stripped: ClassVar[frozenset[str]] = frozenset(
        {"person_name", "email", "role", "force", "can_respond", "partner_role", "language"}
    )

    person_name: str = ""
    email: str = ""
    #: admin | analyst | partner
    role: str = ""
    #: the force's id, for a partner contact
    force: str = ""
    #: "yes": answers questionnaires for the force (when no `partner_role` is given)
    can_respond: str = ""
    #: lead_respondent | colleague | viewer, for a partner contact
    partner_role: str = ""
    #: en | fr | es, or "" (their browser's)
    language: str = ""


class ChangePassword(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"current"})

    current: str = ""
    new: str = ""
    repeat: str = ""


class LanguagePreference(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"language"})

    #: one of the interface languages (`backend.i18n.LANGUAGES`), or "" for the browser's
    language: str = ""


class NewApiToken(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"token_name", "scope", "days"})

    #: what will use it
    token_name: str = ""
    #: read | write
    scope: str = ""
    #: days until it expires, or "" for never
    days: str = ""
