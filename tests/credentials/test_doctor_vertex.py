"""``playground doctor`` rows for Vertex AI: project, location, which Google credential won.

Fake credential files (a service account with a locally generated RSA key, gcloud's
authorized_user file, a workload-identity external_account file), a loopback token endpoint
and a loopback Vertex stand-in only; no request reaches Google.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from playground.adapters import vertex_auth
from playground.cli import main
from tests.adapters.gcp_fakes import (
    MetadataServer,
    service_account_file,
    token_reply,
    use_metadata_server,
)
from tests.adapters.replay import ReplayServer, Reply

TOKEN = "ya29.a0-doctor-access-token-0123456789abcdef"


@pytest.fixture(autouse=True)
def fresh_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vertex_auth, "_TOKENS", {})


def doctor_row(capsys, provider: str = "vertex", *extra: str) -> tuple[int, dict]:
    code = main(["doctor", "--json", "--provider", provider, *extra])
    out = capsys.readouterr().out
    assert TOKEN not in out
    (row,) = json.loads(out)
    return code, row


def doctor_table(capsys, provider: str = "vertex") -> str:
    main(["doctor", "--provider", provider])
    out = capsys.readouterr().out
    assert TOKEN not in out
    return out


def test_an_access_token_wins_and_project_location_come_from_env(capsys, monkeypatch) -> None:
    monkeypatch.setenv("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "env-proj")
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", "europe-west4")
    code, row = doctor_row(capsys, "vertex-anthropic")
    assert code == 0
    gcp = row["gcp"]
    assert (gcp["project"], gcp["location"]) == ("env-proj", "europe-west4")
    assert gcp["credentials"] == "access token (env GOOGLE_OAUTH_ACCESS_TOKEN)"
    assert row["status"] == "ready" and row["auth_kind"] == "oauth_token"


def test_service_account_file_from_the_environment(capsys, monkeypatch, tmp_path) -> None:
    adc = service_account_file(tmp_path, "http://127.0.0.1:9/token")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    code, row = doctor_row(capsys)
    assert code == 0
    gcp = row["gcp"]
    assert gcp["project"] == "sa-proj" and gcp["location"] == "us-central1"
    assert gcp["file"] == str(adc) and gcp["type"] == "service_account"
    assert gcp["credentials"] == "ADC file (service_account, GOOGLE_APPLICATION_CREDENTIALS)"
    assert gcp["ready"] is True
    table = doctor_table(capsys)
    line = next(line for line in table.splitlines() if line.startswith("vertex"))
    assert line.split()[1] == "gcp" and "adc" in line
    assert "gcp: project sa-proj · location us-central1 · credentials: ADC file" in table
    assert "BEGIN PRIVATE KEY" not in table


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("authorized_user", {"client_id": "c", "client_secret": "s", "refresh_token": "r"}),
        ("external_account", {"audience": "//iam.googleapis.com/x", "subject_token_type": "t"}),
    ],
)
def test_gcloud_well_known_file_and_its_type(capsys, monkeypatch, kind: str, extra: dict) -> None:
    home = Path(str(monkeypatch_home(monkeypatch)))
    adc = home / ".config" / "gcloud" / "application_default_credentials.json"
    adc.parent.mkdir(parents=True)
    adc.write_text(json.dumps({"type": kind, "quota_project_id": "quota-proj", **extra}))
    _code, row = doctor_row(capsys)
    gcp = row["gcp"]
    assert gcp["file"] == str(adc) and gcp["type"] == kind
    assert gcp["credentials"] == f"ADC file ({kind}, gcloud application-default login)"
    assert gcp["project"] == "quota-proj"


def monkeypatch_home(monkeypatch: pytest.MonkeyPatch) -> str:
    import os

    return os.environ["HOME"]


def test_no_adc_file_names_the_metadata_server_and_a_requested_row_fails(
    capsys, monkeypatch
) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "p")
    code, row = doctor_row(capsys)
    assert code == 1
    assert row["gcp"]["credentials"] == "metadata server (only on Google Cloud)"
    assert row["gcp"]["ready"] is False


def test_no_project_is_the_problem_line(capsys) -> None:
    _code, row = doctor_row(capsys)
    assert row["gcp"]["problem"].startswith("no Google Cloud project for vertex")
    assert "! no Google Cloud project for vertex" in " ".join(doctor_table(capsys).split())


def test_without_google_auth_the_extra_is_named(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "google.auth", None)
    adc = service_account_file(tmp_path, "http://127.0.0.1:9/token")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    _code, row = doctor_row(capsys)
    assert row["gcp"]["problem"] == vertex_auth.MISSING_EXTRA
    assert "pip install 'playground-tui[gcp]'" in " ".join(doctor_table(capsys).split())


def test_live_check_fetches_an_adc_token_and_lists_endpoints(capsys, monkeypatch, tmp_path) -> None:
    """ListEndpoints: read-only and free; proves token, project, API and location."""
    with ReplayServer() as google, ReplayServer() as vertex:
        adc = service_account_file(tmp_path, f"{google.base_url}/token")
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
        google.queue(token_reply(TOKEN))
        vertex.queue(Reply(b"{}", content_type="application/json"))
        config = tmp_path / "config.toml"
        config.write_text(f'[providers.vertex]\nbase_url = "{vertex.base_url}"\n')
        code, row = doctor_row(capsys, "vertex", "--live", "--config", str(config))
        (request,) = vertex.requests
        assert len(google.requests) == 1
    assert code == 0
    assert row["live"]["status"] == "ok" and row["live"]["http_status"] == 200
    assert (request.method, request.path, request.query) == (
        "GET",
        "/v1/projects/sa-proj/locations/us-central1/endpoints",
        "pageSize=1",
    )
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert row["gcp"]["expiry"] is not None  # the fetched token's expiry


def test_live_check_with_a_refused_token_is_unauthorized_and_masked(
    capsys, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN)
    body = [{"error": {"code": 401, "message": f"bad token {TOKEN}", "status": "UNAUTHENTICATED"}}]
    with ReplayServer() as vertex:
        vertex.queue(Reply(json.dumps(body).encode(), 401, "application/json"))
        config = tmp_path / "config.toml"
        config.write_text(
            f'[providers.vertex-anthropic]\nbase_url = "{vertex.base_url}"\nproject = "p"\n'
        )
        code, row = doctor_row(capsys, "vertex-anthropic", "--live", "--config", str(config))
    assert code == 1
    assert row["live"]["status"] == "unauthorized"
    assert "bad token" in row["live"]["message"]


def test_live_check_without_any_credential_makes_no_request(capsys, monkeypatch, tmp_path) -> None:
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    def no_credentials(**_kw: object) -> None:
        raise DefaultCredentialsError("not found")

    monkeypatch.setattr(google.auth, "default", no_credentials)
    with ReplayServer() as vertex:
        config = tmp_path / "config.toml"
        config.write_text(f'[providers.vertex]\nbase_url = "{vertex.base_url}"\nproject = "p"\n')
        code, row = doctor_row(capsys, "vertex", "--live", "--config", str(config))
        assert vertex.requests == []
    assert code == 1
    assert row["live"]["status"] == "unauthorized"
    assert "gcloud auth application-default login" in row["live"]["message"]


def test_live_check_on_google_cloud_uses_the_metadata_server(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "meta-proj")
    with MetadataServer(TOKEN) as metadata, ReplayServer() as vertex:
        use_metadata_server(monkeypatch, metadata)
        vertex.queue(Reply(b"{}", content_type="application/json"))
        config = tmp_path / "config.toml"
        config.write_text(f'[providers.vertex]\nbase_url = "{vertex.base_url}"\n')
        code, row = doctor_row(capsys, "vertex", "--live", "--config", str(config))
        (request,) = vertex.requests
    assert row["gcp"]["credentials"] == "metadata server (only on Google Cloud)"
    assert row["live"]["status"] == "ok"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert row["gcp"]["expiry"] is not None
    assert code == 0
