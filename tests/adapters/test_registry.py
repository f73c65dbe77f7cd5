"""``get_stream`` maps every protocol to an adapter, and importing the package stays cheap."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from playground.adapters import get_stream
from playground.endpoint import Protocol


@pytest.mark.parametrize("protocol", list(Protocol))
def test_every_protocol_has_an_async_generator_stream(protocol: Protocol):
    stream = get_stream(protocol)
    assert inspect.isasyncgenfunction(stream)
    assert list(inspect.signature(stream).parameters) == [
        "request",
        "endpoint",
        "client",
        "timeout",
    ]


def test_protocol_strings_are_accepted():
    assert get_stream("anthropic") is get_stream(Protocol.ANTHROPIC)


def test_importing_the_package_does_not_import_httpx_or_adapters():
    code = (
        "import sys, playground.adapters; "
        "print(sorted(m for m in sys.modules "
        "if m == 'httpx' or m.startswith('playground.adapters.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
