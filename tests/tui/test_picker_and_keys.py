"""The model picker as a daily driver, and setting / deleting keys from the app.

Exact matches and "use as typed" specs, Textual's fuzzy highlighting, rows that fit 80
columns, keyless local servers that are "ok" only once a probe answers, setting a missing key
from the picker, the file fallback when the keyring keeps nothing, and deleting with a
confirmation. Everything runs against the loopback simulator.
"""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from textual.widgets import DataTable, Input, OptionList

from playground.config.schema import Config, ProviderConfig
from playground.session import PaneStatus
from playground.tui.credential_states import ProviderCredential
from playground.tui.model_search import TermsMatcher, terms_tier
from playground.tui.screens.credentials import CredentialPanel
from playground.tui.screens.key_dialogs import ConfirmDialog, KeyFileConsent, KeyInput
from playground.tui.screens.model_picker import ModelPicker, RowLayout, fit_middle
from playground.tui.widgets.prompt_input import PromptInput

from .conftest import fast_reliability, wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
GROQ_KEY = "gsk_" + "k" * 52


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps what it is given (``keeps=False``: accepts and forgets, like
    keyring's null backend)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, keeps: bool = True) -> None:
        super().__init__()
        self.keeps = keeps
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.keeps:
            self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    return backend


def groq_on_sim(sim_url: str, **settings) -> Config:
    """groq pointed at the simulator's OpenAI-compatible endpoint."""
    provider = ProviderConfig(base_url=f"{sim_url}/openai/v1", **settings)
    return Config(reliability=fast_reliability(), providers={"groq": provider})


def option_specs(picker: ModelPicker) -> list[str]:
    option_list = picker.query_one(OptionList)
    options = (option_list.get_option_at_index(i) for i in range(option_list.option_count))
    return [o.spec for o in options if getattr(o, "spec", None)]


def highlighted(picker: ModelPicker):
    option_list = picker.query_one(OptionList)
    assert option_list.highlighted is not None
    return option_list.get_option_at_index(option_list.highlighted)


def detail(picker: ModelPicker) -> str:
    return str(picker.query_one("#picker-detail").render())


async def open_picker(pilot, query: str = "") -> ModelPicker:
    app = pilot.app
    await wait_until(pilot, lambda: len(app.chat_panes) >= 1)
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: isinstance(app.screen, ModelPicker))
    picker = app.screen
    if query:
        picker.query_one(Input).value = query
        await pilot.pause()
    return picker


async def send(pilot, text: str) -> None:
    prompt = pilot.app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


# --- search and ranking (no app) -------------------------------------------------------------


def test_terms_matcher_is_textuals_fuzzy_match_with_every_term_required():
    matcher = TermsMatcher("anth think")
    assert matcher.score("sim-anthropic/thinker") is not None
    assert matcher.score("openai/gpt-4o") is None
    assert TermsMatcher("g4m").score("openai/gpt-4o-mini") is not None  # subsequence
    ranked = sorted(
        ["openai/gpt-4o-mini", "sim-anthropic/thinker", "anthropic/claude-sonnet"],
        key=lambda n: -(matcher.score(n) or -1.0),
    )
    assert ranked[0] == "sim-anthropic/thinker"
    assert TermsMatcher("echo").offsets("sim/echo") == {4, 5, 6, 7}
    assert TermsMatcher("").score("anything") == 0.0


def test_an_exact_spec_or_id_outranks_every_other_tier():
    exact = terms_tier(["sim/echo"], "sim", "Simulated", "echo", "Echo")
    prefix = terms_tier(["sim/ech"], "sim", "Simulated", "echo", "Echo")
    assert exact > prefix > 0
    assert terms_tier(["echo"], "sim", "Simulated", "echo", "Echo") == exact
    assert terms_tier(["anthropic"], "anthropic", "Anthropic", "claude-x", "Claude") == 4
    assert terms_tier(["cld"], "anthropic", "Anthropic", "claude-x", "Claude") == 0


def test_long_ids_are_cut_in_the_middle_and_rows_fit_the_width():
    assert fit_middle("claude-3-5-sonnet-20241022", 15) == "claude-…0241022"
    assert fit_middle("short", 15) == "short"


# --- 9: exact matches, routes, "use as typed" ----------------------------------------------


async def test_typing_an_exact_spec_selects_that_model_not_a_route_containing_it(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot, "sim/echo")
        assert highlighted(picker).spec == "sim/echo"
        specs = option_specs(picker)
        assert specs.index("sim/echo") < specs.index("demo-fallback")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        assert app.chat_panes[1].pane.spec == "sim/echo"


