import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_openapi_lists_every_endpoint_without_authentication():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Helpline API"
    assert {
        "/api/v1/users", "/api/v1/users/me", "/api/v1/users/search", "/api/v1/users/{user_id}",
        "/api/v1/organizations", "/api/v1/organizations/search",
        "/api/v1/organizations/{organization_id}", "/api/v1/groups", "/api/v1/groups/{group_id}",
        "/api/v1/roles", "/api/v1/roles/{role_id}", "/api/v1/user_access_token",
        "/api/v1/user_access_token/{token_id}",
    } <= set(schema["paths"])  # fmt: skip
    user = schema["components"]["schemas"]["UserOut"]["properties"]
    assert user["created_at"]["format"] == "date-time"
    assert schema["components"]["securitySchemes"] == {
        "ApiAuth": {"type": "http", "scheme": "basic"},
        "AccessTokenAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "an access token (or `Token token=...`)",
        },
    }
    assert schema["paths"]["/api/v1/users/me"]["get"]["security"] == [
        {"ApiAuth": []},
        {"AccessTokenAuth": []},
    ]


def test_docs_page_uses_local_assets_not_a_cdn():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page


def test_url_names_follow_the_house_convention():
    assert reverse("api-v1:user-detail", kwargs={"user_id": 5}) == "/api/v1/users/5"
    assert reverse("api-v1:token-list") == "/api/v1/user_access_token"


def test_openapi_shows_mentions_on_hold_and_list_sorting():
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/mentions", "/api/v1/mentions/{mention_id}"} <= set(schema["paths"])
    ticket = schema["components"]["schemas"]["TicketOut"]
    assert ticket["properties"]["on_hold"]["type"] == "boolean"
    assert "on_hold" in ticket["required"]
    update = schema["components"]["schemas"]["TicketUpdateIn"]["properties"]
    assert "on_hold" in update
    for path in (
        "/api/v1/tickets",
        "/api/v1/ticket_states",
        "/api/v1/ticket_priorities",
        "/api/v1/online_notifications",
        "/api/v1/object_manager_attributes",
    ):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"sort_by", "order_by"} <= names, path
