"""Ollama's native ``/api/chat`` as the simulator serves it (wire-formats §5.1).

NDJSON, one object per line; thinking arrives in ``message.thinking``, tool calls arrive
whole with arguments as an object, and the final ``done:true`` line carries the metrics
(durations in nanoseconds).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from playground.sim.conversation import (
    EFFORT_TOKENS,
    IMAGE_TOKENS,
    Conversation,
    ImageInfo,
    ThinkingSetting,
    ToolOffer,
    ToolResult,
    count_tokens,
)
from playground.sim.families.base import (
    BadRequest,
    ErrorReply,
    Exchange,
    Family,
    JsonObject,
    bearer_token,
    decoded_size,
    dumps,
    json_string,
    retry_headers,
    sniff_image_type,
)
from playground.sim.scripts import Script
from playground.sim.streaming import Frame

_DONE = {"stop": "stop", "length": "length", "tool_use": "stop"}
_CONTEXT_MESSAGE = (
    "the prompt is longer than the context length currently available to the model; shorten "
    "the prompt, adjust the context length in settings, or use a model with a longer context "
    "length"
)


def _now() -> str:
    """RFC 3339 with nanosecond digits, like Go's ``time.RFC3339Nano`` in Ollama."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond:06d}000Z"


def _thinking(value: Any) -> ThinkingSetting:
    if value is True:
        return ThinkingSetting("think=true", EFFORT_TOKENS["medium"])
    if isinstance(value, str):
        return ThinkingSetting(f"think={value}", EFFORT_TOKENS.get(value, EFFORT_TOKENS["medium"]))
    if value is False:
        return ThinkingSetting("think=false", 0)
    return ThinkingSetting("none (thinking off)", 0)


