"""Capabilities in use: images need vision, tools fall back to prompt-guided calls."""

from __future__ import annotations

from playground.catalog import (
    capability_warnings,
    check_capabilities,
    load_catalog,
    needs_prompted_tools,
)
from playground.request import ChatRequest, ImagePart, Message, ToolSpec

IMAGE = ImagePart.from_bytes(b"\x89PNG", "image/png")
TOOL = ToolSpec("clock", "the time", {"type": "object", "properties": {}})


def with_image() -> ChatRequest:
    return ChatRequest(model="m", messages=[Message.user("what is this?", images=[IMAGE])])


def test_an_image_to_a_model_without_vision_is_refused_with_one_line():
    model = load_catalog().model("sim", "echo")
    message = check_capabilities(model, with_image())
    assert message is not None
    assert "sim/echo" in message and "images" in message
    assert "\n" not in message


def test_an_image_to_a_vision_model_is_fine():
    model = load_catalog().model("sim", "vision")
    assert check_capabilities(model, with_image()) is None
    assert capability_warnings(model, with_image()) == []


def test_an_image_to_a_model_of_unknown_vision_is_sent_with_a_warning():
    model = load_catalog().model("openai", "brand-new-model")
    assert check_capabilities(model, with_image()) is None
    (warning,) = capability_warnings(model, with_image())
    assert "vision support unknown" in warning


def test_text_only_requests_pass_every_model():
    request = ChatRequest(model="m", messages=[Message.user("hi")])
    assert check_capabilities(load_catalog().model("sim", "echo"), request) is None


def test_tools_fall_back_to_prompting_only_when_the_model_lacks_native_tools():
    request = ChatRequest(model="m", messages=[Message.user("time?")], tools=[TOOL])
    catalog = load_catalog()
    assert needs_prompted_tools(catalog.model("sim", "echo"), request)
    assert not needs_prompted_tools(catalog.model("sim", "tools"), request)
    assert not needs_prompted_tools(catalog.model("openai", "unknown-x"), request)
    plain = ChatRequest(model="m", messages=[Message.user("time?")])
    assert not needs_prompted_tools(catalog.model("sim", "echo"), plain)
    assert "prompt-guided" in capability_warnings(catalog.model("sim", "echo"), request)[0]
