"""Translation in templates: Jinja's i18n extension and the `Language` of the request.

Every template can use, for the language of the page it is rendered for:

- `_("Sign in")`, `gettext(…)`, `ngettext("%(num)d force", "%(num)d forces", n)`,
  `pgettext(context, …)` and `{% trans %}…{% endtrans %}` blocks (new-style gettext: values
  are keyword arguments, `_("Closes on %(date)s", date=…)`, and are escaped);
- the filters `date`, `datetime` (always with its time zone), `number`, `percent`:
  `{{ round.closes_at | datetime }}`, `{{ share | percent }}`;
- `language` (code, name, `text(label, default)` for questionnaire text, and the helpers
  above), `languages` (the interface languages, for switches) and `language_name(code)`.

The language is the page's `language` (put in by `render()`), else the request's as known
when the page is drawn, else (a macro imported without context) the page's as `render()` set it
in `PAGE_LANGUAGE`, else English."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from backend.i18n import LANGUAGES, Language, language_for, language_name
from backend.i18n.language import Length
from backend.web.language import PAGE_LANGUAGE, known_language


def page_language(context: Context | Mapping[str, Any]) -> Language:
    language = context.get("language")
    if isinstance(language, Language):
        return language
    request = context.get("request")
    if request is not None:
        return known_language(request)
    # A macro imported without context sees no `language`: the page's, from render().
    return PAGE_LANGUAGE.get() or language_for(None)


@pass_context
def _gettext(context: Context, message: str) -> str:
    return page_language(context).translations.gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return page_language(context).translations.ngettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, message_context: str, message: str) -> str:
    return page_language(context).translations.pgettext(message_context, message)


@pass_context
def _npgettext(context: Context, message_context: str, singular: str, plural: str, n: int) -> str:
    return page_language(context).translations.npgettext(message_context, singular, plural, n)


@pass_context
def _date(context: Context, value: Any, format: str = "long") -> str:
    return page_language(context).date(value, format) if value is not None else ""


@pass_context
def _datetime(context: Context, value: Any, tz: str | None = None, format: Length = "long") -> str:
    return page_language(context).datetime(value, tz, format) if value is not None else ""


@pass_context
def _span(context: Context, start: Any, end: Any, tz: str | None = None, format: Length = "long") -> str:
    return page_language(context).span(start, end, tz, format)


@pass_context
def _number(context: Context, value: Any, decimals: int | None = None) -> str:
    return page_language(context).number(value, decimals) if value is not None else ""


@pass_context
def _percent(context: Context, value: Any, decimals: int | None = None) -> str:
    return page_language(context).percent(value, decimals) if value is not None else ""


def translating(function: Callable[..., str]) -> Callable[..., str]:
    """A template function from one that returns an English message (`N_`-marked where it is
    written): its result shown in the page's language (`group_label("region", "africa")`)."""

    @pass_context
    def translated(context: Context, *args: Any) -> str:
        return page_language(context).translations.gettext(function(*args))

    return translated


def install_i18n(environment: Environment) -> None:
    """Jinja's i18n extension with gettext functions that follow each page's language."""
    environment.add_extension("jinja2.ext.i18n")
    # `{% trans %}` blocks lose the line breaks and indentation around their words (babel.cfg
    # extracts them the same way).
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
    )
    environment.filters.update(date=_date, datetime=_datetime, span=_span, number=_number, percent=_percent)
    environment.globals.update(languages=LANGUAGES, language_name=language_name)
