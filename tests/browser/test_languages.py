"""The interface in another language in a real browser (issue 9): the browser's language is
followed, the header's switch changes every later page, the account page stores a preference,
and the pages stay accessible in each language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, assert_accessible
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"


def test_switch_and_account_preference(server: Server, browser: Any) -> None:
    server.run(lambda: make_world(SURVEYS, forces=1))
    base = server.base_url
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="fr-FR")
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
