"""/healthz and the OpenAPI document generated from the validating schemas."""

from __future__ import annotations


def test_healthz_answers_without_a_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.get_json()
    assert health["status"] == "ok"
    assert health["reminders"]["oldest_unsent_due"] is None, "nothing is due on a new server"


def test_openapi_lists_every_api_route_with_its_schemas(app, client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    routes = {
        (method, rule.rule.replace("<uuid:", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.endpoint != "meta.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes <= documented
    create = document["paths"]["/api/interviews"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/InterviewCreate"
    }
    schema = document["components"]["schemas"]["InterviewCreate"]
    assert schema["required"] == ["company"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["notes"]["maxLength"] == 10_000


def test_the_document_is_what_the_api_enforces(ann, client):
    """Every maxLength the document states is the length the API refuses past."""
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    interview = schemas["InterviewCreate"]["properties"]
    checked = 0
    for field, spec in interview.items():
        limit = spec.get("maxLength") or next(
            (alt.get("maxLength") for alt in spec.get("anyOf", []) if "maxLength" in alt), None
        )
        if not limit:
            continue
        body = {"company": "Acme", field: "y" * (limit + 1)}
        response = ann.post("/api/interviews", json=body)
        assert response.status_code == 422, field
        assert response.get_json()["field"] == field
        checked += 1
    assert checked >= 4