async def test_typing_a_route_name_selects_the_route(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot, "demo-fallback")
        assert highlighted(picker).spec == "demo-fallback"
        assert "sim/echo?fail=429" in detail(picker)


@pytest.mark.parametrize(
    "template",
    ["custom:{sim}/openai/v1#echo?tps=0&ttft_ms=0", "anthropic-custom:{sim}/anthropic#echo?tps=0"],
)
async def test_an_uncatalogued_custom_url_is_used_as_typed_and_answers(make_app, sim_url, template):
    app = make_app([ECHO])
    spec = template.format(sim=sim_url)
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot, spec)
        row = highlighted(picker)
        assert row.spec == spec
        assert "use as typed" in str(row.prompt)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        view = app.chat_panes[1]
        assert view.pane.spec == spec
        await send(pilot, "hello custom")
        await wait_until(pilot, lambda: view.pane.metrics.status is PaneStatus.DONE)
        assert "hello custom" in view.pane.turns[-1].text


async def test_an_uncatalogued_model_of_a_known_provider_is_used_as_typed(make_app):
    app = make_app([ECHO])
    spec = "sim-anthropic/echo?tps=0&ttft_ms=0&run=typed"
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot, spec)
        assert highlighted(picker).spec == spec
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        assert app.chat_panes[1].pane.spec == spec


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("nosuchprovider/some-model", "unknown provider"),
        ("custom:ftp://example.invalid#m", "needs an http(s) URL"),
        ("/echo", "has no provider before the slash"),
    ],
)
async def test_a_spec_that_cannot_be_used_says_why_and_picks_nothing(make_app, typed, reason):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot, typed)
        row = highlighted(picker)
        assert row.spec == typed and reason in (row.problem or "")
        assert reason in detail(picker)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is picker and len(app.chat_panes) == 1
        assert picker.query_one(Input).value == typed  # nothing typed is lost


async def test_a_partly_typed_catalog_spec_highlights_the_catalog_model(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot, "sim/lor")
        assert highlighted(picker).spec == "sim/lorem"
        assert "use as typed" in str(picker.query_one(OptionList).get_option_at_index(0).prompt)


# --- 18: Textual's matcher highlights what matched ------------------------------------------


async def test_matched_characters_are_highlighted_like_the_command_palette(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot, "thinker")
        row = next(
            picker.query_one(OptionList).get_option_at_index(i)
            for i in range(picker.query_one(OptionList).option_count)
            if getattr(picker.query_one(OptionList).get_option_at_index(i), "spec", "")
            == "sim-anthropic/thinker"
        )
        text = row.prompt
        start = text.plain.index("thinker")
        styled = {
            offset
            for span in text.spans
            if "underline" in str(span.style)
            for offset in range(span.start, span.end)
        }
        assert set(range(start, start + len("thinker"))) <= styled
        assert text.plain.index("sim-anthropic") not in styled


# --- 11: rows at 80 columns ------------------------------------------------------------------


async def test_picker_rows_do_not_wrap_at_80_columns_and_the_full_id_is_readable(make_app):
    app = make_app([ECHO])
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await open_picker(pilot, "claude")
        option_list = picker.query_one(OptionList)
        await pilot.pause()
        assert option_list.virtual_size.height == option_list.option_count  # one line each
        for spec in option_specs(picker):
            model = picker.by_spec.get(spec.lower())
            row = next(
                option_list.get_option_at_index(i)
                for i in range(option_list.option_count)
                if getattr(option_list.get_option_at_index(i), "spec", None) == spec
            )
            if model is not None and spec.startswith("anthropic/"):
                assert spec in row.prompt.plain  # dated ids are not cut
        await pilot.press("down")
        full = highlighted(picker).spec
        assert full in detail(picker)


def test_a_layout_drops_name_and_price_before_it_cuts_an_id():
    class Model:
        def __init__(self, spec: str) -> None:
            self.spec = spec
            self.id = spec.split("/", 1)[1]
            self.name = "Claude Sonnet 3.5 v2"
            self.known = True

    spec = "anthropic/claude-3-5-sonnet-20241022"
    wide = RowLayout(100, [Model(spec)])  # type: ignore[list-item]
    assert wide.spec == len(spec) and wide.context and wide.name and wide.price
    narrow = RowLayout(60, [Model(spec)])  # type: ignore[list-item]
    assert narrow.spec == len(spec) and narrow.context and not narrow.name
    for layout, width in ((wide, 100), (narrow, 60)):
        used = 2 + layout.spec + 7 + layout.context + layout.name + bool(layout.name)
        assert used + layout.price == width
    tiny = RowLayout(30, [Model(spec)])  # type: ignore[list-item]
    assert tiny.spec == 30 - 2 - 7 and fit_middle(spec, tiny.spec).endswith("20241022")


