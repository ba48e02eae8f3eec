"""`Language`: one value per request that knows its code, its Babel locale, its translations and
how it writes dates, numbers and percentages.

Messages are formatted the way Jinja's i18n extension (new style) formats them, in Python and
in templates alike: the translation is always a %-format string, filled with the keyword
arguments (`language.gettext("Closes on %(date)s", date=…)`); a literal % is written %%.
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time, get_datetime_format
from babel.numbers import format_decimal, format_percent

from backend.i18n.catalogues import DEFAULT_LANGUAGE, LANGUAGES, translations

#: Times are shown in this zone, and say so.
DISPLAY_TIMEZONE = "UTC"

Number = int | float | Decimal
#: Babel's named lengths of dates and times.
Length = Literal["full", "long", "medium", "short"]


def N_(message: str) -> str:
    """Marks `message` for extraction without translating it: for text written where no
    language is known yet (a table of titles, an exception's detail), translated where it is
    shown with `language.gettext(message)`."""
    return message


@dataclass(frozen=True)
class Shown:
    """A questionnaire text as shown: the words, the language they are in, and whether that is
    the questionnaire's default language because the wanted one was missing."""

    text: str
    lang: str
    fell_back: bool

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, eq=False)
class Language:
    code: str
    locale: Locale
    translations: gettext_module.NullTranslations

    @property
    def name(self) -> str:
        """The language's name in itself ("Français")."""
        return language_name(self.code)

    # -- interface text ------------------------------------------------------------------
    def gettext(self, message: str, **variables: object) -> str:
        return self.translations.gettext(message) % variables

    def ngettext(self, singular: str, plural: str, n: int, **variables: object) -> str:
        variables.setdefault("num", n)
        return self.translations.ngettext(singular, plural, n) % variables

    def pgettext(self, context: str, message: str, **variables: object) -> str:
        return self.translations.pgettext(context, message) % variables

    # -- questionnaire text ----------------------------------------------------------------
    def text(self, label: Mapping[str, str] | None, default_language: str = DEFAULT_LANGUAGE) -> Shown:
        """A questionnaire text (language → words) in this language, else in the questionnaire's
        default language, else in any language it has."""
        return choose_text(label, self.code, default_language)

    # -- dates, numbers --------------------------------------------------------------------
    def date(self, value: dt.date, format: str = "long", tz: str | None = None) -> str:
        """A date as this language writes it ("28 janvier 2027"); a date and time is first
        moved to the display time zone."""
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(ZoneInfo(tz or DISPLAY_TIMEZONE))
        return format_date(value, format, locale=self.locale)

    def datetime(self, value: dt.datetime, tz: str | None = None, format: Length = "long") -> str:
        """A date and time with its time zone ("28 janvier 2027, 17:00 UTC"): deadlines say
        which zone they are in. A naive value is taken to be in UTC."""
        zone = ZoneInfo(tz or DISPLAY_TIMEZONE)
        local = _aware(value).astimezone(zone)
        return self._day_and_time(local, format_time(local, "short", locale=self.locale), zone, format)

    def span(self, start: dt.datetime, end: dt.datetime, tz: str | None = None, format: Length = "long") -> str:
        """From `start` to `end` (a meeting): on one day the date once and both times ("21
        décembre 2026, 14:00 – 16:00 heure normale d’Europe centrale"), else both in full."""
        zone = ZoneInfo(tz or DISPLAY_TIMEZONE)
        first, last = _aware(start).astimezone(zone), _aware(end).astimezone(zone)
        if first.date() != last.date():
            return f"{self.datetime(start, tz, format)} – {self.datetime(end, tz, format)}"
        times = f"{format_time(first, 'short', locale=self.locale)} – {format_time(last, 'short', locale=self.locale)}"
        return self._day_and_time(first, times, zone, format)

    def _day_and_time(self, local: dt.datetime, time: str, zone: ZoneInfo, format: Length) -> str:
        """The locale's date-and-time pattern around `time`, with the zone's name after it."""
        zone_name = "UTC" if local.utcoffset() == dt.timedelta(0) and zone.key in {"UTC", "Etc/UTC"} else None
        zone_name = zone_name or format_datetime(local, "zzzz", tzinfo=zone, locale=self.locale)
        pattern = get_datetime_format(format, locale=self.locale)
        day = format_date(local, format, locale=self.locale)
        return str(pattern).replace("'", "").replace("{0}", f"{time} {zone_name}").replace("{1}", day)

    def number(self, value: Number, decimals: int | None = None) -> str:
        """A number as this language writes it ("1 500", "3,5"); `decimals` fixes the digits
        after the separator."""
        if decimals is None:
            return format_decimal(value, locale=self.locale, decimal_quantization=False)
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, fraction: Number, decimals: int | None = None) -> str:
        """A fraction as a percentage ("12,5 %" for 0.125)."""
        if decimals is None:
            return format_percent(fraction, locale=self.locale, decimal_quantization=False)
        pattern = str(self.locale.percent_formats[None].pattern)
        if decimals > 0:
            pattern = pattern.replace("0", "0." + "0" * decimals, 1)
        return format_percent(fraction, format=pattern, locale=self.locale)


def choose_text(label: Mapping[str, str] | None, code: str, default_language: str) -> Shown:
    if not label:
        return Shown("", code, False)
    if label.get(code):
        return Shown(label[code], code, False)
    if label.get(default_language):
        return Shown(label[default_language], default_language, True)
    first, words = next(iter(label.items()))
    return Shown(words, first, True)


def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@cache
def language_for(code: str | None) -> Language:
    """The `Language` of `code`: any language Babel knows (a questionnaire may be in one the
    interface is not translated into: its interface text is then English); anything else is
    the default language."""
    locale = _locale(code) if code else None
    if code is None or locale is None:
        code, locale = DEFAULT_LANGUAGE, Locale.parse(DEFAULT_LANGUAGE)
    return Language(code, locale, translations(code))


@cache
def language_name(code: str, in_language: str | None = None) -> str:
    """A language's name, in itself unless `in_language` is given ("Français", "French"),
    from Babel; the code itself for one Babel does not know."""
    locale = _locale(code)
    if locale is None:
        return code
    name = locale.get_display_name(in_language or locale) or code
    return name[:1].upper() + name[1:]


#: The interface languages with their names in themselves, in switch order.
LANGUAGE_NAMES: Mapping[str, str] = {code: language_name(code) for code in LANGUAGES}


def _aware(value: dt.datetime) -> dt.datetime:
    """A naive date and time is taken to be in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
