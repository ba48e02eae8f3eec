"""The interface's translations (issue 9): the catalogues cover every message the code and
templates use, extraction reads every template, several .po files per language merge into one
catalogue, and dates, numbers and percentages are written as each language writes them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from backend.i18n import LANGUAGE_NAMES, LANGUAGES, catalogues, language_for, negotiate, pick, t, tools
from backend.i18n.language import Shown

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "frontend" / "templates"

#: Templates whose every word is a message (the shared pages). Others join this list once their
#: words are wrapped: the test then keeps them so.
CONVERTED = [
    "base.html",
    "_language_switch.html",
    "_macros.html",
    "error.html",
    "home.html",
    "account.html",
    "account_tokens.html",
    "auth/sign_in.html",
    "auth/link.html",
    *sorted(f"dashboard/{p.name}" for p in (TEMPLATES / "dashboard").glob("*.html")),
    "staff/_report.html",
    "staff/_words.html",
    "staff/audit.html",
    "staff/_round_export.html",
    "staff/forces.html",
    "staff/force.html",
    "staff/person.html",
    "staff/registry_import.html",
    "staff/_registry_words.html",
    "staff/home.html",
    "staff/preview.html",
    "staff/profile_changes.html",
    "staff/publication_report.html",
    "staff/questionnaire.html",
    "staff/questionnaires.html",
    "staff/round.html",
    "staff/round_new.html",
    "staff/_round_lifecycle.html",
    "staff/monitor.html",
    "staff/response_history.html",
    "staff/analysis.html",
    "staff/coding.html",
    "mail/pages/reminders_off.html",
    "mail/pages/digest_off.html",
    *sorted(f"exchange/{p.name}" for p in (TEMPLATES / "exchange").glob("*.html")),
    "library/index.html",
    "library/report.html",
    "library/edit.html",
    *sorted(f"respond/{p.name}" for p in (TEMPLATES / "respond").glob("*.html")),
    *sorted(f"respond/questions/{p.name}" for p in (TEMPLATES / "respond" / "questions").glob("*.html")),
    # issue 12: the practice bank, meetings, the public pages and sign-ups, briefing packs
    *sorted(
        f"{folder}/{p.name}"
        for folder in ("practice", "meetings", "public", "briefing")
        for p in (TEMPLATES / folder).glob("*.html")
    ),
    "staff/signups.html",
]


def test_every_message_used_is_translated_in_every_language() -> None:
    problems = tools.check()
    assert not problems, "\n".join(map(str, problems))


def test_extraction_reads_every_template_and_finds_its_messages() -> None:
    read = set(tools.extracted_files())
    templates = {str(p.relative_to(ROOT)) for p in TEMPLATES.rglob("*.html")}
    assert templates <= read, sorted(templates - read)
    assert "backend/web/errors.py" in read and "backend/i18n/respondent.py" in read
    extracted = tools.extract()
    by_file: dict[str, set[object]] = {}
    for message in extracted:
        for path, _ in message.locations:
            by_file.setdefault(str(path), set()).add(message.id)
    # Every literal `_("…")` / `gettext('…')` written in a template is among what Babel found there.
    call = re.compile(r"""\b(?:_|gettext)\(\s*(["'])((?:(?!\1).)+)\1\s*[,)]""")
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(ROOT))
        written = {m.group(2) for m in call.finditer(path.read_text())}
        assert written <= by_file.get(name, set()), (name, written - by_file.get(name, set()))
    assert len(by_file["frontend/templates/base.html"]) >= 10


#: What a macro writes inside an HTML tag (`{% if … %}checked{% endif %}`): not words.
_ATTRIBUTE_WORDS = {"checked", "selected", "disabled", "required", "hidden", "multiple", "readonly"}


def _bare_text(source: str) -> list[str]:
    """Words in a template outside any Jinja tag, expression, comment or `{% trans %}` block,
    and outside HTML tags; and the values of attributes people read (aria-label, title, alt,
    placeholder)."""
    without_trans = re.sub(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", " ", source, flags=re.S)
    without_jinja = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", without_trans, flags=re.S)
    # A style sheet in the page (the briefing pack's, for print) holds no words people read.
    without_jinja = re.sub(r"<style\b.*?</style>", " ", without_jinja, flags=re.S | re.I)
    attributes = re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', without_jinja)
    text = re.sub(r"<[^>]*>", " ", without_jinja)
    words = [w for w in re.split(r"\s+", text) if re.search(r"[A-Za-z]{2,}", w)]
    # The product's name is the same in every language; `name="` is part of a tag a macro writes.
    words = [w for w in words if w not in {"Practice", "Exchange"} | _ATTRIBUTE_WORDS and not w.endswith('="')]
    return words + [a for a in attributes if re.search(r"[A-Za-z]{2,}", a)]


@pytest.mark.parametrize("template", CONVERTED)
def test_converted_templates_have_no_untranslated_words(template: str) -> None:
    assert _bare_text((TEMPLATES / template).read_text()) == []


def test_the_bare_text_finder_finds_words() -> None:
    assert _bare_text('<p>Hello {{ _("x") }}</p><nav aria-label="Main">') == ["Hello", "Main"]
    assert _bare_text("{% trans n=1 %}Hello {{ n }}{% endtrans %} <b>Bye</b>") == ["Bye"]
    assert _bare_text('{% if x %}checked{% endif %} {%- if y %} aria-describedby="{{ y }}"{% endif %}') == []


def test_several_files_per_language_merge_into_one_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    for area, pairs in {
        "common": {"Sign in": "Se connecter", "Shared": "Commun"},
        "staff": {"Rounds": "Campagnes", "Shared": "Autre"},
        "extra": {"Other area": "Autre domaine"},
    }.items():
        catalogue = catalogues.new_catalogue("fr", area)
        for english, french in pairs.items():
            catalogue.add(english, french)
        catalogue.add("Not yet", "Pas encore", flags=["fuzzy"])
        tools.write_catalogue(catalogues.po_path("fr", area), catalogue)
    assert [p.stem for p in catalogues.po_files("fr")] == ["common", "staff", "extra"]
    merged = catalogues.merged_catalogue("fr")
    assert merged.get("Rounds").string == "Campagnes"
    assert merged.get("Other area").string == "Autre domaine"
    assert merged.get("Shared").string == "Commun"  # the first area in AREAS wins
    assert merged.plural_forms == "nplurals=2; plural=(n > 1);"
    compiled = catalogues.translations.__wrapped__("fr")
    assert compiled.gettext("Sign in") == "Se connecter"
    assert compiled.gettext("Not yet") == "Not yet"  # fuzzy translations are never shown


def test_a_new_message_goes_to_the_file_of_the_area_that_uses_it() -> None:
    def placed(*paths: str) -> str:
        catalogue = Catalog()
        return tools.area_of(catalogue.add("x", locations=[(p, 1) for p in paths]))

    assert placed("frontend/templates/respond/section.html") == "respondent"
    assert placed("backend/i18n/respondent.py", "backend/responses/deps.py") == "respondent"
    assert placed("frontend/templates/staff/round.html", "backend/partners/staff.py") == "staff"
    assert placed("frontend/templates/dashboard/round.html") == "partner"
    assert placed("frontend/templates/base.html") == "common"
    # Used by two areas: shared.
    assert placed("frontend/templates/staff/round.html", "frontend/templates/dashboard/round.html") == "common"


def test_the_respondent_keys_go_through_the_catalogues() -> None:
    assert t("yes", "fr") == "Oui" and t("yes", "es") == "Sí" and t("yes", "en") == "Yes"
    assert t("must_total", "fr", total=100) == "Les parts doivent totaliser 100."
    assert t("progress", "es", n=2, total=5) == "Página 2 de 5"
    assert t("exclusive", "en", option="None") == '"None" cannot be combined with other answers.'
    # A questionnaire language the interface is not translated into: English words.
    assert t("submit", "de") == "Submit answers"


def test_language_names_come_from_babel() -> None:
    assert dict(LANGUAGE_NAMES) == {"en": "English", "fr": "Français", "es": "Español"}
    assert language_for("fr").name == "Français"
    assert list(LANGUAGE_NAMES) == list(LANGUAGES)


DEADLINE = dt.datetime(2027, 1, 28, 17, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("code", "date", "deadline", "number", "decimal", "percent"),
    [
        ("en", "January 28, 2027", "January 28, 2027, 5:00\u202fPM UTC", "1,500", "3.5", "12.5%"),
        ("fr", "28 janvier 2027", "28 janvier 2027, 17:00 UTC", "1\u202f500", "3,5", "12,5\u00a0%"),
        ("es", "28 de enero de 2027", "28 de enero de 2027, 17:00 UTC", "1.500", "3,5", "12,5\u00a0%"),
    ],
)
def test_dates_numbers_and_percentages_as_each_language_writes_them(
    code: str, date: str, deadline: str, number: str, decimal: str, percent: str
) -> None:
    language = language_for(code)
    assert language.date(dt.date(2027, 1, 28)) == date
    assert language.date(DEADLINE) == date
    assert language.datetime(DEADLINE) == deadline
    assert language.number(1500) == number
    assert language.number(3.5) == decimal
    assert language.percent(0.125) == percent


def test_a_deadline_says_its_time_zone() -> None:
    french = language_for("fr")
    assert french.datetime(DEADLINE, "Europe/Paris") == "28 janvier 2027, 18:00 heure normale d’Europe centrale"
    assert language_for("en").datetime(DEADLINE.replace(tzinfo=None)).endswith("UTC")  # naive: UTC
    # A date and time late in the day in UTC is the next day further east.
    late = dt.datetime(2027, 1, 28, 23, 30, tzinfo=dt.UTC)
    assert french.date(late, tz="Asia/Tokyo") == "29 janvier 2027"


def test_a_span_gives_its_date_once_on_one_day() -> None:
    start = dt.datetime(2026, 12, 21, 13, 0, tzinfo=dt.UTC)
    assert (
        language_for("fr").span(start, start + dt.timedelta(hours=2), "Europe/Paris")
        == "21 décembre 2026, 14:00 – 16:00 heure normale d’Europe centrale"
    )
    assert (
        language_for("en").span(start, start + dt.timedelta(hours=2), "Europe/Paris")
        == "December 21, 2026, 2:00\u202fPM – 4:00\u202fPM Central European Standard Time"
    )
    # over midnight in the meeting's zone: both ends in full
    overnight = language_for("es").span(start, start + dt.timedelta(hours=20), "Europe/Paris")
    assert overnight.startswith("21 de diciembre de 2026, 14:00 hora")
    assert "– 22 de diciembre de 2026, 10:00" in overnight


def test_fixed_decimals() -> None:
    assert language_for("fr").number(2.5, decimals=2) == "2,50"
    assert language_for("es").percent(0.5, decimals=1) == "50,0\u00a0%"
    assert language_for("en").percent(0.125, decimals=0) == "12%"


def test_questionnaire_text_falls_back_to_the_default_language_and_says_so() -> None:
    label = {"en": "Priorities", "fr": "Priorités"}
    assert language_for("fr").text(label, "en") == Shown("Priorités", "fr", False)
    assert language_for("es").text(label, "en") == Shown("Priorities", "en", True)
    assert language_for("es").text({"fr": "Seulement"}, "en") == Shown("Seulement", "fr", True)
    assert str(language_for("es").text(label, "fr")) == "Priorités"
    assert pick(label, "es", "fr") == "Priorités" and pick({}, "fr") == ""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("fr", "fr"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE, es;q=0.5, fr;q=0.4", "es"),  # q-values honoured; an unknown language skipped
        ("en;q=0.2, ES;q=0.9", "es"),  # any case
        ("fr;q=0, es;q=0.1", "es"),  # q=0: not acceptable
        ("de, it", "en"),  # nothing we have: the default
        ("fr;q=abc, es", "es"),  # a garbled q-value counts as 0
        ("*", "en"),
    ],
)
def test_accept_language_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header, LANGUAGES, "en") == expected


