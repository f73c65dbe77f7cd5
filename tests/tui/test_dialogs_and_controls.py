"""Picker, credential panel, thinking slider, image attach, export, autosave and resume."""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual.widgets import DataTable, Input, OptionList

from playground.request import ThinkingLevel
from playground.session import PaneStatus
from playground.tui.screens.credentials import CredentialPanel
from playground.tui.screens.export import ExportDialog
from playground.tui.screens.key_dialogs import ConfirmDialog, KeyFileConsent
from playground.tui.screens.model_picker import ModelPicker
from playground.tui.widgets.chat_pane import PaneFooter, PaneHeader
from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.thinking_slider import ThinkingSlider
from playground.tui.widgets.turn_view import ErrorNotice

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def send(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


def option_specs(picker: ModelPicker) -> list[str]:
    option_list = picker.query_one(OptionList)
    specs = []
    for index in range(option_list.option_count):
        option = option_list.get_option_at_index(index)
        spec = getattr(option, "spec", None)
        if spec:
            specs.append(spec)
    return specs


async def test_picker_fuzzy_search_adds_a_pane_and_remembers_it_as_recent(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        picker = app.screen
        await pilot.press(*"anthr thinker")
        await wait_until(pilot, lambda: "sim-anthropic/thinker" in option_specs(picker))
        assert option_specs(picker)[0] == "sim-anthropic/thinker"
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        assert app.chat_panes[1].pane.spec == "sim-anthropic/thinker"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        assert option_specs(app.screen)[0] == "sim-anthropic/thinker"  # recent first


def group_order(specs: list[str]) -> list[str]:
    """Providers in the order their model groups appear (routes have no provider part)."""
    return list(dict.fromkeys(spec.split("/", 1)[0] for spec in specs if "/" in spec))


async def picker_groups_for(pilot, query: str) -> list[str]:
    app = pilot.app
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
    picker = app.screen
    picker.query_one(Input).value = query
    await pilot.pause()
    groups = group_order(option_specs(picker))
    await pilot.press("escape")
    await wait_until(pilot, lambda: not isinstance(app.screen, ModelPicker))
    return groups


async def test_picker_ranks_a_providers_own_models_before_resellers_and_usable_ones_first(
    make_app,
):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        claude = await picker_groups_for(pilot, "claude")
        assert claude[0] == "anthropic"
        assert claude.index("anthropic") < claude.index("venice") < len(claude)
        assert claude.index("anthropic") < claude.index("openrouter")
        gpt = await picker_groups_for(pilot, "gpt-4o")
        assert gpt[0] == "openai"
        assert gpt.index("openai") < gpt.index("azure-openai") < gpt.index("venice")
        echo = await picker_groups_for(pilot, "echo")
        assert echo[0] == "sim"  # simulated credentials are usable; sim is listed first
        assert echo[:4] == ["sim", "sim-anthropic", "sim-gemini", "sim-ollama"]
        provider = await picker_groups_for(pilot, "openrouter claude")
        assert provider == ["openrouter"]


async def test_picker_filters_by_capability_and_dims_providers_without_keys(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        picker = app.screen
        await pilot.press("f3")  # vision only
        specs = option_specs(picker)
        models = {m.spec: m for m in picker.models}
        assert specs and all(models[s].vision for s in specs)
        assert not picker._usable("openai")  # no key in the isolated environment
        assert picker._usable("sim")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ModelPicker))


async def test_changing_a_panes_model_keeps_its_conversation(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "remember me")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: view.pane.metrics.status is PaneStatus.DONE)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
        await pilot.press(*"sim/lorem")
        await wait_until(pilot, lambda: "sim/lorem" in option_specs(app.screen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: view.pane.spec == "sim/lorem")
        assert "sim/lorem" in str(view.query_one(PaneHeader).render())
        assert len(view.pane.history) == 2


async def test_credential_panel_checks_all_providers_concurrently(make_app):
    app = make_app([ECHO, "sim-anthropic/thinker"])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        panel = app.screen
        table = panel.query_one(DataTable)
        slugs = [str(key.value) for key in table.rows]
        assert {"sim", "sim-anthropic"} <= set(slugs)
        await pilot.press("a")
        await wait_until(pilot, lambda: not panel.checking and panel.states["sim"].live is not None)
        assert panel.states["sim"].live.ok
        assert panel.states["sim"].dot == "ok"


async def test_setting_a_key_without_a_keyring_asks_for_a_file_and_declining_says_so(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        await pilot.press("f")  # every provider
        table = app.screen.query_one(DataTable)
        openai_row = [str(k.value) for k in table.rows].index("openai")
        table.move_cursor(row=openai_row)
        await pilot.press("s")
        await wait_until(pilot, lambda: bool(app.screen.query("#key-value")))
        key_input = app.screen.query_one("#key-value", Input)
        assert key_input.password
        await pilot.press(*"sk-test-not-a-real-key-123456")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, KeyFileConsent))
        choices = str(app.screen.query_one("#key-file-choices").render())
        assert "no OS keyring available" in choices
        assert "config.toml" in choices and "0600" in choices
        await pilot.press("escape")
        await wait_until(pilot, lambda: any("not saved" in n.message for n in app._notifications))
        messages = [n.message for n in app._notifications]
        assert all("sk-test-not-a-real-key-123456" not in m for m in messages)
        assert app.credential_states()["openai"].dot == "missing"


