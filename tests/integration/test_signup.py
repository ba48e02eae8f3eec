"""Public pages and sign-up (docs/signup.md), against the real database and, for the whole path,
a real SMTP server on loopback: the public page, double opt-in (token expiry and reuse), bad
input, repeats that reveal nothing, the honeypot, the per-address limit, unsubscribing (one
click), seeing and deleting one's data, staff's review (approve makes a partner contact who can
sign in), and the guards."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.database import execute, fetch, fetchrow
from backend.mail import config as mail_config
from backend.mail.links import fill
from backend.mail.queue import run_worker
from backend.partners.services import find_person
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.conftest import SECRET, csrf_token, post_form, sign_in
from tests.mail_server import MailServer

FORM = {
    "name": "Ana Lima",
    "role": "Chief Superintendent",
    "organisation": "Polícia Civil",
    "country": "BR",
    "email": "Ana.Lima@Example.org",
    "language": "fr",
    "interests": ["strategy", "harm_reduction"],
    "consent": "yes",
}
EMAIL = "ana.lima@example.org"


def api_form(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {**FORM, "consent": True, **changes}
    body["mail_language"] = body.pop("language")
    return body


async def public_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """An anonymous API client: any page sets the CSRF cookie, sent back in the header."""
    assert (await client.get("/signup")).status_code == 200
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def staff_headers(client: httpx.AsyncClient) -> dict[str, str]:
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    assert (await client.get("/api/account")).status_code == 200
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def messages(kind: str | None = None) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT id, kind, recipient, language, subject, body_text, link_ref FROM message"
        " WHERE ($1::text IS NULL OR kind = $1) ORDER BY id",
        kind,
    )


def link(message: dict[str, Any], path: str) -> str:
    """The path of a message's link to `path` (as the worker fills it in when sending)."""
    text = fill(message["body_text"], message["link_ref"], "http://test", SECRET)
    found = re.search(rf"http://test({re.escape(path)}[A-Za-z0-9_.-]+)", text)
    assert found, text
    return found.group(1)


async def rows() -> list[dict[str, Any]]:
    return await fetch("SELECT * FROM signup ORDER BY id")


async def audit(prefix: str = "signup.") -> list[dict[str, Any]]:
    return await fetch(
        "SELECT action, subject, details, actor_label FROM audit_event WHERE action LIKE $1 ORDER BY id", prefix + "%"
    )


async def sign_up(client: httpx.AsyncClient, **changes: Any) -> httpx.Response:
    return await post_form(client, "/signup", "/signup", {**FORM, **changes})


# -- the whole path, through a real SMTP server ------------------------------------------------


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def mail_app(app, settings: Settings, smtp: MailServer):  # type: ignore[no-untyped-def]
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = smtp.port
    settings.smtp_timeout = 5
    mail_config.configure(settings)
    return app


