"""Briefing packs in a real browser (issue 12): a partner clicks "Download briefing pack" on a
round's dashboard and gets a PDF of their force's pack; staff write the questions for
discussion on the round's briefing page (a refused one keeps what was typed) and download a
force's pack; the dashboard's print style sheet leaves the page's tools off paper. The pages pass
axe-core."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from tests.browser.conftest import Server, assert_accessible, new_page
from tests.browser.test_exchange import SECRET, published
from tests.browser.test_journey import sign_in
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD


def pdf_text(path: str) -> str:
    reader = PdfReader(io.BytesIO(Path(path).read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_partner_downloads_the_pack_and_staff_prepare_it(server: Server, browser: Any) -> None:
    world = server.run(lambda: published(SECRET))

    staff = new_page(browser)
    sign_in(staff, server.base_url, STAFF_EMAIL, STAFF_PASSWORD)
    staff.goto(f"{server.base_url}/dashboard")
    staff.locator("ul.link-list a").first.click()
    staff.get_by_role("link", name="Briefing packs: questions for discussion, and any force's pack").click()
    assert_accessible(staff, "the briefing packs' staff page")
    staff.locator("#questions_en").fill("Which approach would you try first?\n" + "Too long? " * 50)
    staff.get_by_role("button", name="Save the questions").click()
    assert "at most 400 characters" in staff.locator("#questions_en-error").inner_text()
    assert "Which approach would you try first?" in staff.locator("#questions_en").input_value()
    assert_accessible(staff, "the briefing page with an error")
    staff.locator("#questions_en").fill("Which approach would you try first?")
    staff.get_by_role("button", name="Save the questions").click()
    assert "are saved" in staff.content()
    staff.locator("#force").select_option(label="Force 2")
    with staff.expect_download() as staff_info:
        staff.get_by_role("button", name="Download the pack").click()
    staff_text = pdf_text(staff_info.value.path())
    assert "Confidential: for the use of Force 2 only." in staff_text

    partner = new_page(browser)
    sign_in(partner, server.base_url, world.partner_emails[0], PARTNER_PASSWORD)
    partner.goto(f"{server.base_url}/dashboard")
    partner.locator("ul.link-list a").first.click()
    # the dashboard on paper (its print style sheet): no header, navigation, group picker, tools or
    # download link; the charts and the summary are there
    assert partner.locator(".group-picker").is_visible() and partner.locator(".briefing-link").is_visible()
    partner.emulate_media(media="print")
    for hidden in (".site-header", ".group-picker", ".section-nav", ".chart-tools", ".briefing-link"):
        assert not partner.locator(hidden).first.is_visible(), hidden
    assert partner.locator("article.result").first.is_visible() and partner.locator("h1").is_visible()
    partner.emulate_media(media="screen")
    with partner.expect_download() as info:
        partner.get_by_role("link", name="Download briefing pack").click()
    download = info.value
    assert download.suggested_filename.startswith("briefing-round-") and download.suggested_filename.endswith("-en.pdf")
    text = pdf_text(download.path())
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    assert "Test round" in text and "Confidential: for the use of Force 0 only." in text
    assert "Key findings" in text and "Which approach would you try first?" in text
