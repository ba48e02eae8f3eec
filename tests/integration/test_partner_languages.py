"""The partner side in French and Spanish (issue 9): the dashboard, its charts and the trends
follow the reader's language (stored preference, Accept-Language); a round's title can be given
in each language, through the page and the JSON API, and is shown in the reader's language or,
failing that, in the questionnaire's default language marked with `lang`; a bad title is
refused with a message naming its field, and nothing is opened."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import httpx

from backend.i18n import pick
from backend.partners.services import find_person, set_language
from backend.partners.tables import Person
from backend.publication.services import close_round, publish
from backend.rounds.services import NewRound, get_round, invitation_url, list_rounds, open_round, round_invitations
from backend.settings import Settings
from backend.surveys.services import load_version
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, World, make_world, submit_random
from tests.integration.conftest import post_form, sign_in
from tests.integration.test_language_choice import switch

FRENCH = {"accept-language": "fr-BE,fr;q=0.9,en;q=0.5"}
SPANISH = {"accept-language": "es-ES,es;q=0.9"}
TITLES = {"fr": "Campagne d'essai 2027", "es": "Ronda de prueba 2027"}


async def published_round(world: World, secret: str, title: str = "Test round", **titles: str) -> int:
    round_id, _ = await open_round(
        NewRound(title, world.version_id, world.force_ids, 3, None, titles), secret, world.staff
    )
    await submit_random(round_id, world, world.force_ids, seed=round_id)
    await close_round(round_id, world.staff)
    await publish(round_id, world.staff)
    return round_id


def figures(page: str) -> dict[str, dict[str, Any]]:
    """The charts of a results page by question."""
    found = re.findall(r'<script type="application/json" id="fig-([^"]+)">(.*?)</script>', page, re.S)
    return {qid: json.loads(text) for qid, text in found}


def bars(page: str) -> dict[str, Any]:
    """The first chart of horizontal bars (a question with choices) on a results page."""
    return next(f for f in figures(page).values() if f["data"][0]["type"] == "bar" and "text" in f["data"][0])


def title(page: str) -> str:
    """The title of the page's first chart."""
    return str(next(iter(figures(page).values()))["layout"]["title"]["text"])


def heading(page: str) -> str:
    found = re.search(r"<h1[^>]*>.*?</h1>", page, re.S)
    assert found
    return html.unescape(found.group(0))


async def test_the_dashboard_in_french_by_stored_preference(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=8)
    round_id = await published_round(world, settings.secret_key, **TITLES)
    partner = await find_person(world.partner_emails[0])
    assert partner is not None
    await set_language(partner.id, "fr")
    await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)

    index = (await client.get("/dashboard")).text
    assert "<h1>Résultats publiés</h1>" in index
    assert f'<a href="/dashboard/rounds/{round_id}">Campagne d&#39;essai 2027</a>' in index
    page = (await client.get(f"/dashboard/rounds/{round_id}")).text
    assert '<html lang="fr"' in page
    assert heading(page) == "<h1>Campagne d'essai 2027</h1>"  # in French: no lang of its own
    assert "Comparer avec" in page and "Toutes les organisations partenaires" in page
    assert "Les chiffres sous forme de tableau" in page and "Figures as a table" not in page
    chart = bars(page)
    assert chart["layout"]["title"]["text"].startswith("Toutes les organisations partenaires (n = ")
    assert chart["layout"]["xaxis"]["title"]["text"] == "% des organisations"
    assert chart["layout"]["separators"] == ",\u202f"
    bar = chart["data"][0]
    assert any(text.endswith("◀ votre organisation") for text in bar["text"])
    assert re.search(r"\d+,\d\u00a0% \(\d+\)", " ".join(bar["text"]))  # shares as French writes them
    survey = await load_version(world.version_id)
    labels = [pick(survey.question(qid).label, "fr") for qid in figures(page)]
    assert labels and all(f"<h3>{label}</h3>" in html.unescape(page) for label in labels)  # its French
    # the words plotly.js shows itself, for charts.js to register
    locale = re.search(r'<script type="application/json" id="chart-locale">(.*?)</script>', page, re.S)
    assert locale and json.loads(locale.group(1))["name"] == "fr"
    # the same publication in English for someone else: built per language, never mixed
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as other:
        await sign_in(other, world.partner_emails[1], PARTNER_PASSWORD)
        english = (await other.get(f"/dashboard/rounds/{round_id}")).text
        assert heading(english) == "<h1>Test round</h1>"
        assert title(english).startswith("All partner forces (n = ")
    # the JSON API answers in English, with the titles given
    api = (await client.get(f"/api/publications/{round_id}")).json()
    assert api["title"] == "Test round" and api["titles"] == {"en": "Test round", **TITLES}


