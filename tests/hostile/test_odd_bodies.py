"""Bodies that are not the stream they claim to be are ``protocol`` errors, not "the stream
was cut" or ``unknown``: JSON nested 100,000 deep, and HTML pages sent with a 200 status."""

from __future__ import annotations

import json

import pytest

from playground.cli import main
from tests.hostile.conftest import FAMILIES


def _error_of(capsys: pytest.CaptureFixture[str], config: str, model: str) -> tuple[int, dict]:
    code = main(["ask", "--json", "--config", config, "-m", model, "hi"])
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [error] = [e for e in events if e["type"] == "error"]
    return code, error


@pytest.mark.usefixtures("hostile_keys")
@pytest.mark.parametrize("family", FAMILIES)
def test_absurdly_deep_json_in_a_stream_is_a_protocol_error(
    family: str, hostile_config, capsys
) -> None:
    code, error = _error_of(capsys, hostile_config("deep-json"), f"h-{family}/m")
    assert code == 1
    assert error["kind"] == "protocol", error
    assert len(error["message"]) <= 400


@pytest.mark.usefixtures("hostile_keys")
@pytest.mark.parametrize("mode", ["html", "html-as-text"])
@pytest.mark.parametrize("family", FAMILIES)
def test_an_html_page_with_status_200_is_a_protocol_error(
    mode: str, family: str, hostile_config, capsys
) -> None:
    code, error = _error_of(capsys, hostile_config(mode), f"h-{family}/m")
    assert code == 1
    assert error["kind"] == "protocol", error
    assert "HTML page" in error["message"]
    assert "cut" not in error["message"]
