"""Visual snapshots of every screen (pytest-textual-snapshot).

Deterministic by construction: fixed terminal sizes, no animation, no cursor blink, a stepping
clock for metrics, the simulated provider at tps=0, isolated config and keys. Update with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and review the SVGs as images.
"""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList, TextArea

from playground.config.schema import Config, ProviderConfig, RouteConfig
from playground.credentials import LiveResult
from playground.request import ThinkingLevel
from playground.session import PaneStatus
from playground.tui.screens.credentials import CredentialPanel
from playground.tui.screens.export import ExportDialog
from playground.tui.screens.model_picker import ModelPicker
from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.thinking_slider import ThinkingSlider
from playground.tui.widgets.turn_view import ThinkingSection, ToolCard

from .conftest import fast_reliability, wait_until

FAST = "tps=0&ttft_ms=0"
ECHO = f"sim/echo?{FAST}"
LOREM = f"sim/lorem?{FAST}&tokens=120"
THINKER = f"sim-anthropic/thinker?{FAST}"
WIDE = (140, 36)


def frozen_clock() -> float:
    """Every reading is the same instant, so durations and rates in snapshots are fixed."""
    return 1000.0


@pytest.fixture
def make_app(make_app):
    """Snapshot apps run on a frozen clock."""

    def build(*args, **kwargs):
        kwargs.setdefault("clock", frozen_clock)
        return make_app(*args, **kwargs)

    return build


def pin_metrics(app, values: list[tuple[float, float]]) -> None:
    """Give finished panes fixed TTFT / rate figures (the live values depend on timing;
    the Pilot tests check the real ones)."""
    for view, (ttft_ms, rate) in zip(app.chat_panes, values, strict=True):
        view.pane.metrics.ttft_ms = ttft_ms
        view.pane.metrics.tokens_per_s = rate
        view.refresh_footer()


def steady(app) -> None:
    """No blinking cursors anywhere on the current screen."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


async def ready(pilot, panes: int) -> None:
    await wait_until(pilot, lambda: len(pilot.app.chat_panes) == panes)
    steady(pilot.app)


async def send_and_finish(pilot, text: str) -> None:
    app = pilot.app
    prompt = app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")
    await wait_until(pilot, lambda: all(v.turn_views for v in app.chat_panes))
    await wait_until(
        pilot,
        lambda: all(not v.busy and v.turn_views[-1].answer is None for v in app.chat_panes),
    )
    await pilot.pause()


def test_first_run(snap_compare, make_app):
    async def run_before(pilot):
        await ready(pilot, 3)

    assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)


def test_mid_stream(snap_compare, make_app):
    stalled = f"sim/lorem?{FAST}&tokens=400&fail=stall&after=60"
    app = make_app([stalled, ECHO])

    async def run_before(pilot):
        await ready(pilot, 2)
        prompt = app.query_one(PromptInput)
        prompt.load_text("Tell me a long story")
        await pilot.press("enter")
        slow = app.chat_panes[0]
        await wait_until(pilot, lambda: len(slow.pane.turns[-1].text.split()) == 60)
        await wait_until(pilot, lambda: app.chat_panes[1].pane.metrics.status is PaneStatus.DONE)
        app.frame_clock.flush_now(slow)
        slow.pane.metrics.tokens_per_s = 2000.0  # the stall makes the live rate time-dependent
        slow.refresh_footer()
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_finished_with_metrics(snap_compare, make_app):
    app = make_app([ECHO, LOREM, THINKER])

    async def run_before(pilot):
        await ready(pilot, 3)
        await send_and_finish(pilot, "Compare these three answers")
        pin_metrics(app, [(41.0, 1982.0), (63.0, 2410.0), (310.0, 655.0)])
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_narrow_80x24(snap_compare, make_app):
    app = make_app()

    async def run_before(pilot):
        await ready(pilot, 3)
        app.query_one("#hint").display = False
        app.session.panes[2].target = app.session.resolver.resolve(ECHO)
        app.chat_panes[2].refresh_header()
        await send_and_finish(pilot, "hi from a small terminal")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


LOCAL_SERVERS = ("ollama", "lmstudio", "llamacpp", "vllm", "litellm")


def no_local_servers(**providers: ProviderConfig) -> Config:
    """A config whose local servers point at a closed loopback port, so their probe result
    (shown in the picker and the credential panel) does not depend on what this machine runs."""
    closed = {slug: ProviderConfig(base_url="http://127.0.0.1:9/v1") for slug in LOCAL_SERVERS}
    return Config(reliability=fast_reliability(), providers={**closed, **providers})


async def probed(pilot) -> None:
    """Wait until every keyless server's probe has answered."""
    states = pilot.app.credential_states()
    await wait_until(pilot, lambda: not any(row.needs_probe for row in states.values()))
    await pilot.pause()


