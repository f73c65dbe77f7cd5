"""Live model lists in the picker and rate-limit headroom in the credential panel.

A local server (the loopback simulator behind the ``ollama`` provider) and a provider the
config adds are asked for their models when the picker opens; what they offer joins the
catalog's rows, marked "not in catalog" where the catalog lacks it. After a live check the
credential panel's detail line shows the key's rate-limit headroom (the simulator's OpenAI-
and Anthropic-style headers) and which catalog models the key reaches. Everything runs
against the loopback simulator.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from textual.widgets import DataTable, Input, OptionList

from playground.config.schema import Config, ProviderConfig
from playground.credentials.discovery import clear_cache
from playground.endpoint import Protocol
from playground.tui.credential_states import ProviderCredential, headroom_lines
from playground.tui.screens.credentials import CredentialPanel
from playground.tui.screens.model_picker import ModelPicker

from .conftest import fast_reliability, wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
SIM_MODELS = ("echo", "lorem", "thinker", "tools", "vision")  # playground.sim.params


@pytest.fixture(autouse=True)
def fresh_listings():
    """Every test asks the servers itself (listings are cached in memory per process)."""
    clear_cache()
    yield
    clear_cache()


def picker_rows(picker: ModelPicker) -> dict[str, str]:
    """Spec → the row's text, for every pickable row."""
    option_list = picker.query_one(OptionList)
    options = (option_list.get_option_at_index(i) for i in range(option_list.option_count))
    return {o.spec: str(o.prompt) for o in options if getattr(o, "spec", None)}


async def open_picker(pilot) -> ModelPicker:
    app = pilot.app
    await wait_until(pilot, lambda: len(app.chat_panes) >= 1)
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
    return app.screen


def ollama_on_sim(sim_url: str) -> Config:
    return Config(
        reliability=fast_reliability(),
        providers={"ollama": ProviderConfig(base_url=f"{sim_url}/ollama")},
    )


async def test_a_local_servers_live_models_appear_marked_not_in_catalog(make_app, sim_url):
    app = make_app([ECHO], config=ollama_on_sim(sim_url))
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot)
        assert not app.catalog.model("ollama", "echo:latest").known
        picker.query_one(Input).value = "ollama/"
        await wait_until(pilot, lambda: "ollama/lorem:latest" in picker_rows(picker))
        rows = picker_rows(picker)
        for model_id in SIM_MODELS:
            assert "not in catalog" in rows[f"ollama/{model_id}:latest"]  # Ollama's tags
        catalogued = next(s for s in rows if s.startswith("ollama/gemma3"))
        assert "not in catalog" not in rows[catalogued]
        option_list = picker.query_one(OptionList)
        prompts = [str(option_list.get_option_at_index(i).prompt) for i in range(10)]
        group = next(p for p in prompts if "(ollama)" in p)
        assert "5 models live from the server" in group
        picker.query_one(Input).value = "ollama/thinker:latest"
        await pilot.pause()
        detail = str(picker.query_one("#picker-detail").render())
        assert "ollama/thinker:latest" in detail and "not in catalog" in detail


