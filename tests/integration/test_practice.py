"""The practice bank (docs/practice.md): writing, reviewing, publishing, translating, searching
and filtering notes, through pages and the JSON API, against the real database; the guards
(others' unpublished notes, others' notes to edit, staff-only review); bad input naming its
field; the notes beside the dashboard's charts; notices and the e-mail digest; and the
anonymity test: no partner-facing output names an anonymous note's author or force."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar

from backend.audit.services import recent
from backend.database import fetch
from backend.demo.seed import PARTNER_PASSWORD as DEMO_PARTNER_PASSWORD
from backend.demo.seed import seed_demo
from backend.exchange.digest import choose, send_digest
from backend.exchange.digest_plan import Frequency
from backend.partners.services import find_person, get_force
from backend.security.guards import viewer_of
from backend.settings import Settings
from backend.surveys.services import sync_folder
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.conftest import post_form
from tests.integration.test_api_rounds import api_client
from tests.integration.test_exchange import _no_identity_keys, client_like, partner_get_paths, published_world

NOTE: dict[str, Any] = {
    "title": "Focused deterrence call-ins with sellers",
    "original_language": "en",
    "problems": ["market_violence"],
    "approach": "Sellers were invited to call-ins with prosecutors and outreach workers.",
    "partners": "Prosecutor's office, outreach team.",
    "resources": "One analyst half-time.",
    "outcome": "Shootings fell by a third against the three previous years.",
    "status_label": "promising",
    "attribution": "anonymous",
    "themes": ["targeting"],
    "questions": ["focused_deterrence"],
}


async def _published(author: httpx.AsyncClient, ha: dict[str, str], staff: httpx.AsyncClient, hs: dict[str, str],
                     **changes: Any) -> dict[str, Any]:  # fmt: skip
    made = await author.post("/api/practice/notes", json={**NOTE, **changes}, headers=ha)
    assert made.status_code == 201, made.text
    note = made.json()
    assert (await author.post(f"/api/practice/notes/{note['id']}/submit", headers=ha)).status_code == 200
    published = await staff.post(f"/api/practice/notes/{note['id']}/publish", headers=hs)
    assert published.status_code == 200, published.text
    return published.json()


async def test_write_review_publish_search_and_filter(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=4)
    async with client_like(client) as alice, client_like(client) as bob, client_like(client) as staff:
        ha = await api_client(alice, world.partner_emails[0], PARTNER_PASSWORD)
        hb = await api_client(bob, world.partner_emails[1], PARTNER_PASSWORD)
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)

        made = await alice.post("/api/practice/notes", json=NOTE, headers=ha)
        assert made.status_code == 201, made.text
        note = made.json()
        assert note["state"] == "draft" and note["own"] is True and note["editable"] is True
        assert "author" not in note and "force" not in note  # anonymous: no force, even to its author
        note_id = note["id"]
        # A draft is the author's only: Bob gets a 404 (audited), and cannot act on it.
        assert (await bob.get(f"/api/practice/notes/{note_id}")).status_code == 404
        assert (await bob.get(f"/practice/{note_id}")).status_code == 404
        assert (await bob.post(f"/api/practice/notes/{note_id}/submit", headers=hb)).status_code == 404
        assert (await bob.get("/api/practice/notes")).json()["total"] == 0
        # Edits by the author.
        edited = await alice.post(f"/api/practice/notes/{note_id}", json={**NOTE, "status_label": "worked"}, headers=ha)
        assert edited.status_code == 200 and edited.json()["status_label"] == "worked"
        # Partners cannot review.
        assert (await alice.post(f"/api/practice/notes/{note_id}/publish", headers=ha)).status_code == 403
        assert (await alice.get("/api/practice/review")).status_code == 403
        # Not yet submitted: staff cannot publish it.
        assert (await staff.post(f"/api/practice/notes/{note_id}/publish", headers=hs)).status_code == 409
        assert (await alice.post(f"/api/practice/notes/{note_id}/submit", headers=ha)).status_code == 200
        # Submitted: no more edits; in the review queue with its author for staff.
        assert (await alice.post(f"/api/practice/notes/{note_id}", json=NOTE, headers=ha)).status_code == 409
        queue = (await staff.get("/api/practice/review")).json()["notes"]
        assert [n["id"] for n in queue] == [note_id]
        assert queue[0]["author"]["email"] == world.partner_emails[0] and queue[0]["author"]["force"] == "Force 0"
        # Returned with a comment (required), edited, submitted again, published.
        no_comment = await staff.post(f"/api/practice/notes/{note_id}/return", json={"comment": " "}, headers=hs)
        assert no_comment.status_code == 422 and no_comment.json()["extra"][0]["key"] == "comment"
        returned = await staff.post(
            f"/api/practice/notes/{note_id}/return", json={"comment": "Say how you measured it."}, headers=hs
        )
        assert returned.status_code == 200 and returned.json()["state"] == "returned"
        mine = (await alice.get(f"/api/practice/notes/{note_id}")).json()
        assert mine["staff_comment"] == "Say how you measured it." and mine["editable"] is True
        assert "Say how you measured it." in (await alice.get(f"/practice/{note_id}")).text
        assert (await alice.post(f"/api/practice/notes/{note_id}", json=NOTE, headers=ha)).status_code == 200
        assert (await alice.post(f"/api/practice/notes/{note_id}/submit", headers=ha)).status_code == 200
        assert (await staff.post(f"/api/practice/notes/{note_id}/publish", headers=hs)).status_code == 200

        # Others: a named note in French by Bob, and a Spanish translation of Alice's by staff.
        french = await _published(
            bob, hb, staff, hs,
            title="Médiation de quartier contre les nuisances",
            original_language="fr",
            problems=["public_nuisance"],
            approach="Des médiateurs rencontrent les riverains et les vendeurs chaque semaine.",
            outcome="Les plaintes des riverains ont diminué de moitié.",
            status_label="worked",
            attribution="named",
            themes=["harm_reduction"],
            questions=[],
        )  # fmt: skip
        assert (
            french["force"] == "Force 1"
            and "author" not in (await alice.get(f"/api/practice/notes/{french['id']}")).json()
        )
        spanish = await staff.post(
            f"/api/practice/notes/{note_id}/translations",
            json={"translation_language": "es", "title": "Reuniones de disuasión focalizada con vendedores",
                  "approach": "Se invitó a los vendedores a reuniones con fiscales y trabajadores sociales."},
            headers=hs,
        )  # fmt: skip
        assert spanish.status_code == 200, spanish.text
        # Bob (not the author, not staff) cannot translate Alice's note; nor edit or withdraw it.
        other = {"translation_language": "fr", "title": "x"}
        translated = await bob.post(f"/api/practice/notes/{note_id}/translations", json=other, headers=hb)
        assert translated.status_code == 403
        assert (await bob.post(f"/api/practice/notes/{note_id}", json=NOTE, headers=hb)).status_code == 403
        assert (await bob.post(f"/api/practice/notes/{note_id}/withdraw", headers=hb)).status_code == 403
        assert (await bob.get(f"/practice/{note_id}/edit")).status_code == 403

        async def found(client: httpx.AsyncClient, **params: str) -> list[int]:
            answer = await client.get("/api/practice/notes", params=params)
            assert answer.status_code == 200, answer.text
            return [n["id"] for n in answer.json()["notes"]]

        # Search in each language, with its stemming: "shootings" finds "Shootings"; "plaintes" the French
        # note; "vendedores" the Spanish translation.
        assert await found(bob, q="shooting") == [note_id]
        assert await found(bob, q="plainte") == [french["id"]]
        assert await found(bob, q="vendedor") == [note_id]
        assert await found(bob, q='"call-ins with prosecutors"') == [note_id]
        assert await found(bob, q="shootings -prosecutors") == []
        assert set(await found(bob)) == {note_id, french["id"]}
        far = (await bob.get("/api/practice/notes", params={"page": "5"})).json()
        assert far["notes"] == [] and far["total"] == 2 and (far["page"], far["pages"]) == (5, 1)
        # Filters.
        assert await found(bob, problem="public_nuisance") == [french["id"]]
        assert await found(bob, status="worked") == [french["id"]]
        assert await found(bob, theme="targeting") == [note_id]
        assert await found(bob, question="focused_deterrence") == [note_id]
        assert await found(bob, lang="fr") == [french["id"]]
        assert await found(bob, lang="es") == [note_id]
        assert await found(bob, lang="es", q="plainte") == []
        # The reader's language: Bob reading in Spanish gets the translation; in French, Alice's note
        # in English (its original), marked.
        es = (await bob.get(f"/api/practice/notes/{note_id}", headers={"accept-language": "es"})).json()
        assert es["text"]["language"] == "es" and es["text"]["title"].startswith("Reuniones")
        bob.cookies.set("px_language", "fr")
        page = (await bob.get(f"/practice/{note_id}", headers={"accept-language": "fr"})).text
        assert 'lang="en"' in page and "Focused deterrence" in page

        # The pages: the search finds it.
        listed = (await bob.get("/practice", params={"q": "shootings"})).text
        assert f'href="/practice/{note_id}"' in listed and f'href="/practice/{french["id"]}"' not in listed

        # Withdrawn: gone for others.
        assert (await alice.post(f"/api/practice/notes/{note_id}/withdraw", headers=ha)).status_code == 200
        assert (await bob.get(f"/api/practice/notes/{note_id}")).status_code == 404
        assert await found(bob) == [french["id"]]

    actions = [e.action for e in await recent(300)]
    for action in (
        "practice.note.created",
        "practice.note.edited",
        "practice.note.submitted",
        "practice.note.returned",
        "practice.note.published",
        "practice.note.translated",
        "practice.note.withdrawn",
        "access.refused.not_author",
        "access.refused.not_published",
    ):
        assert action in actions, action


async def test_bad_input_names_the_field(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=2)
    headers = await api_client(client, world.partner_emails[0], PARTNER_PASSWORD)
    for change, field in (
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"problems": []}, "problems"),
        ({"problems": ["bribery"]}, "problems"),
        ({"status_label": "maybe"}, "status_label"),
        ({"attribution": "me"}, "attribution"),
        ({"original_language": "de"}, "original_language"),
        ({"themes": ["nonsense"]}, "themes"),
        ({"questions": ["nonsense"]}, "questions"),
        ({"questionnaire": "no-such"}, "questionnaire"),
        ({"approach": "x" * 10_001}, "approach"),
    ):
        answer = await client.post("/api/practice/notes", json={**NOTE, **change}, headers=headers)
        assert answer.status_code == 422, (change, answer.text)
        assert field in [p["key"] for p in answer.json()["extra"]], (change, answer.json())
    assert (await client.get("/api/practice/notes/mine")).json()["total"] == 0
    for params, field in (({"problem": "x"}, "problem"), ({"status": "x"}, "status"), ({"lang": "de"}, "lang"),
                          ({"q": "x" * 201}, "q")):  # fmt: skip
        answer = await client.get("/api/practice/notes", params=params)
        assert answer.status_code == 422 and answer.json()["extra"][0]["key"] == field
    assert (await client.get("/api/practice/notes", params={"page": "0"})).status_code == 400
    assert (await client.get("/api/practice/notes", params={"q": "a\x00b"})).status_code == 200
    assert (await client.get("/api/practice/notes", params={"q": "'&|!(:*"})).status_code == 200
    assert (await client.get("/practice", params={"status": "x"})).status_code == 400

    # The page keeps what was typed and names the problem beside its field.
    page = await post_form(
        client,
        "/practice/new",
        "/practice/new",
        {"title": "", "original_language": "en", "approach": "What we typed stays.", "status_label": "worked",
         "attribution": "named"},
    )  # fmt: skip
    assert page.status_code == 400
    assert "What we typed stays." in page.text and "Give the note a title." in page.text
    assert 'href="#problems"' in page.text
    saved = await post_form(
        client, "/practice/new", "/practice/new",
        {**{k: v for k, v in NOTE.items() if k not in ("problems", "themes", "questions")},
         "problems": ["market_violence", "corruption"], "themes": "targeting", "questions": []},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    note_id = int(saved.headers["location"].rsplit("/", 1)[1])
    # Translations: not into the original language; the page keeps the text.
    same = await client.post(
        f"/api/practice/notes/{note_id}/translations",
        json={"translation_language": "en", "title": "x"},
        headers=headers,
    )
    assert same.status_code == 422 and same.json()["extra"][0]["key"] == "translation_language"
    bad = await post_form(client, f"/practice/{note_id}/translate", f"/practice/{note_id}/translate",
                          {"translation_language": "fr", "title": "", "approach": "Texte gardé."})  # fmt: skip
    assert bad.status_code == 400 and "Texte gardé." in bad.text
    # Contacting: only a published note; an empty message is refused.
    draft_contact = await client.post(f"/api/practice/notes/{note_id}/contact", json={"message": "Hi"}, headers=headers)
    assert draft_contact.status_code == 409
    assert (await client.get("/api/practice/notes/99999")).status_code == 404
    assert (await client.post("/api/practice/notes/99999/submit", headers=headers)).status_code == 404


async def test_contact_through_staff_notices_and_digest(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=3)
    async with client_like(client) as alice, client_like(client) as bob, client_like(client) as staff:
        ha = await api_client(alice, world.partner_emails[0], PARTNER_PASSWORD)
        hb = await api_client(bob, world.partner_emails[1], PARTNER_PASSWORD)
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        bob_person = await find_person(world.partner_emails[1])
        assert bob_person is not None
        await choose(viewer_of(bob_person), Frequency.DAILY)
        await fetch("UPDATE exchange_digest SET since = now() - interval '1 hour'")
        note = await _published(alice, ha, staff, hs)

        # In-app notices: Bob (not Alice, the author) is told, without the author.
        notices = (await bob.get("/api/practice/notices")).json()
        assert [n["note_id"] for n in notices] == [note["id"]] and notices[0]["read"] is False
        assert set(notices[0]) == {"id", "note_id", "title", "title_lang", "path", "date", "read"}
        assert (await alice.get("/api/practice/notices")).json() == []
        assert (await bob.post("/api/practice/notices/read", headers=hb)).json() == {"ok": True, "count": 1}
        assert "Focused deterrence" in (await bob.get("/practice/notices")).text

        # The contact route: Bob writes; staff see both people and mark it forwarded.
        empty = await bob.post(f"/api/practice/notes/{note['id']}/contact", json={"message": " "}, headers=hb)
        assert empty.status_code == 422 and empty.json()["extra"][0]["key"] == "message"
        sent = await bob.post(
            f"/api/practice/notes/{note['id']}/contact", json={"message": "Could we visit?"}, headers=hb
        )
        assert sent.status_code == 201, sent.text
        assert set(sent.json()) == {"id", "message"}
        assert (await bob.get("/api/practice/contact-requests")).status_code == 403
        requests = (await staff.get("/api/practice/contact-requests")).json()
        assert len(requests) == 1
        assert requests[0]["author_email"] == world.partner_emails[0]
        assert requests[0]["sender_email"] == world.partner_emails[1]
        queue = (await staff.get("/staff/practice")).text
        assert "Could we visit?" in queue and world.partner_emails[0] in queue
        bad = await staff.post(f"/api/practice/contact-requests/{requests[0]['id']}", json={"outcome": "x"}, headers=hs)
        assert bad.status_code == 422 and bad.json()["extra"][0]["key"] == "outcome"
        done = await staff.post(
            f"/api/practice/contact-requests/{requests[0]['id']}", json={"outcome": "forwarded"}, headers=hs
        )
        assert done.status_code == 200 and done.json()["state"] == "forwarded"
        assert (await staff.get("/api/practice/contact-requests")).json() == []

    # The digest: the new note, without attribution.
    message_id = await send_digest(bob_person.id, datetime.now(UTC) + timedelta(minutes=1))
    assert message_id is not None
    rows = await fetch("SELECT subject, body_text, body_html FROM message WHERE id = $1", message_id)
    text = rows[0]["body_text"] + rows[0]["body_html"]
    assert "Focused deterrence call-ins with sellers" in text and f"/practice/{note['id']}" in text
    force = await get_force(world.force_ids[0])
    assert force is not None
    for secret in (world.partner_emails[0], "Contact 0", force.name, force.code):
        assert secret not in text
    actions = [e.action for e in await recent(100)]
    assert "practice.contact.requested" in actions and "practice.contact.forwarded" in actions


async def test_notes_beside_the_dashboards_charts(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world, round_id = await published_world(settings, surveys_dir)
    async with client_like(client) as alice, client_like(client) as staff:
        ha = await api_client(alice, world.partner_emails[0], PARTNER_PASSWORD)
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        one = await _published(alice, ha, staff, hs)
        two = await _published(alice, ha, staff, hs, title="A second note on deterrence", themes=[])
        # a draft is never shown
        await alice.post("/api/practice/notes", json={**NOTE, "title": "Unpublished draft"}, headers=ha)
        page = (await alice.get(f"/dashboard/rounds/{round_id}")).text
        chart = re.search(r'data-practice="focused_deterrence".*?</details>', page, re.S)
        assert chart, "no practice notes beside the chart"
        assert "Practice notes on this topic (2)" in chart.group(0)
        assert f'href="/practice/{one["id"]}"' in chart.group(0) and f'href="/practice/{two["id"]}"' in chart.group(0)
        assert 'data-practice-theme="targeting"' in page and "Practice notes on this theme (1)" in page
        assert "Unpublished draft" not in page
        # staff's preview shares the panels, and has no practice links
        preview = await staff.get(f"/staff/rounds/{round_id}/preview")
        assert preview.status_code in (200, 404) and "data-practice=" not in preview.text


async def test_no_partner_facing_output_names_an_anonymous_author(
    app: Litestar, client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    """The anonymity test for the practice bank: partner 0 writes an anonymous note (published,
    translated, contacted about), partner 1 a named one; partner 5 then fetches every GET route
    that is not staff-only, with every note's id, and finds neither partner 0's name, e-mail,
    force name or code, nor partner 1's name or e-mail (a named note shows the force only)."""
    world, round_id = await published_world(settings, surveys_dir)
    reader = 5
    async with (
        client_like(client) as anonymous,
        client_like(client) as named,
        client_like(client) as staff,
        client_like(client) as reading,
    ):
        h0 = await api_client(anonymous, world.partner_emails[0], PARTNER_PASSWORD)
        h1 = await api_client(named, world.partner_emails[1], PARTNER_PASSWORD)
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        hr = await api_client(reading, world.partner_emails[reader], PARTNER_PASSWORD)
        secret_note = await _published(anonymous, h0, staff, hs)
        await staff.post(
            f"/api/practice/notes/{secret_note['id']}/translations",
            json={"translation_language": "fr", "title": "Dissuasion ciblée", "approach": "Convocations."},
            headers=hs,
        )
        named_note = await _published(named, h1, staff, hs, attribution="named", title="Named practice")
        draft = (await anonymous.post("/api/practice/notes", json=NOTE, headers=h0)).json()
        sent = await reading.post(
            f"/api/practice/notes/{secret_note['id']}/contact", json={"message": "Hello"}, headers=hr
        )
        assert sent.status_code == 201

        secrets: dict[str, str] = {}
        force = await get_force(world.force_ids[0])
        assert force is not None
        secrets.update({force.name: "author's force name", force.code: "author's force code"})
        secrets.update({"Contact 0": "author's name", world.partner_emails[0]: "author's e-mail"})
        secrets.update({"Contact 1": "named author's name", world.partner_emails[1]: "named author's e-mail"})

        values = [
            {"round_id": round_id, "note_id": n, "questionnaire_id": 1, "version_id": world.version_id,
             "force_id": world.force_ids[reader], "post_id": 1}
            for n in (secret_note["id"], named_note["id"], draft["id"])
        ]  # fmt: skip
        paths = partner_get_paths(app, values)
        for must in (f"/practice/{secret_note['id']}", f"/api/practice/notes/{secret_note['id']}", "/practice",
                     "/api/practice/notes", "/api/practice/notices", f"/dashboard/rounds/{round_id}"):  # fmt: skip
            assert must in paths, must
        queries = ("", "?q=deterrence", "?lang=fr", "?question=focused_deterrence", "?theme=targeting")
        seen_note = 0
        for path in paths:
            for query in queries if "practice" in path else ("",):
                answer = await reading.get(path + query)
                text = answer.text
                for secret, what in secrets.items():
                    assert secret.lower() not in text.lower(), f"{path}{query} shows the {what}"
                if "Focused deterrence call-ins" in text or "Dissuasion ciblée" in text:
                    seen_note += 1
                if answer.headers.get("content-type", "").startswith("application/json"):
                    _no_identity_keys(json.loads(text), path)
        assert seen_note >= 5  # the note itself was there to be searched
        named_page = (await reading.get(f"/practice/{named_note['id']}")).text
        assert "Force 1" in named_page  # a named note shows its force, never the person
        assert (await reading.get(f"/practice/{draft['id']}")).status_code == 404