async def test_the_dashboard_by_accept_language_falls_back_to_the_default_title(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    """A title given only in French: a Spanish reader gets the English (the questionnaire's
    default language), marked `lang="en"`, in Spanish pages."""
    world = await make_world(surveys_dir, forces=8)
    round_id = await published_round(world, settings.secret_key, fr="Campagne d'essai")
    # no stored preference: the browser's Accept-Language decides
    await Person.update({Person.language: ""}).where(Person.email == world.partner_emails[0])
    await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)

    page = (await client.get(f"/dashboard/rounds/{round_id}", headers=SPANISH)).text
    assert '<html lang="es"' in page
    assert heading(page) == '<h1 lang="en">Test round</h1>'
    assert "<title>Test round: resultados" in page
    assert "Comparar con" in page and "Mi región: Europa" in page
    assert title(page).startswith("Todas las instituciones asociadas (n = ")
    index = (await client.get("/dashboard", headers=SPANISH)).text
    assert f'<a href="/dashboard/rounds/{round_id}" lang="en">Test round</a>' in index
    assert "publicado el" in index  # the date in Spanish words
    french = (await client.get(f"/dashboard/rounds/{round_id}", headers=FRENCH)).text
    assert heading(french) == "<h1>Campagne d'essai</h1>"
    # a group's chart title follows the group chosen, in the reader's language
    europe = (await client.get(f"/dashboard/rounds/{round_id}?group=region:europe", headers=FRENCH)).text
    assert title(europe).startswith("Europe (n = ")
    assert "selected>Ma région\u00a0: Europe</option>" in europe


async def test_trends_in_spanish_with_the_rounds_titles(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=12)
    await published_round(world, settings.secret_key, "Spring round", es="Ronda de primavera")
    await published_round(world, settings.secret_key, "Autumn round")
    await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)
    await switch(client, "/dashboard", "es")  # an explicit choice, beating the stored English
    questionnaire = (await client.get("/api/publications")).json()[0]["questionnaire_id"]
    page = (await client.get(f"/dashboard/trends/{questionnaire}", headers=SPANISH)).text
    assert "<h1>Tendencias entre rondas</h1>" in page
    assert 'Evolución de las cifras publicadas de Ronda de primavera a <span lang="en">Autumn round</span>.' in page
    assert '<th scope="col" lang="en">Autumn round</th>' in page
    assert "Instituciones" in page and ">Forces<" not in page
    found = re.search(r'<script type="application/json" id="trend-fig-[^"]+">(.*?)</script>', page, re.S)
    assert found
    trend = json.loads(found.group(1))
    assert trend["layout"]["title"]["text"].startswith("Todas las instituciones asociadas: ")
    assert trend["data"][0]["x"] == ["Ronda de primavera", "Autumn round"]
    # the JSON API stays in English
    api = (await client.get(f"/api/publications/trends/{questionnaire}", headers=SPANISH)).json()
    assert api["trends"][0]["rounds"] == ["Spring round", "Autumn round"]
    assert any(t["measure"] == "% of forces" for t in api["trends"])


