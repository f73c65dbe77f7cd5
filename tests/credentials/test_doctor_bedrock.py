"""``playground doctor`` rows for Bedrock: region and which AWS credential source won.

Fake credential files, variables and a loopback container-credentials stand-in only; no
request reaches AWS.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from playground.adapters.bedrock_auth import MISSING_EXTRA
from playground.cli import main
from tests.adapters.replay import ReplayServer, Reply

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY"
BEDROCK_KEY = "ABSK" + "ZG9jdG9yLWJlZHJvY2sta2V5" * 3


@pytest.fixture
def aws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Empty AWS config and credentials files of this test."""
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    (tmp_path / "config").write_text("")
    (tmp_path / "credentials").write_text("")
    return tmp_path


def doctor_row(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    code = main(["doctor", "--json", "--provider", "bedrock", *extra])
    out = capsys.readouterr().out
    assert SECRET not in out and BEDROCK_KEY not in out
    (row,) = json.loads(out)
    return code, row


def doctor_table(capsys: pytest.CaptureFixture[str]) -> str:
    main(["doctor", "--provider", "bedrock"])
    out = capsys.readouterr().out
    assert SECRET not in out and BEDROCK_KEY not in out
    return out


def test_bedrock_api_key_wins_and_region_from_env(capsys, monkeypatch, aws_home) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", BEDROCK_KEY)
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    code, row = doctor_row(capsys)
    assert code == 0
    assert row["aws"]["region"] == "eu-west-3"
    assert row["aws"]["credentials"] == "Bedrock API key (env AWS_BEARER_TOKEN_BEDROCK)"
    assert row["status"] == "ready" and row["format"]["ok"] is True


def test_environment_keys_with_expiry(capsys, monkeypatch, aws_home) -> None:
    pytest.importorskip("botocore")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z")
    code, row = doctor_row(capsys)
    assert code == 0
    aws = row["aws"]
    assert aws["credentials"] == "environment (AWS_ACCESS_KEY_ID)"
    assert aws["expiry"].startswith("2030-01-02T03:04:05")
    table = doctor_table(capsys)
    assert "aws: region us-east-1 · credentials: environment" in table
    assert "expires 2030-01-02T03:04:05" in table
    line = next(line for line in table.splitlines() if line.startswith("bedrock"))
    assert line.split()[1] == "aws" and "sigv4" in line
    assert "AWS_BEARER_TOKEN_BEDROCK" not in table  # no "set a key" step when AWS is ready


def test_profile_from_shared_credentials_file_and_its_region(capsys, aws_home) -> None:
    pytest.importorskip("botocore")
    (aws_home / "credentials").write_text(
        f"[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = {SECRET}\n"
    )
    (aws_home / "config").write_text("[profile work]\nregion = ap-south-1\n")
    config = aws_home / "playground.toml"
    config.write_text('[providers.bedrock]\nprofile = "work"\n')
    code, row = doctor_row(capsys, "--config", str(config))
    assert code == 0
    assert row["aws"] == {
        "region": "ap-south-1",
        "credentials": "shared credentials file",
        "profile": "work",
        "expiry": None,
        "problem": None,
    }
    main(["doctor", "--provider", "bedrock", "--config", str(config)])
    table = capsys.readouterr().out
    line = next(line for line in table.splitlines() if line.startswith("bedrock"))
    assert "aws" in line.split()[1] and "[work]" in line


def test_sso_profile_is_named_without_calling_sso(capsys, aws_home) -> None:
    pytest.importorskip("botocore")
    (aws_home / "config").write_text(
        "[profile dev]\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\nsso_account_id = 123456789012\n"
        "sso_role_name = Dev\nregion = us-west-2\n"
    )
    config = aws_home / "playground.toml"
    config.write_text('[providers.bedrock]\nprofile = "dev"\n')
    _code, row = doctor_row(capsys, "--config", str(config))
    assert row["aws"]["credentials"] == "SSO cache"
    assert row["aws"]["region"] == "us-west-2"


def test_container_role_from_a_loopback_stand_in(capsys, monkeypatch, aws_home) -> None:
    pytest.importorskip("botocore")
    with ReplayServer() as server:
        creds = {
            "AccessKeyId": "ASIACONTAINER",
            "SecretAccessKey": SECRET,
            "Token": "container-token",
            "Expiration": "2031-05-06T07:08:09Z",
        }
        server.queue(Reply(json.dumps(creds).encode(), content_type="application/json"))
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{server.base_url}/creds")
        monkeypatch.setenv("AWS_REGION", "eu-north-1")
        code, row = doctor_row(capsys)
        assert [r.path for r in server.requests] == ["/creds"]
    assert code == 0
    assert row["aws"]["credentials"] == "container role"
    assert row["aws"]["expiry"].startswith("2031-05-06T07:08:09")


def test_nothing_found_says_so_and_a_requested_row_fails(capsys, aws_home) -> None:
    pytest.importorskip("botocore")
    code, row = doctor_row(capsys)
    assert code == 1
    assert row["status"] == "missing"
    assert row["aws"]["credentials"] is None
    assert row["aws"]["problem"] == (
        "no AWS credentials found (env, profile, SSO, container or instance role)"
    )
    table = doctor_table(capsys)
    assert "aws: no region (set region or AWS_REGION) · ! no AWS credentials found" in table


def test_without_botocore_the_extra_is_named(capsys, monkeypatch, aws_home) -> None:
    monkeypatch.setitem(sys.modules, "botocore", None)
    monkeypatch.setitem(sys.modules, "botocore.session", None)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    _code, row = doctor_row(capsys)
    assert row["aws"]["problem"] == MISSING_EXTRA
    assert "pip install 'playground-tui[aws]'" in doctor_table(capsys)


def test_live_check_with_the_api_key_lists_async_invokes_on_the_runtime_host(
    capsys, monkeypatch, aws_home, tmp_path
) -> None:
    """ListAsyncInvokes: read-only, free, same host and bearer key as a prompt, no model id."""
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", BEDROCK_KEY)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    with ReplayServer() as server:
        server.queue(Reply(b'{"asyncInvokeSummaries": []}', content_type="application/json"))
        config = tmp_path / "config.toml"
        config.write_text(f'[providers.bedrock]\nbase_url = "{server.base_url}"\n')
        code, row = doctor_row(capsys, "--live", "--config", str(config))
        (request,) = server.requests
    assert code == 0
    assert row["live"]["status"] == "ok" and row["live"]["http_status"] == 200
    assert (request.method, request.path, request.query) == (
        "GET",
        "/async-invoke",
        "maxResults=1",
    )
    assert request.headers["authorization"] == f"Bearer {BEDROCK_KEY}"


def test_live_check_signs_with_sigv4_and_reports_access_denied(
    capsys, monkeypatch, aws_home, tmp_path
) -> None:
    pytest.importorskip("botocore")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLIVECHECK")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    denied = {"message": "User is not authorized to perform: bedrock:ListAsyncInvokes"}
    with ReplayServer() as server:
        server.queue(Reply(json.dumps(denied).encode(), 403, "application/json"))
        config = tmp_path / "config.toml"
        config.write_text(f'[providers.bedrock]\nbase_url = "{server.base_url}"\n')
        code, row = doctor_row(capsys, "--live", "--config", str(config))
        (request,) = server.requests
    auth = request.headers["authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDLIVECHECK/")
    assert "/eu-west-1/bedrock/aws4_request" in auth
    assert row["live"]["status"] == "forbidden"
    assert "bedrock:ListAsyncInvokes" in row["live"]["message"]
    assert code == 1  # a provider named with --provider failed its live check


def test_a_requested_row_without_credentials_fails_live_without_a_request(
    capsys, monkeypatch, aws_home, tmp_path
) -> None:
    monkeypatch.setitem(sys.modules, "botocore", None)
    monkeypatch.setitem(sys.modules, "botocore.session", None)
    with ReplayServer() as server:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[providers.bedrock]\nbase_url = "{server.base_url}"\nregion = "us-east-1"\n'
        )
        code, row = doctor_row(capsys, "--live", "--config", str(config))
        assert server.requests == []
    assert code == 1
    assert row["live"]["status"] == "unauthorized"
    assert "playground-tui[aws]" in row["live"]["message"]
