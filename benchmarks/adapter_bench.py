"""Adapter throughput: µs per streamed chunk, per family, against baselines on the same stream.

A loopback HTTP server (a separate process, so it does not share our GIL) serves one
synthetic stream per family with N chunks in each provider's real framing. For each family
we time, over the very same bytes:

* our adapter (``playground.adapters.get_stream``), consuming every event;
* raw httpx line iteration + ``json.loads`` (the floor any adapter builds on);
* the official SDK where one exists (``openai`` on the OpenAI stream, ``anthropic`` on the
  Anthropic stream), consuming every chunk; for Bedrock, botocore's own event-stream parser
  (``EventStreamBuffer``, what boto3 uses) fed the same bytes from httpx, with ``json.loads``
  of each payload — the row is printed only when botocore is installed (extra ``[aws]``).

Targets: adapter ≤ 2× raw httpx, ≥ 5× faster than the official SDK, and for Bedrock no
slower than botocore's parser alone (which builds no events). Bedrock's "raw httpx" floor
splits frames by their length prefix without checking CRCs.

Run: ``python benchmarks/adapter_bench.py [--chunks N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

FAMILIES = ("openai", "anthropic", "gemini", "ollama", "bedrock")


# --- the streams ---------------------------------------------------------------------------


def openai_body(n: int) -> bytes:
    """Modern gpt-5 shape: ``usage:null`` and ``obfuscation`` on every chunk."""
    head = (
        '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1773338938,'
        '"model":"gpt-5-2025-08-07","service_tier":"default","system_fingerprint":null,'
    )
    parts = []
    for i in range(n):
        parts.append(
            f'data: {head}"choices":[{{"index":0,"delta":{{"content":" tok{i}"}},'
            f'"finish_reason":null}}],"usage":null,"obfuscation":"Br0zG82D"}}\n\n'
        )
    parts.append(
        f'data: {head}"choices":[{{"index":0,"delta":{{}},"finish_reason":"stop"}}],'
        '"usage":null}\n\n'
    )
    parts.append(
        f'data: {head}"choices":[],"usage":{{"prompt_tokens":10,"completion_tokens":{n},'
        '"total_tokens":0}}\n\ndata: [DONE]\n\n'
    )
    return "".join(parts).encode()


def anthropic_body(n: int) -> bytes:
    """Messages stream with ``event:`` lines and Anthropic's whitespace padding."""
    parts = [
        "event: message_start\n"
        'data: {"type":"message_start","message":{"id":"msg_bench","type":"message",'
        '"role":"assistant","content":[],"model":"claude-sonnet-4-20250514","stop_reason":null,'
        '"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}\n\n',
        "event: content_block_start\n"
        'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'
        "\n\n",
    ]
    for i in range(n):
        parts.append(
            "event: content_block_delta\n"
            'data: {"type":"content_block_delta","index":0,'
            f'"delta":{{"type":"text_delta","text":" tok{i}"}}}}      \n\n'
        )
    parts.append('event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n')
    parts.append(
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn",'
        f'"stop_sequence":null}},"usage":{{"output_tokens":{n}}}}}\n\n'
    )
    parts.append('event: message_stop\ndata: {"type":"message_stop"}\n\n')
    return "".join(parts).encode()


def gemini_body(n: int) -> bytes:
    """``\\r\\n\\r\\n`` framing, cumulative usage on every chunk, no terminator."""
    parts = []
    for i in range(n):
        chunk = {
            "candidates": [
                {"content": {"parts": [{"text": f" tok{i}"}], "role": "model"}, "index": 0}
            ],
            "usageMetadata": {
                "promptTokenCount": 10,
                "candidatesTokenCount": i + 1,
                "totalTokenCount": i + 11,
            },
            "modelVersion": "gemini-2.5-flash",
            "responseId": "bench",
        }
        if i == n - 1:
            chunk["candidates"][0]["finishReason"] = "STOP"
        parts.append(f"data: {json.dumps(chunk)}\r\n\r\n")
    return "".join(parts).encode()


def ollama_body(n: int) -> bytes:
    """NDJSON lines, final ``done`` line with metrics."""
    parts = [
        '{"model":"qwen3","created_at":"2025-10-26T17:15:24.097767Z",'
        f'"message":{{"role":"assistant","content":" tok{i}"}},"done":false}}\n'
        for i in range(n)
    ]
    parts.append(
        '{"model":"qwen3","created_at":"2025-10-26T17:15:24.143931Z","message":{"role":'
        '"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":10,'
        f'"eval_count":{n}}}\n'
    )
    return "".join(parts).encode()


