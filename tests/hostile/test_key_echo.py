"""A provider that repeats the key it received never gets it printed: every protocol family,
``${VAR}`` keys, every rotated key, 401 bodies and error events inside a 200 stream."""

from __future__ import annotations

import json

import pytest

from playground.cli import main
from tests.hostile.conftest import FAMILIES, KEYS, ROTATION_KEY, secrets_in


def _ask(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["ask", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.usefixtures("hostile_keys")
@pytest.mark.parametrize("family", FAMILIES)
def test_a_401_that_echoes_the_key_is_printed_masked_for_every_family(
    family: str, hostile_config, capsys
) -> None:
    config = hostile_config("echo-401", rotate=True)
    code, out, err = _ask(capsys, "--config", config, "--json", "-m", f"h-{family}/m", "hi")
    assert code == 1
    events = [json.loads(line) for line in out.splitlines()]
    [final] = [e for e in events if e["type"] == "error"]
    assert final["kind"] == "auth"
    assert "Incorrect API key provided" in final["message"]
    rotated = [e for e in events if e["type"] == "key_rotated"]
    assert rotated and "Incorrect API key provided" in rotated[0]["reason"]
    # the masked form replaces each echo: prefix … last four
    assert KEYS[family][-4:] in rotated[0]["reason"] and ROTATION_KEY[-4:] in final["message"]
    assert secrets_in(out + err) == []
    code, out, err = _ask(capsys, "--config", config, "-m", f"h-{family}/m", "hi")
    assert code == 1
    assert "Incorrect API key provided" in out + err
    assert secrets_in(out + err) == []


@pytest.mark.usefixtures("hostile_keys")
@pytest.mark.parametrize("family", FAMILIES)
def test_an_error_event_inside_a_200_stream_is_printed_masked(
    family: str, hostile_config, capsys
) -> None:
    config = hostile_config("in-stream")
    code, out, err = _ask(capsys, "--config", config, "--json", "-m", f"h-{family}/m", "hi")
    assert code == 1
    events = [json.loads(line) for line in out.splitlines()]
    assert "".join(e["text"] for e in events if e["type"] == "text") == "partial "
    [final] = [e for e in events if e["type"] == "error"]
    assert final["after_output"] is True
    assert "Incorrect API key provided" in final["message"]
    assert secrets_in(out + err) == []
    code, out, err = _ask(capsys, "--config", config, "-m", f"h-{family}/m", "hi")
    assert code == 1
    assert secrets_in(out + err) == []