class OllamaFamily(Family):
    """``POST /ollama/api/chat`` and ``GET /ollama/api/tags``."""

    name = "ollama"
    stream_media_type = "application/x-ndjson"

    def credential(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return bearer_token(headers) or None

    def wants_stream(self, body: JsonObject) -> bool:
        return body.get("stream", True) is not False

    def parse(self, body: JsonObject) -> Conversation:
        if not body.get("model"):
            raise BadRequest("model is required")
        messages = body.get("messages")
        if not isinstance(messages, list):
            raise BadRequest("messages is required")
        conv = Conversation()
        tokens = 0
        for message in messages:
            if not isinstance(message, dict):
                raise BadRequest("invalid message format")
            content = str(message.get("content") or "")
            tokens += count_tokens(content)
            images = [
                ImageInfo(sniff_image_type(str(data)), decoded_size(str(data)))
                for data in message.get("images") or []
            ]
            tokens += IMAGE_TOKENS * len(images)
            for call in message.get("tool_calls") or []:
                if isinstance(call, dict):
                    tokens += count_tokens(json.dumps(call.get("function", {}).get("arguments")))
            if message.get("role") == "user":
                conv.last_user_text, conv.images = content, images
        last = messages[-1] if messages else {}
        if isinstance(last, dict) and last.get("role") == "tool":
            name = str(last.get("tool_name") or last.get("name") or "tool")
            conv.tool_result = ToolResult(name, str(last.get("content") or ""))
        for tool in body.get("tools") or []:
            function = tool.get("function") if isinstance(tool, dict) else None
            if isinstance(function, dict) and function.get("name"):
                conv.tools.append(
                    ToolOffer(str(function["name"]), function.get("parameters") or {})
                )
        conv.input_tokens = tokens
        conv.thinking = _thinking(body.get("think"))
        options = body.get("options")
        limit = options.get("num_predict") if isinstance(options, dict) else None
        conv.max_output_tokens = limit if isinstance(limit, int) and limit >= 0 else None
        return conv

    # ---- answers -------------------------------------------------------------------------

    def _metrics(self, script: Script, exchange: Exchange) -> JsonObject:
        """Ollama's timing fields: the real elapsed time, split into load, prompt and eval."""
        total_ns = max(1000, int((time.time() - exchange.started) * 1e9))
        return {
            "total_duration": total_ns,
            "load_duration": total_ns // 20,
            "prompt_eval_count": script.input_tokens,
            "prompt_eval_duration": total_ns * 3 // 20,
            "eval_count": script.output_tokens,
            "eval_duration": total_ns * 4 // 5,
        }

    def frames(self, script: Script, exchange: Exchange) -> Iterator[Frame]:
        model = dumps(exchange.model_id).encode()
        head = b'{"model":' + model + b',"created_at":"'
        for piece in script.thinking:
            yield (
                head + _now().encode() + b'","message":{"role":"assistant","content":"",'
                b'"thinking":' + json_string(piece) + b'},"done":false}\n',
                1,
            )
        for piece in script.text:
            yield (
                head
                + _now().encode()
                + b'","message":{"role":"assistant","content":'
                + json_string(piece)
                + b'},"done":false}\n',
                1,
            )
        call = script.tool_call
        if call is not None:
            message = {"role": "assistant", "content": "", "tool_calls": [self._call(script)]}
            yield (
                head
                + _now().encode()
                + b'","message":'
                + dumps(message).encode()
                + b',"done":false}\n',
                len(call.fragments),
            )
        final = {
            "model": exchange.model_id,
            "created_at": _now(),
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": _DONE[script.stop],
            **self._metrics(script, exchange),
        }
        yield dumps(final).encode() + b"\n", 0

    def _call(self, script: Script) -> JsonObject:
        call = script.tool_call
        assert call is not None
        return {
            "id": f"call_{call.call_id[:8]}",
            "function": {"index": 0, "name": call.name, "arguments": call.arguments},
        }

    def complete(self, script: Script, exchange: Exchange) -> JsonObject:
        message: JsonObject = {"role": "assistant", "content": script.text_joined}
        if script.thinking:
            message["thinking"] = script.thinking_joined
        if script.tool_call is not None:
            message["tool_calls"] = [self._call(script)]
        return {
            "model": exchange.model_id,
            "created_at": _now(),
            "message": message,
            "done": True,
            "done_reason": _DONE[script.stop],
            **self._metrics(script, exchange),
        }

    # ---- errors --------------------------------------------------------------------------

    def error(
        self, kind: str, exchange: Exchange, *, retry_after: float | None = None, detail: str = ""
    ) -> ErrorReply:
        status, message = 500, "llama runner process has terminated: exit status 2"
        if kind == "401":
            status, message = 401, "unauthorized"
        elif kind == "403":
            status, message = 403, "forbidden"
        elif kind == "429":
            status, message = 429, "too many requests, please try again later"
        elif kind in ("503", "529"):
            status = int(kind)
            message = "server busy, please try again.  maximum pending requests exceeded"
        elif kind == "400ctx":
            status, message = 400, _CONTEXT_MESSAGE
        elif kind == "404":
            status, message = 404, f"model '{exchange.model_id}' not found"
        elif kind == "400":
            status, message = 400, detail
        elif kind == "midstream":
            message = "an error was encountered while running the model"
        return ErrorReply(status, {"error": message}, retry_headers(status, retry_after))

    def stream_error_event(self, exchange: Exchange) -> bytes:
        return b'{"error":"an error was encountered while running the model"}\n'

    def malformed_chunk(self, exchange: Exchange) -> bytes:
        model = dumps(exchange.model_id).encode()
        return b'{"model":' + model + b',"message":{"role":"assistant","content":"unter\n'

    def model_list(self, names: tuple[str, ...]) -> JsonObject:
        return {
            "models": [
                {
                    "name": f"{name}:latest",
                    "model": f"{name}:latest",
                    "modified_at": "2026-01-01T00:00:00.000000000Z",
                    "size": 1024,
                    "digest": hashlib.sha256(name.encode()).hexdigest(),
                    "details": {
                        "parent_model": "",
                        "format": "gguf",
                        "family": "sim",
                        "families": ["sim"],
                        "parameter_size": "0B",
                        "quantization_level": "none",
                    },
                }
                for name in names
            ]
        }
