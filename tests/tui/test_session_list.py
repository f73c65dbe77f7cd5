"""The session list screen (f3 / command palette): id, started, panes, turns; Enter reopens."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playground.session import Session
from playground.tui.palette import palette_commands
from playground.tui.screens.sessions import SessionList

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"


def write_session(
    directory: Path, name: str, created: str, specs: list[str], prompts: int, mtime: int
) -> Path:
    """A saved session file with fixed contents (ids and times stay the same in snapshots)."""
    directory.mkdir(parents=True, exist_ok=True)
    records: list[dict] = [{"t": "session", "version": 1, "id": name, "created": created}]
    records += [{"t": "pane", "pane": f"p{i}", "spec": s} for i, s in enumerate(specs)]
    for n in range(prompts):
        for i, spec in enumerate(specs):
            records.append(
                {
                    "t": "turn_start",
                    "pane": f"p{i}",
                    "prompt": f"question {n}",
                    "spec": spec,
                    "thinking": "off",
                    "images": [],
                }
            )
            records.append({"t": "event", "pane": f"p{i}", "event": {"type": "text", "text": "ok"}})
            records.append({"t": "turn_end", "pane": f"p{i}", "status": "done", "metrics": {}})
    path = directory / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    os.utime(path, (mtime, mtime))
    return path


def three_sessions(directory: Path) -> None:
    write_session(
        directory,
        "20261203-091500-a1b2c3",
        "2026-12-03T09:15:00+00:00",
        ["sim/echo", "sim-anthropic/thinker"],
        3,
        1_000_000,
    )
    write_session(directory, "20261202-180000-d4e5f6", "2026-12-02T18:00:00+00:00", [], 0, 900_000)
    write_session(
        directory, "20261204-120000-0a0b0c", "2026-12-04T12:00:00+00:00", [ECHO], 2, 1_100_000
    )


async def test_f3_lists_sessions_newest_first_and_enter_reopens_one(make_app, tmp_path):
    sessions = tmp_path / "sessions"
    three_sessions(sessions)
    app = make_app([ECHO], persist=True)
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionList))
        listed = [(s.id, s.turns, s.panes) for s in app.screen.sessions]
        assert listed == [
            ("20261204-120000-0a0b0c", 2, [ECHO]),
            ("20261203-091500-a1b2c3", 6, ["sim/echo", "sim-anthropic/thinker"]),
            ("20261202-180000-d4e5f6", 0, []),
        ]
        await pilot.press("down", "enter")  # the second row
        await wait_until(pilot, lambda: app.session.id == "20261203-091500-a1b2c3")
        assert [v.pane.spec for v in app.chat_panes] == ["sim/echo", "sim-anthropic/thinker"]
        await wait_until(pilot, lambda: all(len(v.turn_views) == 3 for v in app.chat_panes))
        assert any("opened session 20261203-091500-a1b2c3" in n.message for n in app._notifications)


async def test_the_reopened_session_keeps_going_in_its_own_file(make_app, tmp_path):
    sessions = tmp_path / "sessions"
    three_sessions(sessions)
    app = make_app([ECHO], persist=True)
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionList))
        await pilot.press("enter")  # the newest: one echo pane, 2 turns
        await wait_until(pilot, lambda: app.session.id == "20261204-120000-0a0b0c")
        prompt = app.query_one("#prompt")
        prompt.load_text("a third question")
        await pilot.press("enter")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: len(view.pane.turns) == 3 and not view.busy)
        await app.session.aclose()
    reopened = Session.resume(sessions / "20261204-120000-0a0b0c.jsonl")
    assert [t.prompt for t in reopened.panes[0].turns][-1] == "a third question"
    await reopened.aclose()


async def test_the_palette_offers_the_session_list(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        titles = {title: callback for title, _, callback in palette_commands(app)}
        titles["Sessions"]()
        await wait_until(pilot, lambda: isinstance(app.screen, SessionList))


def test_session_list_snapshot(snap_compare, make_app, tmp_path):
    three_sessions(tmp_path / "sessions")
    app = make_app([ECHO], clock=lambda: 1000.0)

    async def run_before(pilot):
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionList))
        for widget in app.query("TextArea"):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)
