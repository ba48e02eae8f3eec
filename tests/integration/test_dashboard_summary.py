"""The round dashboard leads with what stands out for the viewer's force: its summary comes before
every chart, links to the charts' anchors, uses only figures the page shows, and is in the
reader's language; the section navigation, permalinks and download controls are on the page."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import httpx

from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, make_world
from tests.integration.conftest import sign_in
from tests.integration.test_publication import published_round, staff_client


def summary_of(page: str) -> str:
    start = page.index('data-testid="summary"')
    return page[start : page.index("</section>", start)]


async def test_summary_first_links_to_charts_in_english_and_french(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    await published_round(client, world, settings)
    second = await published_round(client, world, settings)
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        page = (await partner.get(f"/dashboard/rounds/{second}")).text
        assert "Where your force stands out" in page
        # first: before the section navigation and every chart
        assert page.index('data-testid="summary"') < page.index("data-section-nav") < page.index('class="result"')
        summary = summary_of(page)
        anchors = re.findall(r'href="#(result-[a-z0-9_]+)"', summary)
        assert anchors, "the seeded answers make some answer of force 1 stand out"
        ids = set(re.findall(r'<article class="result" id="(result-[a-z0-9_]+)"', page))
        assert set(anchors) <= ids
        # every number in the summary's sentences is shown on the page outside the summary
        rest = page.replace(summary, "")
        for item in re.findall(r"<br>(.*?)</li>", summary, flags=re.S):
            for n in re.findall(r"\d+(?:[.,]\d+)?", unescape(item)):
                assert n in rest, (n, item)
        # what changed since the first round: directions only, no number
        assert "Since the previous round" in summary
        changed = summary[summary.index("Since the previous round") :]
        sentences = [unescape(t) for t in re.findall(r"<br>(.*?)</li>", changed, flags=re.S)]
        assert sentences and not any(re.search(r"\d", t) for t in sentences)
        # the page's other features: sticky themes, a permalink and downloads per chart
        assert re.search(r'<nav class="contents section-nav" aria-label="Sections"', page)
        assert page.count("Link to this chart") == len(ids)
        assert 'data-download="png"' in page and 'data-download="svg"' in page
        # the same through the JSON API (in English)
        api = (await partner.get(f"/api/publications/{second}/summary")).json()
        assert (api["dimension"], api["value"]) == ("all", "all")
        assert [p["anchor"] for p in api["points"] + api["changed"]] == anchors
        assert all(unescape(p["text"]) in unescape(summary) for p in api["points"])
        mine = (await partner.get(f"/api/publications/{second}/summary?group=region:nowhere")).json()
        assert mine["dimension"] == "all"  # not one of the force's groups: all forces
        assert (await partner.get("/api/publications/999999/summary")).status_code == 404
        # in French: the summary's words and Babel's numbers
        fr = (await partner.get(f"/dashboard/rounds/{second}", headers={"accept-language": "fr"})).text
        assert '<html lang="fr"' in fr and "Où votre organisation se démarque" in fr
        fr_summary = summary_of(fr)
        assert set(re.findall(r'href="#(result-[a-z0-9_]+)"', fr_summary)) == set(anchors)
        assert "Your force" not in fr_summary and "Lien vers ce graphique" in fr
    # staff have no answers of their own: no summary
    staff = (await client.get(f"/api/publications/{second}/summary")).json()
    assert staff["points"] == [] and staff["changed"] == []
    assert 'data-testid="summary"' not in (await client.get(f"/dashboard/rounds/{second}")).text
