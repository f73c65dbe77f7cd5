"""Tools offered to a model without native tool calling go through the system prompt."""

from __future__ import annotations

import json
from pathlib import Path

from playground.config.loader import parse_config
from playground.events import Done, ToolCallEnd, ToolResult
from playground.session import Session
from playground.tools.demo import demo_tools
from tests.adapters.replay import Reply


def chunk(text: str) -> bytes:
    data = {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
    return b"data: " + json.dumps(data).encode() + b"\n\n"


FINISH = b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'


async def test_prompted_tool_call_is_parsed_executed_and_answered(capture) -> None:
    call = '<tool_call>{"name": "calculator", "arguments": {"expression": "6*7"}}</tool_call>'
    capture.queue(
        Reply(chunk("Let me compute. ") + chunk(call[:15]) + chunk(call[15:]) + FINISH),
        Reply(chunk("It is 42.") + FINISH),
    )
    config = parse_config(
        f'[providers.plain]\nprotocol = "openai"\nbase_url = "{capture.base_url}/v1"\n'
        'auth = "none"\n[providers.plain.models.textonly]\ntools = false\n',
        Path("t.toml"),
    )
    session = Session.open(config, persist=False)
    pane = session.add_pane("plain/textonly")
    events = [e async for e in pane.send("what is 6*7?", tools=demo_tools())]
    await session.aclose()
    calls = [e for e in events if isinstance(e, ToolCallEnd)]
    assert [(c.name, c.arguments) for c in calls] == [("calculator", {"expression": "6*7"})]
    results = [e for e in events if isinstance(e, ToolResult)]
    assert json.loads(results[0].content)["result"] == 42
    assert isinstance(events[-1], Done) and events[-1].stop_reason == "stop"
    first, second = (r.json() for r in capture.requests)
    assert "tools" not in first and "<tool_call>" in first["messages"][0]["content"]
    assert "calculator" in first["messages"][0]["content"]
    assert "42" in json.dumps(second["messages"])
    assert pane.turns[0].text == "Let me compute. It is 42."