async def test_thinking_slider_moves_by_keyboard_and_mouse_and_panes_show_the_mapping(make_app):
    app = make_app(["sim-anthropic/thinker", ECHO])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        slider = app.query_one("#thinking", ThinkingSlider)
        slider.focus()
        await pilot.press("right", "right", "right")
        assert slider.level is ThinkingLevel.MEDIUM
        assert app.session.thinking is ThinkingLevel.MEDIUM
        thinker_header = str(app.chat_panes[0].query_one(PaneHeader).render())
        assert "budget" in thinker_header
        echo_header = str(app.chat_panes[1].query_one(PaneHeader).render())
        assert "does not think" in echo_header  # the clamp reason
        x_of_xhigh = slider._spans()[-1][0] + 1
        await pilot.click(ThinkingSlider, offset=(x_of_xhigh, 0))
        assert slider.level is ThinkingLevel.XHIGH
        await pilot.press("home")
        assert slider.level is ThinkingLevel.OFF


async def test_a_pane_can_override_the_global_thinking_level(make_app):
    app = make_app(
        ["sim-anthropic/thinker?tps=0&ttft_ms=0", "sim-anthropic/thinker?tps=0&ttft_ms=0&run=2"]
    )
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await pilot.press("f4")
        await wait_until(pilot, lambda: bool(app.screen.query("#pane-thinking")))
        await pilot.press("end", "enter")
        first, second = app.chat_panes
        assert first.pane.thinking is ThinkingLevel.XHIGH
        assert second.pane.thinking is None
        assert "(pane)" in str(first.query_one(PaneHeader).render())
        await send(pilot, "think hard")
        await wait_until(pilot, lambda: not first.busy and not second.busy)
        assert first.pane.turns[-1].thinking == "xhigh"
        assert second.pane.turns[-1].thinking == "off"


async def test_an_image_is_refused_by_panes_without_vision_with_a_reason(make_app, tmp_path):
    image = tmp_path / "dot.png"
    image.write_bytes(PNG)
    app = make_app(["sim/vision?tps=0&ttft_ms=0", ECHO])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        app._attach_picked(str(image))
        assert app.image is not None and "dot.png" in app.image_label
        await send(pilot, "what is this?")
        vision, echo = app.chat_panes
        await wait_until(pilot, lambda: not vision.busy and not echo.busy)
        assert vision.pane.metrics.status is PaneStatus.DONE
        assert echo.pane.metrics.status is PaneStatus.FAILED
        assert "cannot read images" in str(echo.query_one(ErrorNotice).render())
        assert app.image is None  # used by one prompt only


