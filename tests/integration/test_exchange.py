"""Discussions under the Chatham House Rule (docs/exchange.md): posting, replying, editing,
deleting, reporting, moderating and notices, through pages and the JSON API, against the real
database; and the anonymity test, which fetches every partner-facing page and JSON route and
finds no author's identity in any of them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar

from backend.audit.services import recent
from backend.partners.services import get_force
from backend.publication.services import close_round, publish
from backend.security.guards import requires_admin, requires_staff
from backend.settings import Settings
from tests.factories import (
    PARTNER_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    World,
    make_world,
    open_test_round,
    submit_random,
)
from tests.integration.conftest import post_form
from tests.integration.test_api_rounds import api_client

FORCES = 6


async def published_world(settings: Settings, surveys_dir: Path) -> tuple[World, int]:
    world = await make_world(surveys_dir, forces=FORCES)
    round_id = await open_test_round(world, settings.secret_key)
    await submit_random(round_id, world, world.force_ids)
    await close_round(round_id, world.staff)
    await publish(round_id, world.staff)
    return world, round_id


def client_like(client: httpx.AsyncClient) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=client._transport, base_url="http://test")


async def threads_of(client: httpx.AsyncClient, round_id: int) -> tuple[str, str]:
    """A chart thread's and a theme thread's API paths."""
    listed = (await client.get(f"/api/exchange/rounds/{round_id}/threads")).json()
    chart = next(t for t in listed if t["kind"] == "chart")
    theme = next(t for t in listed if t["kind"] == "theme")
    return f"/api{chart['path']}", f"/api{theme['path']}"


async def test_partners_discuss_without_attribution(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world, round_id = await published_world(settings, surveys_dir)
    async with client_like(client) as alice, client_like(client) as bob, client_like(client) as staff:
        ha = await api_client(alice, world.partner_emails[0], PARTNER_PASSWORD)
        hb = await api_client(bob, world.partner_emails[1], PARTNER_PASSWORD)
        await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        chart, theme = await threads_of(alice, round_id)

        first = await alice.post(f"{chart}/posts", json={"body": "We moved to **focused deterrence**."}, headers=ha)
        assert first.status_code == 201, first.text
        post = first.json()
        assert post["own"] is True and post["editable"] is True and "author" not in post
        assert "<strong>focused deterrence</strong>" in post["html"]
        reply = await bob.post(
            f"{chart}/posts", json={"body": "How did you measure it?", "reply_to": post["id"]}, headers=hb
        )
        assert reply.status_code == 201 and reply.json()["reply_to"] == 1

        # Bob sees Alice's post as nobody's; his own as his.
        seen = (await bob.get(chart)).json()
        assert [(p["number"], p["own"], p.get("author")) for p in seen["posts"]] == [(1, False, None), (2, True, None)]
        assert seen["following"] is True  # writing follows the thread
        # Staff see who wrote each post.
        moderated = (await staff.get(chart)).json()
        assert [p["author"]["email"] for p in moderated["posts"]] == world.partner_emails[:2]
        assert moderated["posts"][0]["author"]["force"] == "Force 0"

        # Alice followed by writing: Bob's reply is a notice to her, without attribution.
        notices = (await alice.get("/api/exchange/notices")).json()
        assert len(notices) == 1 and notices[0]["post_number"] == 2 and notices[0]["read"] is False
        assert set(notices[0]) == {"id", "thread_title", "round_title", "path", "post_number", "date", "read"}
        assert (await alice.post("/api/exchange/notices/read", headers=ha)).json() == {"ok": True, "count": 1}
        assert (await alice.get("/api/exchange/notices")).json()[0]["read"] is True
        # Unfollowing: no more notices.
        assert (await alice.post(f"{chart}/follow", json={"follow": False}, headers=ha)).status_code == 200
        await bob.post(f"{chart}/posts", json={"body": "Anyone else?"}, headers=hb)
        assert len((await alice.get("/api/exchange/notices")).json()) == 1

        # Editing: only the author; deleting leaves a tombstone.
        edited = await alice.post(f"/api/exchange/posts/{post['id']}/edit", json={"body": "Changed."}, headers=ha)
        assert edited.status_code == 200 and edited.json()["edited"] is True
        assert (
            await bob.post(f"/api/exchange/posts/{post['id']}/edit", json={"body": "x"}, headers=hb)
        ).status_code == 403
        assert (await bob.post(f"/api/exchange/posts/{post['id']}/delete", headers=hb)).status_code == 403
        assert (await alice.post(f"/api/exchange/posts/{post['id']}/delete", headers=ha)).status_code == 200
        tomb = (await bob.get(chart)).json()["posts"][0]
        assert tomb["state"] == "deleted" and tomb["html"] == "" and "markdown" not in tomb

        # Theme threads work the same way.
        assert (await bob.post(f"{theme}/posts", json={"body": "On strategy."}, headers=hb)).status_code == 201

    actions = [e.action for e in await recent(200)]
    for action in ("exchange.post.created", "exchange.post.edited", "exchange.post.deleted"):
        assert action in actions


async def test_bad_input_changes_nothing(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world, round_id = await published_world(settings, surveys_dir)
    headers = await api_client(client, world.partner_emails[0], PARTNER_PASSWORD)
    chart, theme = await threads_of(client, round_id)

    empty = await client.post(f"{chart}/posts", json={"body": "   "}, headers=headers)
    assert empty.status_code == 422 and empty.json()["extra"][0]["key"] == "body"
    long = await client.post(f"{chart}/posts", json={"body": "x" * 10_001}, headers=headers)
    assert long.status_code == 422 and long.json()["extra"][0]["key"] == "body"
    # The soft identity check: the author's force, another person's name or e-mail.
    for text in (
        "At Force 0 we did this.",
        "Ask Contact 3 about it.",
        "Write to contact2@force2.example.org.",
        "Write to nobody@unregistered.example.net.",  # any address: no registry oracle
    ):
        warned = await client.post(f"{chart}/posts", json={"body": text}, headers=headers)
        assert warned.status_code == 422, text
        assert warned.json()["extra"][0]["key"] == "confirm"
    assert (await client.get(chart)).json()["posts"] == []
    assert [e.action for e in await recent(50)].count("exchange.identity_warning") == 4
    confirmed = await client.post(
        f"{chart}/posts", json={"body": "At Force 0 we did this.", "confirm": True}, headers=headers
    )
    assert confirmed.status_code == 201
    # A reply to a post of another thread.
    elsewhere = await client.post(
        f"{theme}/posts", json={"body": "x", "reply_to": confirmed.json()["id"]}, headers=headers
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["extra"][0]["key"] == "reply_to"
    assert (
        await client.post(f"/api/exchange/posts/{confirmed.json()['id']}/report", json={"reason": " "}, headers=headers)
    ).status_code == 422
    # Unknown threads and posts, unpublished rounds.
    assert (await client.get(f"/api/exchange/rounds/{round_id}/charts/no_such_question")).status_code == 404
    assert (await client.get(f"/api/exchange/rounds/{round_id}/meetings/1")).status_code == 404
    assert (await client.get("/api/exchange/rounds/99999/threads")).status_code == 404
    assert (
        await client.post("/api/exchange/posts/99999/report", json={"reason": "x"}, headers=headers)
    ).status_code == 404
    unpublished = await open_test_round(world, settings.secret_key)
    assert (await client.get(f"/api/exchange/rounds/{unpublished}/threads")).status_code == 404
    assert (await client.get(f"/exchange/rounds/{unpublished}/themes/strategy")).status_code == 404


async def test_the_edit_window_closes(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    settings.exchange_edit_minutes = 0
    world, round_id = await published_world(settings, surveys_dir)
    headers = await api_client(client, world.partner_emails[0], PARTNER_PASSWORD)
    chart, _ = await threads_of(client, round_id)
    post = (await client.post(f"{chart}/posts", json={"body": "First."}, headers=headers)).json()
    assert post["editable"] is False
    late = await client.post(f"/api/exchange/posts/{post['id']}/edit", json={"body": "Second."}, headers=headers)
    assert late.status_code == 409
    assert "First." in (await client.get(chart)).json()["posts"][0]["html"]


async def test_reports_and_moderation(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world, round_id = await published_world(settings, surveys_dir)
    async with client_like(client) as alice, client_like(client) as bob, client_like(client) as staff:
        ha = await api_client(alice, world.partner_emails[0], PARTNER_PASSWORD)
        hb = await api_client(bob, world.partner_emails[1], PARTNER_PASSWORD)
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        chart, _ = await threads_of(alice, round_id)
        one = (await alice.post(f"{chart}/posts", json={"body": "Rude words."}, headers=ha)).json()
        two = (await alice.post(f"{chart}/posts", json={"body": "Our chief said so."}, headers=ha)).json()
        for post in (one, two):
            assert (
                await bob.post(f"/api/exchange/posts/{post['id']}/report", json={"reason": "Not kind"}, headers=hb)
            ).status_code == 200
        # Partners cannot moderate.
        assert (await bob.get("/api/exchange/moderation")).status_code == 403
        assert (
            await bob.post(
                f"/api/exchange/moderation/posts/{one['id']}", json={"action": "hide", "reason": "x"}, headers=hb
            )
        ).status_code == 403

        queue = (await staff.get("/api/exchange/moderation")).json()
        assert [q["post"]["id"] for q in queue] == [one["id"], two["id"]]
        assert queue[0]["post"]["author"]["email"] == world.partner_emails[0]
        assert queue[0]["reports"][0]["reason"] == "Not kind"
        no_reason = await staff.post(f"/api/exchange/moderation/posts/{one['id']}", json={"action": "hide"}, headers=hs)
        assert no_reason.status_code == 422 and no_reason.json()["extra"][0]["key"] == "reason"
        hide = {"action": "hide", "reason": "Insulting"}
        assert (
            await staff.post(f"/api/exchange/moderation/posts/{one['id']}", json=hide, headers=hs)
        ).status_code == 200
        redact = {"action": "redact", "reason": "Named a person", "body": "Our [senior officer] said so."}
        assert (
            await staff.post(f"/api/exchange/moderation/posts/{two['id']}", json=redact, headers=hs)
        ).status_code == 200
        assert (await staff.get("/api/exchange/moderation")).json() == []

        posts = (await bob.get(chart)).json()["posts"]
        assert (posts[0]["state"], posts[0]["html"], posts[0]["note"]) == ("hidden", "", "Insulting")
        assert (
            posts[1]["state"] == "redacted"
            and "senior officer" in posts[1]["html"]
            and posts[1]["note"] == "Named a person"
        )
        page = (await bob.get(chart.removeprefix("/api"))).text
        assert "Hidden by moderators: Insulting" in page and "Redacted by moderators: Named a person" in page
        assert "Rude words" not in page and "chief" not in page
        # A moderated post cannot be changed by its author any more.
        assert (
            await alice.post(f"/api/exchange/posts/{two['id']}/edit", json={"body": "x"}, headers=ha)
        ).status_code == 409

    actions = [(e.action, e.subject) for e in await recent(200)]
    assert ("exchange.post.hidden", f"exchange_post:{one['id']}") in actions
    assert ("exchange.post.redacted", f"exchange_post:{two['id']}") in actions
    assert ("exchange.post.reported", f"exchange_post:{one['id']}") in actions


async def test_pages_post_reply_warn_and_moderate(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world, round_id = await published_world(settings, surveys_dir)
    async with client_like(client) as alice, client_like(client) as staff:
        await api_client(alice, world.partner_emails[0], PARTNER_PASSWORD)
        await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        # The dashboard links each chart to its discussion.
        dashboard = (await alice.get(f"/dashboard/rounds/{round_id}")).text
        link = re.search(rf'href="(/exchange/rounds/{round_id}/charts/[^"]+)"', dashboard)
        assert link, "no discussion link on the dashboard"
        assert f'href="/exchange/rounds/{round_id}"' in dashboard  # the round's discussions, by theme
        path = link.group(1)
        page = await alice.get(path)
        assert page.status_code == 200 and "Do not name your force" in page.text

        warned = await post_form(alice, path, path, {"body": "At Force 0 we tried it."})
        assert warned.status_code == 200 and "Force 0" in warned.text and 'name="confirm"' in warned.text
        assert "At Force 0 we tried it." in warned.text  # the text is kept
        assert "Nobody has written here yet." in warned.text
        posted = await post_form(alice, path, path, {"body": "We tried it.", "confirm": ""})
        assert posted.status_code == 303
        shown = (await alice.get(path)).text
        assert "We tried it." in shown and "Your post" in shown
        post_id = int(re.search(r'id="post-(\d+)"', shown).group(1))  # type: ignore[union-attr]
        edit_page = await alice.get(f"/exchange/posts/{post_id}/edit")
        assert edit_page.status_code == 200 and "We tried it." in edit_page.text
        edited = await post_form(
            alice, f"/exchange/posts/{post_id}/edit", f"/exchange/posts/{post_id}/edit", {"body": "We tried it twice."}
        )
        assert edited.status_code == 303 and "We tried it twice." in (await alice.get(path)).text
        french = (await alice.get(path, headers={"accept-language": "fr"})).text
        assert "Règle de Chatham House" in french and "Écrire une contribution" in french
        reply_page = (await alice.get(f"{path}?reply_to={post_id}")).text
        assert "Reply to post 1" in reply_page
        replied = await post_form(alice, path, path, {"body": "And it worked.", "reply_to": str(post_id)})
        assert replied.status_code == 303
        assert "in reply to post 1" in (await alice.get(path)).text

        reported = await post_form(alice, path, f"/exchange/posts/{post_id}/report", {"reason": "Test"})
        assert reported.status_code == 303
        queue = (await staff.get("/staff/exchange")).text
        assert "Contact 0" in queue and "Test" in queue
        decided = await post_form(
            staff, "/staff/exchange", f"/staff/exchange/posts/{post_id}", {"action": "hide", "reason": "Off topic"}
        )
        assert decided.status_code == 303
        assert "Hidden by moderators: Off topic" in (await alice.get(path)).text
        assert (await post_form(alice, path, f"{path}/unfollow", {})).status_code == 303
        assert "Follow: notices of new posts" in (await alice.get(path)).text
        assert (await alice.get("/exchange/notices")).status_code == 200
        assert (await alice.get(f"/exchange/rounds/{round_id}")).status_code == 200
        assert (await alice.get("/exchange")).status_code == 200


def _fill(path: str, values: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        return str(values.get(name, 1 if kind == "int" else "x"))

    return re.sub(r"\{(\w+)(?::(\w+))?\}", one, path)


def _staff_only(app: Litestar, route: Any, handler: Any) -> bool:
    guards = handler.resolve_guards()
    return requires_staff in guards or requires_admin in guards


def partner_get_paths(app: Litestar, values: list[dict[str, Any]]) -> list[str]:
    """Every GET route of the app a partner might reach (not staff-only, not static files),
    with its path parameters filled in from each of `values`."""
    paths: set[str] = set()
    for route in app.routes:
        if route.path.startswith(("/staff", "/static", "/vendor", "/schema")):
            continue
        for handler in getattr(route, "route_handlers", []):
            if "GET" not in handler.http_methods or _staff_only(app, route, handler):
                continue
            for v in values:
                paths.add(_fill(route.path, v))
    return sorted(paths)


async def test_no_partner_facing_output_names_an_author(
    app: Litestar, client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    """The anonymity test of issue 12: several partners and a member of staff write (posts,
    replies, a deleted and a moderated post); another partner then fetches every GET route
    that is not staff-only — pages and JSON, the dashboard, discussions, notices — and no
    author's name, e-mail, force name or force code appears in any answer."""
    world, round_id = await published_world(settings, surveys_dir)
    authors = list(range(3))  # partners 0, 1, 2 write; partner 5 reads
    reader = FORCES - 1
    post_ids: list[int] = []
    async with client_like(client) as staff:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        listed = (await staff.get(f"/api/exchange/rounds/{round_id}/threads")).json()
        chart = next(t for t in listed if t["kind"] == "chart")
        theme = next(t for t in listed if t["kind"] == "theme")
        async with client_like(client) as reading:
            hr = await api_client(reading, world.partner_emails[reader], PARTNER_PASSWORD)
            for t in (chart, theme):  # the reader follows both: notices of every post
                await reading.post(f"/api{t['path']}/follow", json={"follow": True}, headers=hr)
            for i in authors:
                async with client_like(client) as author:
                    h = await api_client(author, world.partner_emails[i], PARTNER_PASSWORD)
                    for t in (chart, theme):
                        made = await author.post(
                            f"/api{t['path']}/posts",
                            json={
                                "body": f"Point {i}: what worked for us.",
                                "reply_to": post_ids[-1] if post_ids else None,
                            }
                            if t is chart
                            else {"body": f"Theme point {i}."},
                            headers=h,
                        )
                        assert made.status_code == 201, made.text
                        post_ids.append(made.json()["id"]) if t is chart else None
                    if i == 1:
                        await author.post(f"/api/exchange/posts/{post_ids[-1]}/delete", headers=h)
                    if i == 2:
                        await author.post(
                            f"/api/exchange/posts/{post_ids[0]}/report", json={"reason": "check"}, headers=h
                        )
            staff_post = await staff.post(f"/api{chart['path']}/posts", json={"body": "Staff note."}, headers=hs)
            assert staff_post.status_code == 201
            await staff.post(
                f"/api/exchange/moderation/posts/{post_ids[0]}",
                json={"action": "redact", "reason": "tidy", "body": "Point 0."},
                headers=hs,
            )

            # A meeting's and a report's threads (issue 12, item 4): the authors write there too,
            # and register for the meeting (partners never see who else registered).
            meeting_id, report_id = await _meeting_and_report(staff, hs, world)
            roundless = [f"/exchange/meetings/{meeting_id}", f"/exchange/reports/{report_id}"]
            for path in roundless:
                await reading.post(f"/api{path}/follow", json={"follow": True}, headers=hr)
            for i in authors:
                async with client_like(client) as author:
                    h = await api_client(author, world.partner_emails[i], PARTNER_PASSWORD)
                    assert (await author.post(f"/api/meetings/{meeting_id}/register", headers=h)).status_code == 200
                    for path in roundless:
                        made = await author.post(f"/api{path}/posts", json={"body": f"Roundless {i}."}, headers=h)
                        assert made.status_code == 201, made.text

            secrets: dict[str, str] = {}
            for i in authors:
                force = await get_force(world.force_ids[i])
                assert force is not None
                secrets.update({force.name: f"force {i} name", force.code: f"force {i} code"})
                secrets[f"Contact {i}"] = f"author {i} name"
                secrets[world.partner_emails[i]] = f"author {i} e-mail"
            secrets.update({"Sam Staff": "staff author's name", STAFF_EMAIL: "staff author's e-mail"})

            _, chart_segment, chart_subject = chart["path"].rsplit("/", 2)
            _, theme_segment, theme_subject = theme["path"].rsplit("/", 2)
            values = [
                {
                    "round_id": round_id,
                    "segment": chart_segment,
                    "subject": chart_subject,
                    "post_id": pid,
                    "questionnaire_id": 1,
                    "version_id": world.version_id,
                    "force_id": world.force_ids[reader],
                }
                for pid in post_ids
            ] + [{"round_id": round_id, "segment": theme_segment, "subject": theme_subject, "post_id": post_ids[0]}]
            values += [
                {"subject_id": meeting_id, "meeting_id": meeting_id, "report_id": report_id},
                {"subject_id": report_id, "meeting_id": meeting_id, "report_id": report_id},
            ]
            paths = partner_get_paths(app, values)
            for must in (
                chart["path"],
                theme["path"],
                *roundless,
                f"/api{roundless[0]}",
                f"/meetings/{meeting_id}",
                f"/api/meetings/{meeting_id}",
                "/exchange/notices",
                "/api/exchange/notices",
                f"/dashboard/rounds/{round_id}",
            ):
                assert must in paths, must
            assert len((await reading.get("/api/exchange/notices")).json()) >= 6
            fetched = 0
            for path in paths:
                for query in ("", f"?reply_to={post_ids[0]}"):
                    answer = await reading.get(path + query)
                    fetched += 1
                    text = answer.text
                    for secret, what in secrets.items():
                        assert secret.lower() not in text.lower(), f"{path}{query} shows {what}"
                    if path in (chart["path"], f"/api{chart['path']}"):
                        # the posts are there (so the search above had something to find)
                        assert answer.status_code == 200 and "Point 2" in text and "Staff note." in text, path
                    if path in (*roundless, *(f"/api{p}" for p in roundless)):
                        assert answer.status_code == 200 and "Roundless 2." in text, path
                    if answer.headers.get("content-type", "").startswith("application/json"):
                        _no_identity_keys(json.loads(text), path)
            assert fetched > 20


