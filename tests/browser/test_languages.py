"""The interface in another language in a real browser (issue 9).

First the mechanics: the browser's language is followed, the header's switch changes every
later page, the account page stores a preference. Then the acceptance test: in French and in
Spanish, a respondent walks their personal link from the start page through every section to
the receipt and its printable copy, a partner whose stored language it is reads the dashboard,
and staff read the round page; on every page there is **no English interface text** (checked
against the English of every message the code and templates use, `tools.extract()`) and **no
axe-core violation**. Words in another language are allowed only where the page marks them
with `lang` (the language switch names each language in itself).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from backend.i18n import language_for, tools
from backend.partners.services import create_force, create_person, set_language
from backend.publication.services import close_round, publish
from backend.responses.tables import Response
from backend.rounds.services import NewRound, invitation_url, open_round, round_invitations
from backend.security.roles import Role, Viewer
from backend.surveys.services import load_version
from tests.browser.conftest import SECRET, Server, assert_accessible
from tests.browser.filler import answer_visible_questions
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, World, load_survey, submit_random

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
FORCES = 8
#: The browser's own language for each interface language tried.
BROWSER_LOCALE = {"fr": "fr-FR", "es": "es-ES"}
#: Which force's respondent walks the journey in each language.
RESPONDING_FORCE = {"fr": 0, "es": 1}


@dataclass
class Place:
    """Data whose names are no English words, so that only interface text can be English."""

    staff_id: int
    partner_ids: list[int]
    partner_emails: list[str]
    world: World
    open_round: int
    #: the open round's personal link of each force's contact, by the force's index
    links: dict[int, str]


async def build_place(base_url: str) -> Place:
    staff_id = await create_person(STAFF_EMAIL, "Kim Lee", "admin", password=STAFF_PASSWORD)
    staff = Viewer(staff_id, "Kim Lee", STAFF_EMAIL, Role.ADMIN, None, False, "en")
    regions = ["europe", "europe", "europe", "latin_america", "latin_america", "africa", "europe", "asia_pacific"]
    force_ids, partner_ids, emails = [], [], []
    for i in range(FORCES):
        force_id = await create_force(f"Alfa {i}", f"alfa-{i}", "Zeta", regions[i], "national", "5000_19999")
        email = f"dana{i}@alfa{i}.example.org"
        partner_ids.append(
            await create_person(
                email, f"Dana Lo {i}", "partner", force_id=force_id, can_respond=True, password=PARTNER_PASSWORD
            )
        )
        force_ids.append(force_id)
        emails.append(email)
    version_id = await load_survey(SURVEYS / "drug-market-practice.yaml")
    world = World(staff, force_ids, emails, version_id)
    closes = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)
    opened, _ = await open_round(NewRound("PX 2027", version_id, force_ids, 3, closes), SECRET, staff)
    # Two forces have answered the open round already: the staff page has counts to show.
    await submit_answers(opened, world, force_ids[4:6], seed=4)
    links = {
        force_ids.index(i.force_id): invitation_url(base_url, SECRET, i.nonce) for i in await round_invitations(opened)
    }
    return Place(staff_id, partner_ids, emails, world, opened, links)


async def submit_answers(round_id: int, world: World, force_ids: list[int], seed: int) -> None:
    """`submit_random`, with the made-up free text in no language at all: what respondents
    write is theirs, shown as written, and no part of the interface."""
    answers = await submit_random(round_id, world, force_ids, seed=seed)
    survey = await load_version(world.version_id)
    free_text = {q.id for q in survey.questions() if q.type in {"short_text", "long_text"}}
    for force_id, given in answers.items():
        neutral = {
            key: "Lorem ipsum dolor sit amet." if key in free_text or key.endswith(".other") else value
            for key, value in given.items()
        }
        await Response.update({Response.answers: json.dumps(neutral)}).where(
            (Response.round == round_id) & (Response.force == force_id)
        )


async def published_round(world: World) -> int:
    """A round every force answered, closed and published."""
    round_id, _ = await open_round(NewRound("PX 2026", world.version_id, world.force_ids, 3, None), SECRET, world.staff)
    await submit_answers(round_id, world, world.force_ids, seed=3)
    await close_round(round_id, world.staff)
    await publish(round_id, world.staff)
    return round_id


@pytest.fixture(scope="module")
def place(server: Server) -> Place:
    return server.run(lambda: build_place(server.base_url))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def published(server: Server, place: Place) -> int:
    return server.run(lambda: published_round(place.world))  # type: ignore[no-any-return]


def new_context(browser: Any, locale: str) -> Any:
    return browser.new_context(viewport={"width": 1200, "height": 900}, locale=locale)


def sign_in(page: Any, base: str, email: str, password: str) -> None:
    """Sign in whatever the page's language (the fields by their names)."""
    page.goto(f"{base}/sign-in")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form[action='/sign-in'] button[type=submit]").click()
    page.wait_for_load_state()