async def test_round_titles_in_each_language_through_the_page(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    form = (await client.get("/staff/rounds/new")).text
    assert 'name="title_fr"' in form and 'lang="fr"' in form and 'name="title_es"' in form
    data = [
        ("title", "Drug market practice 2027"),
        ("version", str(world.version_id)),
        ("forces", str(world.force_ids[0])),
        ("forces", str(world.force_ids[1])),
    ]
    # a French title too long, and an English one (the default language) that is not the title
    bad = await post_form(
        client,
        "/staff/rounds/new",
        "/staff/rounds",
        [*data, ("title_fr", "x" * 301), ("title_en", "Another title"), ("title_es", "Práctica 2027")],
    )
    assert bad.status_code == 400
    assert '<a href="#title_fr">Use 300 characters or fewer for the title in French.</a>' in bad.text
    assert 'id="title_fr-error"' in bad.text and 'id="title_en-error"' in bad.text
    assert "The questionnaire&#39;s default language is English" in bad.text
    assert 'value="Práctica 2027"' in bad.text  # what was typed is kept
    assert await list_rounds() == []
    # in French, the message is French
    await switch(client, "/staff/rounds/new", "fr")
    french = await post_form(client, "/staff/rounds/new", "/staff/rounds", [*data, ("title_fr", "x" * 301)])
    assert french.status_code == 400 and "Le titre en français ne doit pas dépasser 300 caractères." in french.text
    assert await list_rounds() == []
    await switch(client, "/staff/rounds/new", "en")

    opened = await post_form(
        client,
        "/staff/rounds/new",
        "/staff/rounds",
        [*data, ("title_fr", " Pratiques 2027 "), ("title_es", "Prácticas 2027"), ("title_en", "")],
    )
    assert opened.status_code == 303, opened.text
    [listed] = await list_rounds()
    assert listed.title == "Drug market practice 2027"
    assert listed.titles == {"en": "Drug market practice 2027", "fr": "Pratiques 2027", "es": "Prácticas 2027"}
    # the respondent's start page shows the title in the respondent's language
    invitation = (await round_invitations(listed.id))[0]
    respondent = await find_person(invitation.email)
    assert respondent is not None
    await set_language(respondent.id, "es")
    link = invitation_url("http://test", settings.secret_key, invitation.nonce).removeprefix("http://test")
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as browser:
        start = (await browser.get(link)).text
        assert heading(start) == "<h1>Prácticas 2027</h1>"


async def test_round_titles_in_each_language_through_the_api(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    await client.get("/api/account")
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    body = {"title": "API round", "version": world.version_id, "forces": world.force_ids}

    for titles, key, message in (
        ({"de": "Runde"}, "titles.de", "A title can be given in these languages: en, fr, es."),
        ({"fr": "y" * 301}, "titles.fr", "Use 300 characters or fewer for the title in French."),
        ({"en": "Other"}, "titles.en", "The questionnaire's default language is English: its title is"),
    ):
        refused = await client.post("/api/rounds", json={**body, "titles": titles}, headers=headers)
        assert refused.status_code == 422, refused.text
        [problem] = refused.json()["extra"]
        assert problem["key"] == key and problem["message"].startswith(message), problem
    not_text = await client.post("/api/rounds", json={**body, "titles": {"fr": 3}}, headers=headers)
    assert not_text.status_code == 400 and "titles" in not_text.text
    assert await list_rounds() == []

    opened = await client.post(
        "/api/rounds", json={**body, "titles": {"fr": "Campagne API", "es": " ", "en": "API round"}}, headers=headers
    )
    assert opened.status_code == 201, opened.text
    round_id = opened.json()["id"]
    detail = (await client.get(f"/api/rounds/{round_id}")).json()
    assert detail["title"] == "API round" and detail["titles"] == {"en": "API round", "fr": "Campagne API"}
    assert [r["titles"] for r in (await client.get("/api/rounds")).json()] == [detail["titles"]]
    stored = await get_round(round_id)
    assert stored is not None and stored.titles == detail["titles"]
