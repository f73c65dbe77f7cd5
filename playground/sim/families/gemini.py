"""Google Gemini ``generateContent`` as the simulator serves it (wire-formats §4).

SSE events end in ``\\r\\n\\r\\n``, every chunk repeats the cumulative ``usageMetadata``, the
last one carries ``finishReason`` and the connection simply closes (no terminator). Without
``alt=sse`` the stream is one JSON array, as the real API sends it. Function calls arrive
whole. Thoughts are returned only with ``includeThoughts`` but always counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
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
    decoded_size,
    dumps,
    json_string,
    overflow_tokens,
    retry_headers,
)
from playground.sim.scripts import Script
from playground.sim.streaming import Frame

INPUT_LIMIT = 1_048_576
_FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "tool_use": "STOP"}


def _get(mapping: Any, camel: str) -> Any:
    """A field by its camelCase name or its snake_case spelling (both are accepted)."""
    if not isinstance(mapping, dict):
        return None
    if camel in mapping:
        return mapping[camel]
    snake = "".join("_" + c.lower() if c.isupper() else c for c in camel)
    return mapping.get(snake)


def _parts_text(parts: Any) -> str:
    if not isinstance(parts, list):
        return ""
    return "".join(
        str(p["text"])
        for p in parts
        if isinstance(p, dict) and "text" in p and not p.get("thought")
    )


def _thinking(config: Any) -> ThinkingSetting:
    thinking = _get(config, "thinkingConfig")
    if not isinstance(thinking, dict):
        return ThinkingSetting("none (thinking off)", 0)
    budget = _get(thinking, "thinkingBudget")
    level = _get(thinking, "thinkingLevel")
    include = _get(thinking, "includeThoughts") is True
    if budget is not None and level is not None:
        raise BadRequest("You can only set only one of thinking budget and thinking level.")
    labels = []
    if isinstance(level, str):
        labels.append(f"thinkingLevel={level}")
        tokens = EFFORT_TOKENS.get(level.lower(), EFFORT_TOKENS["medium"])
    elif isinstance(budget, int):
        labels.append(f"thinkingBudget={budget}")
        tokens = EFFORT_TOKENS["medium"] if budget < 0 else budget and budget_to_tokens(budget)
    else:
        tokens = EFFORT_TOKENS["medium"] if include else 0
    labels.append(f"includeThoughts={'true' if include else 'false'}")
    return ThinkingSetting("thinkingConfig." + ", ".join(labels), tokens, visible=include)


class GeminiFamily(Family):
    """``POST /gemini/v1beta/models/{m}:streamGenerateContent`` and ``GET …/v1beta/models``."""

    name = "gemini"
    stream_media_type = "text/event-stream"

    def credential(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return headers.get("x-goog-api-key") or query.get("key") or None

    def wants_stream(self, body: JsonObject) -> bool:
        return True  # decided by the URL method, see the app

    def stream_content_type(self, exchange: Exchange) -> str:
        return self.stream_media_type if exchange.options.get("sse") else "application/json"

    def parse(self, body: JsonObject) -> Conversation:
        contents = body.get("contents")
        if not isinstance(contents, list) or not contents:
            raise BadRequest("* GenerateContentRequest.contents: contents is not specified")
        conv = Conversation()
        system = _get(body, "systemInstruction")
        tokens = count_tokens(_parts_text(system.get("parts")) if isinstance(system, dict) else "")
        for content in contents:
            if not isinstance(content, dict):
                raise BadRequest("Invalid JSON payload received. Expected an object in contents.")
            parts = content.get("parts") if isinstance(content.get("parts"), list) else []
            text = _parts_text(parts)
            tokens += count_tokens(text)
            images: list[ImageInfo] = []
            result: ToolResult | None = None
            for part in parts:
                if not isinstance(part, dict):
                    continue
                inline = _get(part, "inlineData")
                file_data = _get(part, "fileData")
                response = _get(part, "functionResponse")
                call = _get(part, "functionCall")
                if isinstance(inline, dict):
                    media_type = str(_get(inline, "mimeType") or "application/octet-stream")
                    images.append(ImageInfo(media_type, decoded_size(str(inline.get("data", "")))))
                    tokens += IMAGE_TOKENS
                elif isinstance(file_data, dict):
                    images.append(ImageInfo(str(_get(file_data, "mimeType") or "image/url"), None))
                    tokens += IMAGE_TOKENS
                elif isinstance(response, dict):
                    payload = response.get("response", {})
                    if isinstance(payload, dict) and set(payload) <= {"result", "output"}:
                        payload = payload.get("result", payload.get("output", ""))
                    shown = payload if isinstance(payload, str) else json.dumps(payload)
                    tokens += count_tokens(shown)
                    result = ToolResult(str(response.get("name", "tool")), shown)
                elif isinstance(call, dict):
                    tokens += count_tokens(json.dumps(call.get("args", {})))
            if content.get("role", "user") == "user":
                if text or images:
                    conv.last_user_text, conv.images = text, images
                conv.tool_result = result
            else:
                conv.tool_result = None
        for tool in body.get("tools") or []:
            for declaration in _get(tool, "functionDeclarations") or []:
                if isinstance(declaration, dict) and declaration.get("name"):
                    schema = _get(declaration, "parametersJsonSchema") or declaration.get(
                        "parameters"
                    )
                    conv.tools.append(ToolOffer(str(declaration["name"]), schema or {}))
        config = _get(body, "generationConfig")
        conv.input_tokens = tokens
        conv.thinking = _thinking(config)
        limit = _get(config, "maxOutputTokens")
        conv.max_output_tokens = limit if isinstance(limit, int) else None
        return conv

    # ---- answers -------------------------------------------------------------------------

    def _usage(self, script: Script, candidates: int, thoughts: int) -> str:
        prompt = script.input_tokens
        usage: JsonObject = {"promptTokenCount": prompt}
        if candidates:
            usage["candidatesTokenCount"] = candidates
        usage["totalTokenCount"] = prompt + candidates + thoughts
        usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt}]
        if thoughts:
            usage["thoughtsTokenCount"] = thoughts
        return dumps(usage)

    def _chunks(self, script: Script, exchange: Exchange) -> Iterator[tuple[bytes, int]]:
        """Each chunk's JSON and its token count."""
        tail = (
            f',"modelVersion":{dumps(exchange.model_id)},"responseId":"{exchange.request_id}"}}'
        ).encode()
        open_parts = b'{"candidates":[{"content":{"parts":['
        visible = script.thinking_visible
        thoughts = 0 if visible else script.reasoning_tokens
        if visible:
            for piece in script.thinking:
                thoughts += 1
                yield (
                    open_parts + b'{"text":' + json_string(piece) + b',"thought":true}],'
                    b'"role":"model"},"index":0}],"usageMetadata":'
                    + self._usage(script, 0, thoughts).encode()
                    + tail,
                    1,
                )
        finish = _FINISH[script.stop]
        call = script.tool_call
        text = script.text if script.text or call is not None else [""]
        candidates = 0
        for number, piece in enumerate(text, start=1):
            candidates += 1 if piece else 0
            last = number == len(text) and call is None
            ending = f',"finishReason":"{finish}"' if last else ""
            yield (
                open_parts
                + b'{"text":'
                + json_string(piece)
                + b'}],"role":"model"}'
                + ending.encode()
                + b',"index":0}],"usageMetadata":'
                + self._usage(script, candidates, thoughts).encode()
                + tail,
                1 if piece else 0,
            )
        if call is not None:
            candidates += len(call.fragments)
            part = {
                "functionCall": {"name": call.name, "args": call.arguments, "id": call.call_id[:8]},
                "thoughtSignature": script.signature,
            }
            yield (
                open_parts + dumps(part).encode() + b'],"role":"model"},'
                b'"finishReason":"STOP","index":0,'
                b'"finishMessage":"Model generated function call(s)."}],"usageMetadata":'
                + self._usage(script, candidates, thoughts).encode()
                + tail,
                len(call.fragments),
            )

    def frames(self, script: Script, exchange: Exchange) -> Iterator[Frame]:
        if exchange.options.get("sse"):
            for chunk, tokens in self._chunks(script, exchange):
                yield b"data: " + chunk + b"\r\n\r\n", tokens
            return
        separator = b"["
        for chunk, tokens in self._chunks(script, exchange):
            yield separator + chunk, tokens
            separator = b",\r\n"
        yield b"]", 0

    def complete(self, script: Script, exchange: Exchange) -> JsonObject:
        parts: list[JsonObject] = []
        if script.thinking and script.thinking_visible:
            parts.append({"text": script.thinking_joined, "thought": True})
        if script.text or script.tool_call is None:
            parts.append({"text": script.text_joined})
        candidate: JsonObject = {"content": {"parts": parts, "role": "model"}}
        if script.tool_call is not None:
            call = script.tool_call
            parts.append(
                {
                    "functionCall": {
                        "name": call.name,
                        "args": call.arguments,
                        "id": call.call_id[:8],
                    },
                    "thoughtSignature": script.signature,
                }
            )
            candidate["finishMessage"] = "Model generated function call(s)."
        candidate["finishReason"] = _FINISH[script.stop]
        candidate["index"] = 0
        return {
            "candidates": [candidate],
            "usageMetadata": json.loads(
                self._usage(script, script.answer_tokens, script.reasoning_tokens)
            ),
            "modelVersion": exchange.model_id,
            "responseId": exchange.request_id,
        }

    # ---- errors --------------------------------------------------------------------------

    def error(
        self, kind: str, exchange: Exchange, *, retry_after: float | None = None, detail: str = ""
    ) -> ErrorReply:
        details: list[JsonObject] | None = None
        model = exchange.model_id
        status, code, message = 500, "INTERNAL", "An internal error has occurred. Please retry."
        if kind == "401":  # Gemini reports a bad API key as 400 INVALID_ARGUMENT
            status, code = 400, "INVALID_ARGUMENT"
            message = "API key not valid. Please pass a valid API key."
            details = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                }
            ]
        elif kind == "403":
            status, code = 403, "PERMISSION_DENIED"
            message = "Your API key was reported as leaked. Please use another API key."
        elif kind == "429":
            status, code = 429, "RESOURCE_EXHAUSTED"
            message = (
                "You exceeded your current quota, please check your plan and billing details. "
                "For more information on this error, head to: "
                "https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: "
                "generativelanguage.googleapis.com/generate_content_free_tier_requests, "
                f"limit: 10, model: {model}"
            )
            details = [
                {
                    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [
                        {
                            "quotaMetric": "generativelanguage.googleapis.com/"
                            "generate_content_free_tier_requests",
                            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                            "quotaDimensions": {"location": "global", "model": model},
                            "quotaValue": "10",
                        }
                    ],
                }
            ]
            if retry_after is not None:
                message += f"\nPlease retry in {retry_after:g}s."
                details.append(
                    {
                        "@type": "type.googleapis.com/google.rpc.RetryInfo",
                        "retryDelay": f"{retry_after:g}s",
                    }
                )
        elif kind in ("503", "529", "midstream"):
            status = 503 if kind != "529" else 529
            code, message = "UNAVAILABLE", "The model is overloaded. Please try again later."
        elif kind == "400ctx":
            status, code = 400, "INVALID_ARGUMENT"
            used = overflow_tokens(INPUT_LIMIT, detail)
            message = (
                f"The input token count ({used}) exceeds the maximum number of tokens allowed "
                f"({INPUT_LIMIT})."
            )
        elif kind == "404":
            status, code = 404, "NOT_FOUND"
            message = (
                f"models/{model} is not found for API version v1beta, or is not supported for "
                "generateContent. Call ListModels to see the list of available models and their "
                "supported methods."
            )
        elif kind == "400":
            status, code, message = 400, "INVALID_ARGUMENT", detail
        error: JsonObject = {"code": status, "message": message, "status": code}
        if details is not None:
            error["details"] = details
        return ErrorReply(status, {"error": error}, retry_headers(status, retry_after))

    def stream_error_event(self, exchange: Exchange) -> bytes:
        body = (
            b'{"error": {"code": 503, "message": "The model is overloaded. Please try again '
            b'later.", "status": "UNAVAILABLE"}}'
        )
        return b"data: " + body + b"\r\n\r\n" if exchange.options.get("sse") else b",\r\n" + body

    def malformed_chunk(self, exchange: Exchange) -> bytes:
        chunk = b'{"candidates": [{"content": {"parts": [{"text": "unterminated'
        return b"data: " + chunk + b"\r\n\r\n" if exchange.options.get("sse") else b",\r\n" + chunk

    def model_list(self, names: tuple[str, ...]) -> JsonObject:
        return {
            "models": [
                {
                    "name": f"models/{name}",
                    "version": "001",
                    "displayName": f"Sim {name.capitalize()}",
                    "description": f"The simulated '{name}' model of playground sim.",
                    "inputTokenLimit": INPUT_LIMIT,
                    "outputTokenLimit": 65536,
                    "supportedGenerationMethods": [
                        "generateContent",
                        "streamGenerateContent",
                        "countTokens",
                    ],
                    "temperature": 1,
                    "topP": 0.95,
                    "topK": 64,
                    "maxTemperature": 2,
                    "thinking": name == "thinker",
                }
                for name in names
            ]
        }

    def response_headers(self, exchange: Exchange) -> dict[str, str]:
        return {"x-gemini-service-tier": "standard", "vary": "Origin, X-Origin, Referer"}
