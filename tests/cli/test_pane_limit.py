"""``-m`` more often than the app has panes is refused the same way by ``ask`` and the app."""

from __future__ import annotations

import subprocess
import sys

import pytest

from playground.cli import main
from playground.limits import MAX_PANES
from tests.cli.conftest import sim_model


def too_many() -> list[str]:
    return [arg for _ in range(MAX_PANES + 1) for arg in ("-m", "sim/echo")]


@pytest.mark.parametrize(
    ("argv", "prog"),
    [(["ask", *too_many(), "hi"], "playground ask"), (too_many(), "playground")],
)
def test_one_model_too_many_is_a_one_line_usage_error(capsys, argv, prog) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(
        f"{prog}: error: at most {MAX_PANES} models at once (-m was given {MAX_PANES + 1} times)"
    )


def test_the_app_refuses_before_opening_its_window() -> None:
    # A real process: had the app started, it would wait for a terminal instead of exiting.
    result = subprocess.run(
        [sys.executable, "-m", "playground", *too_many()],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert f"at most {MAX_PANES} models at once" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("sim_env")
def test_exactly_the_limit_is_accepted(ask) -> None:
    models = [arg for _ in range(MAX_PANES) for arg in ("-m", sim_model("sim", "echo"))]
    result = ask(*models, "--json", "six")
    assert result.code == 0, result.err
    assert {event["pane"] for event in result.of_type("done")} == set(range(MAX_PANES))


def test_the_app_and_the_cli_share_one_limit() -> None:
    from playground.tui import app

    assert app.MAX_PANES is MAX_PANES