async def test_the_app_judges_an_attached_image_by_content_and_refuses_pipes(make_app, tmp_path):
    text_named_png = tmp_path / "notes.png"
    text_named_png.write_text("just text")
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    gif_named_txt = tmp_path / "dot.txt"
    gif_named_txt.write_bytes(b"GIF89a" + bytes(20))
    app = make_app([ECHO])
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        app._attach_picked(str(text_named_png))
        app._attach_picked(str(fifo))  # must not hang
        await pilot.pause()
        assert app.image is None
        messages = [n.message for n in app._notifications]
        assert any("notes.png: not a PNG, JPEG, GIF or WebP image" in m for m in messages)
        assert any("pipe.png: not a regular file" in m for m in messages)
        app._attach_picked(str(gif_named_txt))
        assert app.image is not None and app.image.media_type == "image/gif"
        assert "dot.txt" in app.image_label


async def test_export_writes_markdown_and_json(make_app, tmp_path: Path):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "export me")
        await wait_until(pilot, lambda: app.chat_panes[0].pane.metrics.status is PaneStatus.DONE)
        for fmt, name in (("md", "out.md"), ("json", "out.json")):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
            if fmt == "json":
                await pilot.click("#fmt-json")
            path_input = app.screen.query_one("#export-path", Input)
            path_input.value = str(tmp_path / name)
            await pilot.click("#export")
            await wait_until(pilot, lambda: not isinstance(app.screen, ExportDialog))
        assert "export me" in (tmp_path / "out.md").read_text()
        data = json.loads((tmp_path / "out.json").read_text())
        assert data["panes"][0]["turns"][0]["text"] == "export me"


async def test_sessions_autosave_and_resume_reopens_panes_and_conversations(make_app):
    app = make_app([ECHO, "sim/lorem?tps=0&ttft_ms=0&tokens=5"], persist=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await send(pilot, "keep this")
        await wait_until(pilot, lambda: all(not v.busy for v in app.chat_panes))
        await app.action_quit()
    resumed = make_app(resume=True, persist=True)
    async with resumed.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: len(resumed.chat_panes) == 2)
        echo = resumed.chat_panes[0]
        assert echo.pane.spec == ECHO
        assert echo.last_answer == "keep this"
        assert [m.role for m in echo.pane.history] == ["user", "assistant"]
        footer = str(echo.query_one(PaneFooter).render())
        assert "done" in footer and "2 out" in footer  # the saved turn's metrics


async def test_from_a_framework_opens_one_pane_per_agent_and_lists_its_keys(
    sim_env, tmp_path, monkeypatch
):
    from playground.config.schema import Config
    from playground.tui.app import PlaygroundApp
    from playground.tui.startup import AppOptions

    project = tmp_path / "project"
    (project / "agents" / "ops").mkdir(parents=True)
    (project / "config.toml").write_text(
        '[model]\nprovider = "anthropic"\nmodel = "claude-sonnet-4-20250514"\n'
        'authType = "api_key"\n'
    )
    (project / "agents" / "ops" / "agent-config.toml").write_text(
        '[model]\nprovider = "groq"\nmodel = "llama-3.3-70b-versatile"\nauthType = "api_key"\n'
    )
    key = "gsk_" + "k" * 52
    monkeypatch.setenv("GROQ_API_KEY", key)
    options = AppOptions(from_path=str(project), persist=False)
    app = PlaygroundApp(options, config=Config())
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) >= 1)
        names = [v.pane.spec for v in app.chat_panes]
        assert "ops" in names
        ops = app.chat_panes[names.index("ops")]
        assert ops.pane.target.primary.label == "groq/llama-3.3-70b-versatile"
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        rows = [str(k.value) for k in app.screen.query_one(DataTable).rows]
        assert "groq" in rows
        shown = app.screen.states["groq"].status.key.masked
        assert shown != key and shown.endswith(key[-4:])


class MemoryKeyring:
    """An in-memory keyring backend for the set/delete round trip."""

    priority = 1

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, name: str) -> str | None:
        return self.values.get((service, name))

    def set_password(self, service: str, name: str, value: str) -> None:
        self.values[(service, name)] = value

    def delete_password(self, service: str, name: str) -> None:
        self.values.pop((service, name), None)