async def open_picker(pilot, keys: str) -> None:
    app = pilot.app
    await ready(pilot, 1)
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
    steady(app)
    await probed(pilot)
    await pilot.press(*keys)
    await pilot.pause()


def test_model_picker(snap_compare, make_app):
    app = make_app([ECHO], config=no_local_servers())

    async def run_before(pilot):
        await open_picker(pilot, "sim")
        await wait_until(pilot, lambda: app.screen.query_one(OptionList).option_count > 3)

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_model_picker_with_vision_filter(snap_compare, make_app):
    app = make_app([ECHO], config=no_local_servers())

    async def run_before(pilot):
        await open_picker(pilot, [*"gpt-4o", "f3"])

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_model_picker_use_as_typed(snap_compare, make_app):
    app = make_app([ECHO], config=no_local_servers())

    async def run_before(pilot):
        await open_picker(pilot, "openai/gpt-9-preview")

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_model_picker_rows_at_80x24(snap_compare, make_app):
    app = make_app([ECHO], config=no_local_servers())

    async def run_before(pilot):
        await open_picker(pilot, "claude-3")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_key_file_consent_at_80x24(snap_compare, make_app):
    """No OS keyring: picking a model without a key asks for it, then where to keep it."""
    app = make_app([ECHO], config=no_local_servers())

    async def run_before(pilot):
        await open_picker(pilot, "groq/llama-3.1-8b-instant")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app.screen.query("#key-value")))
        await pilot.press(*("gsk_" + "s" * 52), "enter")
        await wait_until(pilot, lambda: bool(app.screen.query("#key-file-choices")))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_credential_panel_with_failures(snap_compare, make_app):
    config = no_local_servers(
        groq=ProviderConfig(api_key="gsk_" + "x" * 48, base_url="http://127.0.0.1:9/v1"),
        openai=ProviderConfig(api_key="sk-proj-" + "y" * 40),
    )
    app = make_app([ECHO], config=config)

    async def run_before(pilot):
        await ready(pilot, 1)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        await probed(pilot)
        panel = app.screen
        # Live results are injected so latencies are fixed; real checks are tested elsewhere.
        panel.states["groq"].live = LiveResult(
            "unreachable", None, None, "connection refused", "check base_url for groq"
        )
        panel.states["openai"].live = LiveResult(
            "unauthorized", 212.0, 401, "Incorrect API key provided",
            "the key from config was rejected: replace it with `playground keys set openai`",
        )  # fmt: skip
        panel.states["sim"].live = LiveResult("ok", 3.0, 200, "ok", None)
        panel._fill()
        panel.query_one(DataTable).move_cursor(row=0)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(150, 30), run_before=run_before)


def test_thinking_slider_medium(snap_compare, make_app):
    app = make_app([THINKER, ECHO])

    async def run_before(pilot):
        await ready(pilot, 2)
        app.query_one("#thinking", ThinkingSlider).focus()
        await pilot.press("right", "right", "right")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 20), run_before=run_before)


def test_thinking_slider_xhigh_with_pane_override(snap_compare, make_app):
    app = make_app([THINKER, f"{THINKER}&run=2"])

    async def run_before(pilot):
        await ready(pilot, 2)
        app.query_one("#thinking", ThinkingSlider).level = ThinkingLevel.XHIGH
        app.chat_panes[1].pane.thinking = ThinkingLevel.LOW
        for view in app.chat_panes:
            view.refresh_header()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 20), run_before=run_before)


