"""Fixtures for credential tests: a file-backed keyring, a loopback key-check server and a
replay server for model-list discovery."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from playground.catalog import Catalog, load_catalog
from playground.catalog.types import ProviderInfo
from playground.config.schema import Config
from playground.credentials import discovery
from tests.adapters.replay import ReplayServer
from tests.credentials.file_keyring import FileKeyring

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalog() -> Catalog:
    """The packaged catalog without config overrides."""
    return load_catalog(Config())


@pytest.fixture
def provider(catalog: Catalog) -> Callable[[str], ProviderInfo]:
    """Look a built-in provider up by slug."""

    def lookup(slug: str) -> ProviderInfo:
        found = catalog.provider(slug)
        assert found is not None, slug
        return found

    return lookup


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A file-backed keyring, active in this process and in subprocesses started by the test."""
    path = tmp_path / "keyring.json"
    monkeypatch.setenv("PLAYGROUND_TEST_KEYRING_FILE", str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.credentials.file_keyring.FileKeyring")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    backend = FileKeyring(path)
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(fail.Keyring())


@pytest.fixture(autouse=True)
def no_keyring_left_over() -> Iterator[None]:
    """Every test starts and ends with the fail backend unless it asks for ``file_keyring``."""
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(fail.Keyring())


class KeyCheckServer:
    """A loopback server answering key checks: 401 for keys containing "invalid", else 200.

    The OpenAI-shaped 401 repeats the key in its message (to test that it gets masked).

    Answers in the shape of the family the request looks like (Anthropic, Gemini or OpenAI);
    records each request's path and headers in ``requests``.
    """

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {name.lower(): value for name, value in self.headers.items()}
                server.requests.append((self.path, headers))
                key = (
                    headers.get("authorization", "").removeprefix("Bearer ")
                    or headers.get("x-api-key", "")
                    or headers.get("x-goog-api-key", "")
                )
                if "invalid" in key:
                    # Echo the key back, as careless servers do: check_live must mask it.
                    message = f"Incorrect API key provided: {key}"
                    body = {"error": {"message": message, "code": 401}}
                    if "x-api-key" in headers:
                        body = {
                            "type": "error",
                            "error": {
                                "type": "authentication_error",
                                "message": "invalid x-api-key",
                            },
                        }
                    self._send(401, body)
                else:
                    self._send(200, {"object": "list", "data": [{"id": "model-a"}]})

            def _send(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self) -> KeyCheckServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def key_server() -> Iterator[KeyCheckServer]:
    with KeyCheckServer() as server:
        yield server


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    """A loopback server replaying scripted replies (one per test module that asks)."""
    with ReplayServer() as running:
        yield running


@pytest.fixture
def fresh_discovery(server: ReplayServer) -> Iterator[None]:
    """The replay server reset and discovery's model-list cache empty, before and after."""
    server.reset()
    discovery.clear_cache()
    yield
    discovery.clear_cache()