def test_messages_format_like_jinja_newstyle_gettext() -> None:
    french = language_for("fr")
    assert french.gettext("Your language has been saved: %(language)s.", language="Français") == (
        "Votre langue a été enregistrée\u00a0: Français."
    )
    assert french.gettext("Sign in") == "Se connecter"
    assert language_for("en").ngettext("%(num)d force", "%(num)d forces", 2) == "2 forces"


def test_templates_translate_with_the_page_language() -> None:
    from jinja2 import Environment

    from backend.web.templating import install_i18n

    environment = Environment(autoescape=True)
    install_i18n(environment)
    template = environment.from_string(
        "{{ _('Sign in') }} | {% trans %}\n  Sign out\n{% endtrans %} | {{ _('Your language has been saved: "
        "%(language)s.', language='<b>') }} | {{ when | datetime }} | {{ 0.125 | percent }} | {{ 1500 | number }}"
        " | {{ ngettext('%(num)d force', '%(num)d forces', 3) }}"
    )
    when = dt.datetime(2027, 1, 28, 17, tzinfo=dt.UTC)
    french = template.render(language=language_for("fr"), when=when)
    assert french == (
        "Se connecter | Se déconnecter | Votre langue a été enregistrée\u00a0: &lt;b&gt;. | "
        "28 janvier 2027, 17:00 UTC | 12,5\u00a0% | 1\u202f500 | 3 forces"
    )
    assert template.render(when=when).startswith("Sign in | Sign out |")  # no language: English