# --- 10: keyless local servers and a missing key --------------------------------------------


def test_a_keyless_provider_is_not_checked_until_a_probe_answers():
    from playground.catalog import load_catalog
    from playground.credentials import LiveResult, resolve_credentials

    catalog = load_catalog(Config())
    ollama = catalog.provider("ollama")
    row = ProviderCredential(ollama, resolve_credentials(ollama, Config(), catalog=catalog))
    assert row.dot == "not checked" and row.needs_probe
    row.live = LiveResult("not_running", 1.0, None, "cannot connect", "start Ollama")
    assert row.dot == "unreachable" and not row.usable and not row.needs_probe
    row.live = LiveResult("running", 1.0, 200, "running", None)
    assert row.dot == "ok" and row.usable


async def test_a_local_server_is_ok_only_when_the_probe_reaches_it(make_app, sim_url):
    config = Config(
        reliability=fast_reliability(),
        providers={
            "ollama": ProviderConfig(base_url=f"{sim_url}/ollama"),  # the sim answers
            "lmstudio": ProviderConfig(base_url="http://127.0.0.1:9/v1"),  # nothing listens
        },
    )
    app = make_app([ECHO], config=config)
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot)
        states = app.credential_states()
        await wait_until(pilot, lambda: not states["ollama"].needs_probe)
        await wait_until(pilot, lambda: not states["lmstudio"].needs_probe)
        assert states["ollama"].dot == "ok"
        assert states["lmstudio"].dot == "unreachable"
        picker.query_one(Input).value = "lmstudio"
        await pilot.pause()
        title = str(picker.query_one(OptionList).get_option_at_index(0).prompt)
        assert "⊘" in title and "unreachable" in title
        await pilot.press("escape")
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        panel = app.screen
        await pilot.press("f")
        table = panel.query_one(DataTable)
        row = table.get_row("lmstudio")
        assert "not_running" in str(row[6])
        assert "ok" not in str(row[2])


async def test_a_local_server_started_later_turns_ok_when_the_picker_reopens(make_app, sim_url):
    config = Config(
        reliability=fast_reliability(),
        providers={"lmstudio": ProviderConfig(base_url="http://127.0.0.1:9/v1")},
    )
    app = make_app([ECHO], config=config)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_picker(pilot)
        states = app.credential_states()
        await wait_until(pilot, lambda: states["lmstudio"].dot == "unreachable")
        await pilot.press("escape")
        # "starting" the server: the URL in effect now has the simulator behind it
        app.config.providers["lmstudio"].base_url = f"{sim_url}/openai/v1"
        await open_picker(pilot)
        await wait_until(pilot, lambda: states["lmstudio"].dot == "ok")


async def test_the_credential_panel_shows_a_local_server_unchecked_before_its_probe(make_app):
    config = Config(
        reliability=fast_reliability(),
        providers={"ollama": ProviderConfig(base_url="http://127.0.0.1:9")},
    )
    app = make_app([ECHO], config=config)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        assert app.credential_states()["ollama"].dot == "not checked"
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        await wait_until(pilot, lambda: app.credential_states()["ollama"].live is not None)
        assert app.credential_states()["ollama"].dot == "unreachable"


async def test_picking_a_model_without_a_key_sets_the_key_then_opens_the_pane(
    make_app, sim_url, memory_keyring
):
    app = make_app([ECHO], config=groq_on_sim(sim_url))
    spec = "groq/echo?tps=0&ttft_ms=0"
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        picker = await open_picker(pilot, spec)
        assert "no groq key" in str(highlighted(picker).prompt)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, KeyInput))
        assert "groq" in str(app.screen.query_one("#key-reason").render())
        await pilot.press(*GROQ_KEY, "enter")
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        assert memory_keyring.values[("playground", "groq")] == GROQ_KEY
        view = app.chat_panes[1]
        assert view.pane.spec == spec
        assert view.pane.target.primary.endpoints[0].key_source == "keyring"
        await send(pilot, "hello groq")
        await wait_until(pilot, lambda: view.pane.metrics.status is PaneStatus.DONE)
        assert all(GROQ_KEY not in n.message for n in app._notifications)


