"""Fixtures for the simulator tests; the wire helpers live in ``sim_wire.py`` beside this file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sim_wire import build_request


@pytest.fixture(scope="session")
def client(sim_url: str):
    """An httpx client on the session simulator (shared: creating one costs ~40 ms)."""
    with httpx.Client(base_url=sim_url, timeout=10) as c:
        yield c


@pytest.fixture(scope="session")
def send(client: httpx.Client) -> Callable[..., httpx.Response]:
    """Send ``build_request(...)`` and return the complete response."""

    def _send(family: str, model: str, text: str = "hello there", **kwargs: Any) -> httpx.Response:
        wire = build_request(family, model, text, **kwargs)
        return client.request(wire.method, wire.path, json=wire.body, headers=wire.headers)

    return _send
