"""Amazon Bedrock Converse as the simulator serves it: ``POST /bedrock/model/{id}/converse-stream``.

The answer is binary AWS event-stream framing (``application/vnd.amazon.eventstream``) with
the Converse events in AWS's order: ``messageStart``, per content block ``contentBlockStart``
(tool use only) / ``contentBlockDelta`` / ``contentBlockStop``, ``messageStop``, then
``metadata`` with the usage. Errors are JSON ``{"message": …}`` with the exception name in
``x-amzn-ErrorType``; an in-stream failure is a ``:message-type exception`` message.
Anthropic thinking arrives in ``additionalModelRequestFields`` and follows Anthropic's rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from playground.adapters.eventstream import encode_message
from playground.sim.conversation import (
    IMAGE_TOKENS,
    THINKING_OFF,
    Conversation,
    ImageInfo,
    ToolOffer,
    ToolResult,
    count_tokens,
)
from playground.sim.families.anthropic import _thinking as anthropic_thinking
from playground.sim.families.base import (
    BadRequest,
    ErrorReply,
    Exchange,
    Family,
    JsonObject,
    bearer_token,
    decoded_size,
    overflow_tokens,
    retry_headers,
)
from playground.sim.scripts import Script
from playground.sim.streaming import Frame

CONTEXT_WINDOW = 200_000
EVENTSTREAM = "application/vnd.amazon.eventstream"
_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_use": "tool_use"}
_SIGV4 = "AWS4-HMAC-SHA256 Credential="

# kind → (status, exception name, message)
_ERRORS = {
    "401": (
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    ),
    "403": (
        403,
        "AccessDeniedException",
        "You don't have access to the model with the specified model ID.",
    ),
    "429": (429, "ThrottlingException", "Too many requests, please wait before trying again."),
    "500": (500, "InternalServerException", "The server encountered an internal error."),
    "503": (503, "ServiceUnavailableException", "Bedrock is unable to process your request."),
    "529": (503, "ServiceUnavailableException", "Bedrock is unable to process your request."),
    "midstream": (500, "ModelStreamErrorException", "Overloaded"),
    "404": (
        404,
        "ResourceNotFoundException",
        "Could not resolve the foundation model from the provided model identifier.",
    ),
}


def _event(kind: str, payload: JsonObject) -> bytes:
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return encode_message(headers, json.dumps(payload, separators=(",", ":")).encode())


def _texts(blocks: Any) -> str:
    if not isinstance(blocks, list):
        return ""
    return "".join(str(b.get("text", "")) for b in blocks if isinstance(b, dict) and "text" in b)


class BedrockFamily(Family):
    """``POST /bedrock/model/{modelId}/converse-stream`` (and ``/converse``)."""

    name = "bedrock"
    stream_media_type = EVENTSTREAM

    def credential(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        auth = headers.get("authorization", "")
        if auth.startswith(_SIGV4):
            return auth[len(_SIGV4) :].split("/", 1)[0]  # the access key id
        return bearer_token(headers)

    def wants_stream(self, body: JsonObject) -> bool:
        return True  # the route decides (converse-stream or converse)

    def parse(self, body: JsonObject) -> Conversation:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest(
                "1 validation error detected: Value null at 'messages' failed to satisfy "
                "constraint: Member must not be null"
            )
        inference = body.get("inferenceConfig") or {}
        max_tokens = inference.get("maxTokens") if isinstance(inference, dict) else None
        conv = Conversation(max_output_tokens=max_tokens if isinstance(max_tokens, int) else 4096)
        tokens = count_tokens(_texts(body.get("system")))
        call_names: dict[str, str] = {}
        last_result: ToolResult | None = None
        for message in messages:
            if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
                raise BadRequest("messages: role must be 'user' or 'assistant'")
            blocks = message.get("content")
            if not isinstance(blocks, list):
                raise BadRequest("messages.content: must be a list of content blocks")
            text = _texts(blocks)
            tokens += count_tokens(text)
            images: list[ImageInfo] = []
            last_result = None
            for block in blocks:
                if not isinstance(block, dict):
                    continue
                if isinstance(image := block.get("image"), dict):
                    data = str((image.get("source") or {}).get("bytes", ""))
                    images.append(
                        ImageInfo(f"image/{image.get('format', 'png')}", decoded_size(data))
                    )
                    tokens += IMAGE_TOKENS
                elif isinstance(use := block.get("toolUse"), dict):
                    call_names[str(use.get("toolUseId"))] = str(use.get("name", "tool"))
                elif isinstance(result := block.get("toolResult"), dict):
                    content = _texts(result.get("content"))
                    tokens += count_tokens(content)
                    last_result = ToolResult(
                        call_names.get(str(result.get("toolUseId")), "tool"), content
                    )
            if message.get("role") == "user" and (text or images):
                conv.last_user_text = text
                conv.images = images
        if messages[-1].get("role") == "user":
            conv.tool_result = last_result
        for tool in (body.get("toolConfig") or {}).get("tools") or []:
            spec = tool.get("toolSpec") if isinstance(tool, dict) else None
            if isinstance(spec, dict) and spec.get("name"):
                schema = (spec.get("inputSchema") or {}).get("json") or {}
                conv.tools.append(ToolOffer(str(spec["name"]), schema))
        conv.input_tokens = tokens
        fields = body.get("additionalModelRequestFields")
        conv.thinking = (
            anthropic_thinking(fields, conv.max_output_tokens or 4096)
            if isinstance(fields, dict)
            else THINKING_OFF
        )
        return conv

    def frames(self, script: Script, exchange: Exchange) -> Iterator[Frame]:
        yield _event("messageStart", {"role": "assistant"}), 0
        index = 0
        if script.thinking:
            for piece in script.thinking:
                delta = {"reasoningContent": {"text": piece}}
                yield _event("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}), 1
            signature = {"reasoningContent": {"signature": script.signature}}
            yield _event("contentBlockDelta", {"contentBlockIndex": index, "delta": signature}), 0
            yield _event("contentBlockStop", {"contentBlockIndex": index}), 0
            index += 1
        if script.text or script.tool_call is None:
            for piece in script.text:
                yield (
                    _event(
                        "contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": piece}}
                    ),
                    1,
                )
            yield _event("contentBlockStop", {"contentBlockIndex": index}), 0
            index += 1
        call = script.tool_call
        if call is not None:
            start = {"toolUse": {"toolUseId": f"tooluse_{call.call_id}", "name": call.name}}
            yield _event("contentBlockStart", {"contentBlockIndex": index, "start": start}), 0
            for piece in call.fragments:
                delta = {"toolUse": {"input": piece}}
                yield _event("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}), 1
            yield _event("contentBlockStop", {"contentBlockIndex": index}), 0
        yield _event("messageStop", {"stopReason": _STOP[script.stop]}), 0
        yield _event("metadata", {"usage": self._usage(script), "metrics": {"latencyMs": 42}}), 0

    def _usage(self, script: Script) -> JsonObject:
        return {
            "inputTokens": script.input_tokens,
            "outputTokens": script.output_tokens,
            "totalTokens": script.input_tokens + script.output_tokens,
        }

    def complete(self, script: Script, exchange: Exchange) -> JsonObject:
        content: list[JsonObject] = []
        if script.thinking:
            reasoning = {"text": script.thinking_joined, "signature": script.signature}
            content.append({"reasoningContent": {"reasoningText": reasoning}})
        if script.text or script.tool_call is None:
            content.append({"text": script.text_joined})
        if script.tool_call is not None:
            call = script.tool_call
            use = {
                "toolUseId": f"tooluse_{call.call_id}",
                "name": call.name,
                "input": call.arguments,
            }
            content.append({"toolUse": use})
        return {
            "output": {"message": {"role": "assistant", "content": content}},
            "stopReason": _STOP[script.stop],
            "usage": self._usage(script),
            "metrics": {"latencyMs": 42},
        }

    def error(
        self, kind: str, exchange: Exchange, *, retry_after: float | None = None, detail: str = ""
    ) -> ErrorReply:
        if kind == "400ctx":
            status, name = 400, "ValidationException"
            used = overflow_tokens(CONTEXT_WINDOW, detail)
            message = f"Input is too long for requested model. ({used} tokens > {CONTEXT_WINDOW})"
        elif kind == "400":
            status, name, message = 400, "ValidationException", detail
        else:
            status, name, message = _ERRORS.get(kind, _ERRORS["500"])
        headers = {
            "x-amzn-errortype": f"{name}:http://internal.amazon.com/coral/com.amazon.bedrock/"
        }
        headers.update(retry_headers(status, retry_after))
        return ErrorReply(status, {"message": message}, headers)

    def stream_error_event(self, exchange: Exchange) -> bytes:
        headers = {
            ":exception-type": "modelStreamErrorException",
            ":content-type": "application/json",
            ":message-type": "exception",
        }
        payload = {
            "message": "Overloaded",
            "originalStatusCode": 529,
            "originalMessage": "Overloaded",
        }
        return encode_message(headers, json.dumps(payload).encode())

    def malformed_chunk(self, exchange: Exchange) -> bytes:
        headers = {
            ":event-type": "contentBlockDelta",
            ":content-type": "application/json",
            ":message-type": "event",
        }
        return encode_message(headers, b'{"contentBlockIndex":0,"delta":{"text":"unter')

    def model_list(self, names: tuple[str, ...]) -> JsonObject:
        summaries = [
            {
                "modelId": name,
                "modelName": f"Sim {name.capitalize()}",
                "providerName": "Sim",
                "responseStreamingSupported": True,
                "outputModalities": ["TEXT"],
            }
            for name in names
        ]
        return {"modelSummaries": summaries}

    def response_headers(self, exchange: Exchange) -> dict[str, str]:
        return {"x-amzn-requestid": exchange.request_id}
