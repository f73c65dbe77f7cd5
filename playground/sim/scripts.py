"""The scripted models: what ``echo``, ``lorem``, ``thinker``, ``tools`` and ``vision`` say.

A :class:`Script` is the family-neutral answer — thinking pieces, text pieces, an optional
tool call, the stop reason and the usage counts. Every piece is one output token; the family
encoders turn each piece into one stream event.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count as count_from
from itertools import cycle, islice
from typing import Any, Literal

from playground.sim.conversation import Conversation, split_pieces
from playground.sim.params import DEFAULT_LOREM_TOKENS, SimParams
from playground.sim.schema_values import example_for_schema

StopReason = Literal["stop", "length", "tool_use"]

_LOREM_TEXT = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation "
    "ullamco laboris nisi ut aliquip ex ea commodo consequat duis aute irure dolor in "
    "reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur excepteur "
    "sint occaecat cupidatat non proident sunt in culpa qui officia deserunt mollit anim id "
    "est laborum"
)
_LOREM_WORDS = tuple(_LOREM_TEXT.split())
_SENTENCE_LENGTHS = (9, 14, 7, 12, 16, 10, 8, 13)

_JSON_FRAGMENT = re.compile(r"\w+|[^\w]+")


@dataclass(frozen=True, slots=True)
class ToolCallPlan:
    """One tool call: ``fragments`` concatenate to the JSON arguments (one token each)."""

    call_id: str
    name: str
    arguments: dict[str, Any]
    fragments: tuple[str, ...]

    @property
    def arguments_json(self) -> str:
        """The arguments as the JSON string that was streamed."""
        return "".join(self.fragments)


@dataclass(slots=True)
class Script:
    """A complete answer, ready to be encoded by a family."""

    input_tokens: int
    thinking: list[str] = field(default_factory=list)
    thinking_visible: bool = True
    text: list[str] = field(default_factory=list)
    tool_call: ToolCallPlan | None = None
    stop: StopReason = "stop"

    @property
    def reasoning_tokens(self) -> int:
        """Thinking tokens (counted even when the thoughts are not returned)."""
        return len(self.thinking)

    @property
    def answer_tokens(self) -> int:
        """Text and tool-argument tokens."""
        return len(self.text) + (len(self.tool_call.fragments) if self.tool_call else 0)

    @property
    def output_tokens(self) -> int:
        """All generated tokens: thinking plus answer."""
        return self.reasoning_tokens + self.answer_tokens

    @property
    def streamed_tokens(self) -> int:
        """Tokens that travel as stream events (hidden thinking does not)."""
        hidden = 0 if self.thinking_visible else self.reasoning_tokens
        return self.output_tokens - hidden

    @property
    def text_joined(self) -> str:
        """The full answer text."""
        return "".join(self.text)

    @property
    def thinking_joined(self) -> str:
        """The full thinking text."""
        return "".join(self.thinking)

    @property
    def signature(self) -> str:
        """A deterministic opaque signature of the thinking, for replay-checking clients."""
        return thinking_signature(self.thinking_joined)


def thinking_signature(thinking: str) -> str:
    """The signature the simulator gives a thinking text (checked when a client replays it)."""
    return "sim-sig-" + hashlib.sha256(thinking.encode()).hexdigest()[:48]


def build_script(params: SimParams, conv: Conversation) -> Script:
    """Run the scripted model named by ``params`` on the conversation."""
    script = Script(input_tokens=conv.input_tokens)
    if params.name == "echo":
        script.text = split_pieces(conv.last_user_text) or ["(nothing", " to", " echo)"]
    elif params.name == "lorem":
        script.text = lorem_pieces(params.tokens or DEFAULT_LOREM_TOKENS)
    elif params.name == "thinker":
        _think(script, conv)
    elif params.name == "tools":
        _use_tools(script, conv)
    elif params.name == "vision":
        script.text = split_pieces(_describe_images(conv))
    _truncate(script, conv.max_output_tokens)
    return script


def lorem_pieces(count: int) -> list[str]:
    """``count`` deterministic lorem-ipsum word tokens, with sentences and full stops."""
    pieces: list[str] = []
    words = cycle(_LOREM_WORDS)
    lengths = cycle(_SENTENCE_LENGTHS)
    while len(pieces) < count:
        sentence = list(islice(words, next(lengths)))
        sentence[0] = sentence[0].capitalize()
        sentence[-1] += "."
        for word in sentence:
            pieces.append(word if not pieces else " " + word)
    return pieces[:count]


def _think(script: Script, conv: Conversation) -> None:
    setting = conv.thinking
    prompt = conv.last_user_text.strip() or "an empty message"
    if setting.enabled:
        script.thinking = _thinking_pieces(prompt, setting.tokens)
        script.thinking_visible = setting.visible
        tail = f" I thought for {setting.tokens} tokens before answering."
    else:
        tail = " Thinking is off, so I answered without thinking."
    answer = f"Thinking setting received: {setting.label}.{tail} You said: {_quote(prompt)}"
    script.text = split_pieces(answer)


def _thinking_pieces(prompt: str, count: int) -> list[str]:
    short = _quote(prompt)
    sentences = (
        "I restate the question in my own words.",
        "Then I list what is known and what is being asked.",
        "A few candidate answers come to mind; I compare them.",
        "The simplest answer that is correct is usually best.",
        "I check the reasoning once more for mistakes.",
        "Everything is consistent, so I can move on.",
    )

    def passes() -> Iterator[str]:
        for number in count_from(1):
            opening = f"The user wrote {short}." if number == 1 else f"Pass {number}:"
            yield from opening.split()
            for sentence in sentences:
                yield from sentence.split()

    chosen = list(islice(passes(), count))
    return [chosen[0], *(" " + word for word in chosen[1:])] if chosen else []


def _quote(text: str, limit: int = 12) -> str:
    words = text.split()
    clipped = " ".join(words[:limit]) + (" …" if len(words) > limit else "")
    return f'"{clipped}"'


def _use_tools(script: Script, conv: Conversation) -> None:
    if conv.tool_result is not None:
        result = conv.tool_result
        script.text = split_pieces(f"The {result.name} tool returned: {result.content}")
        return
    if not conv.tools:
        script.text = split_pieces("No tools were offered. Offer a tool and I will call it.")
        return
    if conv.thinking.enabled:  # think before calling, like real reasoning models do
        prompt = conv.last_user_text.strip() or "an empty message"
        script.thinking = _thinking_pieces(prompt, conv.thinking.tokens)
        script.thinking_visible = conv.thinking.visible
    tool = conv.tools[0]
    arguments = example_for_schema(tool.schema)
    if not isinstance(arguments, dict):
        arguments = {}
    encoded = json.dumps(arguments, ensure_ascii=False)
    digest = hashlib.sha256(f"{tool.name}:{encoded}:{conv.input_tokens}".encode()).hexdigest()
    fragments = tuple(_JSON_FRAGMENT.findall(encoded))
    script.tool_call = ToolCallPlan(digest[:24], tool.name, arguments, fragments)
    script.stop = "tool_use"


def _describe_images(conv: Conversation) -> str:
    if not conv.images:
        return "I received no images. Attach an image and I will report its type and size."
    noun = "image" if len(conv.images) == 1 else "images"
    parts = []
    for number, image in enumerate(conv.images, start=1):
        size = f"{image.byte_size:,} bytes" if image.byte_size is not None else "remote URL"
        parts.append(f"image {number}: {image.media_type}, {size}")
    return f"I received {len(conv.images)} {noun}: " + "; ".join(parts) + "."


def _truncate(script: Script, limit: int | None) -> None:
    """Cut the answer at the request's output-token limit, as real models stop at max_tokens."""
    if limit is None or script.output_tokens <= limit:
        return
    script.stop = "length"
    script.thinking = script.thinking[:limit]
    room = limit - len(script.thinking)
    script.text = script.text[:room]
    room -= len(script.text)
    if script.tool_call is not None and len(script.tool_call.fragments) > room:
        script.tool_call = None
