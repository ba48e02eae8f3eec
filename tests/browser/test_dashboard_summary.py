"""The round dashboard in a real browser: the summary of what stands out comes first and links to
its charts; the themes' navigation stays in view while scrolling and marks the current theme;
each chart downloads as PNG and SVG; printed, the navigation and buttons are gone and each
chart's table shows; and the page passes axe-core's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_journey import sign_in
from tests.browser.test_trends import two_published_rounds
from tests.factories import PARTNER_PASSWORD


def test_summary_navigation_downloads_and_print(server: Server, browser: Any, tmp_path: Path) -> None:
    world = server.run(lambda: two_published_rounds("browser-test-secret-key-0123456789"))
    partner = new_page(browser)
    errors: list[str] = []
    partner.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(partner, server.base_url, world.partner_emails[0], PARTNER_PASSWORD)
    partner.goto(f"{server.base_url}/dashboard")
    partner.locator("ul.link-list a").first.click()  # the latest round
    summary = partner.get_by_test_id("summary")
    assert summary.is_visible()
    assert summary.get_by_role("heading", name="Where your force stands out").is_visible()
    # the summary comes before every chart
    top = summary.bounding_box()["y"]
    assert top < partner.locator("article.result").first.bounding_box()["y"]
    partner.locator("article.result .chart").first.locator(".main-svg").first.wait_for()
    assert_accessible(partner, "round dashboard with its summary")

    # a summary item leads to its chart's permalink
    links = summary.locator("li a")
    assert links.count() > 0, "the seeded answers make some answer of force 1 stand out"
    target = links.first.get_attribute("href")
    links.first.click()
    assert partner.url.endswith(target)
    assert partner.locator(target).is_visible()

    # the section navigation stays in view far down the page, the current theme marked
    nav = partner.get_by_role("navigation", name="Sections")
    partner.locator("article.result").last.scroll_into_view_if_needed()
    partner.wait_for_function("() => window.scrollY > 1500")
    box = nav.bounding_box()
    assert nav.is_visible() and box is not None and 0 <= box["y"] < 5
    partner.wait_for_selector("[data-section-nav] a[aria-current='location']")
    assert nav.locator("a[aria-current='location']").count() == 1

    # each chart's permalink, and its image as PNG and SVG
    first = partner.locator("article.result").filter(has=partner.locator(".chart[data-drawn='true']")).first
    first.scroll_into_view_if_needed()
    permalink = first.get_by_role("link", name="Link to this chart")
    assert permalink.get_attribute("href") == "#" + first.get_attribute("id")
    for fmt in ("png", "svg"):
        with partner.expect_download() as found:
            first.get_by_role("button", name=f"Download as {fmt.upper()}").click()
        download = found.value
        assert download.suggested_filename.endswith("." + fmt)
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        data = saved.read_bytes()
        assert data.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in data[:200]

    # printed: no navigation or buttons; the chart and its table
    partner.emulate_media(media="print")
    assert not nav.is_visible()
    assert not first.get_by_role("button", name="Download as PNG").is_visible()
    assert first.locator(".chart").is_visible()
    assert first.locator("table").is_visible()
    partner.emulate_media(media="screen")
    assert nav.is_visible()
    assert not errors
