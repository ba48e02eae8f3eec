"""The respondent pages' fixed forms (a questionnaire page's own fields: `web.forms.read_form`)."""

from __future__ import annotations

from backend.web.forms import Form


class LanguageChoice(Form):
    language: str = ""
    #: the respondent page to go back to
    back: str = "/respond"


class SubmitForm(Form):
    #: the revision the "check your answers" page was rendered with
    revision: str = ""


class ColleagueForm(Form):
    """A lead respondent's colleague to invite (`colleagues.invite_colleague`)."""

    name: str = ""
    email: str = ""
    #: en, fr or es; empty: the lead respondent's language
    language: str = ""
