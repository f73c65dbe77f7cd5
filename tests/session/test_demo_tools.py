"""The demo tool set and user tool files."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from playground.tools.demo import ToolsFileError, calculate, demo_tools, load_tools_file


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 + 3 * 4", 14),
        ("(2 + 3) * 4", 20),
        ("2 ** 10", 1024),
        ("2^3", 8),
        ("-7 // 2", -4),
        ("sqrt(16) + pi * 0", 4.0),
        ("10 % 4", 2),
        ("1 / 4", 0.25),
    ],
)
def test_calculator_evaluates_arithmetic(expression: str, expected: float) -> None:
    assert calculate(expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('true')",
        "open('x')",
        "a + 1",
        "[1, 2]",
        "2 ** 100000",
        "1 / 0",
        "lambda: 1",
        "(1).__class__",
    ],
)
def test_calculator_refuses_anything_but_arithmetic(expression: str) -> None:
    tools = demo_tools()
    content, is_error = tools.execute("calculator", {"expression": expression})
    assert is_error
    assert content.startswith("calculator:")


def test_calculator_result_is_json_with_integer_when_whole() -> None:
    content, is_error = demo_tools().execute("calculator", {"expression": "6 * 7"})
    assert not is_error
    assert json.loads(content) == {"expression": "6 * 7", "result": 42}


def test_clock_uses_the_injected_time_and_time_zone() -> None:
    fixed = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    tools = demo_tools(now=lambda: fixed)
    assert json.loads(tools.execute("clock", {})[0]) == {"time": "2026-01-02T03:04:05+00:00"}
    paris = json.loads(tools.execute("clock", {"timezone": "Europe/Paris"})[0])
    assert paris == {"time": "2026-01-02T04:04:05+01:00"}
    assert tools.execute("clock", {"timezone": "Mars/Olympus"})[1] is True


def test_weather_is_deterministic_per_city() -> None:
    tools = demo_tools()
    first = json.loads(tools.execute("weather", {"city": "Paris"})[0])
    again = json.loads(tools.execute("weather", {"city": "paris"})[0])
    other = json.loads(tools.execute("weather", {"city": "Lagos"})[0])
    assert first["temperature"] == again["temperature"]
    assert first["conditions"] == again["conditions"]
    assert (first["temperature"], first["conditions"]) != (
        other["temperature"],
        other["conditions"],
    )
    assert tools.execute("weather", {})[1] is True


def test_demo_tools_are_executable_and_offered_with_schemas() -> None:
    tools = demo_tools()
    assert [s.name for s in tools.specs] == ["calculator", "clock", "weather"]
    assert all(s.parameters["type"] == "object" for s in tools.specs)
    assert tools.can_execute("weather")
    assert tools.execute("nope", {}) == ("unknown tool 'nope'", True)


def test_user_tools_file_loads_plain_and_openai_style_entries(tmp_path) -> None:
    path = tmp_path / "tools.json"
    path.write_text(
        json.dumps(
            [
                {"name": "lookup", "description": "find", "parameters": {"type": "object"}},
                {
                    "type": "function",
                    "function": {"name": "send", "parameters": {"type": "object"}},
                },
            ]
        )
    )
    tools = load_tools_file(path)
    assert [s.name for s in tools.specs] == ["lookup", "send"]
    assert not tools.can_execute("lookup")  # user tools are shown, never run locally


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "invalid JSON"),
        ("{}", "expected a non-empty JSON list"),
        ("[]", "expected a non-empty JSON list"),
        ('[{"description": "x"}]', "missing 'name'"),
        ('[{"name": "a", "parameters": {"type": "string"}}]', "JSON Schema object"),
        ('[{"name": "a"}, {"name": "a"}]', "duplicate tool name 'a'"),
    ],
)
def test_bad_tools_files_give_one_clear_line(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "tools.json"
    path.write_text(content)
    with pytest.raises(ToolsFileError) as info:
        load_tools_file(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_tools_file(tmp_path) -> None:
    with pytest.raises(ToolsFileError, match="not found"):
        load_tools_file(tmp_path / "absent.json")
