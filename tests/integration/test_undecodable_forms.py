"""A multipart form whose text field is not UTF-8 is the client's mistake: a 400 naming it,
never a 500 (Litestar's parser raises while reading the body, before any handler)."""

from __future__ import annotations

from pathlib import Path

import httpx

from backend.settings import Settings
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.test_api_rounds import api_client


async def test_a_form_part_that_is_not_utf8_is_a_400(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    await make_world(surveys_dir, forces=1)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    boundary = "xyz"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n'.encode()
        + b"\xff\xfe\xfa"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    answer = await client.post(
        "/api/library/reports",
        content=body,
        headers={**headers, "content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"] == "A form field is not valid UTF-8 text."