def test_thinking_shown_in_a_collapsible_section(snap_compare, make_app):
    app = make_app([THINKER])

    async def run_before(pilot):
        await ready(pilot, 1)
        app.query_one("#thinking", ThinkingSlider).level = ThinkingLevel.LOW
        await send_and_finish(pilot, "Why is the sky blue?")
        app.chat_panes[0].query_one(ThinkingSection).collapsed = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 36), run_before=run_before)


def test_fallback_timeline(snap_compare, make_app):
    config = Config(
        reliability=fast_reliability(),
        routes={
            "flaky": RouteConfig(
                models=[f"sim/echo?fail=429&retry_after=0&{FAST}", f"sim-anthropic/echo?{FAST}"]
            )
        },
    )
    app = make_app(["flaky"], config=config)

    async def run_before(pilot):
        await ready(pilot, 1)
        await pilot.press("ctrl+t")
        await send_and_finish(pilot, "hello")

    assert snap_compare(app, terminal_size=(130, 30), run_before=run_before)


def test_error_states(snap_compare, make_app):
    app = make_app(
        [f"sim/echo?fail=401&{FAST}", f"sim/lorem?{FAST}&tokens=80&fail=midstream_error&after=25"]
    )

    async def run_before(pilot):
        await ready(pilot, 2)
        await send_and_finish(pilot, "this will not go well")

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_tool_cards(snap_compare, make_app):
    app = make_app([f"sim/tools?{FAST}"])

    async def run_before(pilot):
        await ready(pilot, 1)
        await pilot.press("ctrl+g")
        await send_and_finish(pilot, "use a tool")
        await wait_until(pilot, lambda: bool(app.chat_panes[0].query(ToolCard)))

    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)


def test_export_dialog(snap_compare, make_app):
    app = make_app([ECHO])

    async def run_before(pilot):
        await ready(pilot, 1)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        steady(app)
        app.screen.query_one("#export-path", Input).value = "/tmp/playground-session.md"
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 24), run_before=run_before)


def test_light_theme(snap_compare, make_app):
    app = make_app([ECHO, LOREM])

    async def run_before(pilot):
        await ready(pilot, 2)
        await pilot.press("f9")
        await send_and_finish(pilot, "light mode please")

    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)


def test_prompt_with_multiple_lines(snap_compare, make_app):
    app = make_app([ECHO])

    async def run_before(pilot):
        await ready(pilot, 1)
        prompt = app.query_one(TextArea)
        prompt.focus()
        await pilot.press(*"first line", "ctrl+j", *"second line")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 24), run_before=run_before)


def test_markdown_and_code_blocks(snap_compare, make_app):
    app = make_app([ECHO])
    markdown = (
        "# Heading\n\nSome **bold** and *italic* text with `inline code`.\n\n"
        "```python\ndef greet(name: str) -> str:\n    return f'hello {name}'\n```\n\n"
        "- one\n- two\n\n> a quote\n"
    )

    async def run_before(pilot):
        await ready(pilot, 1)
        await send_and_finish(pilot, markdown)

    assert snap_compare(app, terminal_size=(100, 36), run_before=run_before)


def pin_turns(app, values: list[tuple[float, float]]) -> None:
    """Give every finished turn fixed TTFT / rate figures (the table reads the saved turns)."""
    for view, (ttft_ms, rate) in zip(app.chat_panes, values, strict=True):
        for turn in view.pane.turns:
            turn.metrics["ttft_ms"] = ttft_ms
            turn.metrics["tokens_per_s"] = rate
    app.compare.refresh_table()


