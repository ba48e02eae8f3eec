"""JSON embedded in pages cannot end or change the element it is written into (issue 7,
item 10): a respondent's free text holding `</script>` or `<!--` stays data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from litestar import Litestar

from backend.responses.services import get_response
from backend.settings import Settings
from tests.factories import make_world, open_test_round
from tests.integration.conftest import post_form
from tests.integration.test_responses import revision_of, start_respondent

HOSTILE = "</script><script>alert(1)</script><!-- <script> \u2028\u2029 & ' \" </SCRIPT >"
_BLOCK = re.compile(r'<script type="application/json" id="answers-data">(.*?)</script', re.DOTALL | re.IGNORECASE)


async def test_answers_cannot_break_out_of_their_data_block(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    page = "/respond/section/barriers"
    revision = revision_of((await client.get(page)).text)
    saved = await post_form(client, page, page, {"change_wish": HOSTILE, "action": "draft", "revision": revision})
    assert saved.status_code == 303
    html = (await client.get(page)).text
    # The block ends where the HTML parser ends it: at the first `</script`, whatever the case.
    block = _BLOCK.search(html)
    assert block is not None
    text = block.group(1)
    assert "<" not in text and ">" not in text and "\u2028" not in text and "\u2029" not in text
    stored = (await get_response(round_id, world.force_ids[0])).answers
    assert json.loads(text) == stored and stored["change_wish"] == HOSTILE
    assert html.count("<script") == html.count("</script>")  # no element was opened by the answer


def test_the_tojson_filter_of_every_page_escapes(app: Litestar) -> None:
    """Every JSON in a page goes through the app's `tojson` (dashboard and trend figures too)."""
    value = {"label": HOSTILE, "n": [1, 2.5, None]}
    rendered = app.template_engine.engine.from_string("{{ value | tojson }}").render(value=value)  # type: ignore[union-attr]
    for raw in "<>&'\u2028\u2029":
        assert raw not in rendered, repr(raw)
    assert json.loads(rendered) == value
    templates = Path(__file__).resolve().parents[2] / "frontend" / "templates"
    for template in templates.rglob("*.html"):
        for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', template.read_text()):
            assert "| tojson" in block and "| safe" not in block, f"{template.name}: {block}"
