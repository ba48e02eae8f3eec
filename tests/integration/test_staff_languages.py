"""The staff interface in French and Spanish (issue 9): the pages, their messages after an
action and their form errors speak the request's language, and none of the staff pages'
English is left in what people read."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest

from backend.i18n import language_for, tools
from backend.partners.tables import Person
from backend.settings import Settings
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, World, make_world, open_test_round, submit_random
from tests.integration.conftest import csrf_token, post_form, sign_in


def visible_text(page: httpx.Response) -> str:
    """What a person reads: the page without scripts, styles and tags (attributes people read
    kept), entities decoded, spaces collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page.text, flags=re.S)
    read = " ".join(re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', text))
    text = re.sub(r"<[^>]*>", " ", text) + " " + read
    return re.sub(r"\s+", " ", html.unescape(text))


def _staff_english() -> list[str]:
    """The staff templates' English messages that read as English in a sentence (several words,
    no placeholder) and that French and Spanish both translate differently."""
    french, spanish = language_for("fr"), language_for("es")
    found = []
    for message in tools.extract():
        if not isinstance(message.id, str) or message.context or "%(" in message.id or " " not in message.id:
            continue
        if not any(str(path).startswith("frontend/templates/staff/") for path, _ in message.locations):
            continue
        if message.id in (french.gettext(message.id), spanish.gettext(message.id)):
            continue
        found.append(message.id)
    return found


STAFF_ENGLISH = _staff_english()


def test_the_english_sample_is_large_enough() -> None:
    assert len(STAFF_ENGLISH) > 60
    assert "Open a new round" in STAFF_ENGLISH and "Summary by question" in STAFF_ENGLISH


def assert_no_english(page: httpx.Response) -> None:
    text = visible_text(page)
    left = [english for english in STAFF_ENGLISH if english in text]
    assert not left, left


async def _world_with_a_round(settings: Settings, surveys_dir: Path) -> tuple[World, int]:
    world = await make_world(surveys_dir, forces=4)
    round_id = await open_test_round(world, settings.secret_key)
    await submit_random(round_id, world, world.force_ids[:3])
    return world, round_id


async def _pages(client: httpx.AsyncClient, world: World, round_id: int) -> dict[str, httpx.Response]:
    pages = {
        "home": await client.get("/staff"),
        "round": await client.get(f"/staff/rounds/{round_id}"),
        "new round": await client.get("/staff/rounds/new"),
        "forces": await client.get("/staff/forces"),
        "questionnaires": await client.get("/staff/questionnaires"),
        "questionnaire": await client.get(f"/staff/questionnaires/{world.version_id}"),
        "profile changes": await client.get("/staff/profile-changes"),
        "audit": await client.get("/staff/audit"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
    return pages


FRENCH = {
    "home": ["Campagnes", "Ouvrir une nouvelle campagne", "Organisations invitées", "ouverte", "Pratiques de gestion"],
    "round": ["Synthèse par question", "Clôturer la campagne", "Lien personnel", "Organisations invitées"],
    "new round": [
        "Titre de la campagne",
        "Organisations à inviter",
        "Pratiques de gestion des marchés des drogues – version",
    ],
    "forces": ["Organisations partenaires", "Ajouter une organisation", "Région", "Europe", "Administrateur"],
    "questionnaires": ["Empreinte", "Chargé", "Pratiques de gestion des marchés des drogues"],
    "questionnaire": [
        "Traductions",
        "textes sur",
        "(langue par défaut)",
        "Pratiques de gestion des marchés des drogues",
    ],
    "profile changes": ["Changements de profil des organisations", "Aucun changement n'attend d'examen."],
    "audit": ["Journal d'audit", "Nombre de fois"],
}
SPANISH = {
    "home": ["Rondas", "Abrir una nueva ronda", "Instituciones invitadas", "abierta"],
    "round": ["Resumen por pregunta", "Cerrar la ronda", "Enlace personal", "Instituciones invitadas"],
    "new round": ["Título de la ronda", "Instituciones que invitar", "Tamaño mínimo de grupo"],
    "forces": ["Instituciones asociadas", "Añadir una institución", "Región", "Administrador"],
    "questionnaires": ["Huella", "Cargado", "Prácticas de gestión de los mercados de drogas"],
    "questionnaire": ["Traducciones", "textos", "(idioma predeterminado)", "Prácticas de gestión de los mercados"],
    "profile changes": ["Cambios de perfil de las instituciones", "No hay cambios pendientes de revisión."],
    "audit": ["Registro de auditoría", "Veces"],
}


def _check(pages: dict[str, httpx.Response], code: str, expected: dict[str, list[str]]) -> None:
    for name, page in pages.items():
        assert f'<html lang="{code}">' in page.text, name
        text = visible_text(page)
        for words in expected[name]:
            assert words in text, (name, words)
        assert_no_english(page)


async def test_staff_pages_in_french_from_the_stored_preference(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world, round_id = await _world_with_a_round(settings, surveys_dir)
    await Person.update({Person.language: "fr"}).where(Person.email == STAFF_EMAIL)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    pages = await _pages(client, world, round_id)
    _check(pages, "fr", FRENCH)
    assert re.search(r"\d+\s(?:organisation a|organisations ont) répondu", visible_text(pages["round"]))


async def test_staff_pages_in_spanish_from_the_switch(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    """Chosen with the switch in the header, over the stored preference (English, as every
    account has until its owner chooses) and a French browser."""
    world, round_id = await _world_with_a_round(settings, surveys_dir)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    client.headers["accept-language"] = "fr-FR,fr;q=0.9"
    chosen = await post_form(client, "/staff", "/language", {"language": "es", "next": "/staff"})
    assert chosen.status_code == 303
    _check(await _pages(client, world, round_id), "es", SPANISH)


async def test_a_flash_message_and_form_errors_in_french(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world, round_id = await _world_with_a_round(settings, surveys_dir)
    await Person.update({Person.language: "fr"}).where(Person.email == STAFF_EMAIL)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)

    closed = await post_form(client, f"/staff/rounds/{round_id}", f"/staff/rounds/{round_id}/close", {})
    assert closed.status_code == 303
    page = await client.get(closed.headers["location"])
    assert "Campagne clôturée\u00a0: les répondants ne peuvent plus modifier leurs réponses." in html.unescape(
        page.text
    )
    assert "Prévisualiser et publier les résultats" in page.text

    refused = await post_form(client, "/staff/forces", "/staff/forces", {"name": "", "code": "X", "country": ""})
    assert refused.status_code == 400
    text = html.unescape(refused.text)
    assert "Il y a un problème" in text and "Erreur\u00a0:" in text
    assert "Saisissez le nom de l'organisation." in text and "Choisissez la région." in text
    assert_no_english(refused)

    data = [("title", ""), ("version", str(world.version_id)), ("min_group_size", "2")]
    new_round = await post_form(client, "/staff/rounds/new", "/staff/rounds", data)
    assert new_round.status_code == 400
    text = html.unescape(new_round.text)
    assert "Saisissez un titre pour la campagne." in text
    assert "Choisissez au moins une organisation à inviter." in text
    assert "La taille minimale des groupes doit être d'au moins 3" in text

    preview = await client.get(f"/staff/rounds/{round_id}/preview")
    assert preview.status_code == 200
    text = visible_text(preview)
    assert "Rapport de masquage" in text and "Publier les résultats" in text
    assert "organisations ont répondu (le nombre de réponses est entre parenthèses)" in text
    unconfirmed = await client.post(f"/staff/rounds/{round_id}/publish", data={"_csrf_token": csrf_token(preview.text)})
    assert unconfirmed.status_code == 400
    assert "Confirmez que vous avez vérifié l'aperçu et le rapport de masquage." in html.unescape(unconfirmed.text)


@pytest.mark.parametrize("code", ["fr", "es"])
def test_the_suppression_report_and_refusals_speak_the_language(code: str) -> None:
    from backend.publication.refusals import publish_refusal

    language = language_for(code)
    refusal = publish_refusal("open", 0, 2, False, language)
    assert refusal is not None and "2" in refusal
    assert publish_refusal("open", 0, 2, False) == (
        "Close the round before publishing: answers can still change while it is open. "
        "2 forces have answers in draft, which would not be counted."
    )
    assert refusal != publish_refusal("open", 0, 2, False)
