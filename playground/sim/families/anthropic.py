"""Anthropic Messages as the simulator serves it (wire-formats §3).

Event JSON is padded with spaces before its final ``}`` as the real API does, thinking
blocks end with a ``signature_delta``, and ``message_delta`` carries cumulative usage.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from playground.sim.conversation import (
    EFFORT_TOKENS,
    IMAGE_TOKENS,
    Conversation,
    ImageInfo,
    ThinkingSetting,
    ToolOffer,
    ToolResult,
    budget_to_tokens,
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
    is_rejected_key,
    json_string,
    overflow_tokens,
    retry_headers,
)
from playground.sim.scripts import Script, thinking_signature
from playground.sim.streaming import Frame

CONTEXT_WINDOW = 200_000
_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_use": "tool_use"}
# Padding widths cycled over events, like the real API's anti-length-side-channel spaces.
_PADS = tuple(b" " * width for width in (7, 0, 6, 1, 13, 3, 0, 9, 2, 15, 5, 0, 11, 4))
_ORG_ID = "5f1b7a52-6f0e-4a8e-9d4c-51a1e0c0ffee"


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(block.get("text", ""))
            for block in content
            if isinstance(block, dict) and block.get("type") == "text"
        )
    return ""


def _image_of(block: dict[str, Any]) -> ImageInfo | None:
    source = block.get("source")
    if block.get("type") != "image" or not isinstance(source, dict):
        return None
    if source.get("type") == "base64":
        data = str(source.get("data", ""))
        return ImageInfo(str(source.get("media_type", "image/unknown")), decoded_size(data))
    return ImageInfo(str(source.get("media_type", "image/url")), None)


def _thinking(body: JsonObject, max_tokens: int) -> ThinkingSetting:
    thinking = body.get("thinking")
    output_config = body.get("output_config")
    effort = output_config.get("effort") if isinstance(output_config, dict) else None
    if not isinstance(thinking, dict):
        if isinstance(effort, str):
            return ThinkingSetting(f"output_config.effort={effort} (thinking not enabled)", 0)
        return ThinkingSetting("none (thinking off)", 0)
    kind = thinking.get("type")
    if kind == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int):
            raise BadRequest("thinking.enabled.budget_tokens: Field required")
        if budget < 1024:
            raise BadRequest(
                "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
            )
        if max_tokens <= budget:
            raise BadRequest(
                "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our "
                "documentation at https://docs.claude.com/en/docs/build-with-claude/"
                "extended-thinking#max-tokens-and-context-window-size"
            )
        return ThinkingSetting(
            f"thinking.type=enabled, budget_tokens={budget}", budget_to_tokens(budget)
        )
    if kind == "adaptive":
        level = effort if isinstance(effort, str) else "high"
        label = "thinking.type=adaptive" + (
            f", output_config.effort={effort}" if isinstance(effort, str) else " (default effort)"
        )
        return ThinkingSetting(label, EFFORT_TOKENS.get(level, EFFORT_TOKENS["high"]))
    if kind == "disabled":
        return ThinkingSetting("thinking.type=disabled", 0)
    raise BadRequest(
        f"thinking.type: Input tag '{kind}' found using 'type' does not match any of the "
        "expected tags: 'adaptive', 'disabled', 'enabled'"
    )


class AnthropicFamily(Family):
    """``POST /anthropic/v1/messages`` and ``GET /anthropic/v1/models``."""

    name = "anthropic"
    stream_media_type = "text/event-stream; charset=utf-8"

    def credential(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        if headers.get("x-api-key"):
            return headers["x-api-key"].strip()
        return bearer_token(headers)

    def auth_error(self, exchange: Exchange) -> ErrorReply | None:
        headers = exchange.headers
        if not headers.get("anthropic-version"):
            return self.error("400", exchange, detail="anthropic-version: header is required")
        key = exchange.credential
        if not key:
            return None
        via_api_key = bool(headers.get("x-api-key"))
        if is_rejected_key(key):
            message = "invalid x-api-key" if via_api_key else "Invalid bearer token"
            return self.error("401", exchange, detail=message)
        if key.startswith("sk-ant-oat"):
            if via_api_key:
                return self.error("401", exchange, detail="invalid x-api-key")
            if "oauth" not in headers.get("anthropic-beta", ""):
                return self.error(
                    "401", exchange, detail="OAuth authentication is currently not supported."
                )
        return None

    def parse(self, body: JsonObject) -> Conversation:
        if not body.get("model"):
            raise BadRequest("model: Field required")
        max_tokens = body.get("max_tokens")
        if not isinstance(max_tokens, int):
            raise BadRequest("max_tokens: Field required")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest("messages: Field required")
        conv = Conversation(max_output_tokens=max_tokens)
        tokens = count_tokens(_text_of(body.get("system")))
        call_names: dict[str, str] = {}
        last_result: ToolResult | None = None
        for number, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
                raise BadRequest("messages: roles must be 'user' or 'assistant'")
            content = message.get("content")
            tokens += count_tokens(_text_of(content))
            blocks = content if isinstance(content, list) else []
            images: list[ImageInfo] = []
            last_result = None
            for position, block in enumerate(blocks):
                if not isinstance(block, dict):
                    continue
                kind = block.get("type")
                if (image := _image_of(block)) is not None:
                    images.append(image)
                    tokens += IMAGE_TOKENS
                elif kind == "tool_use":
                    call_names[str(block.get("id"))] = str(block.get("name", "tool"))
                elif kind == "thinking":
                    _check_signature(block, where=f"messages.{number}.content.{position}")
                    tokens += count_tokens(str(block.get("thinking", "")))
                elif kind == "tool_result":
                    result = _text_of(block.get("content"))
                    tokens += count_tokens(result)
                    name = call_names.get(str(block.get("tool_use_id")), "tool")
                    last_result = ToolResult(name, result)
            if message.get("role") == "user" and (_text_of(content) or images):
                conv.last_user_text = _text_of(content)
                conv.images = images
        if messages[-1].get("role") == "user":
            conv.tool_result = last_result
        for tool in body.get("tools") or []:
            if isinstance(tool, dict) and tool.get("name") and "input_schema" in tool:
                conv.tools.append(ToolOffer(str(tool["name"]), tool["input_schema"] or {}))
        conv.input_tokens = tokens
        conv.thinking = _thinking(body, max_tokens)
        return conv

    # ---- answers -------------------------------------------------------------------------

    def _events(self, script: Script, exchange: Exchange) -> Iterator[tuple[str, str, int]]:
        """(event name, JSON without its final brace, tokens) — padding is added later."""
        message = {
            "model": exchange.model_id,
            "id": f"msg_{exchange.request_id}",
            "type": "message",
            "role": "assistant",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": script.input_tokens,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
                "output_tokens": 1,
                "service_tier": "standard",
            },
        }
        yield "message_start", '{"type":"message_start","message":' + dumps(message), 0
        index = 0
        pinged = False
        blocks: list[tuple[str, list[str]]] = []
        if script.thinking:
            blocks.append(("thinking", script.thinking))
        if script.text or script.tool_call is None:
            blocks.append(("text", script.text))
        for kind, pieces in blocks:
            start = '{"type":"thinking","thinking":"","signature":""}'
            if kind == "text":
                start = '{"type":"text","text":""}'
            yield "content_block_start", _block_start(index, start), 0
            if not pinged:
                pinged = True
                yield "ping", "", 0
            delta_head = (
                f'{{"type":"content_block_delta","index":{index},"delta":'
                f'{{"type":"{kind}_delta","{kind}":'
            )
            for piece in pieces:
                yield "content_block_delta", delta_head + json_string(piece).decode() + "}", 1
            if kind == "thinking":
                yield "content_block_delta", delta_head + '""}', 0
                signature = dumps({"type": "signature_delta", "signature": script.signature})
                yield (
                    "content_block_delta",
                    f'{{"type":"content_block_delta","index":{index},"delta":{signature}',
                    0,
                )
            yield "content_block_stop", f'{{"type":"content_block_stop","index":{index}', 0
            index += 1
        call = script.tool_call
        if call is not None:
            tool_block = dumps(
                {
                    "type": "tool_use",
                    "id": f"toolu_{call.call_id}",
                    "name": call.name,
                    "input": {},
                    "caller": {"type": "direct"},
                }
            )
            yield "content_block_start", _block_start(index, tool_block), 0
            if not pinged:
                yield "ping", "", 0
            delta_head = (
                f'{{"type":"content_block_delta","index":{index},"delta":'
                '{"type":"input_json_delta","partial_json":'
            )
            yield "content_block_delta", delta_head + '""}', 0
            for piece in call.fragments:
                yield "content_block_delta", delta_head + json_string(piece).decode() + "}", 1
            yield "content_block_stop", f'{{"type":"content_block_stop","index":{index}', 0
        delta = {"stop_reason": _STOP[script.stop], "stop_sequence": None}
        yield (
            "message_delta",
            '{"type":"message_delta","delta":'
            + dumps(delta)
            + ',"usage":'
            + dumps(self._usage(script, final=True)),
            0,
        )
        yield "message_stop", '{"type":"message_stop"', 0

    def frames(self, script: Script, exchange: Exchange) -> Iterator[Frame]:
        pads = _PADS
        for number, (event, data, tokens) in enumerate(self._events(script, exchange)):
            if event == "ping":
                yield b'event: ping\ndata: {"type": "ping"}\n\n', 0
                continue
            pad = pads[number % len(pads)]
            frame = b"event: " + event.encode() + b"\ndata: " + data.encode() + pad + b"}\n\n"
            yield frame, tokens

    def _usage(self, script: Script, *, final: bool = False) -> JsonObject:
        usage: JsonObject = {
            "input_tokens": script.input_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": script.output_tokens,
        }
        if script.reasoning_tokens:
            usage["output_tokens_details"] = {"thinking_tokens": script.reasoning_tokens}
        if not final:
            usage["service_tier"] = "standard"
        return usage

    def complete(self, script: Script, exchange: Exchange) -> JsonObject:
        content: list[JsonObject] = []
        if script.thinking:
            content.append(
                {
                    "type": "thinking",
                    "thinking": script.thinking_joined,
                    "signature": script.signature,
                }
            )
        if script.text or script.tool_call is None:
            content.append({"type": "text", "text": script.text_joined})
        if script.tool_call is not None:
            call = script.tool_call
            content.append(
                {
                    "type": "tool_use",
                    "id": f"toolu_{call.call_id}",
                    "name": call.name,
                    "input": call.arguments,
                }
            )
        return {
            "model": exchange.model_id,
            "id": f"msg_{exchange.request_id}",
            "type": "message",
            "role": "assistant",
            "content": content,
            "stop_reason": _STOP[script.stop],
            "stop_sequence": None,
            "usage": self._usage(script),
        }

    # ---- errors --------------------------------------------------------------------------

    def error(
        self, kind: str, exchange: Exchange, *, retry_after: float | None = None, detail: str = ""
    ) -> ErrorReply:
        headers: dict[str, str] = {}
        status, err_type, message = 500, "api_error", "Internal server error"
        if kind == "401":
            status, err_type = 401, "authentication_error"
            message = detail or "invalid x-api-key"
        elif kind == "403":
            status, err_type = 403, "permission_error"
            message = "Your API key does not have permission to use the specified resource."
        elif kind == "429":
            status, err_type = 429, "rate_limit_error"
            message = (
                f"This request would exceed the rate limit for your organization ({_ORG_ID}) of "
                "50 requests per minute. For details, refer to: "
                "https://docs.claude.com/en/api/rate-limits. You can see the response headers "
                "for current usage. Please reduce the prompt length or the maximum tokens "
                "requested, or try again later. You may also contact sales at "
                "https://www.anthropic.com/contact-sales to discuss your options for a rate "
                "limit increase."
            )
            headers["anthropic-ratelimit-requests-remaining"] = "0"
        elif kind == "503":
            status, message = 503, "Service unavailable"
        elif kind in ("529", "midstream"):
            status, err_type, message = 529, "overloaded_error", "Overloaded"
            headers["x-should-retry"] = "true"
        elif kind == "400ctx":
            status, err_type = 400, "invalid_request_error"
            used = overflow_tokens(CONTEXT_WINDOW, detail)
            message = f"prompt is too long: {used} tokens > {CONTEXT_WINDOW} maximum"
        elif kind == "404":
            status, err_type = 404, "not_found_error"
            message = f"model: {exchange.model_id}"
        elif kind == "400":
            status, err_type, message = 400, "invalid_request_error", detail
        headers.update(retry_headers(status, retry_after, millis=True))
        body = {
            "type": "error",
            "error": {"type": err_type, "message": message},
            "request_id": f"req_{exchange.request_id}",
        }
        return ErrorReply(status, body, headers)

    def stream_error_event(self, exchange: Exchange) -> bytes:
        return (
            b"event: error\ndata: "
            b'{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n'
        )

    def malformed_chunk(self, exchange: Exchange) -> bytes:
        return (
            b"event: content_block_delta\ndata: "
            b'{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"unter'
            b"\n\n"
        )

    def model_list(self, names: tuple[str, ...]) -> JsonObject:
        data = [
            {
                "type": "model",
                "id": name,
                "display_name": f"Sim {name.capitalize()}",
                "created_at": "2026-01-01T00:00:00Z",
            }
            for name in names
        ]
        return {"data": data, "has_more": False, "first_id": names[0], "last_id": names[-1]}

    def response_headers(self, exchange: Exchange) -> dict[str, str]:
        # RFC 3339 with microseconds, so "resets in 60 s" reads the same however late it is parsed.
        reset = (datetime.now(UTC) + timedelta(seconds=60)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {
            "request-id": f"req_{exchange.request_id}",
            "anthropic-organization-id": _ORG_ID,
            "anthropic-ratelimit-requests-limit": "4000",
            "anthropic-ratelimit-requests-remaining": "3999",
            "anthropic-ratelimit-requests-reset": reset,
            "anthropic-ratelimit-tokens-limit": "2000000",
            "anthropic-ratelimit-tokens-remaining": "1999000",
            "anthropic-ratelimit-tokens-reset": reset,
        }


def _check_signature(block: dict[str, Any], where: str) -> None:
    """Replayed thinking must carry its signature unchanged, as the real API insists."""
    signature = block.get("signature")
    if not isinstance(signature, str) or not signature:
        raise BadRequest(f"{where}.thinking.signature: Field required")
    # Only the simulator's own signatures can be verified; others (recorded ones) pass.
    text = str(block.get("thinking", ""))
    if signature.startswith("sim-sig-") and signature != thinking_signature(text):
        raise BadRequest(f"{where}: Invalid `signature` in `thinking` block")


def _block_start(index: int, block: str) -> str:
    return f'{{"type":"content_block_start","index":{index},"content_block":{block}'