async def _meeting_and_report(staff: httpx.AsyncClient, headers: dict[str, str], world: World) -> tuple[int, int]:
    """An announced meeting and a published report of the library (ids)."""
    from backend.demo.library import seed_library

    report_id = await seed_library(world.staff)
    meeting = {
        "title": {"en": "Peer exchange"},
        "starts_at": "2099-03-09T14:00",
        "ends_at": "2099-03-09T16:00",
        "timezone": "Europe/Paris",
        "place": "Lyon",
        "capacity": 2,
        "report_ids": [report_id],
    }
    made = await staff.post("/api/meetings", json=meeting, headers=headers)
    assert made.status_code == 201, made.text
    meeting_id = int(made.json()["id"])
    assert (await staff.post(f"/api/meetings/{meeting_id}/announce", headers=headers)).status_code == 200
    return meeting_id, report_id


def _no_identity_keys(value: Any, path: str) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            assert key not in {"author", "author_id", "person_id", "force_id", "reporter"} or path.startswith(
                "/api/account"
            ), (path, key)
            _no_identity_keys(inner, path)
    elif isinstance(value, list):
        for inner in value:
            _no_identity_keys(inner, path)


async def test_every_exchange_route_is_documented(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    ours = {p: ops for p, ops in paths.items() if p.startswith("/api/exchange")}
    assert set(ours) == {
        "/api/exchange",
        "/api/exchange/rounds/{round_id}/threads",
        "/api/exchange/rounds/{round_id}/{segment}/{subject}",
        "/api/exchange/rounds/{round_id}/{segment}/{subject}/posts",
        "/api/exchange/rounds/{round_id}/{segment}/{subject}/follow",
        "/api/exchange/meetings/{subject_id}",
        "/api/exchange/meetings/{subject_id}/posts",
        "/api/exchange/meetings/{subject_id}/follow",
        "/api/exchange/reports/{subject_id}",
        "/api/exchange/reports/{subject_id}/posts",
        "/api/exchange/reports/{subject_id}/follow",
        "/api/exchange/posts/{post_id}/edit",
        "/api/exchange/posts/{post_id}/delete",
        "/api/exchange/posts/{post_id}/report",
        "/api/exchange/notices",
        "/api/exchange/notices/read",
        "/api/exchange/moderation",
        "/api/exchange/moderation/posts/{post_id}",
    }
    for path, operations in ours.items():
        for method, op in operations.items():
            assert op.get("summary"), f"{method} {path} has no summary"
            ok = op["responses"].get("200") or op["responses"].get("201")
            assert ok and any(c.get("schema") for c in ok["content"].values()), f"{method} {path}"
            if method == "post":
                assert {"401", "403"} <= set(op["responses"]), f"{method} {path}"


async def test_the_index_lists_meeting_and_report_threads_under_their_guards(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    from backend.library.services import set_published

    world, round_id = await published_world(settings, surveys_dir)
    async with client_like(client) as staff, client_like(client) as reader:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        hr = await api_client(reader, world.partner_emails[0], PARTNER_PASSWORD)
        meeting_id, report_id = await _meeting_and_report(staff, hs, world)
        other = {"starts_at": "2099-04-09T14:00", "ends_at": "2099-04-09T16:00", "timezone": "UTC",
                 "place": "Rome", "capacity": 5}  # fmt: skip
        draft = await staff.post("/api/meetings", json={**other, "title": {"en": "Draft meeting"}}, headers=hs)
        cancelled = await staff.post("/api/meetings", json={**other, "title": {"en": "Called off"}}, headers=hs)
        draft_id, cancelled_id = draft.json()["id"], cancelled.json()["id"]
        assert (await staff.post(f"/api/meetings/{cancelled_id}/announce", headers=hs)).status_code == 200
        assert (await staff.post(f"/api/meetings/{cancelled_id}/cancel", headers=hs)).status_code == 200
        # Two posts in the meeting's thread, one in the report's, one on a chart of the round.
        chart, _theme = await threads_of(reader, round_id)
        for path in (f"/api/exchange/meetings/{meeting_id}/posts", f"/api/exchange/meetings/{meeting_id}/posts",
                     f"/api/exchange/reports/{report_id}/posts", f"{chart}/posts"):  # fmt: skip
            assert (await reader.post(path, json={"body": "Worth discussing."}, headers=hr)).status_code == 201, path

        for viewer in (reader, staff):
            listed = (await viewer.get("/api/exchange")).json()
            assert [(r["round_id"], r["posts"], r["path"]) for r in listed["rounds"]] == [
                (round_id, 1, f"/exchange/rounds/{round_id}")
            ]
            assert listed["meetings"] == [
                {"kind": "meeting", "subject": str(meeting_id), "title": "Peer exchange",
                 "path": f"/exchange/meetings/{meeting_id}", "posts": 2}
            ]  # fmt: skip
            assert [(r["subject"], r["posts"], r["path"]) for r in listed["reports"]] == [
                (str(report_id), 1, f"/exchange/reports/{report_id}")
            ]
        page = (await reader.get("/exchange")).text
        assert f'href="/exchange/meetings/{meeting_id}"' in page and f'href="/exchange/reports/{report_id}"' in page
        assert 'id="meetings"' in page and 'id="reports"' in page
        for hidden in ("Draft meeting", "Called off", f"/exchange/meetings/{draft_id}",
                       f"/exchange/meetings/{cancelled_id}"):  # fmt: skip
            assert hidden not in page, hidden
        french = (await reader.get("/exchange", headers={"accept-language": "fr"})).text
        assert "Réunions" in french and "Rapports" in french

        # An unpublished report leaves the index (and its thread is gone too).
        await set_published(report_id, False, world.staff)
        assert (await reader.get("/api/exchange")).json()["reports"] == []
        assert f"/exchange/reports/{report_id}" not in (await reader.get("/exchange")).text
        assert (await reader.get(f"/exchange/reports/{report_id}")).status_code == 404
