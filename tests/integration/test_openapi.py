"""The OpenAPI document: every JSON API route has a summary and typed schemas."""

from __future__ import annotations

import httpx


async def test_openapi_document(client: httpx.AsyncClient) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"]["title"] == "Practice Exchange API"
    paths = doc["paths"]
    assert {
        "/healthz",
        "/api/rounds",
        "/api/rounds/{round_id}/responses",
        "/api/publications",
        "/api/publications/{round_id}",
        "/api/profile-changes",
        "/api/profile-changes/{change_id}/approve",
        "/api/profile-changes/{change_id}/reject",
        "/respond/section/{section_id}/autosave",
        "/api/rounds/{round_id}",
        "/api/rounds/{round_id}/invitations",
        "/api/invitations/{invitation_id}/replace",
        "/api/forces",
        "/api/people",
        "/api/account",
        "/api/account/password",
        "/api/account/language",
        "/api/account/digest",
        "/api/questionnaires",
        "/api/questionnaires/{version_id}",
        "/api/audit",
        "/api/outbox/{message_id}/resend",
        "/api/rounds/{round_id}/forces/{force_id}/history",
        "/respond/api/colleagues",
        "/respond/api/history",
    } <= set(paths)
    assert "post" in paths["/api/rounds"] and "post" in paths["/api/forces"] and "post" in paths["/api/people"]
    # a value the page would refuse is a 422 that names each field
    invalid = paths["/api/rounds"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert invalid["$ref"].endswith("/InvalidInput")
    # Pages are not in the API document; autosave, and the respondent's JSON routes for working
    # with colleagues (`/respond/api/`), beside them, are.
    pages = [p for p in paths if p != "/respond/section/{section_id}/autosave" and not p.startswith("/respond/api/")]
    assert not any(p.startswith(("/staff", "/respond", "/dashboard", "/sign-in")) for p in pages)
    for path, operations in paths.items():
        for method, op in operations.items():
            assert op.get("summary"), f"{method} {path} has no summary"
            ok = op["responses"].get("200") or op["responses"].get("201")
            # JSON, or a file (exports: CSV, XLSX, SPSS, Stata; codebooks) described as one
            assert ok and any(c.get("schema") for c in ok["content"].values()), f"{method} {path} has no typed response"
    assert "PublicationDetail" in doc["components"]["schemas"]
    assert "ProfileChangeOut" in doc["components"]["schemas"]
    statuses = paths["/api/profile-changes"]["get"]["parameters"][0]["schema"]
    assert set(statuses.get("enum", [])) == {"pending", "approved", "rejected"}
    approve = paths["/api/profile-changes/{change_id}/approve"]["post"]
    assert "X-CSRFToken" in approve["description"] and {"404", "409"} <= set(approve["responses"])


async def test_interactive_docs_served_from_our_origin(client: httpx.AsyncClient) -> None:
    page = await client.get("/schema")
    assert page.status_code == 200
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text
    assert (await client.get("/vendor/swagger-ui/swagger-ui-bundle.js")).status_code == 200


async def test_plotly_served_compressed_and_cacheable(client: httpx.AsyncClient) -> None:
    from backend.app import PLOTLY_URL

    response = await client.get(PLOTLY_URL, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "immutable" in response.headers["cache-control"]
    assert len(response.content) > 1_000_000  # decoded by httpx: the real bundle
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
