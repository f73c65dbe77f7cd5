"""Fake Google credentials for tests: service-account files with a local RSA key, token replies.

The token endpoint they name is a loopback :class:`~tests.adapters.replay.ReplayServer`.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.adapters.replay import Reply


def service_account_file(tmp_path: Path, token_uri: str) -> Path:
    """A service-account key file with a freshly generated RSA key and a loopback token URI."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path = tmp_path / "sa.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "sa-proj",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "tester@sa-proj.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": token_uri,
            }
        )
    )
    return path


def token_reply(token: str, expires_in: int = 3600) -> Reply:
    body = json.dumps({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"})
    return Reply(body.encode(), content_type="application/json")
