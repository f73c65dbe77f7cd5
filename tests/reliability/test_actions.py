"""The action table is data: defaults per error kind and ``[reliability.actions]`` overrides."""

from __future__ import annotations

import pytest

from playground.events import ErrorKind
from playground.reliability import DEFAULT_PLANS, Action, build_plans

R, K, F, S = Action.RETRY, Action.ROTATE_KEY, Action.FALLBACK, Action.STOP


def test_every_error_kind_has_a_default_plan() -> None:
    assert set(DEFAULT_PLANS) == set(ErrorKind)


@pytest.mark.parametrize(
    ("kind", "plan"),
    [
        (ErrorKind.RATE_LIMITED, (R, K, F)),
        (ErrorKind.OVERLOADED, (R, F)),
        (ErrorKind.SERVER, (R, F)),
        (ErrorKind.TIMEOUT, (R, F)),
        (ErrorKind.NETWORK, (R, F)),
        (ErrorKind.AUTH, (K, F)),
        (ErrorKind.BILLING, (K, F)),
        (ErrorKind.NOT_FOUND, (F,)),
        (ErrorKind.CONTEXT_LENGTH, (F,)),
        (ErrorKind.BAD_REQUEST, (F,)),
        (ErrorKind.CONTENT_FILTER, (F,)),
        (ErrorKind.PROTOCOL, (F,)),
        (ErrorKind.CANCELLED, (S,)),
    ],
)
def test_default_plan(kind: ErrorKind, plan: tuple[Action, ...]) -> None:
    assert DEFAULT_PLANS[kind] == plan


def test_an_override_names_the_rung_where_the_ladder_starts() -> None:
    plans = build_plans(
        {"rate_limited": "fallback", "bad_request": "retry", "auth": "stop", "server": "rotate_key"}
    )
    assert plans[ErrorKind.RATE_LIMITED] == (F,)
    assert plans[ErrorKind.BAD_REQUEST] == (R, K, F)
    assert plans[ErrorKind.AUTH] == (S,)
    assert plans[ErrorKind.SERVER] == (K, F)
    assert plans[ErrorKind.OVERLOADED] == DEFAULT_PLANS[ErrorKind.OVERLOADED]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"ratelimited": "retry"}, "unknown error kind 'ratelimited'"), ({"auth": "wait"}, "'wait'")],
)
def test_bad_overrides_are_named(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_plans(overrides)


def test_config_file_names_an_unknown_error_kind() -> None:
    from pathlib import Path

    from playground.config.loader import ConfigError, parse_config

    with pytest.raises(ConfigError, match="unknown error kind 'ratelimited'"):
        parse_config('[reliability.actions]\nratelimited = "retry"\n', Path("config.toml"))
    config = parse_config('[reliability.actions]\nrate_limited = "fallback"\n', Path("c.toml"))
    assert build_plans(config.reliability.actions)[ErrorKind.RATE_LIMITED] == (F,)
