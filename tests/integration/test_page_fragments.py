"""Questions on respondent pages are rendered once per questionnaire version, question,
language and answer, and kept (`web/fragments.py`, issue 10): what each respondent sees is
still their own answer, in their own language, at once after every save."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from litestar import Litestar

from backend.settings import Settings
from tests.factories import make_world, open_test_round
from tests.integration.conftest import csrf_token
from tests.integration.test_responses import revision_of, start_respondent

PAGE = "/respond/section/profile"
SIZE_LABEL = {
    "en": "How many people work for your organisation",
    "fr": "Combien de personnes votre organisation emploie-t-elle",
}


def _checked_size(html: str) -> list[str]:
    return re.findall(r'name="size_band" value="([^"]+)" checked', html)


async def _save_size(client: httpx.AsyncClient, size: str) -> None:
    page = (await client.get(PAGE)).text
    saved = await client.post(
        f"{PAGE}/autosave",
        data={"size_band": size, "revision": revision_of(page), "_csrf_token": csrf_token(page)},
    )
    assert saved.status_code == 200, saved.text


async def test_each_respondent_sees_their_own_answer_in_their_own_language(
    app: Litestar, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as a,
        httpx.AsyncClient(transport=transport, base_url="http://test") as b,
    ):
        await start_respondent(a, settings, round_id, world.force_ids[0])
        await start_respondent(b, settings, round_id, world.force_ids[1])
        for client in (a, b):  # nothing answered yet: the same question for both
            assert _checked_size((await client.get(PAGE)).text) == []
        await _save_size(a, "under_1000")
        await _save_size(b, "20000_plus")
        for _ in range(2):  # drawn, then kept
            assert _checked_size((await a.get(PAGE)).text) == ["under_1000"]
            assert _checked_size((await b.get(PAGE)).text) == ["20000_plus"]
        await _save_size(a, "1000_4999")
        assert _checked_size((await a.get(PAGE)).text) == ["1000_4999"]

        # The same answer in another language is another fragment.
        token = csrf_token((await b.get(PAGE)).text)
        switched = await b.post("/respond/language", data={"language": "fr", "back": PAGE, "_csrf_token": token})
        assert switched.status_code == 303
        french = (await b.get(PAGE)).text
        assert SIZE_LABEL["fr"] in french and SIZE_LABEL["en"] not in french
        assert _checked_size(french) == ["20000_plus"]
        english = (await a.get(PAGE)).text
        assert SIZE_LABEL["en"] in english and SIZE_LABEL["fr"] not in english

        # A page drawn again with an error shows what was typed (here: no option), not the
        # question as kept with the stored answer.
        page = (await a.get(PAGE)).text
        typed = {"size_band": "nonsense", "revision": revision_of(page), "action": "continue"}
        again = await a.post(PAGE, data={**typed, "_csrf_token": csrf_token(page)})
        assert again.status_code == 400
        assert _checked_size(again.text) == []
        assert _checked_size((await a.get(PAGE)).text) == ["1000_4999"]
