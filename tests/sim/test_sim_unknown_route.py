"""A path no family serves gets a JSON 404 that says which base URLs exist, so a client
configured with the wrong base (LiteLLM's Gemini ``api_base`` without ``/v1beta``) shows what
to fix instead of a bare "Not Found"."""

from __future__ import annotations


def test_versionless_gemini_path_names_the_versioned_base(client, sim_url):
    response = client.post("/gemini/models/echo:streamGenerateContent?alt=sse", json={})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == "NOT_FOUND"
    assert "no route POST /gemini/models/echo:streamGenerateContent" in error["message"]
    assert f"takes {sim_url}/gemini/v1beta" in error["message"]
    assert f"openai {sim_url}/openai/v1" in error["message"]


def test_known_routes_are_unaffected(client):
    assert client.get("/gemini/v1beta/models").status_code == 200
    assert client.get("/").json()["base_urls"]["anthropic"].endswith("/anthropic")
