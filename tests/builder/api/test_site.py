"""The API's schema and docs, and its errors as JSON."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_renders_every_operation(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/entries", "/api/v1/entries/{entry_id}", "/api/v1/campaigns",
            "/api/v1/campaigns/{campaign_id}/publish", "/api/v1/campaigns/{campaign_id}/exports",
            "/api/v1/exports/{export_id}/file", "/api/v1/people/erase"} <= set(schema["paths"])
    entries = schema["paths"]["/api/v1/entries"]["get"]
    assert {p["name"] for p in entries["parameters"]} >= {
        "status", "outcome", "completed_since", "updated_since", "campaign", "cursor"}
    assert entries["security"]
    assert all(s["scheme"] == "bearer" for s in schema["components"]["securitySchemes"].values())


def test_the_docs_use_our_own_copy_of_swagger(client):
    assert client.get("/api/docs").url == "/api/v1/docs"
    page = client.get("/api/v1/docs").text
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_a_body_that_is_not_json_is_a_clear_400(api):
    response = api.client.post("/api/v1/campaigns", "{not json", content_type="application/json",
                               headers=api.headers)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_an_unknown_path_is_a_404(api):
    assert api.get("/nothing-here").status_code == 404