@pytest.mark.parametrize("where", ["env", ".env"])
async def test_a_key_already_set_opens_the_pane_without_asking(
    make_app, sim_url, monkeypatch, tmp_path: Path, where
):
    if where == "env":
        monkeypatch.setenv("GROQ_API_KEY", GROQ_KEY)
    else:
        (tmp_path / ".env").write_text(f"GROQ_API_KEY={GROQ_KEY}\n")
        monkeypatch.chdir(tmp_path)
    app = make_app([ECHO], config=groq_on_sim(sim_url))
    spec = "groq/echo?tps=0&ttft_ms=0"
    async with app.run_test(size=(140, 40)) as pilot:
        picker = await open_picker(pilot, spec)
        assert "no groq key" not in str(highlighted(picker).prompt)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        assert not isinstance(app.screen, KeyInput)
        source = app.chat_panes[1].pane.target.primary.endpoints[0].key_source
        assert source == f"{where} GROQ_API_KEY"


async def test_cancelling_the_key_keeps_the_picker_and_opens_nothing(make_app, sim_url):
    app = make_app([ECHO], config=groq_on_sim(sim_url))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        picker = await open_picker(pilot, "groq/echo")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, KeyInput))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is picker)
        assert len(app.chat_panes) == 1
        assert any("nothing stored" in n.message for n in app._notifications)


# --- 12: a keyring that keeps nothing, or none at all ---------------------------------------


async def set_key_in_panel(pilot, slug: str, key: str) -> None:
    app = pilot.app
    await pilot.press("f2")
    await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
    await pilot.press("f")
    table = app.screen.query_one(DataTable)
    table.move_cursor(row=[str(k.value) for k in table.rows].index(slug))
    await pilot.pause()
    assert "press s to set it here" in str(app.screen.query_one("#credential-detail").render())
    await pilot.press("s")
    await wait_until(pilot, lambda: isinstance(app.screen, KeyInput))
    await pilot.press(*key, "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, KeyFileConsent))


async def test_a_keyring_that_keeps_nothing_falls_back_to_the_credential_file_on_consent(
    make_app, sim_url, monkeypatch, isolated_environment
):
    forgetful = MemoryKeyring(keeps=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: forgetful)
    app = make_app([ECHO], config=groq_on_sim(sim_url))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await set_key_in_panel(pilot, "groq", GROQ_KEY)
        assert "did not keep the key" in str(app.screen.query_one("#key-file-choices").render())
        await pilot.press("d")
        path = isolated_environment / ".config" / "playground" / "credentials" / "groq"
        await wait_until(pilot, lambda: any("stored" in n.message for n in app._notifications))
        assert path.read_text() == GROQ_KEY + "\n"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        status = app.credential_states()["groq"].status
        assert status.source.startswith("credentials dir")
        assert app.screen._selected() == "groq"  # the cursor followed the row that moved up
        said = " ".join(n.message for n in app._notifications)
        assert "credentials/groq" in said and "0600" in said and GROQ_KEY not in said
        await pilot.press("escape")
        await open_and_ask(pilot, "groq/echo?tps=0&ttft_ms=0", "credentials dir")


async def open_and_ask(pilot, spec: str, source: str) -> None:
    """Open ``spec`` from the picker, send a prompt, and check the key's source."""
    app = pilot.app
    await open_picker(pilot, spec)
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.chat_panes[-1].pane.spec == spec)
    view = app.chat_panes[-1]
    assert (view.pane.target.primary.endpoints[0].key_source or "").startswith(source)
    await send(pilot, "hello")
    await wait_until(pilot, lambda: view.pane.metrics.status is PaneStatus.DONE)


async def test_without_a_keyring_the_key_goes_to_the_config_file_on_consent(
    make_app, sim_url, isolated_environment
):
    config_file = isolated_environment / ".config" / "playground" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text(f'# mine\n[providers.groq]\nbase_url = "{sim_url}/openai/v1"\n')
    app = make_app([ECHO], config=groq_on_sim(sim_url))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await set_key_in_panel(pilot, "groq", GROQ_KEY)
        choices = str(app.screen.query_one("#key-file-choices").render())
        assert "config.toml ([providers.groq] api_key, mode 0600)" in choices
        await pilot.press("c")
        await wait_until(pilot, lambda: any("stored" in n.message for n in app._notifications))
        text = config_file.read_text()
        assert text.startswith("# mine") and f'api_key = "{GROQ_KEY}"' in text
        assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
        assert app.credential_states()["groq"].status.source == "config api_key"
        await pilot.press("escape")
        await open_and_ask(pilot, "groq/echo?tps=0&ttft_ms=0", "config api_key")


