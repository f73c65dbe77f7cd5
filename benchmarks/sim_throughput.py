"""Simulator streaming throughput: N concurrent httpx clients stream ``lorem?tps=0`` for a while.

The server runs in its own process (``start_sim_process``), the clients share this one, so
the number measured is what the simulator delivers to real, separate clients. Every token is
one stream event; the clients parse each event line, so client-side work is included.

    python benchmarks/sim_throughput.py [--clients 8] [--seconds 5] [--tokens 4000]
                                        [--family openai|anthropic|gemini|ollama] [--tps 0]

With ``--tps N`` each stream is paced at N tokens/s, which checks the pacing instead:
the total should come out at about ``clients * N``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from playground.sim.embedded import start_sim_process

# A line that carries exactly one output token, per family.
_TOKEN_MARKERS = {
    "openai": '"delta":{"content":',
    "anthropic": '"text_delta"',
    "gemini": '"candidates"',
    "ollama": '"done":false',
}


@dataclass
class ClientResult:
    """What one client received."""

    tokens: int = 0
    requests: int = 0


def _request(family: str, model: str) -> tuple[str, dict, dict]:
    message = [{"role": "user", "content": "go"}]
    if family == "openai":
        return (
            "/openai/v1/chat/completions",
            {"model": model, "messages": message, "stream": True},
            {},
        )
    if family == "anthropic":
        body = {"model": model, "max_tokens": 1_000_000, "messages": message, "stream": True}
        return "/anthropic/v1/messages", body, {"anthropic-version": "2023-06-01"}
    if family == "gemini":
        path = f"/gemini/v1beta/models/{quote(model, safe='')}:streamGenerateContent?alt=sse"
        return path, {"contents": [{"role": "user", "parts": [{"text": "go"}]}]}, {}
    return "/ollama/api/chat", {"model": model, "messages": message}, {}


async def _client(
    client: httpx.AsyncClient, family: str, model: str, deadline: float, result: ClientResult
) -> None:
    path, body, headers = _request(family, model)
    marker = _TOKEN_MARKERS[family]
    while time.perf_counter() < deadline:
        async with client.stream("POST", path, json=body, headers=headers) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if marker in line:
                    result.tokens += 1
        result.requests += 1


async def _run(root: str, family: str, clients: int, seconds: float, model: str) -> None:
    results = [ClientResult() for _ in range(clients)]
    # Created before the clock starts: building an httpx client costs tens of milliseconds.
    sessions = [httpx.AsyncClient(base_url=root, timeout=30) for _ in range(clients)]
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(
        *(_client(s, family, model, deadline, r) for s, r in zip(sessions, results, strict=True))
    )
    elapsed = time.perf_counter() - start
    for session in sessions:
        await session.aclose()
    total = sum(r.tokens for r in results)
    print(f"family {family}: {clients} clients, {elapsed:.2f} s, model {model}")
    for number, r in enumerate(results, start=1):
        print(f"  client {number}: {r.tokens / elapsed:>9,.0f} tokens/s  ({r.requests} requests)")
    print(f"total: {total / elapsed:,.0f} tokens/s ({total:,} tokens)")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; prints per-client and total tokens per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--tokens", type=int, default=4000, help="lorem tokens per request")
    parser.add_argument("--family", choices=sorted(_TOKEN_MARKERS), default="openai")
    parser.add_argument("--tps", type=float, default=0, help="pace each stream (0: flat out)")
    args = parser.parse_args(argv)
    model = f"lorem?tps={args.tps:g}&ttft_ms=0&tokens={args.tokens}"
    with start_sim_process() as sim:
        asyncio.run(_run(sim.url, args.family, args.clients, args.seconds, model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
