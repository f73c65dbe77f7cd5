"""The session model: multi-turn history, the tool loop, stop, persistence, resume, export."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from pathlib import Path

import pytest

from playground.config.loader import parse_config
from playground.events import Done, Error, TextDelta, ToolResult
from playground.request import ThinkingLevel, ToolCallPart, ToolResultPart
from playground.session import PaneStatus, Session, SessionError
from playground.session.store import read_records
from playground.tools.demo import demo_tools
from tests.adapters.replay import Reply
from tests.cli.minimal_streams import OPENAI

KEY = "sk-proj-" + "k" * 40 + "Wq7z"


def local_config(base_url: str) -> object:
    text = (
        f'[providers.openai]\nbase_url = "{base_url}/v1"\napi_key = "{KEY}"\n'
        "[reliability]\nretries = 0\n"
    )
    return parse_config(text, Path("test.toml"))


async def collect(stream) -> list:
    return [event async for event in stream]


async def test_second_turn_sends_the_whole_conversation(capture, tmp_path) -> None:
    capture.queue(Reply(OPENAI), Reply(OPENAI))
    session = Session.open(local_config(capture.base_url), sessions_dir=tmp_path)
    pane = session.add_pane("openai/gpt-4o-mini")
    first = await collect(pane.send("first question"))
    assert isinstance(first[-1], Done)
    await collect(pane.send("second question"))
    await session.aclose()
    turn_two = capture.requests[1].json()["messages"]
    assert [(m["role"], m["content"]) for m in turn_two] == [
        ("user", "first question"),
        ("assistant", "ok"),
        ("user", "second question"),
    ]
    assert [t.text for t in pane.turns] == ["ok", "ok"]
    assert pane.metrics.status is PaneStatus.DONE


async def test_pane_thinking_override_and_label(capture, tmp_path) -> None:
    session = Session.open(local_config(capture.base_url), persist=False)
    pane = session.add_pane("openai/o4-mini")
    session.thinking = ThinkingLevel.HIGH
    assert pane.thinking_label() == "effort high"
    pane.thinking = ThinkingLevel.LOW
    assert pane.thinking_label() == "effort low"
    capture.queue(Reply(OPENAI))
    await collect(pane.send("hi"))
    assert capture.requests[0].json()["reasoning_effort"] == "low"
    await session.aclose()


@pytest.mark.usefixtures("sim_env")
async def test_tool_loop_runs_demo_tools_and_keeps_them_in_history(tmp_path) -> None:
    session = Session.open(persist=False)
    pane = session.add_pane("sim/tools?tps=0")
    events = await collect(pane.send("what is the weather?", tools=demo_tools()))
    await session.aclose()
    results = [e for e in events if isinstance(e, ToolResult)]
    assert len(results) == 1
    assert [m.role for m in pane.history] == ["user", "assistant", "tool", "assistant"]
    call = pane.history[1].parts[-1]
    assert isinstance(call, ToolCallPart) and call.name == "calculator"
    result = pane.history[2].parts[0]
    assert isinstance(result, ToolResultPart) and result.tool_call_id == call.id
    done = events[-1]
    assert isinstance(done, Done) and done.stop_reason == "stop"
    assert sum(isinstance(e, Done) for e in events) == 1
    assert pane.metrics.steps == 1


@pytest.mark.usefixtures("sim_env")
async def test_stop_cancels_cleanly_and_retry_resends(tmp_path) -> None:
    session = Session.open(persist=False)
    pane = session.add_pane("sim/lorem?tps=200&tokens=2000")
    seen = []
    async for event in pane.send("go"):
        seen.append(event)
        if sum(isinstance(e, TextDelta) for e in seen) == 5:
            pane.stop()
    assert isinstance(seen[-1], Error) and seen[-1].kind == "cancelled"
    assert pane.metrics.status is PaneStatus.CANCELLED
    assert not pane.busy
    pane.set_model("sim/echo?tps=0")
    events = await collect(pane.retry())
    assert isinstance(events[-1], Done)
    assert pane.turns[-1].text == "go"
    await session.aclose()


@pytest.mark.usefixtures("sim_env")
async def test_image_to_a_text_only_model_is_refused_without_a_request(tmp_path) -> None:
    from playground.request import ImagePart

    session = Session.open(persist=False)
    pane = session.add_pane("sim/echo?tps=0")
    events = await collect(
        pane.send("look", images=[ImagePart.from_bytes(b"\x89PNG", "image/png")])
    )
    assert len(events) == 1 and isinstance(events[0], Error)
    assert pane.history == []
    assert pane.metrics.status is PaneStatus.FAILED
    await session.aclose()


async def test_session_file_resume_and_exports_never_hold_the_key(capture, tmp_path) -> None:
    capture.queue(Reply(OPENAI), Reply(OPENAI))
    config = local_config(capture.base_url)
    session = Session.open(config, sessions_dir=tmp_path)
    pane = session.add_pane("openai/gpt-4o-mini")
    other = session.add_pane("openai/gpt-4o")
    pane.thinking = ThinkingLevel.OFF
    session.thinking = ThinkingLevel.LOW
    session.system = "Be brief."
    await collect(pane.send("remember me"))
    await collect(other.send("and me"))
    session.move_pane(other, 0)
    markdown = session.export_markdown(tmp_path / "out.md").read_text()
    exported = session.export_json(tmp_path / "out.json").read_text()
    await session.aclose()
    saved = session.store.path.read_text()
    for text in (markdown, exported, saved):
        assert KEY not in text
        assert KEY[-8:] not in text
    assert "remember me" in markdown and "**Assistant:**" in markdown
    assert json.loads(exported)["panes"][1]["turns"][0]["text"] == "ok"

    resumed = Session.resume(config=config, sessions_dir=tmp_path)
    assert [p.spec for p in resumed.panes] == ["openai/gpt-4o", "openai/gpt-4o-mini"]
    assert resumed.thinking is ThinkingLevel.LOW
    assert resumed.system == "Be brief."
    restored = resumed.panes[1]
    assert restored.thinking is ThinkingLevel.OFF
    assert [m.text for m in restored.history] == ["remember me", "ok"]
    assert restored.turns[0].text == "ok" and restored.turns[0].status == "done"
    capture.queue(Reply(OPENAI))
    await collect(restored.send("next"))
    assert [m["content"] for m in capture.requests[-1].json()["messages"]] == [
        "Be brief.",  # the restored system prompt
        "remember me",
        "ok",
        "next",
    ]
    await resumed.aclose()


def test_resume_without_a_saved_session_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(SessionError, match="no saved session"):
        Session.resume(sessions_dir=tmp_path)


@pytest.mark.usefixtures("sim_env")
async def test_text_is_coalesced_in_the_session_file(tmp_path) -> None:
    session = Session.open(sessions_dir=tmp_path)
    pane = session.add_pane("sim/lorem?tps=0&tokens=300")
    events = await collect(pane.send("long"))
    await session.aclose()
    deltas = sum(isinstance(e, TextDelta) for e in events)
    records = read_records(session.store.path)
    text_records = [r for r in records if r["t"] == "event" and r["event"]["type"] == "text"]
    assert deltas >= 100 and len(text_records) <= 3
    assert "".join(r["event"]["text"] for r in text_records) == pane.turns[0].text


async def test_a_prompt_that_failed_is_replaced_by_the_next_one(capture) -> None:
    bad = Reply(
        b'{"error": {"message": "bad things", "type": "invalid_request_error"}}',
        status=400,
        content_type="application/json",
    )
    capture.queue(bad, Reply(OPENAI))
    session = Session.open(local_config(capture.base_url), persist=False)
    pane = session.add_pane("openai/gpt-4o-mini")
    failed = await collect(pane.send("first try"))
    assert isinstance(failed[-1], Error) and pane.metrics.status is PaneStatus.FAILED
    assert pane.turns[0].error["message"]
    await collect(pane.send("second try"))
    await session.aclose()
    sent = capture.requests[1].json()["messages"]
    assert [(m["role"], m["content"]) for m in sent] == [("user", "second try")]


async def test_turn_notes_say_when_tools_are_prompt_guided(capture) -> None:
    config = parse_config(
        f'[providers.plain]\nprotocol = "openai"\nbase_url = "{capture.base_url}/v1"\n'
        'auth = "none"\n[providers.plain.models.textonly]\ntools = false\n',
        Path("t.toml"),
    )
    capture.queue(Reply(OPENAI))
    session = Session.open(config, persist=False)
    pane = session.add_pane("plain/textonly")
    await collect(pane.send("hi", tools=demo_tools()))
    await session.aclose()
    assert any("prompt-guided" in note for note in pane.turns[0].notes)


TOOL_CALL = (
    b'data: {"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,'
    b'"id":"call_1","type":"function","function":{"name":"clock","arguments":"{}"}}]},'
    b'"finish_reason":null}]}\n\n'
    b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\n'
    b"data: [DONE]\n\n"
)


async def test_tool_loop_stops_at_the_step_limit(capture) -> None:
    from playground.session import MAX_TOOL_STEPS

    capture.queue(*(Reply(TOOL_CALL) for _ in range(MAX_TOOL_STEPS + 1)))
    session = Session.open(local_config(capture.base_url), persist=False)
    pane = session.add_pane("openai/gpt-4o-mini")
    events = await collect(pane.send("loop forever", tools=demo_tools()))
    await session.aclose()
    assert len(capture.requests) == MAX_TOOL_STEPS
    assert sum(isinstance(e, ToolResult) for e in events) == MAX_TOOL_STEPS - 1
    done = events[-1]
    assert isinstance(done, Done) and done.stop_reason == "tool_use"
    assert pane.step_limit_reached
    assert pane.metrics.steps == MAX_TOOL_STEPS - 1


ANTHROPIC_THINKING = (
    b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":'
    b'"message","role":"assistant","model":"m","content":[],"stop_reason":null,"usage":'
    b'{"input_tokens":5,"output_tokens":1}}}\n\n'
    b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
    b'"content_block":{"type":"thinking","thinking":""}}\n\n'
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
    b'"delta":{"type":"thinking_delta","thinking":"Let me think."}}\n\n'
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
    b'"delta":{"type":"signature_delta","signature":"SIG123"}}\n\n'
    b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
    b'event: content_block_start\ndata: {"type":"content_block_start","index":1,'
    b'"content_block":{"type":"text","text":""}}\n\n'
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,'
    b'"delta":{"type":"text_delta","text":"Answer."}}\n\n'
    b'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n'
    b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
    b'"usage":{"output_tokens":9}}\n\n'
    b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
)


async def test_thinking_with_its_signature_is_replayed_on_the_next_turn(capture) -> None:
    from tests.cli.minimal_streams import ANTHROPIC

    capture.queue(Reply(ANTHROPIC_THINKING), Reply(ANTHROPIC))
    config = parse_config(
        f'[providers.anthropic]\nbase_url = "{capture.base_url}"\n'
        f'api_key = "sk-ant-api03-{"x" * 80}AA"\n',
        Path("t.toml"),
    )
    session = Session.open(config, persist=False)
    session.thinking = ThinkingLevel.LOW
    pane = session.add_pane("anthropic/claude-sonnet-4-5")
    await collect(pane.send("first"))
    await collect(pane.send("second"))
    await session.aclose()
    assistant = capture.requests[1].json()["messages"][1]
    assert assistant["role"] == "assistant"
    assert assistant["content"][0] == {
        "type": "thinking",
        "thinking": "Let me think.",
        "signature": "SIG123",
    }
    assert assistant["content"][1]["text"] == "Answer."
    assert pane.turns[0].thinking_text == "Let me think."


async def test_a_session_without_a_prompt_leaves_no_file_and_resume_finds_the_last_real_one(
    capture, tmp_path
) -> None:
    config = local_config(capture.base_url)
    full = Session.open(config, sessions_dir=tmp_path)
    pane = full.add_pane("openai/gpt-4o-mini")
    async for _ in pane.send("hello"):
        pass
    await full.aclose()
    empty = Session.open(config, sessions_dir=tmp_path)
    empty.add_pane("openai/gpt-4o-mini")
    await empty.aclose()
    assert not empty.store.path.exists()
    assert sorted(tmp_path.iterdir()) == [full.store.path]
    resumed = Session.resume(config=config, sessions_dir=tmp_path)
    assert resumed.store.path == full.store.path
    assert [p.spec for p in resumed.panes] == ["openai/gpt-4o-mini"]
    await resumed.aclose()


async def test_retry_replaces_the_last_turn_instead_of_repeating_the_prompt(
    capture, tmp_path
) -> None:
    capture.queue(Reply(OPENAI), Reply(OPENAI), Reply(OPENAI))
    config = local_config(capture.base_url)
    session = Session.open(config, sessions_dir=tmp_path)
    pane = session.add_pane("openai/gpt-4o-mini")
    await collect(pane.send("first question"))
    await collect(pane.send("second question"))
    events = await collect(pane.retry())
    assert isinstance(events[-1], Done)
    await session.aclose()
    sent = capture.requests[-1].json()["messages"]
    assert [(m["role"], m["content"]) for m in sent] == [
        ("user", "first question"),
        ("assistant", "ok"),
        ("user", "second question"),
    ]
    assert [t.prompt for t in pane.turns] == ["first question", "second question"]
    assert [m.text for m in pane.history] == ["first question", "ok", "second question", "ok"]

    resumed = Session.resume(config=config, sessions_dir=tmp_path)
    restored = resumed.panes[0]
    assert [t.prompt for t in restored.turns] == ["first question", "second question"]
    assert [m.text for m in restored.history] == [m.text for m in pane.history]
    await resumed.aclose()


@pytest.mark.usefixtures("sim_env")
async def test_retry_of_a_stopped_turn_replaces_it_too(tmp_path) -> None:
    session = Session.open(persist=False)
    pane = session.add_pane("sim/lorem?tps=200&tokens=2000")
    async for event in pane.send("go"):
        if isinstance(event, TextDelta):
            pane.stop()
    pane.set_model("sim/echo?tps=0")
    await collect(pane.retry())
    assert [t.prompt for t in pane.turns] == ["go"]
    assert [(m.role, m.text) for m in pane.history] == [("user", "go"), ("assistant", "go")]
    await session.aclose()


async def test_exports_name_the_model_of_each_turn_and_mark_a_model_change(
    capture, tmp_path
) -> None:
    capture.queue(Reply(OPENAI), Reply(OPENAI))
    session = Session.open(local_config(capture.base_url), persist=False)
    pane = session.add_pane("openai/gpt-4o-mini")
    await collect(pane.send("one"))
    pane.set_model("openai/gpt-4o")
    await collect(pane.send("two"))
    markdown = session.export_markdown(tmp_path / "out.md").read_text()
    exported = json.loads(session.export_json(tmp_path / "out.json").read_text())
    await session.aclose()
    assert "### Turn 1 · openai/gpt-4o-mini ·" in markdown
    assert "### Turn 2 · openai/gpt-4o ·" in markdown
    assert "model changed: openai/gpt-4o-mini → openai/gpt-4o" in markdown
    assert [t["spec"] for t in exported["panes"][0]["turns"]] == [
        "openai/gpt-4o-mini",
        "openai/gpt-4o",
    ]


async def test_exports_are_written_private_whatever_the_umask(tmp_path, monkeypatch) -> None:
    import os
    import stat

    from playground.session import Session

    old = os.umask(0o022)
    try:
        session = Session.__new__(Session)
        monkeypatch.setattr(session, "to_dict", lambda: {"id": "x", "panes": []}, raising=False)
        for path in (
            session.export_json(tmp_path / "s.json"),
            session.export_markdown(tmp_path / "s.md"),
        ):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


@pytest.mark.usefixtures("sim_env")
async def test_a_reader_that_fell_behind_still_gives_the_loop_turns() -> None:
    """Events already waiting are handed over with a loop turn at least every
    ``YIELD_EVERY_S`` (here every event takes longer than that to read)."""
    from playground.session.pane import YIELD_EVERY_S

    session = Session.open(persist=False)
    pane = session.add_pane("sim/lorem?tps=0&ttft_ms=0&tokens=40")
    turns = 0

    async def other_task() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_task())
    seen: list[int] = []
    async for _event in pane.send("go"):
        seen.append(turns)
        time.sleep(YIELD_EVERY_S * 1.5)  # a slow reader: the producer gets ahead
    other.cancel()
    await session.aclose()
    assert len(seen) > 20
    assert all(later > earlier for earlier, later in itertools.pairwise(seen))
