"""Fake Google credentials for tests: service-account files with a local RSA key, token replies.

The token endpoint they name is a loopback :class:`~tests.adapters.replay.ReplayServer`;
:class:`MetadataServer` stands in for the Compute Engine metadata server.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

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


class MetadataServer:
    """A loopback stand-in for the Compute Engine metadata server (what google-auth asks when
    no ADC file exists): the detection ping, the project id, the default service account and
    its access token. ``paths`` records what was asked.
    """

    def __init__(self, token: str, project: str = "meta-proj") -> None:
        self.token = token
        self.project = project
        self.paths: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stand_in.paths.append(self.path)
                body = stand_in.answer(self.path.split("?", 1)[0])
                self.send_response(200 if body is not None else 404)
                self.send_header("Metadata-Flavor", "Google")
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write((body or "").encode())

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def answer(self, path: str) -> str | None:
        """The body for ``path`` (None: not found)."""
        root = "/computeMetadata/v1/"
        if path == "/":
            return ""
        if path == f"{root}project/project-id":
            return self.project
        if path == f"{root}universe/universe-domain":
            return "googleapis.com"
        if path == f"{root}instance/service-accounts/default/":
            email = f"vm@{self.project}.iam.gserviceaccount.com"
            scopes = ["https://www.googleapis.com/auth/cloud-platform"]
            return json.dumps({"email": email, "scopes": scopes, "aliases": ["default"]})
        if path.startswith(f"{root}instance/service-accounts/") and path.endswith("/token"):
            return json.dumps(
                {"access_token": self.token, "expires_in": 3599, "token_type": "Bearer"}
            )
        return None

    def __enter__(self) -> MetadataServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def use_metadata_server(monkeypatch: pytest.MonkeyPatch, server: MetadataServer) -> None:
    """Point google-auth's metadata client at ``server`` (its host is read at import time)."""
    from google.auth.compute_engine import _metadata

    monkeypatch.setattr(_metadata, "_GCE_METADATA_HOST", server.host)
    monkeypatch.setenv("GCE_METADATA_HOST", server.host)
    monkeypatch.setenv("GCE_METADATA_IP", server.host)