def bedrock_body(n: int) -> bytes:
    """Converse events in AWS event-stream framing, as ``converse-stream`` sends them."""
    from playground.adapters.eventstream import encode_message

    def event(kind: str, payload: str) -> bytes:
        headers = {":event-type": kind, ":content-type": "application/json"}
        headers[":message-type"] = "event"
        return encode_message(headers, payload.encode())

    parts = [event("messageStart", '{"p":"abcdefghijklmnopqrstu","role":"assistant"}')]
    for i in range(n):
        delta = f'{{"contentBlockIndex":0,"delta":{{"text":" tok{i}"}},"p":"abcdefghijklmn"}}'
        parts.append(event("contentBlockDelta", delta))
    parts.append(event("contentBlockStop", '{"contentBlockIndex":0,"p":"abcdefghij"}'))
    parts.append(event("messageStop", '{"p":"abcdefghijklm","stopReason":"end_turn"}'))
    usage = f'{{"usage":{{"inputTokens":10,"outputTokens":{n},"totalTokens":{n + 10}}}}}'
    parts.append(event("metadata", usage))
    return b"".join(parts)


BODIES = {
    "openai": (openai_body, "text/event-stream; charset=utf-8"),
    "anthropic": (anthropic_body, "text/event-stream; charset=utf-8"),
    "gemini": (gemini_body, "text/event-stream"),
    "ollama": (ollama_body, "application/x-ndjson"),
    "bedrock": (bedrock_body, "application/vnd.amazon.eventstream"),
}


# --- the loopback server (child process) ---------------------------------------------------


def serve(port: int, chunks: int) -> None:
    """Serve each family's body at any path containing its name (POST); under ``/one/`` the
    same stream with a single chunk (``ask_bench.py`` subtracts that run's fixed costs)."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    bodies = {name: (make(chunks), ctype) for name, (make, ctype) in BODIES.items()}
    single = {name: (make(1), ctype) for name, (make, ctype) in BODIES.items()}

    async def handle(request: Request) -> Response:
        await request.body()
        path = request.url.path
        name = next((f for f in FAMILIES if f in path), None)
        if name is None:  # OpenAI SDK posts to /openai/chat/completions via base_url
            name = "openai"
        if "generateContent" in path:
            name = "gemini"
        body, ctype = (single if path.startswith("/one/") else bodies)[name]
        return Response(body, media_type=ctype)

    app = Starlette(routes=[Route("/{path:path}", handle, methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def start_server(chunks: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--chunks", str(chunks)],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("benchmark server did not start")


# --- the contenders ------------------------------------------------------------------------


def endpoints(base: str) -> dict:
    from playground.endpoint import Endpoint, Protocol
    from playground.secret import Secret

    key = Secret("bench-key-0000000000")
    return {
        "openai": Endpoint("bench", Protocol.OPENAI, f"{base}/openai", "gpt-5", key),
        "anthropic": Endpoint("bench", Protocol.ANTHROPIC, f"{base}/anthropic", "claude", key),
        "gemini": Endpoint("bench", Protocol.GEMINI, base, "gemini-2.5-flash", key),
        "ollama": Endpoint("bench", Protocol.OLLAMA, f"{base}/ollama", "qwen3", key),
        "bedrock": Endpoint("bench", Protocol.BEDROCK, f"{base}/bedrock", "claude", key),
    }


async def run_adapter(client, family: str, base: str) -> int:
    from playground.adapters import get_stream
    from playground.events import Done
    from playground.request import ChatRequest, Message

    endpoint = endpoints(base)[family]
    request = ChatRequest(endpoint.model, [Message.user("bench")])
    count = 0
    last = None
    async for event in get_stream(endpoint.protocol)(request, endpoint, client):
        count += 1
        last = event
    assert isinstance(last, Done), last
    return count


async def run_raw_httpx(client, family: str, base: str) -> int:
    if family == "bedrock":
        return await _raw_eventstream(client, f"{base}/bedrock/model/m/converse-stream")
    url = {
        "openai": f"{base}/openai/chat/completions",
        "anthropic": f"{base}/anthropic/v1/messages",
        "gemini": f"{base}/v1beta/models/g:streamGenerateContent?alt=sse",
        "ollama": f"{base}/ollama/api/chat",
    }[family]
    loads = json.loads
    count = 0
    async with client.stream("POST", url, json={"model": "m"}) as response:
        if family == "ollama":
            async for line in response.aiter_lines():
                if line:
                    loads(line)
                    count += 1
        else:
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data != "[DONE]":
                        loads(data)
                        count += 1
    return count


async def _raw_eventstream(client, url: str) -> int:
    """The floor for event-stream: split frames by their length prefix, ``json.loads`` each."""
    loads = json.loads
    count = 0
    pending = b""
    async with client.stream("POST", url, json={"model": "m"}) as response:
        async for chunk in response.aiter_raw():
            pending += chunk
            pos = 0
            while len(pending) - pos >= 12:
                total = int.from_bytes(pending[pos : pos + 4], "big")
                if len(pending) - pos < total:
                    break
                headers = int.from_bytes(pending[pos + 4 : pos + 8], "big")
                loads(pending[pos + 12 + headers : pos + total - 4])
                count += 1
                pos += total
            pending = pending[pos:]
    return count


async def run_botocore_parser(client, family: str, base: str) -> int:
    """botocore's ``EventStreamBuffer`` (CRC-checked, as boto3 parses) on the same bytes."""
    from botocore.eventstream import EventStreamBuffer

    loads = json.loads
    buffer = EventStreamBuffer()
    count = 0
    url = f"{base}/bedrock/model/m/converse-stream"
    async with client.stream("POST", url, json={"model": "m"}) as response:
        async for chunk in response.aiter_raw():
            buffer.add_data(chunk)
            for message in buffer:
                loads(message.payload)
                count += 1
    return count


