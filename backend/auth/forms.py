"""The sign-in form."""

from __future__ import annotations

from typing import ClassVar

from backend.web.forms import Form


class SignInForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"email"})

    email: str = ""
    password: str = ""
    #: where to go after signing in (only a path on this site is followed)
    next: str = ""