def key_source(view) -> str | None:
    """Where the key of a pane's first candidate came from."""
    return view.pane.target.primary.endpoints[0].key_source


async def test_a_key_set_in_the_panel_is_used_by_open_panes_without_a_restart(
    make_app, sim_env, monkeypatch
):
    import keyring
    from keyring.backend import KeyringBackend

    from playground.config.schema import Config, ProviderConfig

    from .conftest import fast_reliability

    class Backend(MemoryKeyring, KeyringBackend):
        pass

    backend = Backend()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    monkeypatch.setenv("GROQ_API_KEY", "gsk_" + "e" * 52)
    config = Config(
        reliability=fast_reliability(),
        providers={"groq": ProviderConfig(base_url=f"{sim_env}/openai/v1")},
    )
    app = make_app(["groq/echo?tps=0&ttft_ms=0"], config=config)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        view = app.chat_panes[0]
        assert "env" in (view.pane.target.primary.endpoints[0].key_source or "").lower()
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[str(k.value) for k in table.rows].index("groq"))
        await pilot.press("s")
        await wait_until(pilot, lambda: bool(app.screen.query("#key-value")))
        new_key = "gsk_" + "n" * 52
        await pilot.press(*new_key, "enter")
        await wait_until(pilot, lambda: ("playground", "groq") in backend.values)
        # the key is stored off the event loop; the panes re-resolve right after
        await wait_until(pilot, lambda: "keyring" in (key_source(view) or "").lower())
        await pilot.press("escape")
        prompt = app.query_one(PromptInput)
        prompt.focus()
        prompt.load_text("still works")
        await pilot.press("enter")
        await wait_until(pilot, lambda: view.pane.metrics.status is PaneStatus.DONE)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[str(k.value) for k in table.rows].index("groq"))
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: ("playground", "groq") not in backend.values)
        await wait_until(pilot, lambda: "env" in (key_source(view) or "").lower())


async def test_a_user_tools_file_is_offered_and_its_calls_show_as_cards(make_app, tmp_path):
    from playground.tui.screens.path_prompt import PathPrompt
    from playground.tui.widgets.turn_view import ToolCard

    tools = tmp_path / "tools.json"
    tools.write_text(
        json.dumps(
            [
                {
                    "name": "lookup_order",
                    "description": "Find an order by id",
                    "parameters": {
                        "type": "object",
                        "properties": {"order_id": {"type": "string"}},
                        "required": ["order_id"],
                    },
                }
            ]
        )
    )
    app = make_app(["sim/tools?tps=0&ttft_ms=0"])
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        app.action_tools_file()
        await wait_until(pilot, lambda: isinstance(app.screen, PathPrompt))
        app.screen.query_one(Input).value = str(tools)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.tools is not None)
        assert "tools.json: 1 tools" in str(app.query_one("#tools-state").render())
        await send(pilot, "where is order 7?")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: not view.busy and bool(view.query(ToolCard)))
        card = view.query_one(ToolCard)
        assert card.tool_name == "lookup_order" and "order_id" in card.arguments
        assert card.result is None  # user tools are not run locally: the call is shown
        assert view.pane.metrics.status is PaneStatus.DONE


async def test_a_bad_tools_file_is_one_clear_error(make_app, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    app = make_app([ECHO])
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        app.load_tools_file(str(bad))
        assert app.tools is None
        await wait_until(
            pilot, lambda: any("invalid JSON" in n.message for n in app._notifications)
        )


async def test_resume_without_a_saved_session_starts_a_new_one_with_a_note(make_app):
    app = make_app(resume=True)
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 3)  # the first-run panes
        await wait_until(pilot, lambda: any("resume" in n.message for n in app._notifications))


async def test_svg_screenshots_keep_the_spaces_between_differently_styled_runs(make_app):
    """Each styled run is its own <text> element; renderers must not trim its spaces."""
    app = make_app([ECHO])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "hi")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: view.pane.metrics.status is PaneStatus.DONE)
        svg = app.export_screenshot()
    assert svg.startswith('<svg xml:space="preserve" ')
    assert "&#160;&#160;TTFT&#160;" in svg  # the footer's separator run, spaces intact