async def test_a_config_file_that_cannot_be_written_loses_nothing_silently(
    make_app, sim_url, isolated_environment
):
    config_file = isolated_environment / ".config" / "playground" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text("this is = not [valid toml\n")
    app = make_app([ECHO], config=groq_on_sim(sim_url))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await set_key_in_panel(pilot, "groq", GROQ_KEY)
        await pilot.press("c")
        await wait_until(pilot, lambda: any("not saved" in n.message for n in app._notifications))
        assert config_file.read_text() == "this is = not [valid toml\n"
        assert app.credential_states()["groq"].dot == "missing"


# --- 7: deleting asks first and says what happened ------------------------------------------


async def delete_in_panel(pilot, slug: str) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: len(app.chat_panes) == 1)
    if not isinstance(app.screen, CredentialPanel):
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
    table = app.screen.query_one(DataTable)
    table.move_cursor(row=[str(k.value) for k in table.rows].index(slug))
    await pilot.press("d")


async def test_deleting_a_keyring_key_asks_and_declining_keeps_it(
    make_app, sim_url, memory_keyring, monkeypatch
):
    memory_keyring.values[("playground", "groq")] = GROQ_KEY
    monkeypatch.setenv("GROQ_API_KEY", "gsk_" + "e" * 52)
    app = make_app(["groq/echo?tps=0&ttft_ms=0"], config=groq_on_sim(sim_url))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await delete_in_panel(pilot, "groq")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "keyring" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("enter")  # a stray enter keeps the key
        await wait_until(pilot, lambda: any("kept" in n.message for n in app._notifications))
        assert ("playground", "groq") in memory_keyring.values
        await delete_in_panel(pilot, "groq")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: ("playground", "groq") not in memory_keyring.values)
        await wait_until(pilot, lambda: any("deleted" in n.message for n in app._notifications))
        said = next(n.message for n in app._notifications if "deleted" in n.message)
        assert "now using env GROQ_API_KEY" in said


async def test_a_key_from_dotenv_is_not_deleted_and_the_panel_says_where_it_lives(
    make_app, sim_url, tmp_path: Path, monkeypatch
):
    (tmp_path / ".env").write_text("GROQ_API_KEY=" + GROQ_KEY + "\n")
    monkeypatch.chdir(tmp_path)
    app = make_app(["groq/echo?tps=0&ttft_ms=0"], config=groq_on_sim(sim_url))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        assert app.credential_states()["groq"].status.source == ".env GROQ_API_KEY"
        await delete_in_panel(pilot, "groq")
        await wait_until(pilot, lambda: any(".env" in n.message for n in app._notifications))
        assert not isinstance(app.screen, ConfirmDialog)
        assert (tmp_path / ".env").read_text().startswith("GROQ_API_KEY=")


async def test_deleting_a_credential_file_key_removes_the_file_after_asking(
    make_app, sim_url, isolated_environment
):
    path = isolated_environment / ".config" / "playground" / "credentials" / "groq"
    path.parent.mkdir(parents=True)
    path.write_text(GROQ_KEY + "\n")
    path.chmod(0o600)
    app = make_app(["groq/echo?tps=0&ttft_ms=0"], config=groq_on_sim(sim_url))
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await delete_in_panel(pilot, "groq")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: not path.exists())
        await wait_until(pilot, lambda: any("no key now" in n.message for n in app._notifications))
        assert app.credential_states()["groq"].dot == "missing"


async def test_panes_stream_on_behind_an_open_picker(make_app):
    """The panes are found (and their live figures sampled) while a dialog is on top: the
    pane grid lives on the main screen, not on the dialog."""
    app = make_app(["sim/lorem?tps=200&tokens=600&ttft_ms=0"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        await send(pilot, "go")
        view = app.chat_panes[0]
        await wait_until(pilot, lambda: view.pane.metrics.output_tokens > 0)
        await open_picker(pilot)
        assert app.chat_panes == [view]
        await pilot.pause(0.7)  # longer than the comparison table's refresh interval
        assert isinstance(app.screen, ModelPicker)
        await pilot.press("escape")
        await wait_until(pilot, lambda: view.pane.metrics.status is PaneStatus.DONE)
        assert view.pane.metrics.output_tokens == 600