def test_comparison_table(snap_compare, make_app):
    app = make_app([ECHO, LOREM, THINKER])

    async def run_before(pilot):
        await ready(pilot, 3)
        await pilot.press("f10")
        await send_and_finish(pilot, "Compare these three answers")
        await send_and_finish(pilot, "And once more")
        pin_metrics(app, [(41.0, 1982.0), (63.0, 2410.0), (310.0, 655.0)])
        per_turn = [(80.0, 41.0), (63.0, 90.0), (310.0, 200.0)]
        for view, ttfts in zip(app.chat_panes, per_turn, strict=True):
            for turn, ttft in zip(view.pane.turns, ttfts, strict=True):
                turn.metrics["ttft_ms"] = ttft
                turn.metrics["tokens_per_s"] = 1000.0 + ttft
        from playground.compare.stream_rate import RateTrace

        counts = ([0, 40, 400, 900, 1500, 2000], [0, 300, 900, 1500, 2100, 2400], [0, 0, 60, 200])
        for view, tokens in zip(app.chat_panes, counts, strict=True):
            trace = app.compare.traces[view.pane.id] = RateTrace()
            for step, count in enumerate(tokens):
                trace.add(step * 0.25, count)
        app.compare.refresh_table()
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_comparison_table_at_80x24(snap_compare, make_app):
    app = make_app([ECHO, LOREM])

    async def run_before(pilot):
        await ready(pilot, 2)
        app.query_one("#hint").display = False
        await pilot.press("f10")
        await send_and_finish(pilot, "hi from a small terminal")
        pin_turns(app, [(41.0, 1982.0), (63.0, 2410.0)])
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def blind_round(pilot, panes: int, text: str) -> None:
    """Blind mode on with a fixed shuffle, one prompt answered by every pane."""
    import random

    await ready(pilot, panes)
    pilot.app.compare.blind.rng = random.Random(3)
    pilot.app.query_one("#hint").display = False
    await pilot.press("f11")
    await send_and_finish(pilot, text)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_blind_mode_before_the_vote(snap_compare, make_app):
    app = make_app([ECHO, LOREM, THINKER])

    async def run_before(pilot):
        await blind_round(pilot, 3, "Which answer is best?")
        pin_metrics(app, [(41.0, 1982.0), (63.0, 2410.0), (310.0, 655.0)])

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_blind_mode_after_the_vote(snap_compare, make_app):
    app = make_app([ECHO, LOREM, THINKER])

    async def run_before(pilot):
        await blind_round(pilot, 3, "Which answer is best?")
        pin_metrics(app, [(41.0, 1982.0), (63.0, 2410.0), (310.0, 655.0)])
        await pilot.press("f12")
        await wait_until(pilot, lambda: app.screen.id != "_default")
        await pilot.press("b")
        await wait_until(pilot, lambda: app.compare.blind.revealed)
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_blind_vote_dialog_at_80x24(snap_compare, make_app):
    app = make_app([ECHO, LOREM])

    async def run_before(pilot):
        await blind_round(pilot, 2, "hi from a small terminal")
        pin_metrics(app, [(41.0, 1982.0), (63.0, 2410.0)])
        await pilot.press("f12")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_leaderboard(snap_compare, make_app):
    from playground.compare.votes import Vote, append_votes

    def vote(winner: str, a: str = "sim/echo", b: str = "sim/lorem") -> Vote:
        return Vote("q?", {a: "x", b: "y"}, (a, b), winner)

    append_votes(
        [vote("sim/echo")] * 5
        + [vote("sim/lorem")] * 2
        + [vote("tie")]
        + [vote("sim/lorem", "sim/lorem", "sim-anthropic/thinker")] * 3
        + [vote("all_bad", "sim/echo", "sim-anthropic/thinker")]
    )
    app = make_app([ECHO])

    async def run_before(pilot):
        await ready(pilot, 1)
        app.action_leaderboard()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_leaderboard_filtered_by_tag_at_80x24(snap_compare, make_app):
    from playground.compare.votes import Vote, append_votes

    def vote(winner: str, tag: str, b: str = "sim/lorem") -> Vote:
        models = ("sim/echo", b)
        return Vote("q?", dict.fromkeys(models, "x"), models, winner, "judge", tags=(tag,))

    append_votes(
        [vote("sim/echo", "geo")] * 4
        + [vote("sim/lorem", "code")] * 3
        + [vote("tie", "code", "sim-anthropic/thinker")]
    )
    app = make_app([ECHO])

    async def run_before(pilot):
        await ready(pilot, 1)
        app.action_leaderboard()
        await pilot.pause()
        await pilot.press("right")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_word_diff_of_two_answers_at_80x24(snap_compare, make_app):
    app = make_app([ECHO, THINKER])

    async def run_before(pilot):
        await ready(pilot, 2)
        app.query_one("#hint").display = False
        await send_and_finish(pilot, "Name three primary colours")
        await pilot.press("alt+d")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_one_pane_maximised(snap_compare, make_app):
    app = make_app([ECHO, THINKER, LOREM])

    async def run_before(pilot):
        await ready(pilot, 3)
        app.query_one("#hint").display = False
        app.query_one(ThinkingSlider).level = ThinkingLevel.MEDIUM
        await send_and_finish(pilot, "Think first, then answer")
        pin_metrics(app, [(41.0, 1982.0), (310.0, 655.0), (63.0, 2410.0)])
        app.action_select_pane(1)
        await pilot.press("alt+m")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)


