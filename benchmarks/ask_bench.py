"""``playground ask`` end to end: µs per streamed chunk against raw httpx on the same stream.

The loopback server of ``adapter_bench.py`` (its own process) serves a 20,000-chunk OpenAI
chat stream. In this process, interleaved and best of N, we time:

* raw httpx ``aiter_lines()`` + ``json.loads`` on that stream (the floor);
* the OpenAI adapter alone (``get_stream``), for reference;
* ``playground ask`` as the CLI runs it after parsing its arguments (config, session, pane,
  router, deadlines, printer) writing to ``/dev/null``, as text and as ``--json``.

Each runs on the long stream and on a one-chunk stream, so the fixed cost of a run (config,
session, the HTTP client, the request) is separated from the cost per chunk. The stream is
plain http on loopback, so the client never loads its CA certificates (they load at the
first https request: ``playground/session/http_client.py``).
Target (issue 18, item 3): ask / raw per chunk ≤ 2× with and without ``--json``.

Run: ``python benchmarks/ask_bench.py [--chunks N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from adapter_bench import run_adapter, run_raw_httpx, start_server


def write_config(base: str, directory: str) -> str:
    """A config with one OpenAI-protocol provider at the benchmark server (``bench``) and one
    at its single-chunk stream (``one``)."""
    path = os.path.join(directory, "config.toml")
    with open(path, "w") as handle:
        for name, url in (("bench", f"{base}/openai"), ("one", f"{base}/one/openai")):
            handle.write(
                f'[providers.{name}]\nprotocol = "openai"\nbase_url = "{url}"\n'
                'api_key = "bench-key-0000000000"\n'
                f'[providers.{name}.models.gpt-5]\nname = "gpt-5"\n'
            )
    return path


async def run_ask(config_path: str, provider: str, as_json: bool) -> None:
    """What ``playground ask -m PROVIDER/gpt-5 [--json] bench`` does after parsing its
    arguments: load the config, open a session, stream, print (to ``/dev/null``)."""
    from playground.cli.ask import _ask
    from playground.config.loader import load_config
    from playground.session import Session

    config, _ = load_config(config_path)
    session = Session.open(config, persist=False)
    session.add_pane(f"{provider}/gpt-5")
    with open(os.devnull, "w") as out:
        code = await _ask(session, "bench", [], None, as_json=as_json, out=out)
    assert code == 0, code


async def main(chunks: int, repeat: int) -> int:
    import httpx

    process, base = start_server(chunks)
    with tempfile.TemporaryDirectory() as home:
        for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[name] = home
        config_path = write_config(base, home)
        try:
            async with httpx.AsyncClient(timeout=60) as client:
                contenders = {
                    "raw httpx": lambda url: run_raw_httpx(client, "openai", url),
                    "adapter": lambda url: run_adapter(client, "openai", url),
                    "ask (text)": lambda url: run_ask(
                        config_path, "one" if url.endswith("/one") else "bench", False
                    ),
                    "ask --json": lambda url: run_ask(
                        config_path, "one" if url.endswith("/one") else "bench", True
                    ),
                }
                runs = {"full": base, "one": f"{base}/one"}
                for run in contenders.values():
                    for url in runs.values():
                        await run(url)  # warm-up: imports, connection
                times = {(name, run): [] for name in contenders for run in runs}
                for _ in range(repeat):
                    for name, contender in contenders.items():
                        for run, url in runs.items():
                            start = time.perf_counter()
                            await contender(url)
                            times[name, run].append(time.perf_counter() - start)
        finally:
            process.terminate()
            process.wait(timeout=10)

    print(
        f"OpenAI chat stream, {chunks} chunks and 1 chunk, {repeat} interleaved runs each.\n"
        "whole: the 20,000-chunk run / chunks (includes config, session and client set-up);\n"
        "per chunk: (best whole run - best 1-chunk run) / (chunks - 1)\n"
    )
    print(
        f"{'contender':<12} {'whole best':>10} {'median':>7} {'worst':>7} {'fixed ms':>9}"
        f" {'per chunk':>10}   {'whole/raw':>9} {'per chunk/raw':>13}"
    )
    raw_whole = min(times["raw httpx", "full"]) / chunks * 1e6
    raw_chunk = (min(times["raw httpx", "full"]) - min(times["raw httpx", "one"])) / (chunks - 1)
    ok = True
    for name in contenders:
        whole = sorted(t / chunks * 1e6 for t in times[name, "full"])
        fixed = min(times[name, "one"])
        per_chunk = (min(times[name, "full"]) - fixed) / (chunks - 1)
        ratio = per_chunk / raw_chunk
        print(
            f"{name:<12} {whole[0]:>10.2f} {whole[len(whole) // 2]:>7.2f} {whole[-1]:>7.2f}"
            f" {fixed * 1e3:>9.1f} {per_chunk * 1e6:>10.2f}   {whole[0] / raw_whole:>8.2f}×"
            f" {ratio:>12.2f}×"
        )
        if name.startswith("ask"):
            ok &= ratio <= 2.0
    print("\ntarget: ask / raw per chunk ≤ 2.0× (text and --json):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.chunks, args.repeat)))
