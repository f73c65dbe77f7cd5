"""Minimal valid streaming replies per protocol family, for capture-server tests."""

from __future__ import annotations

from tests.adapters.replay import Reply

ANTHROPIC = (
    b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message",'
    b'"role":"assistant","model":"m","content":[],"stop_reason":null,"usage":{"input_tokens":5,'
    b'"output_tokens":1}}}\n\n'
    b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
    b'"content_block":{"type":"text","text":""}}\n\n'
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
    b'"delta":{"type":"text_delta","text":"ok"}}\n\n'
    b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
    b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
    b'"usage":{"output_tokens":1}}\n\n'
    b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
)
OPENAI = (
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":'
    b'[{"index":0,"delta":{"role":"assistant","content":"ok"},"finish_reason":null}]}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":'
    b'[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],'
    b'"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}\n\n'
    b"data: [DONE]\n\n"
)
GEMINI = (
    b'data: {"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"},'
    b'"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,'
    b'"candidatesTokenCount":1,"totalTokenCount":6}}\r\n\r\n'
)
OLLAMA = (
    b'{"model":"m","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant",'
    b'"content":"ok"},"done":false}\n'
    b'{"model":"m","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant",'
    b'"content":""},"done":true,"done_reason":"stop","prompt_eval_count":5,"eval_count":1}\n'
)

REPLIES = {
    "anthropic": Reply(ANTHROPIC),
    "openai": Reply(OPENAI),
    "gemini": Reply(GEMINI),
    "ollama": Reply(OLLAMA, content_type="application/x-ndjson"),
}
