"""The built-in demo tools (calculator, clock, weather) and user tool files (``--tools FILE``).

Demo tools run locally and their results go back to the model; tools from a user's file
are only offered — their calls are shown and the turn ends with ``stop_reason=tool_use``.
"""

from __future__ import annotations

import ast
import json
import math
import operator
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playground.local_files import MAX_TOOLS_FILE_BYTES, LocalFileError, read_bounded
from playground.request import ToolSpec

ToolExecutor = Callable[[dict[str, Any]], str]

MAX_TOOLS_DEPTH = 64
"""Deepest JSON nesting accepted in a tools file. Real schemas nest a few levels; a limit
well under the interpreter's recursion limit keeps encoding the request safe later."""


class ToolsFileError(Exception):
    """A ``--tools`` file could not be used; the message is one line for the user."""


class ToolError(Exception):
    """A tool rejected its arguments; the message goes back to the model as an error result."""


@dataclass(frozen=True, slots=True)
class ToolSet:
    """Tools offered to a model, with local executors for the ones that can run here."""

    name: str
    specs: tuple[ToolSpec, ...]
    executors: Mapping[str, ToolExecutor] = field(default_factory=dict)

    def can_execute(self, name: str) -> bool:
        """Whether a call to ``name`` is executed locally (demo tools) or only shown."""
        return name in self.executors

    def execute(self, name: str, arguments: Mapping[str, Any]) -> tuple[str, bool]:
        """Run a tool; returns ``(content, is_error)``. Never raises for bad arguments."""
        executor = self.executors.get(name)
        if executor is None:
            return f"unknown tool {name!r}", True
        try:
            return executor(dict(arguments)), False
        except ToolError as exc:
            return str(exc), True
        except (TypeError, ValueError, KeyError) as exc:
            return f"{name}: bad arguments: {exc}", True


# --- calculator ---------------------------------------------------------------------------

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
_FUNCTIONS: dict[str, Callable[..., float]] = {
    "sqrt": math.sqrt,
    "abs": abs,
    "round": round,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "log": math.log,
    "exp": math.exp,
}
_CONSTANTS = {"pi": math.pi, "e": math.e}
_MAX_EXPONENT = 1000
_MAX_EXPRESSION = 500


def calculate(expression: str) -> float | int:
    """Evaluate arithmetic safely by walking the ``ast`` (no ``eval``): numbers, + - * / // % **,
    parentheses, ``pi``, ``e`` and a few math functions."""
    if len(expression) > _MAX_EXPRESSION:
        raise ToolError("calculator: expression too long")
    try:
        tree = ast.parse(expression.replace("^", "**"), mode="eval")
    except SyntaxError:
        raise ToolError(f"calculator: not an arithmetic expression: {expression!r}") from None
    try:
        return _evaluate(tree.body)
    except ZeroDivisionError:
        raise ToolError("calculator: division by zero") from None
    except (OverflowError, ValueError) as exc:
        raise ToolError(f"calculator: {exc}") from None


def _evaluate(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > _MAX_EXPONENT:
            raise ToolError("calculator: exponent too large")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.Name) and node.id in _CONSTANTS:
        return _CONSTANTS[node.id]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and not node.keywords
    ):
        return _FUNCTIONS[node.func.id](*(_evaluate(arg) for arg in node.args))
    raise ToolError(f"calculator: unsupported syntax: {ast.unparse(node)!r}")


def _calculator(arguments: dict[str, Any]) -> str:
    expression = str(arguments.get("expression", "")).strip()
    if not expression:
        raise ToolError("calculator: missing 'expression'")
    value = calculate(expression)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return json.dumps({"expression": expression, "result": value})


# --- clock and weather --------------------------------------------------------------------


def _clock_tool(now: Callable[[], datetime]) -> ToolExecutor:
    def clock(arguments: dict[str, Any]) -> str:
        moment = now()
        name = arguments.get("timezone")
        if name:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                moment = moment.astimezone(ZoneInfo(str(name)))
            except (ZoneInfoNotFoundError, ValueError):
                raise ToolError(f"clock: unknown time zone {name!r}") from None
        return json.dumps({"time": moment.isoformat(timespec="seconds")})

    return clock


_CONDITIONS = ("sunny", "partly cloudy", "cloudy", "light rain", "rain", "windy", "snow", "fog")


def _weather(arguments: dict[str, Any]) -> str:
    """A deterministic stub: the same city always gets the same weather."""
    city = str(arguments.get("city", "")).strip()
    if not city:
        raise ToolError("weather: missing 'city'")
    seed = zlib.crc32(city.lower().encode("utf-8"))
    unit = arguments.get("unit", "celsius")
    celsius = seed % 35 - 5
    temperature = celsius if unit != "fahrenheit" else round(celsius * 9 / 5 + 32)
    return json.dumps(
        {
            "city": city,
            "temperature": temperature,
            "unit": "fahrenheit" if unit == "fahrenheit" else "celsius",
            "conditions": _CONDITIONS[(seed >> 8) % len(_CONDITIONS)],
            "humidity_percent": 30 + (seed >> 16) % 60,
            "note": "simulated demo data",
        }
    )