def parts(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def mailed_link(text: str, path: str) -> str:
    found = re.search(rf"http://test({re.escape(path)}[A-Za-z0-9_.-]+)", text)
    assert found, text
    return found.group(1)


async def test_sign_up_confirm_approve_and_sign_in_through_smtp(
    mail_app, client: httpx.AsyncClient, smtp: MailServer, surveys_dir: Path, database_dsn: str
) -> None:
    world = await make_world(surveys_dir, forces=2)
    await execute(
        "INSERT INTO library_report (title, summary, default_language, authors, published_on, themes, filename, size,"
        " published) VALUES ($1::jsonb, $2::jsonb, 'en', 'A. Author', '2026-05-01', '[]', 'r.pdf', 10, true),"
        " ($3::jsonb, '{}', 'en', '', '2026-06-01', '[]', 'x.pdf', 10, false)",
        json.dumps({"en": "Policing drug markets", "fr": "Le maintien de l'ordre des marchés"}),
        json.dumps({"en": "What forces found.", "fr": "Ce que les forces ont trouvé."}),
        json.dumps({"en": "Unpublished draft"}),
    )
    # The public page, without signing in, in French: published summaries only, never the PDF.
    about = await client.get("/about", headers={"accept-language": "fr"})
    assert about.status_code == 200
    assert "Le maintien de l&#39;ordre des marchés" in about.text and "Ce que les forces ont trouvé." in about.text
    assert "Unpublished draft" not in about.text and "/pdf" not in about.text
    assert 'href="/about"' in (await client.get("/")).text and 'href="/signup"' in (await client.get("/sign-in")).text
    # Countries by Babel, in the page's language.
    form = (await client.get("/signup", headers={"accept-language": "es"})).text
    assert '<option value="DE">Alemania</option>' in form

    assert (await sign_up(client)).status_code == 200
    await run_worker(database_dsn, 2, wait=False, signals=False)
    [confirmation] = smtp.to(EMAIL)
    assert confirmation["Content-Language"] == "fr" and confirmation["Subject"].startswith("Veuillez confirmer")
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/signup/unsubscribe/" in confirmation["List-Unsubscribe"]
    text, html = parts(confirmation)
    path = mailed_link(text, "/signup/confirm/")
    assert f'href="http://test{path}"' in html
    page = await client.get(path)
    assert page.status_code == 200 and 'action="/signup/confirm/' in page.text  # a button: GET uses nothing up
    assert (await post_form(client, path, path, {})).status_code == 200
    assert (await post_form(client, "/signup", path, {})).status_code == 404  # once only
    [row] = await rows()
    assert row["status"] == "confirmed" and row["subscribed"] and row["confirm_hash"] is None

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as staff:
        await sign_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
        queue = await staff.get("/staff/signups")
        assert "Ana Lima" in queue.text and "Brazil" in queue.text
        done = await post_form(
            staff,
            "/staff/signups",
            f"/staff/signups/{row['id']}",
            {"decision": "approve", "force": str(world.force_ids[1])},
        )
        assert done.status_code == 303
    person = await find_person(EMAIL)
    assert person is not None and person.role == "partner" and person.force_id == world.force_ids[1]
    assert person.language == "fr" and not person.can_respond
    await run_worker(database_dsn, 2, wait=False, signals=False)
    welcome = smtp.to(EMAIL)[-1]
    assert welcome["Subject"].startswith("Bienvenue") and "List-Unsubscribe" not in welcome
    text, _ = parts(welcome)
    assert "Force 1" in text
    sign_in_path = mailed_link(text, "/sign-in/link/")
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        signed = await post_form(partner, sign_in_path, sign_in_path, {})
        assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"

    actions = [(a["action"], a["subject"]) for a in await audit()]
    assert actions == [
        ("signup.created", f"signup:{row['id']}"),
        ("signup.confirmed", f"signup:{row['id']}"),
        ("signup.partner", f"signup:{row['id']}"),
    ]
    trail = json.dumps([dict(a) for a in await audit()], default=str)
    assert EMAIL not in trail and "Ana Lima" not in trail.replace("Sam Staff", "")
    assert ("person.created", f"person:{person.id}") in [(a["action"], a["subject"]) for a in await audit("person.")]
    consents = await fetch("SELECT event, text_version, purposes FROM signup_consent ORDER BY id")
    assert [c["event"] for c in consents] == ["given", "confirmed"]
    assert consents[0]["text_version"].startswith("signup-privacy-") and "store_signup" in consents[0]["purposes"]


# -- double opt-in: expiry, reuse, replacement ---------------------------------------------------


async def test_confirmation_link_expires_is_used_once_and_is_replaced(client: httpx.AsyncClient) -> None:
    h = await public_headers(client)
    assert (await client.post("/api/signup", json=api_form(), headers=h)).status_code == 200
    first = link((await messages("signup_confirm"))[-1], "/signup/confirm/")
    token = first.rsplit("/", 1)[1]
    await execute("UPDATE signup SET confirm_expires_at = now() - interval '1 minute'")
    assert (await client.get(first)).status_code == 404
    expired = await client.post("/api/signup/confirm", json={"token": token}, headers=h)
    assert expired.status_code == 404 and "not valid" in expired.json()["detail"]
    # Signing up again: a fresh link, the old one dead; still one row.
    assert (await client.post("/api/signup", json=api_form(name="Ana M. Lima"), headers=h)).status_code == 200
    second = link((await messages("signup_confirm"))[-1], "/signup/confirm/")
    assert second != first and len(await rows()) == 1
    assert (await rows())[0]["name"] == "Ana M. Lima"  # pending: the details are the newest
    await execute("UPDATE signup SET confirm_expires_at = now() + interval '1 hour'")  # the old one's hash is gone
    assert (await client.post("/api/signup/confirm", json={"token": token}, headers=h)).status_code == 404
    ok = await client.post("/api/signup/confirm", json={"token": second.rsplit("/", 1)[1]}, headers=h)
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    again = await client.post("/api/signup/confirm", json={"token": second.rsplit("/", 1)[1]}, headers=h)
    assert again.status_code == 404


# -- bad input ----------------------------------------------------------------------------------


async def test_bad_input_names_the_field_keeps_the_text_and_stores_nothing(client: httpx.AsyncClient) -> None:
    bad = await sign_up(client, email="ana.lima@", name="", country="XX", interests=["nonsense"], consent="")
    assert bad.status_code == 400
    for message in (
        "Enter an e-mail address like name@example.org.",
        "Enter your name.",
        "Choose your country.",
        "Choose interests from the list.",
        "Tick the box to agree",
    ):
        assert message in bad.text, message
    assert 'value="ana.lima@"' in bad.text and 'value="Chief Superintendent"' in bad.text
    assert 'href="#email"' in bad.text  # the summary links to the field
    h = await public_headers(client)
    api = await client.post("/api/signup", json=api_form(email="not an address", role="", language="de"), headers=h)
    assert api.status_code == 422
    assert {p["key"] for p in api.json()["extra"]} == {"email", "role", "mail_language"}
    wrong_type = await client.post("/api/signup", json={**api_form(), "interests": "strategy"}, headers=h)
    assert wrong_type.status_code == 400
    data = await client.post("/signup/my-data", data={"email": "nobody", "_csrf_token": csrf_token(bad.text)})
    assert data.status_code == 400 and "Enter an e-mail address like" in data.text
    assert await rows() == [] and await messages() == [] and await audit() == []


# -- repeats: the same answer, one row -----------------------------------------------------------


def _answer(response: httpx.Response) -> str:
    """A page without what differs between any two requests: the CSRF token, the address typed."""
    text = re.sub(r'name="_csrf_token" value="[^"]+"', "", response.text)
    return re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "ADDRESS", text)


