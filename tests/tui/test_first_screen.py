"""The first screen a returning user sees, started from that user's state: a key in the
environment, a ``.env`` file, the keyring or the config; a keyless local server; saved
sessions with and without turns."""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from playground.catalog import load_catalog
from playground.config.schema import Config, DefaultsConfig, ModelConfig, ProviderConfig
from playground.session import Session
from playground.tui.startup import FIRST_RUN_PANES, starter_model
from playground.tui.widgets.prompt_input import PromptInput
from tests.credentials.file_keyring import FileKeyring

from .conftest import fast_reliability, wait_until

OPENAI_KEY = "sk-proj-" + "k" * 40
ECHO = "sim/echo?tps=0&ttft_ms=0"


@pytest.fixture(autouse=True)
def in_empty_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user starts the app from a folder of their own (no ``.env`` unless a test adds one)."""
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def hint_text(app) -> str:
    hint = app.query_one("#hint")
    return str(hint.content) if hint.display else ""


def opened(app) -> list[str]:
    return [view.pane.spec for view in app.chat_panes]


def openai_starter() -> str:
    model = starter_model(load_catalog(Config()), "openai")
    assert model is not None
    return model.spec


async def first_screen(app) -> tuple[list[str], str]:
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_until(pilot, lambda: app.session is not None and bool(app.chat_panes))
        return opened(app), hint_text(app)


async def test_with_no_usable_provider_the_demo_opens_with_the_no_keys_hint(make_app):
    panes, hint = await first_screen(make_app())
    assert panes == list(FIRST_RUN_PANES)
    assert hint.startswith("No API keys found")


async def test_an_env_key_opens_that_providers_pane_says_where_the_key_is_and_saves_nothing(
    make_app, monkeypatch, tmp_path
):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    app = make_app(persist=True)
    panes, hint = await first_screen(app)
    assert panes == [openai_starter()]
    assert f"openai key from env OPENAI_API_KEY → {openai_starter()}" in hint
    assert "No API keys" not in hint and OPENAI_KEY not in hint
    sessions = tmp_path / "sessions"
    assert not sessions.exists() or not list(sessions.iterdir())  # nothing sent: no file


async def test_a_dotenv_key_opens_that_providers_pane(make_app, in_empty_dir):
    (in_empty_dir / ".env").write_text(f"OPENAI_API_KEY={OPENAI_KEY}\n")
    panes, hint = await first_screen(make_app())
    assert panes == [openai_starter()]
    assert "openai key from .env OPENAI_API_KEY" in hint


async def test_a_keyring_key_opens_that_providers_pane(make_app, tmp_path):
    backend = FileKeyring(tmp_path / "keyring.json")
    backend.set_password("playground", "openai", OPENAI_KEY)
    keyring.set_keyring(backend)
    try:
        panes, hint = await first_screen(make_app())
    finally:
        keyring.set_keyring(fail.Keyring())
    assert panes == [openai_starter()]
    assert "openai key from keyring" in hint


async def test_a_config_key_opens_that_providers_pane(make_app):
    config = Config(
        reliability=fast_reliability(),
        providers={"openai": ProviderConfig(api_key=OPENAI_KEY)},
    )
    panes, hint = await first_screen(make_app(config=config))
    assert panes == [openai_starter()]
    assert "openai key from config api_key" in hint


async def test_configured_panes_on_a_keyless_local_server_open_and_answer(make_app, sim_url):
    config = Config(
        reliability=fast_reliability(),
        providers={
            "mylocal": ProviderConfig(
                protocol="openai",
                base_url=f"{sim_url}/openai/v1",
                auth="none",
                models={"echo": ModelConfig(tools=True)},
            )
        },
        defaults=DefaultsConfig(panes=["mylocal/echo", ECHO]),
    )
    app = make_app(config=config)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        assert opened(app) == ["mylocal/echo", ECHO]
        assert hint_text(app) == ""
        prompt = app.query_one(PromptInput)
        prompt.load_text("local hello")
        await pilot.press("enter")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: view.last_answer == "local hello" and not view.busy)


async def save_session(directory: Path, specs: list[str], prompts: list[str]) -> Session:
    session = Session.open(sessions_dir=directory)
    panes = [session.add_pane(spec) for spec in specs]
    for prompt in prompts:
        for pane in panes:
            async for _ in pane.send(prompt):
                pass
    await session.aclose()
    return session


def empty_session_after(directory: Path, newer_than: Path, specs: list[str]) -> Path:
    """A newer file with panes but no turns (what older versions left at every launch)."""
    path = directory / "20991231-235959-empty0.jsonl"
    records = [{"t": "session", "version": 1, "id": "empty", "created": "2099-12-31T23:59:59"}]
    records += [{"t": "pane", "pane": f"p{i}", "spec": s} for i, s in enumerate(specs)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    stat = newer_than.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    return path


async def test_with_a_key_the_last_sessions_panes_reopen_without_their_turns(
    make_app, monkeypatch, tmp_path
):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    earlier = Session.open(sessions_dir=tmp_path / "sessions")
    earlier.add_pane("openai/gpt-4.1-mini")
    echo = earlier.add_pane(ECHO)
    async for _ in echo.send("earlier"):  # only the simulated pane talks (no network)
        pass
    await earlier.aclose()
    app = make_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        assert opened(app) == ["openai/gpt-4.1-mini", ECHO]
        assert hint_text(app) == ""
        assert all(not view.turn_views for view in app.chat_panes)  # a new session


async def test_resume_skips_a_newer_session_without_turns_and_scrolls_to_the_latest_turn(
    make_app, tmp_path
):
    sessions = tmp_path / "sessions"
    lorem = "sim/lorem?tps=0&ttft_ms=0&tokens=40"
    prompts = [f"question {i}" for i in range(8)]
    saved = await save_session(sessions, [lorem], prompts)
    empty_session_after(sessions, saved.store.path, ["sim/echo"])
    app = make_app(resume=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: len(view.turn_views) == len(prompts))
        assert app.session.id == saved.id
        transcript = view.transcript
        await wait_until(pilot, lambda: transcript.max_scroll_y > 0)
        await wait_until(pilot, lambda: transcript.scroll_y == transcript.max_scroll_y)


async def test_resume_with_an_id_reopens_that_session(make_app, tmp_path):
    sessions = tmp_path / "sessions"
    first = await save_session(sessions, [ECHO], ["the first one"])
    await save_session(sessions, [ECHO], ["the second one"])
    app = make_app(resume=first.id)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: len(view.turn_views) == 1)
        assert view.pane.turns[0].prompt == "the first one"


async def test_resume_keeps_tool_call_cards(make_app, tmp_path):
    from playground.tools.demo import demo_tools
    from playground.tui.widgets.turn_view import ToolCard

    saved = Session.open(sessions_dir=tmp_path / "sessions")
    pane = saved.add_pane("sim/tools?tps=0&ttft_ms=0")
    async for _ in pane.send("what is 6*7?", tools=demo_tools()):
        pass
    await saved.aclose()
    calls = pane.turns[0].tool_calls
    assert calls, "the simulated tools model made no call"
    app = make_app(resume=True)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: len(view.turn_views) == 1)
        cards = list(view.query(ToolCard))
        assert [card.tool_name for card in cards] == [call["name"] for call in calls]
        assert all(card.result for card in cards)


async def test_a_turn_cut_off_by_a_crash_is_labelled_interrupted_not_idle(make_app, tmp_path):
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    records = [
        {"t": "session", "version": 1, "id": "crashed", "created": "2026-12-04T20:00:00+00:00"},
        {"t": "pane", "pane": "p1", "spec": ECHO},
        {
            "t": "turn_start",
            "pane": "p1",
            "prompt": "long answer",
            "spec": ECHO,
            "thinking": "off",
            "images": [],
        },
        {"t": "event", "pane": "p1", "event": {"type": "text", "text": "half of it"}},
    ]  # no turn_end: the process was killed mid-stream
    (sessions / "20261204-200000-crash1.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records)
    )
    app = make_app(resume=True)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: len(view.turn_views) == 1)
        footer = str(view._footer_text())
        assert "interrupted" in footer and "idle" not in footer
        assert view.turn_views[0].answer_text == "half of it"


async def test_resume_with_an_unknown_id_says_so_and_opens_a_new_session(make_app, tmp_path):
    await save_session(tmp_path / "sessions", [ECHO], ["something"])
    app = make_app([ECHO], resume="no-such-id")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        assert not app.chat_panes[0].turn_views
        notes = [n.message for n in app._notifications]
        assert any("cannot resume 'no-such-id'" in note for note in notes)


async def test_resume_keeps_the_names_of_attached_images(make_app, tmp_path):
    from tests.tui.test_dialogs_and_controls import PNG as PNG_1PX

    image = tmp_path / "cat.png"
    image.write_bytes(PNG_1PX)
    app = make_app(["sim/vision?tps=0&ttft_ms=0"], persist=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        app._attach_picked(str(image))
        prompt = app.query_one(PromptInput)
        prompt.load_text("what is this?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.chat_panes[0].busy and app.chat_panes[0].pane.turns)
        await app.session.aclose()
    resumed = make_app(resume=True)
    async with resumed.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(resumed.chat_panes) == 1)
        view = resumed.chat_panes[0]
        await wait_until(pilot, lambda: len(view.turn_views) == 1)
        assert view.pane.turns[0].images == [f"cat.png ({len(PNG_1PX):,} bytes)"]
        assert "cat.png" in " ".join(str(w.render()) for w in view.turn_views[0].query("*"))


async def test_when_no_configured_pane_can_open_each_says_why_and_the_demo_opens(make_app):
    config = Config(
        reliability=fast_reliability(),
        defaults=DefaultsConfig(panes=["openai/gpt-4o-mini"]),
    )
    app = make_app(config=config)
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == len(FIRST_RUN_PANES))
        assert opened(app) == list(FIRST_RUN_PANES)
        assert hint_text(app).startswith("No API keys found")
        notes = [(n.title, n.message) for n in app._notifications]
        assert any(
            title == "cannot open openai/gpt-4o-mini" and "OPENAI_API_KEY" in message
            for title, message in notes
        )