async def run_openai_sdk(sdk_client, family: str, base: str) -> int:
    stream = await sdk_client.chat.completions.create(
        model="gpt-5",
        messages=[{"role": "user", "content": "bench"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    count = 0
    async for _chunk in stream:
        count += 1
    return count


async def run_anthropic_sdk(sdk_client, family: str, base: str) -> int:
    stream = await sdk_client.messages.create(
        model="claude",
        max_tokens=1024,
        messages=[{"role": "user", "content": "bench"}],
        stream=True,
    )
    count = 0
    async for _event in stream:
        count += 1
    return count


Contender = tuple[str, Callable[..., Awaitable[int]], object]


async def best_times(
    contenders: list[Contender], family: str, base: str, repeat: int
) -> dict[str, float]:
    """Best wall time per contender; runs are interleaved so background load hits all alike."""
    for _, fn, arg in contenders:
        await fn(arg, family, base)  # warm-up (connection, imports, caches)
    best = {name: float("inf") for name, _, _ in contenders}
    for _ in range(repeat):
        for name, fn, arg in contenders:
            start = time.perf_counter()
            await fn(arg, family, base)
            best[name] = min(best[name], time.perf_counter() - start)
    return best


async def main(chunks: int, repeat: int) -> int:
    import httpx
    from anthropic import AsyncAnthropic
    from openai import AsyncOpenAI

    process, base = start_server(chunks)
    results: dict[str, dict[str, float]] = {}
    try:
        async with (
            httpx.AsyncClient(timeout=60) as client,
            AsyncOpenAI(base_url=f"{base}/openai", api_key="x", max_retries=0) as oa,
            AsyncAnthropic(base_url=f"{base}/anthropic", api_key="x", max_retries=0) as an,
        ):
            sdks: dict[str, Contender] = {
                "openai": ("official SDK", run_openai_sdk, oa),
                "anthropic": ("official SDK", run_anthropic_sdk, an),
            }
            if _has_botocore():
                sdks["bedrock"] = ("official SDK", run_botocore_parser, client)
            for family in FAMILIES:
                if family == "bedrock" and "bedrock" not in sdks:
                    continue  # compared only against botocore's parser
                contenders: list[Contender] = [
                    ("adapter", run_adapter, client),
                    ("raw httpx", run_raw_httpx, client),
                ]
                if family in sdks:
                    contenders.append(sdks[family])
                results[family] = await best_times(contenders, family, base, repeat)
    finally:
        process.terminate()
        process.wait(timeout=10)

    print(f"{chunks} chunks per stream, best of {repeat} runs, µs per chunk (lower is better)\n")
    header = (
        f"{'family':<10} {'adapter':>9} {'raw httpx':>10} {'official SDK':>13}"
        f"   {'adapter/raw':>11} {'SDK/adapter':>11}"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for family, times in results.items():
        per = {name: seconds / chunks * 1e6 for name, seconds in times.items()}
        ratio_raw = per["adapter"] / per["raw httpx"]
        sdk = per.get("official SDK")
        sdk_text = f"{sdk:>13.2f}" if sdk else f"{'—':>13}"
        speedup = f"{sdk / per['adapter']:>10.1f}×" if sdk else f"{'—':>11}"
        print(
            f"{family:<10} {per['adapter']:>9.2f} {per['raw httpx']:>10.2f} {sdk_text}"
            f"   {ratio_raw:>10.2f}× {speedup}"
        )
        needed = 1.0 if family == "bedrock" else 5.0
        ok &= ratio_raw <= 2.0 and (sdk is None or sdk / per["adapter"] >= needed)
    if "bedrock" in results:
        print("(bedrock: the SDK column is botocore's EventStreamBuffer + json.loads)")
    print(
        "\ntargets: adapter/raw ≤ 2.0×, SDK/adapter ≥ 5× (bedrock: ≥ 1×):",
        "met" if ok else "NOT met",
    )
    return 0 if ok else 1


def _has_botocore() -> bool:
    try:
        import botocore.eventstream  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.chunks)
    else:
        raise SystemExit(asyncio.run(main(args.chunks, args.repeat)))
