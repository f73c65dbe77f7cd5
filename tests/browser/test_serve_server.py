"""``playground serve`` without a browser: bind errors, the exposure warning, an offline page,
and no app process left behind when the server stops with a tab still open."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from playground.cli.serve import connection_refusal, exposure_warning, is_loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("my-laptop.lan", False),
    ],
)
def test_only_loopback_hosts_go_without_a_warning(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    warning = exposure_warning(host)
    if loopback:
        assert warning is None
    else:
        assert warning is not None
        assert host in warning and "not loopback" in warning and "\n" not in warning


def test_a_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "playground", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert result.stderr.startswith(f"playground serve: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_the_page_loads_everything_from_the_server(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    _process, url = served
    page = httpx.get(url + "/", timeout=10).text
    assert "googleapis" not in page
    links = re.findall(r'(?:src|href)="([^"]+)"|url\("([^"]+)"\)', page)
    assets = [a or b for a, b in links]
    assert any(a.endswith(".ttf") for a in assets), "the page should ship its font"
    for asset in assets:
        assert asset.startswith(url + "/"), f"the page loads {asset} from elsewhere"
        assert httpx.get(asset, timeout=10).status_code == 200, asset


async def test_stopping_the_server_ends_the_open_tabs_apps(
    served: tuple[subprocess.Popen[str], str], process_tree: Callable[[int], set[int]]
) -> None:
    import aiohttp

    process, url = served
    ws_url = url.replace("http://", "ws://") + "/ws?width=120&height=40"
    async with aiohttp.ClientSession() as client, client.ws_connect(ws_url) as ws:
        frame = await asyncio.wait_for(ws.receive(), timeout=30)
        assert frame.type == aiohttp.WSMsgType.BINARY, "the app should draw its first frame"
        # Read on, as a browser tab does, until the server closes the connection.
        reader = asyncio.create_task(_drain(ws))
        # The tab's app, and the simulated provider the app starts for its demo panes.
        deadline = time.monotonic() + 30
        while len(apps := process_tree(process.pid)) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert len(apps) >= 2, apps
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, 30)
        stopped_after = time.monotonic() - started
        await asyncio.wait_for(reader, timeout=5)
    assert process.returncode == 0
    # aiohttp alone would wait up to 60 s for open tabs; their apps are told to quit at once.
    assert stopped_after < 5, f"the server took {stopped_after:.1f}s to stop"
    assert not any(Path(f"/proc/{pid}").exists() for pid in apps), "an app outlived the server"


async def _drain(ws: Any) -> None:
    """Receive until the WebSocket closes."""
    async for _message in ws:
        pass


@pytest.mark.parametrize(
    ("host", "origin", "loopback", "refused"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", True, False),
        ("localhost:8000", "http://localhost:8000", True, False),
        ("[::1]:8000", "http://[::1]:8000", True, False),
        ("127.0.0.1:8000", None, True, False),  # not a browser: no Origin
        ("127.0.0.1:8000", "http://evil.example", True, True),  # another site's page
        ("127.0.0.1:8000", "http://127.0.0.1:9999", True, True),
        ("evil.example:8000", "http://evil.example:8000", True, True),  # DNS rebinding
        ("box.lan:8000", "http://box.lan:8000", False, False),  # served beyond loopback
        ("box.lan:8000", "http://evil.example", False, True),
    ],
)
def test_only_the_servers_own_page_may_open_an_app(
    host: str, origin: str | None, loopback: bool, refused: bool
) -> None:
    assert (connection_refusal(host, origin, loopback) is not None) is refused


async def test_a_foreign_page_cannot_start_an_app(
    served: tuple[subprocess.Popen[str], str], process_tree: Callable[[int], set[int]]
) -> None:
    import aiohttp

    process, url = served
    ws_url = url.replace("http://", "ws://") + "/ws"
    async with aiohttp.ClientSession() as client:
        for headers in ({"Origin": "http://evil.example"}, {"Host": "evil.example"}):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(ws_url, headers=headers)
            assert refused.value.status == 403
    assert not process_tree(process.pid), "a refused connection must not start an app"


def test_the_page_points_at_the_address_the_browser_used(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    _process, url = served
    port = url.rsplit(":", 1)[1]
    page = httpx.get(url + "/", headers={"Host": f"localhost:{port}"}, timeout=10).text
    assert f"ws://localhost:{port}/ws" in page


async def test_the_page_is_sent_only_masked_keys(
    start_serve: Callable[..., tuple[subprocess.Popen[str], str]],
    sim_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Everything the server sends a tab, with the credential panel open, holds no key."""
    import aiohttp

    from playground.secret import mask

    key = "sk-proj-" + "K4" * 30 + "T3BlbkFJ" + "s" * 12
    monkeypatch.setenv("OPENAI_API_KEY", key)
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.openai]\nbase_url = "{sim_url}/openai/v1"\n')
    _process, url = start_serve("--config", str(config))
    ws_url = url.replace("http://", "ws://") + "/ws?width=160&height=45"
    sent = bytearray()
    async with aiohttp.ClientSession() as client, client.ws_connect(ws_url) as ws:

        async def read_until(text: str, timeout: float) -> None:
            deadline = time.monotonic() + timeout
            while text not in _without_escapes(sent):
                try:
                    message = await asyncio.wait_for(ws.receive(), deadline - time.monotonic())
                except TimeoutError:
                    raise AssertionError(f"{text!r} never reached the page") from None
                if message.type == aiohttp.WSMsgType.BINARY:
                    sent.extend(message.data)

        await read_until("sessions", 30)
        await ws.send_json(["stdin", "\x1bOQ"])  # F2: the credential panel
        await read_until(mask(key), 20)
    page = sent.decode("utf-8", "replace")  # escapes and all: every byte the page got
    for fragment in [key] + [key[i : i + 12] for i in range(0, len(key) - 12, 3)]:
        assert fragment not in page


def _without_escapes(data: bytes) -> str:
    """The terminal stream's text with its control sequences removed."""
    return re.sub(
        r"\x1b(\[[0-9;?<>]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])", "", data.decode("utf-8", "replace")
    )
