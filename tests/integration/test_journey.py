"""The whole journey over HTTP: staff open a round, respondents answer and submit, staff see
counts and summaries, close the round, preview what partners will see and publish with
confirmation; a partner sees a chart with their force marked and withheld groups marked alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

from backend.partners.services import set_peer_group
from backend.rounds.services import invitation_url, round_invitations
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, submit_random
from tests.integration.conftest import csrf_token, form_data, post_form, sign_in


async def answer_force_profile(client: httpx.AsyncClient, link_path: str) -> None:
    page = await client.get(link_path)
    assert page.status_code == 200
    assert "Start now" in page.text
    started = await client.post(link_path, data={"_csrf_token": csrf_token(page.text)})
    assert started.status_code == 303 and started.headers["location"] == "/respond"
    overview = await client.get("/respond")
    assert "About your force" in overview.text


async def test_staff_round_respond_publish_dashboard(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=8, survey="force-profile.yaml")
    # the round groups by the regions forces have when it opens: europe 4, latin america 3, africa 1
    await set_peer_group(world.force_ids[6], "region", "latin_america")
    await set_peer_group(world.force_ids[7], "region", "africa")

    # staff sign in and open a round for all eight forces
    signed = await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert signed.status_code == 303 and signed.headers["location"] == "/staff"
    form = await client.get("/staff/rounds/new")
    assert "Force 7" in form.text
    data = [
        ("title", "Profile 2027"),
        ("version", str(world.version_id)),
        ("min_group_size", "3"),
        ("closes_on", "2099-12-31"),
    ]
    data += [("forces", str(f)) for f in world.force_ids]
    created = await client.post("/staff/rounds", data=form_data(data, _csrf_token=csrf_token(form.text)))
    assert created.status_code == 303
    round_path = created.headers["location"]
    round_id = int(round_path.rsplit("/", 1)[1])

    # every invited contact has a personal link, visible to staff
    round_page = await client.get(round_path)
    links = re.findall(r'value="(http://test/r/[A-Za-z0-9_-]+)"', round_page.text)
    assert len(links) == 8

    # every respondent answers on the real pages (each in their own browser session)
    regions = ["europe"] * 4 + ["latin_america"] * 3 + ["africa"]
    for i, link in enumerate(links):
        async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as respondent:
            path = link.removeprefix("http://test")
            await answer_force_profile(respondent, path)
            section = await respondent.get("/respond/section/profile")
            assert section.status_code == 200, section.text[:500]
            revision = re.search(r'name="revision" value="(\d+)"', section.text).group(1)
            answers = {
                # europe (forces 0-3) and the rest each answer half national, half city
                "force_type": "national" if i in {0, 1, 4, 6} else "city",
                "size_band": "5000_19999",
                "region": regions[i],
                "population_served": "1 250 000",
                "has_drug_unit": "yes",
                "drug_enforcement_role": section_code(section.text, "drug_enforcement_role"),
            }
            saved = await respondent.post(
                "/respond/section/profile",
                data={**answers, "revision": revision, "action": "continue", "_csrf_token": csrf_token(section.text)},
            )
            assert saved.status_code == 303, saved.text[:2000]
            assert saved.headers["location"] == "/respond/check"
            check = await respondent.get("/respond/check")
            assert "1250000" in check.text.replace(" ", "") or "1,250,000" in check.text
            done = await respondent.post(
                "/respond/submit",
                data={
                    "revision": re.search(r'name="revision" value="(\d+)"', check.text).group(1),
                    "_csrf_token": csrf_token(check.text),
                },
            )
            assert done.status_code == 303 and done.headers["location"] == "/respond/done"

    # staff see counts and a per-question summary
    round_page = await client.get(round_path)
    assert 'data-testid="submitted-count">8<' in round_page.text
    assert 'id="summary-force_type"' in round_page.text
    # profile answers that differ from a force's groups wait for review (types and sizes here)
    assert "force-profile changes awaiting review" in (await client.get("/staff")).text

    # an open round cannot be published: staff close it, then preview
    preview = await client.get(f"{round_path}/preview")
    assert "Close the round before publishing" in preview.text
    assert f'action="/staff/rounds/{round_id}/publish"' not in preview.text
    closed = await post_form(client, round_path, f"{round_path}/close", {})
    assert closed.status_code == 303
    preview = await client.get(f"{round_path}/preview")
    assert preview.status_code == 200
    assert 'data-testid="preview-submitted">8<' in preview.text
    assert 'data-testid="suppression-report"' in preview.text
    assert "Fewer than 3 forces answered" in preview.text
    assert "Africa (1)" in preview.text  # the one African force, listed with the other small groups
    assert "Could be worked out from" in preview.text  # latin america would leave africa alone
    # publishing asks for confirmation
    refused = await post_form(client, f"{round_path}/preview", f"{round_path}/publish", {})
    assert refused.status_code == 400
    assert "Confirm that you have checked the preview" in refused.text
    assert (await client.get(f"/api/rounds/{round_id}/publications")).json() == []
    published = await post_form(client, f"{round_path}/preview", f"{round_path}/publish", {"confirm": "yes"})
    assert published.status_code == 303
    round_page = (await client.get(round_path)).text
    assert 'data-testid="versions"' in round_page and "(what partners see)" in round_page

    # a partner signs in and sees the chart with their own force marked
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        index = await partner.get("/dashboard")
        assert f"/dashboard/rounds/{round_id}" in index.text
        dash = await partner.get(f"/dashboard/rounds/{round_id}")
        assert dash.status_code == 200
        figure = figure_json(dash.text, "force_type")
        bar = figure["data"][0]
        own_index = bar["marker"]["color"].index("#d4351c")
        assert bar["y"][own_index].startswith("National police")  # force 0 answered national
        assert "your force" in bar["text"][own_index]
        # europe: 4 forces answering 2 and 2, shown; africa (1 force) withheld; latin america
        # (3) withheld too, or it would leave the African force alone in "all minus europe"
        europe = await partner.get(f"/dashboard/rounds/{round_id}?group=region:europe")
        assert "data-withheld" not in europe.text.split('id="result-force_type"')[1].split("</article>")[0]
        assert figure_json(europe.text, "force_type")["layout"]["title"]["text"].endswith("(n = 4)")
        api = (await partner.get(f"/api/publications/{round_id}")).json()
        by_region = {
            g["value"]: g
            for q in api["questions"]
            if q["id"] == "force_type"
            for g in q["groups"]
            if g["dimension"] == "region"
        }
        assert by_region["europe"]["forces"] == 4 and not by_region["europe"]["withheld"]
        # every configured region is listed, withheld ones alike: no n, no figures, no reason
        assert set(by_region) >= {"europe", "africa", "latin_america", "middle_east", "north_america"}
        for region in ("africa", "latin_america", "middle_east"):
            assert by_region[region] == {
                "dimension": "region",
                "value": region,
                "withheld": True,
                "forces": None,
                "figures": {},
            }
        assert "fewer than" not in json.dumps(api).lower() and "subtraction" not in json.dumps(api)
        # the partner sees their own answers, never another force's
        assert api["own_answers"]["region"] == "europe"
        assert "answers" not in json.dumps(api["questions"])


def section_code(html: str, question_id: str) -> str:
    """The first option code offered for a question on a page."""
    return re.search(rf'name="{question_id}" value="([^"]+)"', html).group(1)


def figure_json(html: str, question_id: str) -> dict:  # type: ignore[type-arg]
    match = re.search(rf'<script type="application/json" id="fig-{question_id}">(.*?)</script>', html, re.S)
    assert match, f"no chart for {question_id}"
    return json.loads(match.group(1))


async def test_staff_see_invitation_links_that_work(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=3)
    from tests.factories import open_test_round

    round_id = await open_test_round(world, settings.secret_key)
    invitations = await round_invitations(round_id)
    assert {i.email for i in invitations} == set(world.partner_emails)
    url = invitation_url(settings.base_url, settings.secret_key, invitations[0].nonce)
    assert (await client.get(url.removeprefix("http://test"))).status_code == 200
    await submit_random(round_id, world, world.force_ids[1:])
