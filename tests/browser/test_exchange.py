"""Discussions in a real browser (issue 12): a partner opens a chart's discussion from the
dashboard, is warned when the text names their force, posts; another partner reads the post
with no attribution, replies and reports it; staff hide it from the moderation queue; the
author sees the moderators' note and a notice of the reply. Every page passes axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backend.publication.services import close_round, publish
from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.factories import (
    PARTNER_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    World,
    make_world,
    open_test_round,
    submit_random,
)

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
SECRET = "browser-test-secret-key-0123456789"


async def published(secret: str) -> World:
    world = await make_world(SURVEYS, forces=6)
    round_id = await open_test_round(world, secret)
    await submit_random(round_id, world, world.force_ids)
    await close_round(round_id, world.staff)
    await publish(round_id, world.staff)
    return world


def test_post_reply_report_and_moderate(server: Server, browser: Any) -> None:
    world = server.run(lambda: published(SECRET))
    author = new_page(browser)
    sign_in(author, server.base_url, world.partner_emails[0], PARTNER_PASSWORD)
    author.goto(f"{server.base_url}/dashboard")
    author.locator("ul.link-list a").first.click()
    author.locator("p.discuss a").first.click()
    assert "Do not name your force" in author.locator("#rule-reminder").inner_text()
    assert_accessible(author, "a discussion, empty")
    author.get_by_label("Your text").fill("At Force 0 we **stopped** counting arrests.")
    author.get_by_role("button", name="Post", exact=True).click()
    assert "Force 0" in author.locator("#identity-warning").inner_text()
    assert_accessible(author, "the identity warning")
    author.get_by_label("Your text").fill("We **stopped** counting arrests.")
    author.get_by_role("button", name="Post", exact=True).click()
    post = author.locator("article.post").first
    assert "your post" in post.inner_text().lower() and post.locator("strong", has_text="stopped").count() == 1
    thread_url = author.url.split("#")[0]

    peer = new_page(browser)
    sign_in(peer, server.base_url, world.partner_emails[1], PARTNER_PASSWORD)
    peer.goto(thread_url)
    seen = peer.locator("article.post").first.inner_text()
    assert "your post" not in seen.lower() and "Contact 0" not in seen and "Force 0" not in seen
    peer.get_by_role("link", name="Reply to post 1").click()
    assert peer.locator("h2#write").inner_text() == "Reply to post 1"
    peer.get_by_label("Your text").fill("How did you measure it instead?")
    peer.get_by_role("button", name="Post", exact=True).click()
    assert "in reply to post 1" in peer.locator("article.post").nth(1).inner_text()
    peer.locator("article.post").first.locator("summary").click()
    peer.get_by_label("Why should moderators look at this post?").first.fill("Please check")
    peer.get_by_role("button", name="Send the report").first.click()
    assert "moderators will look" in peer.locator("body").inner_text()
    assert_accessible(peer, "a discussion with posts")

    staff = new_page(browser)
    sign_in(staff, server.base_url, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(f"{server.base_url}/staff/exchange")
    queued = staff.locator("section.moderation-item").first
    assert "Contact 0" in queued.inner_text() and "Please check" in queued.inner_text()
    assert_accessible(staff, "the moderation queue")
    queued.get_by_label("Hide it").check()
    queued.get_by_label("Reason everyone will see").fill("Off topic")
    queued.get_by_role("button", name="Decide").click()
    assert "No reported posts." in staff.locator("main").inner_text()

    author.goto(thread_url)
    assert "Hidden by moderators: Off topic" in author.locator("article.post").first.inner_text()
    author.goto(f"{server.base_url}/exchange/notices")
    assert author.locator("ul.notices li").count() == 1
    assert "Contact 1" not in author.locator("main").inner_text()
    assert_accessible(author, "notices")
