"""E-mail digests of new posts in followed threads (docs/exchange.md, docs/mail.md), on the real
database and a real SMTP server on loopback: the choice (page and API, bad input refused by
field, audited), daily and weekly periods, no duplicate on a rerun, no attribution in the
delivered message, the recipient's own posts left out, nothing sent when nothing is new, and
the link that switches digests off."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from backend.audit.services import recent
from backend.database import execute, fetch
from backend.exchange.digest import send_digest, send_due_digests
from backend.mail import config as mail_config
from backend.mail.schemas import MessageKind
from backend.mail.services import preview
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD
from tests.integration.conftest import post_form, sign_in
from tests.integration.test_api_rounds import api_client
from tests.integration.test_exchange import client_like, published_world, threads_of
from tests.integration.test_mail import parts, work
from tests.mail_server import MailServer


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
    settings.smtp_host, settings.smtp_port, settings.smtp_timeout = "127.0.0.1", smtp.port, 5
    mail_config.configure(settings)
    return app


async def identities() -> list[str]:
    """Every partner's name and e-mail, and every force's name."""
    people = await fetch("SELECT name, email FROM person WHERE role = 'partner'")
    forces = await fetch("SELECT name FROM force")
    return [r["name"] for r in people] + [r["email"] for r in people] + [r["name"] for r in forces]


SUBJECT = "What is new in Practice Exchange"


def digests(smtp: MailServer, address: str | None = None) -> list[EmailMessage]:
    """The digests delivered (the round's invitations and notices go to the same server)."""
    return [m for m in (smtp.to(address) if address else smtp.messages) if m["Subject"] == SUBJECT]


def raw(message: EmailMessage) -> str:
    text, html = parts(message)
    return message.as_string() + text + html


async def test_digests_daily_and_weekly_without_attribution(
    mail_app, client: httpx.AsyncClient, smtp: MailServer, settings: Settings, surveys_dir: Path, database_dsn: str
) -> None:
    world, round_id = await published_world(settings, surveys_dir)
    alice_email, bob_email, carol_email = world.partner_emails[:3]
    async with client_like(client) as alice, client_like(client) as bob, client_like(client) as carol:
        ha = await api_client(alice, alice_email, PARTNER_PASSWORD)
        hb = await api_client(bob, bob_email, PARTNER_PASSWORD)
        hc = await api_client(carol, carol_email, PARTNER_PASSWORD)

        # The choice through the API: none by default; bad input refused, naming the field.
        assert (await alice.get("/api/account/digest")).json() == {"frequency": "none"}
        for bad in ({"frequency": "hourly"}, {"frequency": ""}, {"frequency": 3}, {}):
            refused = await alice.post("/api/account/digest", json=bad, headers=ha)
            assert refused.status_code in (400, 422), refused.text
        refused = await alice.post("/api/account/digest", json={"frequency": "hourly"}, headers=ha)
        assert refused.status_code == 422 and refused.json()["extra"][0]["key"] == "frequency"
        assert (await alice.get("/api/account/digest")).json() == {"frequency": "none"}
        chosen = await alice.post("/api/account/digest", json={"frequency": "daily"}, headers=ha)
        assert chosen.status_code == 200 and chosen.json() == {"frequency": "daily"}

        # The choice through the page (linked from the account page).
        assert "/account/digest/" in (await bob.get("/account")).text
        bad_page = await post_form(bob, "/account/digest/", "/account/digest/", {"frequency": "monthly"})
        assert bad_page.status_code == 400 and "daily, weekly or none" in bad_page.text
        assert (await bob.get("/api/account/digest")).json() == {"frequency": "none"}
        saved = await post_form(bob, "/account/digest/", "/account/digest/", {"frequency": "weekly"})
        assert saved.status_code in (200, 303)
        assert (await bob.get("/api/account/digest")).json() == {"frequency": "weekly"}
        assert 'value="weekly" checked' in (await bob.get("/account/digest/")).text
        chosen_events = [e for e in await recent(100) if e.action == "digest.chosen"]
        assert sorted(e.details["via"] for e in chosen_events) == ["api", "page"]

        chart, theme = await threads_of(alice, round_id)
        # Writing follows the thread. Alice and Bob write in the chart thread; Carol only in the
        # theme thread, which neither follows.
        assert (await alice.post(f"{chart}/posts", json={"body": "Alice wrote **this** first."}, headers=ha)).is_success
        assert (await bob.post(f"{chart}/posts", json={"body": "Bob replies with _detail_."}, headers=hb)).is_success
        assert (await bob.post(f"{chart}/posts", json={"body": "Bob again."}, headers=hb)).is_success
        assert (await carol.post(f"{theme}/posts", json={"body": "Carol on the theme."}, headers=hc)).is_success

    now = datetime.now(UTC)
    first = await send_due_digests(now)
    assert len(first) == 2  # Alice (daily) and Bob (weekly)
    # A rerun, or a second worker, sends nothing more.
    assert await send_due_digests(now) == []
    await execute("UPDATE exchange_digest SET last_period = ''")
    assert (
        await send_digest(int((await fetch("SELECT id FROM person WHERE email = $1", alice_email))[0]["id"]), now)
        is None
    )
    await work(database_dsn)
    assert len(digests(smtp)) == 2

    [to_alice] = digests(smtp, alice_email)
    text, html = parts(to_alice)
    assert "Bob replies with detail." in text and "Bob again." in text and "Bob again." in html
    assert "Post 2 in" in text and "Post 3 in" in text
    assert "What is new in the exchange since your last daily digest." in text
    assert "What is new in the exchange since your last weekly digest." in parts(digests(smtp, bob_email)[0])[0]
    assert "Alice wrote" not in text and "Carol" not in raw(to_alice)  # own posts; unfollowed threads
    assert "_detail_" not in text and "<em>" not in text
    [to_bob] = digests(smtp, bob_email)
    assert "Alice wrote this first." in parts(to_bob)[0] and "Bob again" not in raw(to_bob)

    # No attribution: no partner's name or e-mail, no force's name, except the recipient's own
    # (their address and greeting).
    names = await identities()
    for message, own in (
        (to_alice, ("Contact 0", alice_email, "Force 0")),
        (to_bob, ("Contact 1", bob_email, "Force 1")),
    ):
        body = raw(message)
        for identity in names:
            if identity not in own:
                assert identity not in body, identity
        assert "Force 0" not in body and "Force 1" not in body

    # The next day: Alice (daily) gets only what is new; Bob (weekly) nothing before next week.
    async with client_like(client) as bob:
        hb = await api_client(bob, bob_email, PARTNER_PASSWORD)
        assert (await bob.post(f"{chart}/posts", json={"body": "Bob on day two."}, headers=hb)).is_success
    day_two = now + timedelta(days=1)
    assert len(await send_due_digests(day_two)) == 1
    await work(database_dsn)
    second = digests(smtp, alice_email)[-1]
    assert len(digests(smtp, alice_email)) == 2 and len(digests(smtp, bob_email)) == 1
    assert "Bob on day two." in parts(second)[0] and "Bob again." not in parts(second)[0]

    # Nothing new: nothing sent.
    assert await send_due_digests(now + timedelta(days=2)) == []
    await work(database_dsn)
    assert len(digests(smtp)) == 3
    # A week on, Bob's weekly digest has what he has not seen, still not his own.
    assert len(await send_due_digests(now + timedelta(days=8))) == 0  # only his own post is new


async def test_switching_digests_off_with_the_link(
    mail_app, client: httpx.AsyncClient, smtp: MailServer, settings: Settings, surveys_dir: Path, database_dsn: str
) -> None:
    world, round_id = await published_world(settings, surveys_dir)
    alice_email, bob_email = world.partner_emails[:2]
    async with client_like(client) as alice, client_like(client) as bob:
        ha = await api_client(alice, alice_email, PARTNER_PASSWORD)
        hb = await api_client(bob, bob_email, PARTNER_PASSWORD)
        assert (await alice.post("/api/account/digest", json={"frequency": "weekly"}, headers=ha)).is_success
        chart, _ = await threads_of(alice, round_id)
        assert (await alice.post(f"{chart}/posts", json={"body": "Mine."}, headers=ha)).is_success
        assert (await bob.post(f"{chart}/posts", json={"body": "Theirs."}, headers=hb)).is_success
    # A thread Alice follows but may no longer see (its question is not in the published
    # results): its posts stay out of her digest.
    alice_id = (await fetch("SELECT id FROM person WHERE email = $1", alice_email))[0]["id"]
    bob_id = (await fetch("SELECT id FROM person WHERE email = $1", bob_email))[0]["id"]
    [hidden] = await fetch(
        "INSERT INTO exchange_thread (kind, round, subject, created_at) VALUES ('chart', $1, 'gone', now()) "
        "RETURNING id",
        round_id,
    )
    await execute(
        "INSERT INTO exchange_follow (person, thread, created_at) VALUES ($1, $2, now())", alice_id, hidden["id"]
    )
    await execute(
        "INSERT INTO exchange_post (thread, author, body, state, moderation_note, edited, created_at, updated_at) "
        "VALUES ($1, $2, 'Unseeable words.', 'visible', '', false, now(), now())",
        hidden["id"],
        bob_id,
    )
    assert len(await send_due_digests()) == 1
    await work(database_dsn)
    [digest] = digests(smtp, alice_email)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    off = digest["List-Unsubscribe"].strip().strip("<>").removeprefix("http://test")
    assert off.startswith("/digest/off/")
    text, html = parts(digest)
    assert off in text and off in html and "PXDIGESTOFFPX" not in text + html
    assert "Theirs." in text and "Mine." not in text and "Unseeable" not in text + html
    # Staff see it in the Outbox, its link withheld.
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert "Digest of what is new" in (await client.get("/staff/outbox", params={"kind": "digest"})).text
    [listed] = (await client.get("/api/outbox", params={"kind": "digest"})).json()["messages"]
    detail = (await client.get(f"/api/outbox/{listed['id']}")).json()
    assert "[link to switch digests off: sent only to the recipient]" in detail["body_text"]
    assert "/digest/off/" not in detail["body_text"]
    await client.post("/sign-out", data={})
    # An altered token: not found.
    assert (await client.get(off[:-2] + "xx")).status_code == 404
    assert (await client.post(off[:-2] + "xx", data={"List-Unsubscribe": "One-Click"})).status_code == 404
    # GET asks and changes nothing; the mail client's one-click POST switches off.
    page = await client.get(off)
    assert page.status_code == 200 and "Switch digests off" in page.text
    assert [r["frequency"] for r in await fetch("SELECT frequency FROM exchange_digest")] == ["weekly"]
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as mail_client:
        assert (await mail_client.post(off, data={"List-Unsubscribe": "One-Click"})).status_code == 200
        assert (await mail_client.post(off, data={})).status_code == 200  # again: no change, no error
    assert [r["frequency"] for r in await fetch("SELECT frequency FROM exchange_digest")] == ["none"]
    [event] = [e for e in await recent(50) if e.action == "digest.chosen" and e.details.get("via") == "one-click"]
    assert event.details["frequency"] == "none"
    assert await send_due_digests(datetime.now(UTC) + timedelta(days=8)) == []


async def test_previews_of_the_digest(mail_app, client: httpx.AsyncClient) -> None:
    for language, words in (("en", "Discussions"), ("fr", "Message 4 dans"), ("es", "Publicación 4 en")):
        shown = preview(MessageKind.DIGEST, language)
        assert words in shown.body_text and "/digest/off/EXAMPLE-TOKEN" in shown.body_text
        assert "PXDIGESTOFFPX" not in shown.body_text + shown.body_html


def _section(kind: str, more: int) -> dict[str, object]:
    item = {
        "thread_title": f"A {kind} item",
        "round_title": "Drug-market practice 2027",
        "url": f"http://test/{kind}",
        "number": 1,
        "day": datetime(2027, 2, 3, tzinfo=UTC).date(),
        "excerpt": "Short.",
    }
    return {"kind": kind, "items": [item], "more": more}


@pytest.mark.parametrize(
    ("language", "intro", "overflow"),
    [
        (
            "en",
            "What is new in the exchange since your last weekly digest.",
            ["and 3 more posts", "and 1 more note", "and 2 more meetings"],
        ),
        (
            "fr",
            "Les nouveautés de l’échange depuis votre dernier résumé hebdomadaire.",
            ["et 3 autres messages", "et 1 autre fiche", "et 2 autres réunions"],
        ),
        (
            "es",
            "Novedades del intercambio desde su último resumen semanal.",
            ["y 3 publicaciones más", "y 1 nota más", "y 2 reuniones más"],
        ),
    ],
)
def test_the_digest_speaks_of_each_section(language: str, intro: str, overflow: list[str]) -> None:
    """The opening sentence is about the whole exchange, and each section counts what it
    left out in its own words (posts, notes, meetings), in the recipient's language."""
    from backend.mail.compose import draw, mail_language

    sections = [_section("discussions", 3), _section("practice", 1), _section("meetings", 2)]
    subject, text, html = draw(
        MessageKind.DIGEST, mail_language(language), name="Alex", frequency="weekly", sections=sections
    )
    assert intro in text and intro in html and "Practice Exchange" in subject
    for words in overflow:
        assert words in text and words in html, words
