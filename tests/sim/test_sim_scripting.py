"""The pure parts of the simulator: model-id parameters, schema examples, scripted answers."""

from __future__ import annotations

import pytest

from playground.sim.conversation import Conversation, ThinkingSetting, ToolOffer, split_pieces
from playground.sim.faults import FaultSchedule
from playground.sim.params import DEFAULT_TPS, SimParamError, parse_model_id
from playground.sim.schema_values import example_for_schema
from playground.sim.scripts import build_script, lorem_pieces


def test_model_id_parameters_are_parsed_and_unknown_ones_ignored():
    params = parse_model_id("echo?tps=2000&fail=429&fail_times=2&retry_after=1.5&run=x")
    assert (params.name, params.tps, params.fail, params.fail_times) == ("echo", 2000, "429", 2)
    assert params.retry_after == 1.5 and params.model_id.endswith("run=x")
    plain = parse_model_id("lorem:latest")
    assert plain.name == "lorem" and plain.tps == DEFAULT_TPS and plain.fail is None


def test_stall_after_implies_the_stall_fault():
    params = parse_model_id("echo?stall_after=3")
    assert (params.fail, params.after) == ("stall", 3)
    assert parse_model_id("echo?fail=cutoff&after=2").after == 2


@pytest.mark.parametrize(
    ("model_id", "message"),
    [
        ("echo?tps=-1", "tps='-1' must be >= 0"),
        ("echo?tokens=1.5", "tokens='1.5' must be a whole number"),
        ("echo?fail=418", "fail='418' is not one of"),
    ],
)
def test_bad_parameters_explain_themselves(model_id, message):
    with pytest.raises(SimParamError, match=message):
        parse_model_id(model_id)


def test_fault_schedule_counts_per_family_and_model_and_filters_by_key():
    schedule = FaultSchedule()
    params = parse_model_id("echo?fail=500&fail_times=1")
    assert schedule.fault_for("openai", params, None) == "500"
    assert schedule.fault_for("openai", params, None) is None
    assert schedule.fault_for("gemini", params, None) == "500"
    keyed = parse_model_id("echo?fail=429&fail_key=-bad-")
    assert schedule.fault_for("openai", keyed, "sk-good-1") is None
    assert schedule.fault_for("openai", keyed, "sk-bad-1") == "429"
    schedule.reset()
    assert schedule.fault_for("openai", params, None) == "500"


def test_split_pieces_round_trips_text():
    assert split_pieces("hello there,  you") == ["hello", " there,", "  you"]
    assert "".join(split_pieces(" lead and trail ")) == " lead and trail"


def test_lorem_is_deterministic_with_sentences():
    pieces = lorem_pieces(30)
    assert pieces == lorem_pieces(30) and len(pieces) == 30
    assert pieces[0] == "Lorem" and pieces[8].endswith(".") and pieces[9] == " Do"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "enum": ["b", "a"]}, "b"),
        ({"type": "integer", "minimum": 5}, 5),
        ({"type": "integer", "exclusiveMinimum": 5}, 6),
        ({"type": "number", "maximum": 1}, 1),
        ({"type": "boolean"}, True),
        ({"type": ["null", "string"], "format": "date"}, "2026-01-15"),
        ({"anyOf": [{"type": "null"}, {"type": "integer"}]}, 1),
        ({"type": "array", "items": {"type": "integer"}, "minItems": 2}, [1, 1]),
        ({"type": "string", "minLength": 12, "default": "kept"}, "kept"),
        ({"type": "STRING"}, "example"),
        ({"const": 7}, 7),
    ],
)
def test_schema_examples_are_valid_for_their_schema(schema, expected):
    assert example_for_schema(schema) == expected


def test_object_examples_fill_every_property_with_name_hints():
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "query": {"type": "string", "maxLength": 6},
            "nested": {"type": "object", "properties": {"flag": {"type": "boolean"}}},
        },
        "required": ["city"],
    }
    assert example_for_schema(schema) == {
        "city": "Paris",
        "query": "simula",
        "nested": {"flag": True},
    }


def test_tools_script_calls_the_first_tool_with_fragmented_json():
    conv = Conversation(
        last_user_text="hi",
        tools=[
            ToolOffer("first", {"type": "object", "properties": {"n": {"type": "integer"}}}),
            ToolOffer("second", {}),
        ],
    )
    script = build_script(parse_model_id("tools"), conv)
    assert script.stop == "tool_use" and script.tool_call is not None
    assert script.tool_call.name == "first" and script.tool_call.arguments == {"n": 1}
    assert script.tool_call.arguments_json == '{"n": 1}'
    assert len(script.tool_call.fragments) > 2
    assert script.output_tokens == len(script.tool_call.fragments)


def test_truncation_counts_thinking_first():
    conv = Conversation(last_user_text="q", thinking=ThinkingSetting("x", 10), max_output_tokens=12)
    script = build_script(parse_model_id("thinker"), conv)
    assert (len(script.thinking), len(script.text), script.stop) == (10, 2, "length")
