"""The OpenAI Responses API as the simulator serves it (wire-formats §6).

``POST /openai/v1/responses``: SSE with ``event:`` lines and a ``sequence_number`` in every
event, no ``[DONE]``. The event order follows the recorded streams: ``response.created``,
``response.in_progress``, then one output item per part of the answer — a ``reasoning`` item
(summary events only when ``reasoning.summary`` was asked for, as the real API does), a
``message`` item with ``output_text`` deltas, a ``function_call`` item with argument deltas —
and ``response.completed`` (``response.incomplete`` when the output limit was hit) carrying
the whole output and the usage. Auth, model list, rate-limit headers and HTTP errors are the
Chat Completions family's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
    JsonObject,
    data_url_parts,
    dumps,
)
from playground.sim.families.openai import SERVER_ERROR, OpenAIFamily
from playground.sim.scripts import Script
from playground.sim.streaming import Frame

_CONTEXT_MESSAGE = "Your input exceeds the context window of this model."


def _parts(content: Any) -> list[JsonObject]:
    if isinstance(content, str):
        return [{"type": "input_text", "text": content}]
    return [part for part in content or [] if isinstance(part, dict)]


def _text_of(content: Any) -> str:
    return "".join(
        str(part.get("text", ""))
        for part in _parts(content)
        if part.get("type") in ("input_text", "output_text", "text")
    )


def _images_of(content: Any) -> list[ImageInfo]:
    images = []
    for part in _parts(content):
        if part.get("type") == "input_image":
            parsed = data_url_parts(str(part.get("image_url") or ""))
            images.append(ImageInfo(*parsed) if parsed else ImageInfo("image/unknown", None))
    return images


def _input_items(body: JsonObject) -> list[JsonObject]:
    raw = body.get("input")
    if isinstance(raw, str):
        return [{"role": "user", "content": raw}]
    if not isinstance(raw, list) or not raw:
        raise BadRequest("Missing required parameter: 'input'.", "input")
    if not all(isinstance(item, dict) for item in raw):
        raise BadRequest("Invalid type for 'input': expected an array of objects.", "input")
    return raw


def _thinking(body: JsonObject) -> ThinkingSetting:
    reasoning = body.get("reasoning")
    effort = reasoning.get("effort") if isinstance(reasoning, dict) else None
    if not isinstance(effort, str) or effort == "none":
        return ThinkingSetting("none (thinking off)", 0)
    summary = reasoning.get("summary") if isinstance(reasoning, dict) else None
    return ThinkingSetting(
        f"reasoning.effort={effort}", EFFORT_TOKENS.get(effort, 120), visible=bool(summary)
    )


class OpenAIResponsesFamily(OpenAIFamily):
    """``POST /openai/v1/responses`` (streamed and not), sharing the OpenAI family's rest."""

    name = "openai-responses"

    def parse(self, body: JsonObject) -> Conversation:
        if not body.get("model"):
            raise BadRequest("Missing required parameter: 'model'.", "model")
        items = _input_items(body)
        conv = Conversation()
        call_names: dict[str, str] = {}
        tokens = count_tokens(str(body.get("instructions") or ""))
        for item in items:
            kind = item.get("type", "message")
            if kind == "function_call":
                call_names[str(item.get("call_id"))] = str(item.get("name", "tool"))
                tokens += count_tokens(str(item.get("arguments", "")))
            elif kind == "function_call_output":
                tokens += count_tokens(str(item.get("output", "")))
            elif kind == "message":
                content = item.get("content")
                tokens += count_tokens(_text_of(content)) + IMAGE_TOKENS * len(_images_of(content))
        last = items[-1]
        if last.get("type") == "function_call_output":
            name = call_names.get(str(last.get("call_id")), "tool")
            conv.tool_result = ToolResult(name, str(last.get("output", "")))
        for item in reversed(items):
            if item.get("role") == "user":
                conv.last_user_text = _text_of(item.get("content"))
                conv.images = _images_of(item.get("content"))
                break
        for tool in body.get("tools") or []:
            if isinstance(tool, dict) and tool.get("type") == "function" and tool.get("name"):
                schema = tool.get("parameters") or {"type": "object", "properties": {}}
                conv.tools.append(ToolOffer(str(tool["name"]), schema))
        conv.input_tokens = tokens
        conv.thinking = _thinking(body)
        limit = body.get("max_output_tokens")
        conv.max_output_tokens = limit if isinstance(limit, int) else None
        return conv

    # ---- answers -------------------------------------------------------------------------

    def _response(
        self, exchange: Exchange, status: str, output: list[JsonObject], usage: JsonObject | None
    ) -> JsonObject:
        body = exchange.body
        reasoning = body.get("reasoning") if isinstance(body.get("reasoning"), dict) else {}
        done = status != "in_progress"
        return {
            "id": f"resp_{exchange.request_id}",
            "object": "response",
            "created_at": exchange.created,
            "status": status,
            "background": False,
            "completed_at": exchange.created if done else None,
            "error": None,
            "incomplete_details": (
                {"reason": "max_output_tokens"} if status == "incomplete" else None
            ),
            "instructions": body.get("instructions"),
            "max_output_tokens": body.get("max_output_tokens"),
            "model": exchange.model_id,
            "output": output,
            "parallel_tool_calls": True,
            "previous_response_id": None,
            "reasoning": {
                "effort": reasoning.get("effort"),
                "summary": reasoning.get("summary"),
            },
            "service_tier": "default" if done else "auto",
            "store": body.get("store", True),
            "temperature": body.get("temperature", 1.0),
            "text": {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": body.get("tool_choice", "auto"),
            "tools": body.get("tools") or [],
            "top_p": 1.0,
            "truncation": "disabled",
            "usage": usage,
            "user": None,
            "metadata": {},
        }

    def _usage(self, script: Script) -> JsonObject:
        return {
            "input_tokens": script.input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": script.output_tokens,
            "output_tokens_details": {"reasoning_tokens": script.reasoning_tokens},
            "total_tokens": script.input_tokens + script.output_tokens,
        }

    def _items(self, script: Script, exchange: Exchange) -> list[JsonObject]:
        """The finished output items, in stream order."""
        items: list[JsonObject] = []
        rid = exchange.request_id
        if script.thinking:
            summary = [{"type": "summary_text", "text": script.thinking_joined}]
            reasoning: JsonObject = {
                "id": f"rs_{rid}",
                "type": "reasoning",
                "summary": summary if script.thinking_visible else [],
            }
            if "reasoning.encrypted_content" in (exchange.body.get("include") or []):
                reasoning["encrypted_content"] = script.signature
            items.append(reasoning)
        if script.text or script.tool_call is None:
            part = {"type": "output_text", "annotations": [], "text": script.text_joined}
            items.append(
                {
                    "id": f"msg_{rid}",
                    "type": "message",
                    "status": "completed",
                    "content": [part],
                    "role": "assistant",
                }
            )
        if script.tool_call is not None:
            call = script.tool_call
            items.append(
                {
                    "id": f"fc_{rid}",
                    "type": "function_call",
                    "status": "completed",
                    "arguments": call.arguments_json,
                    "call_id": f"call_{call.call_id}",
                    "name": call.name,
                }
            )
        return items

    def _status(self, script: Script) -> str:
        return "incomplete" if script.stop == "length" else "completed"

    def frames(self, script: Script, exchange: Exchange) -> Iterator[Frame]:
        sequence = 0
        noise = bool(exchange.options.get("noise"))

        def event(kind: str, fields: str, tokens: int = 0) -> Frame:
            nonlocal sequence
            pad = f',"obfuscation":"{"Xy7kQ2pLm9"[: sequence % 10]}"' if noise and tokens else ""
            data = f'{{"type":"{kind}",{fields}{pad},"sequence_number":{sequence}}}'
            sequence += 1
            return f"event: {kind}\ndata: {data}\n\n".encode(), tokens

        start = dumps(self._response(exchange, "in_progress", [], None))
        yield event("response.created", f'"response":{start}')
        yield event("response.in_progress", f'"response":{start}')
        items = self._items(script, exchange)
        for index, item in enumerate(items):
            yield from self._item_events(script, item, index, event)
        final = self._response(exchange, self._status(script), items, self._usage(script))
        kind = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
        yield event(kind, f'"response":{dumps(final)}')

    def _item_events(
        self, script: Script, item: JsonObject, index: int, event: Callable[..., Frame]
    ) -> Iterator[Frame]:
        """``output_item.added``, the item's deltas and its ``.done`` events."""
        where = f'"item_id":"{item["id"]}","output_index":{index}'
        kind = item["type"]
        if kind == "reasoning":
            yield event(
                "response.output_item.added",
                f'"item":{dumps({**item, "summary": []})},"output_index":{index}',
            )
            if item["summary"]:
                empty = '"part":{"type":"summary_text","text":""}'
                yield event(
                    "response.reasoning_summary_part.added", f'{where},{empty},"summary_index":0'
                )
                for piece in script.thinking:
                    yield event(
                        "response.reasoning_summary_text.delta",
                        f'"delta":{dumps(piece)},{where},"summary_index":0',
                        1,
                    )
                text = dumps(script.thinking_joined)
                yield event(
                    "response.reasoning_summary_text.done",
                    f'{where},"summary_index":0,"text":{text}',
                )
                part = f'"part":{{"type":"summary_text","text":{text}}}'
                yield event(
                    "response.reasoning_summary_part.done", f'{where},{part},"summary_index":0'
                )
        elif kind == "message":
            opened = {**item, "status": "in_progress", "content": []}
            yield event(
                "response.output_item.added", f'"item":{dumps(opened)},"output_index":{index}'
            )
            at = f'"content_index":0,{where}'
            empty = '{"type":"output_text","annotations":[],"text":""}'
            yield event("response.content_part.added", f'{at},"part":{empty}')
            for piece in script.text:
                yield event(
                    "response.output_text.delta", f'{at},"delta":{dumps(piece)},"logprobs":[]', 1
                )
            text = dumps(script.text_joined)
            yield event("response.output_text.done", f'{at},"logprobs":[],"text":{text}')
            yield event("response.content_part.done", f'{at},"part":{dumps(item["content"][0])}')
        else:
            opened = {**item, "status": "in_progress", "arguments": ""}
            yield event(
                "response.output_item.added", f'"item":{dumps(opened)},"output_index":{index}'
            )
            for piece in script.tool_call.fragments if script.tool_call else ():
                yield event(
                    "response.function_call_arguments.delta", f'"delta":{dumps(piece)},{where}', 1
                )
            arguments = dumps(item["arguments"])
            yield event("response.function_call_arguments.done", f'"arguments":{arguments},{where}')
        yield event("response.output_item.done", f'"item":{dumps(item)},"output_index":{index}')

    def complete(self, script: Script, exchange: Exchange) -> JsonObject:
        items = self._items(script, exchange)
        return self._response(exchange, self._status(script), items, self._usage(script))

    # ---- errors --------------------------------------------------------------------------

    def error(
        self, kind: str, exchange: Exchange, *, retry_after: float | None = None, detail: str = ""
    ) -> ErrorReply:
        reply = super().error(kind, exchange, retry_after=retry_after, detail=detail)
        if kind != "400ctx":
            return reply
        body = {"error": {**reply.body["error"], "message": _CONTEXT_MESSAGE, "param": "input"}}
        return ErrorReply(reply.status, body, reply.headers)

    def stream_error_event(self, exchange: Exchange) -> bytes:
        event = {"type": "error", "code": "server_error", "message": SERVER_ERROR, "param": None}
        return f"event: error\ndata: {dumps({**event, 'sequence_number': 0})}\n\n".encode()

    def malformed_chunk(self, exchange: Exchange) -> bytes:
        return (
            b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta",'
            b'"delta":"unterminated\n\n'
        )
