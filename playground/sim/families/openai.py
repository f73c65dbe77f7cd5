"""OpenAI Chat Completions as the simulator serves it (wire-formats §2).

Thinking streams as ``delta.reasoning_content`` (the DeepSeek / llama.cpp convention that
OpenAI-compatible clients read) and is counted in ``completion_tokens_details.reasoning_tokens``.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator, Mapping
from typing import Any

from playground.secret import mask
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
    data_url_parts,
    dumps,
    json_string,
    overflow_tokens,
    retry_headers,
)
from playground.sim.scripts import Script
from playground.sim.streaming import Frame

CONTEXT_WINDOW = 128_000
SERVER_ERROR = "The server had an error while processing your request. Sorry about that!"
"""OpenAI's 500 message (also the Responses API's in-stream ``error`` event)."""
_FINISH = {"stop": "stop", "length": "length", "tool_use": "tool_calls"}


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and part.get("type") in ("text", "input_text")
        )
    return ""


def _images_of(content: Any) -> list[ImageInfo]:
    images: list[ImageInfo] = []
    if not isinstance(content, list):
        return images
    for part in content:
        if not isinstance(part, dict) or part.get("type") != "image_url":
            continue
        url_field = part.get("image_url")
        url = url_field.get("url", "") if isinstance(url_field, dict) else str(url_field or "")
        parsed = data_url_parts(url)
        if parsed is not None:
            images.append(ImageInfo(*parsed))
        else:
            guessed = mimetypes.guess_type(url.split("?")[0])[0] or "image/unknown"
            images.append(ImageInfo(guessed, None))
    return images


def _thinking(body: JsonObject) -> ThinkingSetting:
    effort = body.get("reasoning_effort")
    if isinstance(effort, str):
        return ThinkingSetting(f"reasoning_effort={effort}", EFFORT_TOKENS.get(effort, 120))
    reasoning = body.get("reasoning")
    if isinstance(reasoning, dict):
        if isinstance(reasoning.get("effort"), str):
            value = reasoning["effort"]
            return ThinkingSetting(f"reasoning.effort={value}", EFFORT_TOKENS.get(value, 120))
        if isinstance(reasoning.get("max_tokens"), int):
            budget = reasoning["max_tokens"]
            return ThinkingSetting(f"reasoning.max_tokens={budget}", budget_to_tokens(budget))
        if reasoning.get("enabled") is True:
            return ThinkingSetting("reasoning.enabled=true", EFFORT_TOKENS["medium"])
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") == "enabled":
        return ThinkingSetting("thinking.type=enabled", EFFORT_TOKENS["medium"])
    label = f"reasoning_effort={effort}" if effort is not None else "none (thinking off)"
    return ThinkingSetting(label, 0)


class OpenAIFamily(Family):
    """``POST /openai/v1/chat/completions`` and ``GET /openai/v1/models``."""

    name = "openai"
    stream_media_type = "text/event-stream; charset=utf-8"

    def credential(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        token = bearer_token(headers)
        return token if token is not None else headers.get("api-key") or None

    def parse(self, body: JsonObject) -> Conversation:
        if not body.get("model"):
            raise BadRequest("you must provide a model parameter", "model")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest("Missing required parameter: 'messages'.", "messages")
        conv = Conversation()
        call_names: dict[str, str] = {}
        tokens = 0
        for message in messages:
            if not isinstance(message, dict):
                raise BadRequest("Invalid type for 'messages': expected an object.", "messages")
            content = message.get("content")
            tokens += count_tokens(_text_of(content)) + IMAGE_TOKENS * len(_images_of(content))
            for call in message.get("tool_calls") or []:
                if isinstance(call, dict):
                    function = call.get("function") or {}
                    call_names[str(call.get("id"))] = str(function.get("name", "tool"))
                    tokens += count_tokens(str(function.get("arguments", "")))
        last = messages[-1]
        if last.get("role") == "tool":
            name = call_names.get(str(last.get("tool_call_id")), "tool")
            conv.tool_result = ToolResult(name, _text_of(last.get("content")))
        for message in reversed(messages):
            if message.get("role") == "user":
                conv.last_user_text = _text_of(message.get("content"))
                conv.images = _images_of(message.get("content"))
                break
        for tool in body.get("tools") or []:
            if isinstance(tool, dict):
                function = tool.get("function") if "function" in tool else tool
                if isinstance(function, dict) and function.get("name"):
                    schema = function.get("parameters") or {"type": "object", "properties": {}}
                    conv.tools.append(ToolOffer(str(function["name"]), schema))
        conv.input_tokens = tokens
        conv.thinking = _thinking(body)
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        conv.max_output_tokens = limit if isinstance(limit, int) else None
        return conv

    # ---- answers -------------------------------------------------------------------------

    def _usage(self, script: Script) -> JsonObject:
        return {
            "prompt_tokens": script.input_tokens,
            "completion_tokens": script.output_tokens,
            "total_tokens": script.input_tokens + script.output_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": script.reasoning_tokens,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    def _head(self, exchange: Exchange) -> str:
        return (
            f'data: {{"id":"chatcmpl-{exchange.request_id}","object":"chat.completion.chunk",'
            f'"created":{exchange.created},"model":{dumps(exchange.model_id)},'
            f'"service_tier":"default","system_fingerprint":"fp_sim","choices":'
        )

    def frames(self, script: Script, exchange: Exchange) -> Iterator[Frame]:
        if not exchange.options.get("noise"):
            yield from self._frames(script, exchange)
            return
        # OpenRouter-style keep-alive comments and OpenAI's obfuscation padding field.
        yield b": OPENROUTER PROCESSING\n\n", 0
        for number, (data, tokens) in enumerate(self._frames(script, exchange)):
            if number % 8 == 7:
                yield b": keep-alive\n\n", 0
            if data.endswith(b"}\n\n"):
                pad = b"Xy7kQ2pLm9"[: number % 10]
                data = data[:-3] + b',"obfuscation":"' + pad + b'"}\n\n'
            yield data, tokens

    def _frames(self, script: Script, exchange: Exchange) -> Iterator[Frame]:
        options = exchange.body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        head = self._head(exchange)
        tail = ',"usage":null}\n\n' if include_usage else "}\n\n"
        open_choice = (head + '[{"index":0,"delta":').encode()
        close_choice = (',"logprobs":null,"finish_reason":null}]' + tail).encode()
        yield open_choice + b'{"role":"assistant","content":"","refusal":null}' + close_choice, 0
        reasoning = open_choice + b'{"reasoning_content":'
        for piece in script.thinking:
            yield reasoning + json_string(piece) + b"}" + close_choice, 1
        content = open_choice + b'{"content":'
        for piece in script.text:
            yield content + json_string(piece) + b"}" + close_choice, 1
        call = script.tool_call
        if call is not None:
            first = {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": f"call_{call.call_id}",
                        "type": "function",
                        "function": {"name": call.name, "arguments": ""},
                    }
                ]
            }
            yield open_choice + dumps(first).encode() + close_choice, 0
            fragment = open_choice + b'{"tool_calls":[{"index":0,"function":{"arguments":'
            for piece in call.fragments:
                yield fragment + json_string(piece) + b"}}]}" + close_choice, 1
        finish = dumps(_FINISH[script.stop])
        yield (
            (
                head
                + f'[{{"index":0,"delta":{{}},"logprobs":null,"finish_reason":{finish}}}]'
                + tail
            ).encode(),
            0,
        )
        if include_usage:
            usage = dumps(self._usage(script))
            yield (head + f'[],"usage":{usage}}}\n\n').encode(), 0
        yield b"data: [DONE]\n\n", 0

    def complete(self, script: Script, exchange: Exchange) -> JsonObject:
        message: JsonObject = {
            "role": "assistant",
            "content": script.text_joined if script.text or not script.tool_call else None,
            "refusal": None,
            "annotations": [],
        }
        if script.thinking:
            message["reasoning_content"] = script.thinking_joined
        if script.tool_call is not None:
            call = script.tool_call
            message["tool_calls"] = [
                {
                    "id": f"call_{call.call_id}",
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments_json},
                }
            ]
        return {
            "id": f"chatcmpl-{exchange.request_id}",
            "object": "chat.completion",
            "created": exchange.created,
            "model": exchange.model_id,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": _FINISH[script.stop],
                }
            ],
            "usage": self._usage(script),
            "service_tier": "default",
            "system_fingerprint": "fp_sim",
        }

    # ---- errors --------------------------------------------------------------------------

    def error(
        self, kind: str, exchange: Exchange, *, retry_after: float | None = None, detail: str = ""
    ) -> ErrorReply:
        model = exchange.model_id
        headers: dict[str, str] = {}
        status, message, err_type, param, code = 500, "", "server_error", None, None
        if kind == "401":
            shown = mask(exchange.credential or "") or "(none)"
            status = 401
            message = (
                f"Incorrect API key provided: {shown}. You can find your API key at "
                "https://platform.openai.com/account/api-keys."
            )
            err_type, code = "invalid_request_error", "invalid_api_key"
        elif kind == "403":
            status = 403
            message = (
                "You have insufficient permissions for this operation. Missing scopes: "
                "model.request. Check that you have the correct role in your organization."
            )
            err_type = "invalid_request_error"
        elif kind == "429":
            status = 429
            wait = f"{retry_after:g}s" if retry_after is not None else "20ms"
            message = (
                f"Rate limit reached for {model} in organization org-sim on requests per min "
                f"(RPM): Limit 60, Used 60, Requested 1. Please try again in {wait}. Visit "
                "https://platform.openai.com/account/rate-limits to learn more."
            )
            err_type, code = "requests", "rate_limit_exceeded"
        elif kind in ("503", "529"):
            status = int(kind)
            message = "The engine is currently overloaded, please try again later."
        elif kind == "400ctx":
            status = 400
            used = overflow_tokens(CONTEXT_WINDOW, detail)
            message = (
                f"This model's maximum context length is {CONTEXT_WINDOW} tokens. However, your "
                f"messages resulted in {used} tokens. Please reduce the length of the messages."
            )
            err_type, param, code = "invalid_request_error", "messages", "context_length_exceeded"
        elif kind == "404":
            status = 404
            message = f"The model `{model}` does not exist or you do not have access to it."
            err_type, code = "invalid_request_error", "model_not_found"
        elif kind == "400":
            status, message, err_type = 400, detail, "invalid_request_error"
        else:  # 500 and the non-streamed form of a mid-stream failure
            message = SERVER_ERROR
        headers.update(retry_headers(status, retry_after, millis=True))
        if status == 429:
            headers["x-ratelimit-remaining-requests"] = "0"
        body = {"error": {"message": message, "type": err_type, "param": param, "code": code}}
        return ErrorReply(status, body, headers)

    def stream_error_event(self, exchange: Exchange) -> bytes:
        return (
            b'data: {"error": {"message": "The server had an error while processing your '
            b'request. Sorry about that!", "type": "server_error", "param": null, '
            b'"code": null}}\n\n'
        )

    def malformed_chunk(self, exchange: Exchange) -> bytes:
        return (self._head(exchange) + '[{"index":0,"delta":{"content":"unterminated\n\n').encode()

    def model_list(self, names: tuple[str, ...]) -> JsonObject:
        return {
            "object": "list",
            "data": [
                {"id": name, "object": "model", "created": 1767225600, "owned_by": "playground-sim"}
                for name in names
            ],
        }

    def response_headers(self, exchange: Exchange) -> dict[str, str]:
        return {
            "x-request-id": f"req_{exchange.request_id}",
            "openai-version": "2020-10-01",
            "openai-organization": "org-sim",
            "openai-processing-ms": "1",
            "x-ratelimit-limit-requests": "10000",
            "x-ratelimit-remaining-requests": "9999",
            "x-ratelimit-reset-requests": "6ms",
            "x-ratelimit-limit-tokens": "30000000",
            "x-ratelimit-remaining-tokens": "29999000",
            "x-ratelimit-reset-tokens": "2ms",
        }
