"""The router masks every secret of the chain in provider text before it becomes an event:
error messages, and the reasons of ``Retry``/``KeyRotated``/``Fallback``/``Cooldown``."""

from __future__ import annotations

from playground.events import Error, ErrorKind
from playground.secret import mask
from tests.reliability.scripted import (
    FakeProvider,
    answer,
    candidate,
    collect,
    failure,
    failure_after_output,
    kinds,
    request,
)

KEY_A = "sk-first-key-Aa1Bb2Cc3Dd4Ee5"
KEY_B = "sk-other-key-Zz9Yy8Xx7Ww6Vv5"
FALLBACK_KEY = "sk-fallback-Qq1Rr2Ss3Tt4Uu5"
ALL_KEYS = (KEY_A, KEY_B, FALLBACK_KEY)


def _texts(events: list) -> str:
    return " ".join(str(event.to_dict()) for event in events)


async def test_any_key_of_the_chain_echoed_by_any_candidate_is_masked(
    make_router, fake: FakeProvider
) -> None:
    # The first key's server names every key of the chain (a proxy that logs all it saw).
    leak = f"bad key {KEY_A}; also tried {KEY_B} and {FALLBACK_KEY}"
    fake.script(f"m:{KEY_A}", failure(ErrorKind.AUTH, 401, message=leak))
    fake.script(f"m:{KEY_B}", failure_after_output("partial"))
    fake.script("spare", answer())
    chain = [candidate("p/m", KEY_A, KEY_B), candidate("q/spare", FALLBACK_KEY)]
    events = await collect(make_router().stream(request(), chain))
    assert kinds(events)[:2] == ["attempt", "key_rotated"]
    assert mask(KEY_B) in events[1].reason and mask(FALLBACK_KEY) in events[1].reason
    errors = [e for e in events if isinstance(e, Error)]
    assert errors and events[-1].type == "done"
    text = _texts(events)
    for key in ALL_KEYS:
        assert key not in text