def test_repeat_in_the_comparison_table(snap_compare, make_app):
    app = make_app([ECHO, LOREM])

    async def run_before(pilot):
        await ready(pilot, 2)
        app.query_one("#hint").display = False
        await send_and_finish(pilot, "again")
        app.compare.repeat.begin(3)
        await wait_until(pilot, lambda: app.compare.repeat.run.complete)
        await wait_until(pilot, lambda: not any(v.busy for v in app.chat_panes))
        pin_turns(app, [(41.0, 1982.0), (63.0, 2410.0)])
        samples = [[40.0, 41.0, 90.0], [60.0, 63.0, 70.0]]
        for view, ttfts in zip(app.chat_panes, samples, strict=True):
            app.compare.repeat.run.panes[view.pane.id].ttft_ms[:] = ttfts
        app.clear_notifications()
        app.compare.refresh_table()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 36), run_before=run_before)


def test_timeline_below_the_panes_at_80x24(snap_compare, make_app):
    config = Config(
        reliability=fast_reliability(),
        # Retry-After 0: the wait is "now" (a backoff delay is random jitter).
        routes={"flaky": RouteConfig(models=[f"sim/echo?fail=503&retry_after=0&{FAST}", ECHO])},
    )
    app = make_app(["flaky"], config=config)

    async def run_before(pilot):
        await ready(pilot, 1)
        await pilot.press("ctrl+t")
        await send_and_finish(pilot, "hi")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_model_picker_with_a_local_servers_live_models(snap_compare, make_app, sim_url):
    """Ollama (the simulator on loopback) lists its real models: they join the catalog's,
    marked "not in catalog"."""
    from playground.credentials.discovery import clear_cache

    clear_cache()
    app = make_app(
        [ECHO], config=no_local_servers(ollama=ProviderConfig(base_url=f"{sim_url}/ollama"))
    )

    async def run_before(pilot):
        await open_picker(pilot, "ollama")
        picker = app.screen
        await wait_until(pilot, lambda: "ollama" in picker.live_counts)
        await pilot.press(*" :latest")
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_credential_panel_with_headroom(snap_compare, make_app, sim_url):
    """After a real live check against the simulator (its x-ratelimit-* headers and model
    list), the detail line shows the key's headroom and which catalog models it reaches."""
    import dataclasses

    key = ProviderConfig(api_key="gsk_" + "h" * 52, base_url=f"{sim_url}/openai/v1")
    app = make_app([ECHO], config=no_local_servers(groq=key))

    async def run_before(pilot):
        await ready(pilot, 1)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        await probed(pilot)
        panel = app.screen
        table = panel.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("groq"))
        await pilot.press("c")
        await wait_until(pilot, lambda: panel.states["groq"].live is not None)
        await wait_until(pilot, lambda: not panel.checking)
        live = panel.states["groq"].live
        panel.states["groq"].live = dataclasses.replace(
            live, latency_ms=17.0
        )  # fixed for the image
        panel._fill()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(150, 30), run_before=run_before)