async def test_the_demo_has_practice_notes(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    await sync_folder(surveys_dir)
    accounts = await seed_demo("http://test", settings.secret_key)
    await api_client(client, accounts.partner_email, DEMO_PARTNER_PASSWORD)
    notes = (await client.get("/api/practice/notes")).json()["notes"]
    assert len(notes) == 3 and all(n["state"] == "published" and n["questions"] for n in notes)
    assert {n["attribution"] for n in notes} == {"named", "anonymous"}
    assert any(set(n["texts"]) == {"en", "fr"} for n in notes)
    anonymous = next(n for n in notes if n["attribution"] == "anonymous")
    assert "force" not in anonymous
    french = (await client.get("/api/practice/notes", params={"q": "orientation", "lang": "fr"})).json()["notes"]
    assert len(french) == 1 and french[0]["texts"]["fr"]["title"].startswith("Orientation")


async def test_every_practice_route_is_documented(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    ours = {p: ops for p, ops in paths.items() if p.startswith("/api/practice")}
    assert set(ours) == {
        "/api/practice/notes",
        "/api/practice/notes/mine",
        "/api/practice/choices",
        "/api/practice/notes/{note_id}",
        "/api/practice/notes/{note_id}/submit",
        "/api/practice/notes/{note_id}/withdraw",
        "/api/practice/notes/{note_id}/translations",
        "/api/practice/notes/{note_id}/contact",
        "/api/practice/notices",
        "/api/practice/notices/read",
        "/api/practice/review",
        "/api/practice/notes/{note_id}/publish",
        "/api/practice/notes/{note_id}/return",
        "/api/practice/contact-requests",
        "/api/practice/contact-requests/{contact_id}",
    }
    for path, operations in ours.items():
        for method, op in operations.items():
            assert op.get("summary") and "practice bank" in op["tags"], f"{method} {path}"
            ok = op["responses"].get("200") or op["responses"].get("201")
            assert ok and any(c.get("schema") for c in ok["content"].values()), f"{method} {path}"
            assert {"401", "403"} <= set(op["responses"]), f"{method} {path}"