async def test_repeats_answer_the_same_and_keep_one_row(client: httpx.AsyncClient) -> None:
    new = await sign_up(client)
    pending = await sign_up(client)
    assert new.status_code == pending.status_code == 200 and _answer(new) == _answer(pending)
    assert [m["kind"] for m in await messages()] == ["signup_confirm", "signup_confirm"]
    path = link((await messages())[-1], "/signup/confirm/")
    await post_form(client, path, path, {})
    confirmed = await sign_up(client, email="ANA.LIMA@example.org ", name="Somebody Else")
    assert confirmed.status_code == 200 and _answer(confirmed) == _answer(new)
    [row] = await rows()
    assert row["name"] == "Ana Lima"  # a confirmed sign-up is not changed by a stranger
    repeat = (await messages())[-1]
    assert repeat["kind"] == "signup_repeat" and repeat["language"] == "fr"
    assert link(repeat, "/signup/my-data/")  # "you already signed up", with the link to one's data
    h = await public_headers(client)
    api_new = await client.post("/api/signup", json=api_form(email="new@example.org"), headers=h)
    api_known = await client.post("/api/signup", json=api_form(), headers=h)
    assert api_new.status_code == api_known.status_code == 200 and api_new.json() == api_known.json()
    # Mail to one address is limited: a stranger cannot fill a mailbox (the answer stays the same).
    for _ in range(3):
        assert (await sign_up(client)).status_code == 200
    assert len([m for m in await messages() if m["recipient"] == EMAIL]) == 3
    assert len(await rows()) == 2


# -- the honeypot and the per-address limit -------------------------------------------------------


async def test_honeypot_answers_as_usual_and_stores_nothing(client: httpx.AsyncClient) -> None:
    real = await sign_up(client, email="real@example.org")
    bot = await sign_up(client, website="http://spam.example")
    assert bot.status_code == 200 and "Look in your mailbox" in bot.text
    assert _answer(bot) == _answer(real)
    h = await public_headers(client)
    api = await client.post("/api/signup", json=api_form(website="x"), headers=h)
    assert api.status_code == 200
    assert [r["email"] for r in await rows()] == ["real@example.org"]
    assert {m["recipient"] for m in await messages()} == {"real@example.org"}
    bad_bot = await sign_up(client, website="x", email="not an address")  # answered as if it worked
    assert bad_bot.status_code == 200


async def test_rate_limit_per_client_address(client: httpx.AsyncClient, settings: Settings) -> None:
    settings.signup_rate_limit = 3
    for i in range(3):
        assert (await sign_up(client, email=f"p{i}@example.org")).status_code == 200
    refused = await sign_up(client, email="p3@example.org", name="Kept Name")
    assert refused.status_code == 429 and "Too many sign-ups" in refused.text
    assert 'value="Kept Name"' in refused.text  # nothing typed is lost
    h = await public_headers(client)
    api = await client.post("/api/signup", json=api_form(email="p4@example.org"), headers=h)
    assert api.status_code == 429 and int(api.headers["retry-after"]) > 0
    assert (await client.post("/api/signup/my-data", json={"email": EMAIL}, headers=h)).status_code == 429
    assert len(await rows()) == 3


