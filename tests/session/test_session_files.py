"""Session files: created at the first prompt, listed, pruned, found by id, and read even
when a byte in them is not UTF-8."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playground.cli import main
from playground.session import (
    Session,
    find_session,
    latest_session_file,
    list_sessions,
    prune_empty_sessions,
)
from playground.session.store import read_records

ECHO = "sim/echo?tps=0&ttft_ms=0"


async def talk(directory: Path, specs: list[str], prompts: list[str]) -> Session:
    session = Session.open(sessions_dir=directory)
    panes = [session.add_pane(spec) for spec in specs]
    for prompt in prompts:
        for pane in panes:
            async for _ in pane.send(prompt):
                pass
    await session.aclose()
    return session


def empty_session_file(directory: Path, name: str, specs: list[str]) -> Path:
    """A file as older versions left at every launch: a header and panes, no turn."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.jsonl"
    records = [{"t": "session", "version": 1, "id": name, "created": "2026-12-01T10:00:00+00:00"}]
    records += [{"t": "pane", "pane": f"p{i}", "spec": s} for i, s in enumerate(specs)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def touch_later(path: Path, seconds: int = 10) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 10**9))


async def test_opening_and_closing_without_a_prompt_writes_nothing(sim_env, tmp_path):
    session = await talk(tmp_path, [ECHO, ECHO], [])
    assert not session.store.path.exists()
    assert list(tmp_path.iterdir()) == []


async def test_the_first_prompt_creates_the_file_with_everything_before_it(sim_env, tmp_path):
    session = await talk(tmp_path, [ECHO], ["hello"])
    kinds = [r["t"] for r in read_records(session.store.path)]
    assert kinds[:3] == ["session", "pane", "turn_start"]
    assert oct(session.store.path.stat().st_mode & 0o777) == "0o600"


async def test_sessions_are_listed_newest_first_with_panes_and_turns(sim_env, tmp_path):
    older = await talk(tmp_path, [ECHO], ["one"])
    newer = await talk(tmp_path, [ECHO, ECHO + "&run=2"], ["two", "three"])
    touch_later(newer.store.path)
    listed = list_sessions(tmp_path)
    assert [s.id for s in listed] == [newer.id, older.id]
    assert listed[0].panes == [ECHO, ECHO + "&run=2"]
    assert listed[0].turns == 4  # two prompts × two panes
    assert listed[1].turns == 1
    assert listed[0].started.startswith("20")


async def test_resume_alone_skips_empty_sessions_and_an_id_finds_one(sim_env, tmp_path):
    real = await talk(tmp_path, [ECHO], ["keep me"])
    empty = empty_session_file(tmp_path, "20991231-000000-empty0", [ECHO])
    touch_later(empty)
    assert latest_session_file(tmp_path, with_turns=True) == real.store.path
    assert find_session(real.id, tmp_path) == real.store.path
    assert find_session(real.store.path.stem[:15], tmp_path) == real.store.path  # a prefix
    assert find_session("20", tmp_path) is None  # a prefix of both: ambiguous
    assert find_session("no-such-session", tmp_path) is None


async def test_prune_deletes_only_sessions_without_turns(sim_env, tmp_path):
    real = await talk(tmp_path, [ECHO], ["keep me"])
    empty = empty_session_file(tmp_path, "20261201-100000-abc123", [ECHO])
    removed = prune_empty_sessions(tmp_path)
    assert removed == [empty]
    assert [p for p in tmp_path.iterdir()] == [real.store.path]


async def test_an_invalid_utf8_byte_costs_one_character_not_the_session(sim_env, tmp_path):
    session = await talk(tmp_path, [ECHO], ["hello there", "second"])
    path = session.store.path
    data = path.read_bytes()
    index = data.index(b"hello there", data.index(b'"t": "event"'))
    path.write_bytes(data[:index] + b"\xff" + data[index + 1 :])  # 'h' of the answer
    resumed = Session.resume(path)
    (pane,) = resumed.panes
    assert [t.prompt for t in pane.turns] == ["hello there", "second"]
    assert pane.turns[0].text == "\ufffdello there"
    assert pane.turns[1].text == "second"
    await resumed.aclose()


async def test_the_sessions_command_lists_prunes_and_prints_json(sim_env, capsys):
    from playground.session import sessions_dir

    real = await talk(sessions_dir(), [ECHO], ["hi"])
    empty_session_file(sessions_dir(), "20261201-100000-abc123", ["sim/echo"])
    assert main(["sessions", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {s["id"]: s["turns"] for s in listed} == {real.id: 1, "20261201-100000-abc123": 0}
    assert set(listed[0]) >= {"id", "started", "panes", "turns"}
    assert main(["sessions"]) == 0
    table = capsys.readouterr().out
    assert real.id in table and "1 without turns: `playground sessions --prune`" in table
    assert main(["sessions", "--prune"]) == 0
    assert "removed 1 empty session" in capsys.readouterr().out
    assert [s.id for s in list_sessions()] == [real.id]


async def test_closed_panes_and_cleared_conversations_do_not_count_as_turns(sim_env, tmp_path):
    session = Session.open(sessions_dir=tmp_path)
    kept = session.add_pane(ECHO)
    closed = session.add_pane(ECHO + "&run=2")
    for pane in (kept, closed):
        async for _ in pane.send("hello"):
            pass
    session.remove_pane(closed)
    (summary,) = list_sessions(tmp_path)
    assert summary.turns == 1 and summary.panes == [ECHO]
    kept.clear()
    await session.aclose()
    (summary,) = list_sessions(tmp_path)
    assert summary.turns == 0
    assert latest_session_file(tmp_path, with_turns=True) is None