class GatedOllama:
    """A loopback Ollama whose first ``/api/tags`` (the probe) answers at once and every
    later one (the model list) waits until :meth:`release`: the test decides when the list
    arrives."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.requests = 0
        gated = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                gated.requests += 1
                if gated.requests > 1:
                    gated.gate.wait(10)
                body = json.dumps({"models": [{"name": "slowpoke:7b"}]}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def release(self) -> None:
        self.gate.set()

    def close(self) -> None:
        self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def gated_ollama():
    server = GatedOllama()
    yield server
    server.close()


async def test_typing_is_never_blocked_while_the_list_is_on_its_way(make_app, gated_ollama):
    config = Config(
        reliability=fast_reliability(),
        providers={"ollama": ProviderConfig(base_url=gated_ollama.url)},
    )
    app = make_app([ECHO], config=config)
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot)
        await wait_until(pilot, lambda: gated_ollama.requests >= 2)  # the list is asked for
        await pilot.press(*"slow")
        await pilot.pause()
        assert picker.query_one(Input).value == "slow"
        assert "ollama/slowpoke:7b" not in picker_rows(picker)  # still held by the server
        await pilot.press("backspace", *"wpoke")
        await pilot.pause()
        assert picker.query_one(Input).value == "slowpoke"
        gated_ollama.release()
        await wait_until(pilot, lambda: "ollama/slowpoke:7b" in picker_rows(picker))
        assert picker.query_one(Input).value == "slowpoke"
        assert "not in catalog" in picker_rows(picker)["ollama/slowpoke:7b"]


async def test_a_provider_the_config_adds_lists_its_servers_models(make_app, sim_url, monkeypatch):
    monkeypatch.setenv("MYVLLM_API_KEY", "sk-test-" + "v" * 24)
    config = Config(
        reliability=fast_reliability(),
        providers={
            "myvllm": ProviderConfig(
                protocol=Protocol.OPENAI, base_url=f"{sim_url}/openai/v1", env=["MYVLLM_API_KEY"]
            )
        },
    )
    app = make_app([ECHO], config=config)
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot)
        picker.query_one(Input).value = "myvllm"
        await wait_until(pilot, lambda: "myvllm/tools" in picker_rows(picker))
        assert {f"myvllm/{m}" for m in SIM_MODELS} <= set(picker_rows(picker))


async def test_a_local_server_that_is_down_adds_nothing(make_app):
    config = Config(
        reliability=fast_reliability(),
        providers={"ollama": ProviderConfig(base_url="http://127.0.0.1:9")},
    )
    app = make_app([ECHO], config=config)
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot)
        states = app.credential_states()
        await wait_until(pilot, lambda: states["ollama"].dot == "unreachable")
        await pilot.pause(0.2)
        assert not [m for m in picker.models if not m.known]
        assert picker.live_counts == {}


# --- the credential panel: headroom and reach after a live check ----------------------------

GROQ_KEY = "gsk_" + "h" * 52
ANTHROPIC_KEY = "sk-ant-api03-" + "h" * 80


async def check_in_panel(pilot, slug: str) -> str:
    """Open the panel, check ``slug`` live, and return the detail line once it answered."""
    app = pilot.app
    await wait_until(pilot, lambda: len(app.chat_panes) >= 1)
    await pilot.press("f2")
    await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
    panel = app.screen
    table = panel.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(slug))
    await pilot.press("c")
    await wait_until(pilot, lambda: app.credential_states()[slug].live is not None)
    await wait_until(pilot, lambda: slug not in panel.checking)
    return str(panel.query_one("#credential-detail").render())


async def test_the_panel_shows_openai_style_headroom_and_which_catalog_models_a_key_reaches(
    make_app, sim_url
):
    provider = ProviderConfig(base_url=f"{sim_url}/openai/v1", api_key=GROQ_KEY)
    app = make_app(
        [ECHO], config=Config(reliability=fast_reliability(), providers={"groq": provider})
    )
    async with app.run_test(size=(160, 40)) as pilot:
        detail = await check_in_panel(pilot, "groq")
        # the simulator's x-ratelimit-* headers
        assert "headroom at the check: requests 9,999/10,000 (reset 6 ms)" in detail
        assert "tokens 29,999,000/30,000,000 (reset 2 ms)" in detail
        # the simulator lists echo, lorem, …: none of groq's catalog models
        total = len(app.catalog.models("groq"))
        assert f"models this key reaches: 0 of {total} catalog models reachable" in detail
        assert GROQ_KEY not in detail


async def test_the_panel_shows_anthropic_headroom(make_app, sim_url):
    provider = ProviderConfig(base_url=f"{sim_url}/anthropic", api_key=ANTHROPIC_KEY)
    config = Config(reliability=fast_reliability(), providers={"anthropic": provider})
    app = make_app([ECHO], config=config)
    async with app.run_test(size=(160, 40)) as pilot:
        detail = await check_in_panel(pilot, "anthropic")
        # anthropic-ratelimit-*: the reset is a time, shown as seconds from the check
        assert "requests 3,999/4,000 (reset" in detail
        assert "tokens 1,999,000/2,000,000 (reset" in detail
        assert ANTHROPIC_KEY not in detail


async def test_a_key_that_reaches_every_catalog_model_says_so(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(160, 40)) as pilot:
        detail = await check_in_panel(pilot, "sim")
        total = len(app.catalog.models("sim"))
        assert f"models this key reaches: {total} of {total} catalog models reachable" in detail
        assert "not:" not in detail


def test_a_rate_limited_check_still_shows_its_headroom_but_no_reach():
    from playground.adapters.rate_limits import parse_rate_limits
    from playground.catalog import load_catalog
    from playground.credentials import LiveResult, resolve_credentials

    catalog = load_catalog(Config())
    sim = catalog.provider("sim")
    row = ProviderCredential(sim, resolve_credentials(sim, Config(), catalog=catalog))
    limits = parse_rate_limits({"x-ratelimit-remaining-requests": "0", "retry-after": "3"})
    row.live = LiveResult("rate_limited", 5.0, 429, "rate limited", None, limits, ("echo",))
    assert headroom_lines(row, catalog) == ["headroom at the check: requests 0 · retry after 3 s"]
    row.live = None
    assert headroom_lines(row, catalog) == []
