"""The language of a page (issue 9): an explicit choice, then the signed-in person's stored
preference, then Accept-Language, then English; set on the account page; the same one value
for the words, `<html lang>` and error pages."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from backend.partners.tables import Person
from backend.rounds.services import invitation_url, round_invitations
from backend.settings import Settings
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import csrf_token, post_form, sign_in

FRENCH = {"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"}
SPANISH = {"accept-language": "es-ES,es;q=0.9"}


def html_lang(page: httpx.Response) -> str:
    match = re.search(r'<html lang="([^"]+)">', page.text)
    assert match, page.text[:200]
    return match.group(1)


async def switch(client: httpx.AsyncClient, page: str, language: str, **headers: str) -> httpx.Response:
    """Press a language's button in the header of `page`."""
    shown = await client.get(page, headers=headers)
    back = re.search(r'<form method="post" action="/language".*?name="next" value="([^"]*)"', shown.text, re.S)
    assert back, "no language switch on " + page
    return await client.post(
        "/language", data={"_csrf_token": csrf_token(shown.text), "language": language, "next": back.group(1)}
    )


async def test_anonymous_pages_follow_accept_language(client: httpx.AsyncClient) -> None:
    english = await client.get("/")
    assert html_lang(english) == "en" and "Skip to main content" in english.text
    french = await client.get("/", headers=FRENCH)
    assert html_lang(french) == "fr"
    assert "Aller au contenu principal" in french.text and "Se connecter" in french.text
    spanish = await client.get("/sign-in", headers=SPANISH)
    assert html_lang(spanish) == "es" and "Dirección de correo electrónico" in spanish.text
    assert html_lang(await client.get("/", headers={"accept-language": "de, it;q=0.5"})) == "en"


async def test_an_explicit_choice_beats_accept_language_and_lasts(client: httpx.AsyncClient) -> None:
    chosen = await switch(client, "/sign-in?next=/staff", "es", **FRENCH)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/sign-in?next=/staff"
    page = await client.get("/", headers=FRENCH)
    assert html_lang(page) == "es" and "Iniciar sesión" in page.text
    # The switch names each language in itself, and marks the current one.
    assert '<span class="current" lang="es" aria-current="true">Español</span>' in page.text
    assert 'value="fr" lang="fr">Français</button>' in page.text


async def test_the_stored_preference_beats_accept_language_and_a_choice_beats_both(
    client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    await make_world(surveys_dir, forces=1)
    await Person.update({Person.language: "fr"}).where(Person.email == STAFF_EMAIL)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    page = await client.get("/account", headers=SPANISH)
    assert html_lang(page) == "fr" and "Votre compte" in page.text
    await switch(client, "/account", "es")
    assert html_lang(await client.get("/account")) == "es"
    # Signing out keeps the choice made in this browser.
    await post_form(client, "/account", "/sign-out", {})
    assert html_lang(await client.get("/")) == "es"


async def test_a_choice_made_before_signing_in_is_kept_after(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    await switch(client, "/sign-in", "fr")
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    assert html_lang(await client.get("/account")) == "fr"


async def test_the_account_page_stores_the_language(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    await switch(client, "/account", "fr")  # a choice in this session, replaced by the preference
    saved = await post_form(client, "/account", "/account/language", {"language": "es"})
    assert saved.status_code == 303 and saved.headers["location"] == "/account"
    assert (await Person.select(Person.language).where(Person.email == STAFF_EMAIL).first())["language"] == "es"
    page = await client.get("/account", headers=FRENCH)
    assert html_lang(page) == "es"
    assert "Se ha guardado su idioma: Español." in page.text
    assert '<option value="es" lang="es" selected>Español</option>' in page.text


async def test_the_account_page_refuses_a_language_it_does_not_offer(
    client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    for value in ("de", "fr-FR", "<script>"):
        refused = await post_form(client, "/account", "/account/language", {"language": value})
        assert refused.status_code == 400, value
        # The error summary links to the field, and the message names the choices.
        assert '<a href="#language">Choose the language of your pages: English, Français, Español.</a>' in refused.text
        assert 'id="language-error"' in refused.text and 'aria-invalid="true"' in refused.text
        # The switch on a page drawn by the POST comes back to the account page.
        assert 'name="next" value="/account"' in refused.text
    assert (await Person.select(Person.language).where(Person.email == STAFF_EMAIL).first())["language"] is None


async def test_a_person_who_never_chose_gets_their_browsers_language_until_they_do(
    client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    """No stored preference until one is saved: Accept-Language decides for a signed-in person
    too; saving "your browser's language" on the account page goes back to that."""
    await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    page = await client.get("/account", headers=SPANISH)
    assert html_lang(page) == "es"
    assert '<option value="" selected>' in page.text
    await post_form(client, "/account", "/account/language", {"language": "fr"})
    assert html_lang(await client.get("/account", headers=SPANISH)) == "fr"
    saved = await post_form(client, "/account", "/account/language", {"language": ""})
    assert saved.status_code == 303
    assert (await Person.select(Person.language).where(Person.email == STAFF_EMAIL).first())["language"] is None
    page = await client.get("/account", headers=SPANISH)
    assert html_lang(page) == "es" and '<option value="" selected>' in page.text


async def test_the_language_forms_need_the_csrf_token(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert (await client.post("/account/language", data={"language": "fr"})).status_code == 403
    assert (await client.post("/language", data={"language": "fr", "next": "/"})).status_code == 403
    assert html_lang(await client.get("/account")) == "en"


async def test_the_switch_refuses_other_languages_and_other_sites(client: httpx.AsyncClient) -> None:
    refused = await post_form(client, "/", "/language", {"language": "de", "next": "/"}, headers=FRENCH)
    assert refused.status_code == 400
    assert "Choisissez l&#39;une de ces langues\u00a0: English, Français, Español." in refused.text
    away = await post_form(client, "/", "/language", {"language": "fr", "next": "//evil.example/"})
    assert away.status_code == 303 and away.headers["location"] == "/"


async def test_messages_and_error_pages_in_the_request_language(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    missing = await client.get("/no-such-page", headers=FRENCH)
    assert missing.status_code == 404 and html_lang(missing) == "fr"
    assert "Page introuvable" in missing.text and "La page demandée n&#39;existe pas." in missing.text
    wrong = await post_form(client, "/sign-in", "/sign-in", {"email": STAFF_EMAIL, "password": "nope"}, headers=SPANISH)
    assert wrong.status_code == 400
    assert "La dirección de correo electrónico o la contraseña no son correctas." in wrong.text
    assert "Hay un problema" in wrong.text and "Error:</span>" in wrong.text
    assert 'name="next" value="/sign-in"' in wrong.text
    await Person.update({Person.language: "es"}).where(Person.email == STAFF_EMAIL)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    refused = await client.get("/dashboard/rounds/999999", headers=FRENCH)
    assert html_lang(refused) == "es"  # the stored preference: the guard had loaded the person
    short = await post_form(client, "/account", "/account/password", {"current": STAFF_PASSWORD, "new": "short"})
    assert "Use al menos 12 caracteres." in short.text


async def test_respondent_start_page_has_the_switch(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    link = invitation_url("", settings.secret_key, (await round_invitations(round_id))[0].nonce)
    chosen = await switch(client, link, "fr")
    assert chosen.headers["location"] == link
    start = await client.get(link)
    assert html_lang(start) == "fr" and "Aller au contenu principal" in start.text
