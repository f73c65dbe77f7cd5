"""The picker lists what a typed ``custom:URL`` endpoint really offers (issue 17 item 2).

Typing ``custom:URL#…`` asks that URL's ``/v1/models`` (the loopback simulator here); its
models appear under the "use as typed" row, named ``custom:URL#model`` and marked "not in
catalog", narrowed by the ``#model`` part, and picking one opens a pane on it. A URL where
nothing answers gets one line saying so.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from playground.credentials import discovery
from playground.credentials.discovery import ModelListing, merge_with_catalog
from playground.credentials.model_lists import ListedModel
from playground.credentials.types import LiveResult
from playground.tui.screens.model_picker import ModelPicker

from .conftest import wait_until
from .test_snapshots import no_local_servers

ECHO = "sim/echo?tps=0&ttft_ms=0"
SIM_MODELS = ("echo", "lorem", "thinker", "tools", "vision")  # playground.sim.params


@pytest.fixture(autouse=True)
def fresh_listings():
    discovery.clear_cache()
    yield
    discovery.clear_cache()


def rows(picker: ModelPicker) -> list[tuple[str | None, str]]:
    """Every row as (picked spec or None, text)."""
    option_list = picker.query_one(OptionList)
    options = [option_list.get_option_at_index(i) for i in range(option_list.option_count)]
    return [(getattr(o, "spec", None), str(o.prompt)) for o in options]


async def type_in_picker(pilot, text: str) -> ModelPicker:
    app = pilot.app
    await wait_until(pilot, lambda: len(app.chat_panes) >= 1)
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
    app.screen.query_one(Input).value = text
    return app.screen


async def test_a_typed_custom_url_lists_its_live_models_and_one_can_be_picked(
    make_app, sim_url
) -> None:
    base = f"{sim_url}/openai/v1"
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await type_in_picker(pilot, f"custom:{base}#")
        await wait_until(pilot, lambda: f"custom:{base}#vision" in dict(rows(picker)))
        listed = dict(rows(picker))
        for model in SIM_MODELS:
            assert "not in catalog" in listed[f"custom:{base}#{model}"]
        assert any(f"custom:{base} · 5 models live from the server" in t for _, t in rows(picker))
        picker.query_one(Input).value = f"custom:{base}#think"
        await pilot.pause()
        ad_hoc = [spec for spec, _ in rows(picker) if spec and spec.startswith("custom:")]
        assert ad_hoc == [f"custom:{base}#think", f"custom:{base}#thinker"]  # typed, listed
        await pilot.press("down")
        detail = str(picker.query_one("#picker-detail").render())
        assert f"custom:{base}#thinker" in detail and "not in catalog" in detail
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        assert app.chat_panes[-1].pane.spec == f"custom:{base}#thinker"


async def test_a_custom_url_where_nothing_answers_gets_one_line(make_app) -> None:
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await type_in_picker(pilot, "custom:http://127.0.0.1:9/v1#x")
        await wait_until(pilot, lambda: any("✗ custom:" in t for _, t in rows(picker)))
        (line,) = [t for _, t in rows(picker) if "✗ custom:" in t]
        assert line.strip().startswith("✗ custom:http://127.0.0.1:9/v1: not running")
        assert [s for s, _ in rows(picker) if s and s.startswith("custom:")] == [
            "custom:http://127.0.0.1:9/v1#x"  # still usable as typed
        ]


# --- snapshot ---------------------------------------------------------------------------------

SERVER = "http://127.0.0.1:8080/v1"


def test_picker_with_a_custom_urls_live_models_at_80x24(snap_compare, make_app, monkeypatch):
    """The rendering only: the listing is fixed (the server's URL is on screen, so a real
    loopback port would change every run); the tests above ask a real server."""

    async def fixed_listing(provider, config, catalog, **_: object) -> ModelListing:
        listed = [ListedModel("llama-3.1-8b-instruct"), ListedModel("qwen2.5-coder-7b")]
        ids = tuple(m.id for m in listed)
        result = LiveResult("running", 3.0, 200, "2 models", None, None, ids)
        models = merge_with_catalog(catalog, provider.slug, listed)
        return ModelListing(provider.slug, models, result, "live", 0.0)

    monkeypatch.setattr(discovery, "list_provider_models", fixed_listing)
    app = make_app([ECHO], config=no_local_servers())

    async def run_before(pilot):
        picker = await type_in_picker(pilot, f"custom:{SERVER}#")
        await wait_until(pilot, lambda: f"custom:{SERVER}#qwen2.5-coder-7b" in dict(rows(picker)))
        await pilot.press("down")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
