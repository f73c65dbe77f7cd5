"""Resolving ``bedrock/…``: region, address, bearer key or SigV4, and the config keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.config.loader import parse_config
from playground.endpoint import Protocol
from playground.resolve import ResolveError, default_resolver

MODEL = "bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0"
BEDROCK_KEY = "ABSK" + "QmVkcm9ja0FQSUtleS1leGFtcGxl" * 3


@pytest.fixture(autouse=True)
def no_real_aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """botocore reads these files from os.environ: point them at empty test files."""
    config = tmp_path / "aws-config"
    config.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    return config


def resolve(text: str, env: dict[str, str], cwd: Path):
    config = parse_config(text, Path("config.toml"))
    (endpoint,) = default_resolver(config, env=env, cwd=cwd).resolve(MODEL).chain[0].endpoints
    return endpoint


def test_bearer_key_from_env_and_region_from_env(tmp_path: Path) -> None:
    env = {"AWS_BEARER_TOKEN_BEDROCK": BEDROCK_KEY, "AWS_REGION": "eu-central-1"}
    endpoint = resolve("", env, tmp_path)
    assert endpoint.protocol is Protocol.BEDROCK
    assert endpoint.base_url == "https://bedrock-runtime.eu-central-1.amazonaws.com"
    assert endpoint.api_key is not None and endpoint.api_key.reveal() == BEDROCK_KEY
    assert "AWS_BEARER_TOKEN_BEDROCK" in (endpoint.key_source or "")
    assert endpoint.options["region"] == "eu-central-1"


def test_config_region_profile_and_base_url_override(tmp_path: Path) -> None:
    text = """
[providers.bedrock]
region = "ap-northeast-1"
profile = "work"
base_url = "https://vpce-123.bedrock-runtime.ap-northeast-1.vpce.amazonaws.com"
"""
    endpoint = resolve(text, {"AWS_REGION": "us-east-1"}, tmp_path)
    assert endpoint.base_url == "https://vpce-123.bedrock-runtime.ap-northeast-1.vpce.amazonaws.com"
    assert endpoint.api_key is None  # no Bedrock key: SigV4 from the AWS chain
    assert dict(endpoint.options) == {"sigv4": "yes", "region": "ap-northeast-1", "profile": "work"}


def test_region_from_the_aws_profile(tmp_path: Path, no_real_aws_files: Path) -> None:
    pytest.importorskip("botocore")
    no_real_aws_files.write_text("[profile work]\nregion = sa-east-1\n")
    endpoint = resolve('[providers.bedrock]\nprofile = "work"\n', {}, tmp_path)
    assert endpoint.base_url == "https://bedrock-runtime.sa-east-1.amazonaws.com"


def test_no_region_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ResolveError, match="no AWS region for Bedrock: set region"):
        resolve("", {"AWS_BEARER_TOKEN_BEDROCK": BEDROCK_KEY}, tmp_path)


def test_loopback_stand_in_without_signing(tmp_path: Path) -> None:
    text = '[providers.bedrock]\nbase_url = "http://127.0.0.1:9/bedrock"\nauth = "none"\n'
    endpoint = resolve(text, {}, tmp_path)
    assert endpoint.base_url == "http://127.0.0.1:9/bedrock"
    assert "sigv4" not in endpoint.options and endpoint.api_key is None
