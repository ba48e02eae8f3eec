"""The language switch in every page's header: `POST /language` (a form with the CSRF token,
one button per language), remembered in the session for every later page."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from litestar import Request, post
from litestar.exceptions import ValidationException
from litestar.response import Redirect

from backend.i18n import LANGUAGES, Language, language_for
from backend.web.forms import FORM, Form
from backend.web.language import CHOSEN_LANGUAGE_KEY
from backend.web.params import Injected
from backend.web.render import redirect, safe_next


class LanguageChoice(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"language", "next"})

    #: one of `LANGUAGES`
    language: str = ""
    #: the page to go back to (a path on this site)
    next: str = ""


@post("/language", tags=["pages: language"], include_in_schema=False)
async def choose_language(
    request: Request[Any, Any, Any], data: Annotated[LanguageChoice, FORM], language: Injected[Language]
) -> Redirect:
    """Remember the language chosen, then show the same page again."""
    if data.language not in LANGUAGES:
        names = ", ".join(language_for(code).name for code in LANGUAGES)
        raise ValidationException(language.gettext("Choose one of these languages: %(names)s.", names=names))
    session = request.scope.get("session")
    kept = session if isinstance(session, dict) else {}
    request.set_session({**kept, CHOSEN_LANGUAGE_KEY: data.language})
    return redirect(safe_next(data.next, "/"))
