"""Deterministic example values that satisfy a JSON schema (the ``tools`` model's arguments).

Covers what tool schemas use in practice: object/array/string/number/integer/boolean/null,
``enum``, ``const``, ``default``, ``examples``, ``anyOf``/``oneOf``/``allOf``, numeric bounds,
string length and common formats, and Gemini's upper-case type names (``"STRING"``).
"""

from __future__ import annotations

from typing import Any

_STRING_HINTS = {
    "location": "Paris, France",
    "city": "Paris",
    "country": "France",
    "query": "simulated search",
    "q": "simulated search",
    "expression": "6 * 7",
    "timezone": "Europe/Paris",
    "tz": "Europe/Paris",
    "unit": "celsius",
    "units": "metric",
    "url": "https://example.com/",
    "email": "user@example.com",
    "name": "Ada",
    "language": "en",
    "path": "/tmp/example.txt",
}

_FORMATS = {
    "date": "2026-01-15",
    "date-time": "2026-01-15T12:00:00Z",
    "time": "12:00:00",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "123e4567-e89b-42d3-a456-426614174000",
    "ipv4": "192.0.2.1",
    "hostname": "example.com",
}


def example_for_schema(schema: Any, name: str = "") -> Any:
    """Return a value valid for ``schema``; ``name`` (the property name) picks nicer strings."""
    if not isinstance(schema, dict):
        return {}
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [o for o in options if _type_of(o) != "null"]
            return example_for_schema((non_null or options)[0], name)
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            if isinstance(part, dict):
                merged.update(part)
        return example_for_schema(merged, name)
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema)
    if kind == "array":
        return _array(schema, name)
    if kind == "integer":
        return int(_bounded(schema, 1))
    if kind == "number":
        return _bounded(schema, 1.5)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string(schema, name)


def _type_of(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "object"
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [str(k).lower() for k in kind]
        kind = next((k for k in kinds if k != "null"), kinds[0] if kinds else None)
    if isinstance(kind, str):
        return kind.lower()
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _object(schema: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return {}
    return {key: example_for_schema(sub, key) for key, sub in properties.items()}


def _array(schema: dict[str, Any], name: str) -> list[Any]:
    count = max(1, int(schema.get("minItems", 1)))
    if "maxItems" in schema:
        count = min(count, int(schema["maxItems"]))
    return [example_for_schema(schema.get("items", {"type": "string"}), name)] * count


def _bounded(schema: dict[str, Any], preferred: float) -> float:
    value = preferred
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if isinstance(low, int | float) and value <= low:
        value = low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
    if isinstance(high, int | float) and value >= high:
        value = high - (1 if "exclusiveMaximum" in schema and "maximum" not in schema else 0)
    return value


def _string(schema: dict[str, Any], name: str) -> str:
    value = _FORMATS.get(str(schema.get("format", "")).lower()) or _STRING_HINTS.get(
        name.lower(), f"example {name}".strip() if name else "example"
    )
    min_length = int(schema.get("minLength", 0))
    if len(value) < min_length:
        value = value + "x" * (min_length - len(value))
    if "maxLength" in schema:
        value = value[: int(schema["maxLength"])]
    return value