# -- unsubscribe -------------------------------------------------------------------------------


async def test_unsubscribe_with_one_click_records_the_withdrawal(client: httpx.AsyncClient) -> None:
    await sign_up(client)
    confirm_path = link((await messages())[-1], "/signup/confirm/")
    await post_form(client, confirm_path, confirm_path, {})
    off = link((await messages())[-1], "/signup/unsubscribe/")
    page = await client.get(off)
    assert page.status_code == 200 and "Ana Lima" in page.text and (await rows())[0]["subscribed"]
    # The mail client's one-click POST (RFC 8058): no cookie, no CSRF token.
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as mail_client:
        clicked = await mail_client.post(off, data={"List-Unsubscribe": "One-Click"})
    assert clicked.status_code == 200
    [row] = await rows()
    assert not row["subscribed"] and row["status"] == "confirmed"
    consents = await fetch("SELECT event, via FROM signup_consent ORDER BY id")
    assert consents[-1] == {"event": "withdrawn", "via": "one-click"}
    h = await public_headers(client)
    again = await client.post("/api/signup/unsubscribe", json={"token": off.rsplit("/", 1)[1]}, headers=h)
    assert again.status_code == 200 and again.json() == {"changed": False}
    assert [a["action"] for a in await audit()].count("signup.unsubscribed") == 1
    assert (await client.get("/signup/unsubscribe/1.forged")).status_code == 404
    forged = await client.post("/api/signup/unsubscribe", json={"token": "1.abc"}, headers=h)
    assert forged.status_code == 404
    # Signing up after unsubscribing asks for a confirmation again (and records consent again).
    await sign_up(client)
    assert (await messages())[-1]["kind"] == "signup_confirm"


# -- see and delete one's data -------------------------------------------------------------------


async def test_see_and_delete_ones_data_without_an_oracle(client: httpx.AsyncClient) -> None:
    await sign_up(client)
    unknown = await post_form(client, "/signup/my-data", "/signup/my-data", {"email": "nobody@example.org"})
    known = await post_form(client, "/signup/my-data", "/signup/my-data", {"email": EMAIL})
    assert unknown.status_code == known.status_code == 200
    assert _answer(unknown) == _answer(known)
    assert [m["recipient"] for m in await messages("signup_data")] == [EMAIL]
    path = link((await messages("signup_data"))[-1], "/signup/my-data/")
    page = await client.get(path)
    assert page.status_code == 200
    for shown in ("Ana Lima", "Chief Superintendent", "Polícia Civil", "Brazil", EMAIL, "Strategic priorities"):
        assert shown in page.text, shown
    assert "signup-privacy-" in page.text  # the consent's text version
    h = await public_headers(client)
    token = path.rsplit("/", 1)[1]
    seen = await client.post("/api/signup/my-data/view", json={"token": token}, headers=h)
    assert seen.status_code == 200 and seen.json()["signup"]["email"] == EMAIL
    assert [c["event"] for c in seen.json()["consents"]] == ["given"]
    assert {m["kind"] for m in seen.json()["messages"]} == {"signup_confirm", "signup_data"}

    deleted = await post_form(client, path, f"{path}/delete", {})
    assert deleted.status_code == 200 and "deleted" in deleted.text
    assert await rows() == [] and await fetch("SELECT * FROM signup_consent") == []
    assert await messages() == []
    assert (await client.get(path)).status_code == 404
    assert (await client.post("/api/signup/my-data/delete", json={"token": token}, headers=h)).status_code == 404
    trail = await audit()
    assert trail[-1]["action"] == "signup.deleted"
    assert EMAIL not in json.dumps([dict(a) for a in trail], default=str)
    # A data link expires.
    await sign_up(client, email="b@example.org")
    await post_form(client, "/signup/my-data", "/signup/my-data", {"email": "b@example.org"})
    later = link((await messages("signup_data"))[-1], "/signup/my-data/")
    await execute("UPDATE signup SET access_expires_at = now() - interval '1 second'")
    assert (await client.get(later)).status_code == 404


# -- staff's review: guards, conflicts, problems ---------------------------------------------------


async def _confirmed(client: httpx.AsyncClient, email: str) -> int:
    h = await public_headers(client)
    assert (await client.post("/api/signup", json=api_form(email=email), headers=h)).status_code == 200
    message = [m for m in await messages("signup_confirm") if m["recipient"] == email][-1]
    token = link(message, "/signup/confirm/").rsplit("/", 1)[1]
    done = await client.post("/api/signup/confirm", json={"token": token}, headers=h)
    assert done.status_code == 200
    return int(done.json()["id"])