def test_switch_and_account_preference(server: Server, browser: Any, place: Place) -> None:
    base = server.base_url
    context = new_context(browser, "fr-FR")
    page = context.new_page()
    try:
        # The browser asks for French.
        page.goto(f"{base}/")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("link", name="Aller au contenu principal").count() == 1
        assert_accessible(page, "home page in French")

        # The header's switch: Spanish from now on, on the same page.
        page.goto(f"{base}/sign-in")
        page.get_by_role("button", name="Español").click()
        assert page.url == f"{base}/sign-in"
        assert page.locator("html").get_attribute("lang") == "es"
        assert_accessible(page, "sign-in page in Spanish")
        page.get_by_label("Dirección de correo electrónico").fill(STAFF_EMAIL)
        page.get_by_label("Contraseña").fill(STAFF_PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Iniciar sesión").click()

        # Signed in: the choice made before is kept; the account page stores a preference.
        page.goto(f"{base}/account")
        assert page.get_by_role("heading", name="Su cuenta").count() == 1
        assert_accessible(page, "account page in Spanish")
        page.get_by_label("Idioma").select_option("fr")
        page.get_by_role("button", name="Guardar el idioma").click()
        assert page.locator("html").get_attribute("lang") == "fr"
        assert "Votre langue a été enregistrée" in page.get_by_role("status").inner_text()
        assert page.locator(".site-languages [aria-current]").inner_text() == "Français"
    finally:
        context.close()


# ---- the acceptance test: no English, no axe violations ---------------------------------------

#: Pieces of a message that are not words: placeholders, markup, quotation marks.
_NOT_WORDS = re.compile(r"%\(\w+\)[sdif]|%%|<[^>]*>|[“”«»]")
#: A piece shorter than this (in letters) says too little to be told apart from other text.
MIN_LETTERS = 4


@cache
def english_pieces(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Every piece of English interface text that must not be on a page in `lang`: from each
    message the code and templates use, its words between placeholders and markup, where they
    are not the same in the translation ("Total", "Sections")."""
    translations = language_for(lang).translations
    pieces: set[str] = set()
    for message in tools.extract():
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            singular, plural = message.id[0], message.id[1]
            if message.context:
                translated = [translations.npgettext(message.context, singular, plural, n) for n in (1, 2, 5)]
            else:
                translated = [translations.ngettext(singular, plural, n) for n in (1, 2, 5)]
            english = [singular, plural]
        else:
            if message.context:
                translated = [translations.pgettext(message.context, message.id)]
            else:
                translated = [translations.gettext(message.id)]
            english = [message.id]
        for text in english:
            for piece in _NOT_WORDS.split(text):
                piece = piece.strip(" \n.,:;!?()\"'·-–—")
                if len(re.findall(r"[A-Za-z]", piece)) < MIN_LETTERS:
                    continue
                if any(piece in t for t in translated):
                    continue
                pieces.add(piece)
    return tuple((re.compile(rf"(?<!\w){re.escape(p)}(?!\w)"), p) for p in sorted(pieces))


#: What a person reads on the page: its title, the text shown (less what the page marks as in
#: another language), what assistive technologies read out (aria-label, title, alt,
#: placeholder), every choice of a drop-down, and the words drawn in charts.
_VISIBLE_TEXT = """
(lang) => {
  const parts = [document.title];
  let text = document.body.innerText;
  for (const el of document.body.querySelectorAll("[lang]")) {
    const code = el.getAttribute("lang");
    if (code !== lang && !code.startsWith(lang + "-")) {
      text = text.replace(el.innerText, " ");
    }
  }
  parts.push(text);
  const inOtherLanguage = (el) => {
    const marked = el.closest("[lang]");
    const code = marked ? marked.getAttribute("lang") : lang;
    return code !== lang && !code.startsWith(lang + "-");
  };
  for (const el of document.querySelectorAll("[aria-label], [title], [alt], [placeholder]")) {
    if (inOtherLanguage(el)) continue;
    for (const name of ["aria-label", "title", "alt", "placeholder"]) {
      if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
    }
  }
  for (const el of document.querySelectorAll("option, svg text")) {
    if (!inOtherLanguage(el)) parts.push(el.textContent);
  }
  return parts.join("\\n");
}
"""


class Reader:
    """Reads pages in `lang` and notes every English piece and every axe violation found."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.pieces = english_pieces(lang)
        self.problems: list[str] = []
        self.pages = 0

    def read(self, page: Any, what: str) -> None:
        page.wait_for_load_state()
        self.pages += 1
        html_lang = page.locator("html").get_attribute("lang")
        if html_lang != self.lang:
            self.problems.append(f"{what} ({page.url}): <html lang={html_lang!r}>")
        text = page.evaluate(_VISIBLE_TEXT, self.lang)
        english = {}
        for pattern, piece in self.pieces:
            found = pattern.search(text)
            if found:  # with a little of what surrounds it, to find it on the page
                english[piece] = " ".join(text[max(0, found.start() - 25) : found.end() + 25].split())
        if english:
            self.problems.append(
                f"{what} ({page.url}): English: " + " | ".join(f"{p!r} in “…{c}…”" for p, c in sorted(english.items()))
            )
        try:
            assert_accessible(page, what)
        except AssertionError as exc:
            self.problems.append(f"{what} ({page.url}): axe: {exc}")

    def verdict(self) -> None:
        assert self.pages > 0
        assert not self.problems, f"{len(self.problems)} page(s) in {self.lang!r} with problems:\n" + "\n".join(
            self.problems
        )


@pytest.fixture
def lang_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = new_context(browser, BROWSER_LOCALE[request.param])
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    yield page
    context.close()


LANGS = pytest.mark.parametrize(("lang", "lang_page"), [("fr", "fr"), ("es", "es")], indirect=["lang_page"])


def test_english_pieces_are_what_a_page_must_not_show() -> None:
    french = dict((p, pattern) for pattern, p in english_pieces("fr"))
    assert "Save and continue" in french and "Check your answers" in french
    assert "Answering for" in french  # the words around a placeholder
    assert "Total" not in french  # the same in French
    assert not french["Save and continue"].search("Save and continued")  # whole words only
    assert english_pieces("fr") is english_pieces("fr")


def save_and_continue(page: Any) -> None:
    """The page's main button, whatever its words; the page waits for its own autosave first."""
    with page.expect_navigation():
        page.locator("button[name=action][value=continue]").click()


@LANGS
def test_the_respondent_journey_has_no_english(server: Server, place: Place, lang: str, lang_page: Any) -> None:
    page, base, reader = lang_page, server.base_url, Reader(lang)
    force = RESPONDING_FORCE[lang]
    server.run(lambda: set_language(place.partner_ids[force], lang))  # the respondent's own language
    page.goto(place.links[force])
    reader.read(page, "start page")
    page.locator("form[action^='/r/'] button[type=submit]").click()
    assert page.url.endswith("/respond")
    reader.read(page, "task list")
    page.get_by_test_id("continue").click()
    # Every section: first as it comes, once with the errors of "Save and continue" on nothing.
    sections = 0
    while "/respond/section/" in page.url:
        sections += 1
        assert sections < 20
        reader.read(page, f"section {sections}")
        if sections == 1:
            save_and_continue(page)
            assert page.locator(".error-summary").count() == 1
            reader.read(page, "section 1 with errors")
        # Free text in no language at all: what respondents write is shown as written.
        answer_visible_questions(page, short="Lorem ipsum", long="Lorem ipsum,\ndolor sit amet.")
        save_and_continue(page)
        assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    assert page.url.endswith("/respond/check") and sections >= 8
    reader.read(page, "check your answers")
    with page.expect_navigation():
        page.locator("form[action='/respond/submit'] button[type=submit]").click()
    assert page.url.endswith("/respond/done")
    reader.read(page, "receipt")
    page.goto(f"{base}/respond/print")
    reader.read(page, "printable copy")
    # The pages of a link that cannot be used, and of an address that does not exist.
    page.goto(f"{base}/r/{'x' * 43}")
    reader.read(page, "refused link")
    page.goto(f"{base}/no-such-page")
    reader.read(page, "page not found")
    assert not page.js_errors
    reader.verdict()


@LANGS
def test_the_partner_dashboard_has_no_english(
    server: Server, place: Place, published: int, lang: str, lang_page: Any
) -> None:
    page, base, reader = lang_page, server.base_url, Reader(lang)
    server.run(lambda: set_language(place.partner_ids[2], lang))
    page.goto(f"{base}/sign-in")
    reader.read(page, "sign-in page")
    sign_in(page, base, place.partner_emails[2], PARTNER_PASSWORD)
    reader.read(page, "partner home")
    page.goto(f"{base}/dashboard/rounds/{published}")
    charts = page.locator("article.result .chart")
    assert charts.count() > 0
    charts.first.locator(".main-svg").first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('article.result .chart')].every(c => c.dataset.drawn === 'true')"
    )
    reader.read(page, "partner dashboard")
    page.goto(f"{base}/account")
    reader.read(page, "account page")
    assert not page.js_errors
    reader.verdict()


@LANGS
def test_the_staff_round_page_has_no_english(
    server: Server, place: Place, published: int, lang: str, lang_page: Any
) -> None:
    page, base, reader = lang_page, server.base_url, Reader(lang)
    server.run(lambda: set_language(place.staff_id, lang))
    sign_in(page, base, STAFF_EMAIL, STAFF_PASSWORD)
    reader.read(page, "staff home")
    page.goto(f"{base}/staff/rounds/{place.open_round}")
    reader.read(page, "staff round page (open)")
    page.goto(f"{base}/staff/rounds/{published}")
    reader.read(page, "staff round page (published)")
    reader.verdict()