CALCULATOR = ToolSpec(
    name="calculator",
    description="Evaluate an arithmetic expression, e.g. '(2 + 3) * 4 / sqrt(16)'.",
    parameters={
        "type": "object",
        "properties": {
            "expression": {"type": "string", "description": "the arithmetic expression"}
        },
        "required": ["expression"],
    },
)
CLOCK = ToolSpec(
    name="clock",
    description="Get the current date and time, optionally in an IANA time zone.",
    parameters={
        "type": "object",
        "properties": {
            "timezone": {"type": "string", "description": "IANA zone such as Europe/Paris"}
        },
    },
)
WEATHER = ToolSpec(
    name="weather",
    description="Get the current weather for a city (demo data).",
    parameters={
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "city name"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["city"],
    },
)


def demo_tools(now: Callable[[], datetime] | None = None) -> ToolSet:
    """The demo tool set; ``now`` makes the clock deterministic in tests."""
    clock = now or (lambda: datetime.now(UTC).astimezone())
    return ToolSet(
        name="demo",
        specs=(CALCULATOR, CLOCK, WEATHER),
        executors={
            "calculator": _calculator,
            "clock": _clock_tool(clock),
            "weather": _weather,
        },
    )


def load_tools_file(path: str | Path) -> ToolSet:
    """Load a JSON list of ``{name, description, parameters}`` tool definitions.

    Also accepts OpenAI-style ``{"type": "function", "function": {...}}`` entries and
    Anthropic-style ``input_schema``. Raises :class:`ToolsFileError` with one clear line.
    """
    file = Path(path).expanduser()
    try:
        raw = read_bounded(file, MAX_TOOLS_FILE_BYTES)
    except LocalFileError as exc:
        raise ToolsFileError(f"tools file {file}: {exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise ToolsFileError(f"tools file {file}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ToolsFileError(
            f"tools file {file}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    except RecursionError:
        raise ToolsFileError(_too_deep(file)) from None
    except _NonStandardNumber as exc:
        raise ToolsFileError(
            f"tools file {file}: {exc} is not JSON (providers reject it); use a number or null"
        ) from None
    if _depth_exceeds(data, MAX_TOOLS_DEPTH):
        raise ToolsFileError(_too_deep(file))
    if isinstance(data, dict) and isinstance(data.get("tools"), list):
        data = data["tools"]
    if not isinstance(data, list) or not data:
        raise ToolsFileError(
            f"tools file {file}: expected a non-empty JSON list of "
            '{"name", "description", "parameters"} objects'
        )
    specs = [_tool_spec(file, index, entry) for index, entry in enumerate(data)]
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ToolsFileError(f"tools file {file}: duplicate tool name {duplicates[0]!r}")
    return ToolSet(name=file.name, specs=tuple(specs))


class _NonStandardNumber(Exception):
    """``NaN`` / ``Infinity``: Python's JSON reader accepts them, JSON and providers do not."""


def _refuse_constant(name: str) -> object:
    raise _NonStandardNumber(name)


def _too_deep(file: Path) -> str:
    return f"tools file {file}: JSON nested deeper than {MAX_TOOLS_DEPTH} levels"


def _depth_exceeds(data: object, limit: int) -> bool:
    """Whether lists and objects in ``data`` nest deeper than ``limit`` (iterative: safe)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = list(value.values()) if isinstance(value, dict) else value
        if isinstance(children, list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in children)
    return False


def _tool_spec(file: Path, index: int, entry: object) -> ToolSpec:
    where = f"tools file {file}: tool #{index + 1}"
    if not isinstance(entry, dict):
        raise ToolsFileError(f"{where}: expected an object")
    if entry.get("type") == "function" and isinstance(entry.get("function"), dict):
        entry = entry["function"]
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ToolsFileError(f"{where}: missing 'name'")
    description = entry.get("description", "")
    if not isinstance(description, str):
        raise ToolsFileError(f"{where} ({name}): 'description' must be a string")
    parameters = entry.get("parameters", entry.get("input_schema", {"type": "object"}))
    if not isinstance(parameters, dict) or parameters.get("type", "object") != "object":
        raise ToolsFileError(
            f"{where} ({name}): 'parameters' must be a JSON Schema object "
            '({"type": "object", "properties": {...}})'
        )
    return ToolSpec(name=name.strip(), description=description, parameters=parameters)