async def test_staff_review_guards_and_problems(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=2)
    kept = await _confirmed(client, "keep@example.org")
    taken = await _confirmed(client, world.partner_emails[0])  # already a partner contact
    h = await public_headers(client)
    # Anonymous visitors and partners reach neither the page nor the API.
    assert (await client.get("/api/signups")).status_code == 401
    assert (await client.post(f"/api/signups/{kept}/review", json={"decision": "keep"}, headers=h)).status_code == 401
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        await sign_in(partner, world.partner_emails[1], PARTNER_PASSWORD)
        assert (await partner.get("/staff/signups")).status_code == 403
        assert (await partner.get("/api/signups")).status_code == 403
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as staff:
        hs = await staff_headers(staff)
        listed = (await staff.get("/api/signups")).json()
        assert {s["id"] for s in listed["waiting"]} == {kept, taken}
        no_force = await staff.post(f"/api/signups/{kept}/review", json={"decision": "approve"}, headers=hs)
        assert no_force.status_code == 422 and no_force.json()["extra"][0]["key"] == "force"
        unknown = await staff.post(f"/api/signups/{kept}/review", json={"decision": "maybe"}, headers=hs)
        assert unknown.status_code == 422 and unknown.json()["extra"][0]["key"] == "decision"
        exists = await staff.post(
            f"/api/signups/{taken}/review", json={"decision": "approve", "force": world.force_ids[0]}, headers=hs
        )
        assert exists.status_code == 422 and exists.json()["extra"][0]["key"] == "email"
        page = await post_form(staff, "/staff/signups", f"/staff/signups/{taken}", {"decision": "approve", "force": ""})
        assert page.status_code == 400 and "Choose the force this contact belongs to." in page.text
        ok = await staff.post(f"/api/signups/{kept}/review", json={"decision": "keep"}, headers=hs)
        assert ok.status_code == 200 and ok.json()["status"] == "subscriber"
        twice = await staff.post(f"/api/signups/{kept}/review", json={"decision": "reject"}, headers=hs)
        assert twice.status_code == 409
        assert (await staff.post("/api/signups/9999/review", json={"decision": "keep"}, headers=hs)).status_code == 404
        rejected = await post_form(staff, "/staff/signups", f"/staff/signups/{taken}", {"decision": "reject"})
        assert rejected.status_code == 303
    welcome = (await messages("signup_welcome"))[-1]
    assert welcome["recipient"] == "keep@example.org" and link(welcome, "/signup/unsubscribe/")
    assert [m for m in await messages() if m["kind"] == "signup_approved"] == []
    decided = await fetch(
        "SELECT action, actor_label FROM audit_event WHERE action IN ('signup.subscriber', 'signup.rejected')"
    )
    assert {d["action"] for d in decided} == {"signup.subscriber", "signup.rejected"}
    assert all(STAFF_EMAIL in d["actor_label"] for d in decided)
    row = await fetchrow("SELECT status, subscribed FROM signup WHERE id = $1", taken)
    assert row == {"status": "rejected", "subscribed": False}


async def test_public_pages_answer_bad_tokens_without_error(client: httpx.AsyncClient) -> None:
    for path in ("/signup/confirm/x", "/signup/my-data/x", "/signup/unsubscribe/x", "/signup/unsubscribe/12.x"):
        assert (await client.get(path)).status_code == 404, path
    for path in ("/about", "/signup", "/signup/my-data"):
        for lang in ("en", "fr", "es"):
            page = await client.get(path, headers={"accept-language": lang})
            assert page.status_code == 200 and f'<html lang="{lang}">' in page.text


async def test_previews_and_outbox_of_the_sign_up_messages(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    await sign_up(client)
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as staff:
        await sign_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
        for kind in ("signup_confirm", "signup_repeat", "signup_data", "signup_welcome", "signup_approved"):
            for language in ("en", "fr", "es"):
                got = await staff.get(f"/api/mail/previews/{kind}", params={"language": language})
                assert got.status_code == 200, got.text
                body = got.json()["body_text"] + got.json()["body_html"]
                assert got.json()["language"] == language and "PX" not in body.replace("Practice Exchange", "")
            assert (await staff.get("/staff/outbox/previews", params={"kind": kind, "lang": "es"})).status_code == 200
        outbox = await staff.get("/staff/outbox")
        assert "Sign-up: confirm the address" in outbox.text
        message_id = (await messages("signup_confirm"))[-1]["id"]
        read = (await staff.get(f"/api/outbox/{message_id}")).json()
        assert "/signup/confirm/" not in read["body_text"] and "sent only to the recipient" in read["body_text"]
