"""What the app opens on, decided from a user's state: keys (and where they are), configured
panes, keyless local servers, the last session."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from playground.catalog import load_catalog
from playground.config.schema import Config, DefaultsConfig, ModelConfig, ProviderConfig
from playground.session import Session
from playground.tui.startup import (
    FIRST_RUN_HINT,
    FIRST_RUN_PANES,
    plan_startup,
    starter_model,
    usable_providers,
)
from tests.credentials.file_keyring import FileKeyring

OPENAI_KEY = "sk-proj-" + "a" * 40
ECHO = "sim/echo?tps=0&ttft_ms=0"


def plan(config: Config, **kwargs):
    return plan_startup(config, load_catalog(config), models=[], **kwargs)


def keyless_server(sim_url: str) -> ProviderConfig:
    """A custom OpenAI-compatible server that needs no key (the simulator stands in)."""
    return ProviderConfig(
        protocol="openai",
        base_url=f"{sim_url}/openai/v1",
        auth="none",
        models={"echo": ModelConfig(tools=True)},
    )


async def saved_session(directory: Path, specs: list[str], prompts: list[str]) -> Session:
    """A session as a user leaves it: panes, and a turn per prompt in every pane."""
    session = Session.open(Config(), sessions_dir=directory)
    panes = [session.add_pane(spec) for spec in specs]
    for prompt in prompts:
        for pane in panes:
            async for _ in pane.send(prompt):
                pass
    await session.aclose()
    return session


@pytest.fixture
def in_empty_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from a folder without a ``.env`` (the repository might hold one)."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_without_any_usable_provider_the_demo_opens_with_the_no_keys_hint(in_empty_dir):
    result = plan(Config())
    assert result.panes == list(FIRST_RUN_PANES)
    assert result.hint == FIRST_RUN_HINT


def test_explicit_models_win_over_everything():
    config = Config(defaults=DefaultsConfig(panes=["openai/gpt-4o-mini"]))
    result = plan_startup(config, load_catalog(config), models=["sim/echo"], resume=True)
    assert result.panes == ["sim/echo"] and not result.hint


def test_configured_panes_win_even_without_any_key(in_empty_dir):
    config = Config(defaults=DefaultsConfig(panes=["openai/gpt-4o-mini", "sim/echo"]))
    result = plan(config)
    assert result.panes == ["openai/gpt-4o-mini", "sim/echo"] and not result.hint


def test_configured_panes_on_a_keyless_local_server_open(in_empty_dir, sim_url):
    config = Config(
        providers={"mylocal": keyless_server(sim_url)},
        defaults=DefaultsConfig(panes=["mylocal/echo"]),
    )
    assert plan(config).panes == ["mylocal/echo"]


def test_a_keyless_server_in_the_config_counts_as_usable_and_gets_a_first_pane(
    in_empty_dir, sim_url
):
    config = Config(providers={"mylocal": keyless_server(sim_url)})
    usable = usable_providers(config, load_catalog(config))
    assert [p.slug for p in usable.keyless] == ["mylocal"] and not usable.keyed
    result = plan(config)
    assert result.panes == ["mylocal/echo"]
    assert "mylocal (no key needed) → mylocal/echo" in result.hint
    assert "No API keys" not in result.hint


def test_an_env_key_opens_a_cheap_current_model_and_says_where_the_key_came_from(
    in_empty_dir, monkeypatch
):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    config = Config()
    expected = starter_model(load_catalog(config), "openai")
    assert expected is not None
    result = plan(config)
    assert result.panes == [expected.spec]
    assert f"openai key from env OPENAI_API_KEY → {expected.spec}" in result.hint
    assert OPENAI_KEY not in result.hint


def test_a_dotenv_key_counts(in_empty_dir):
    (in_empty_dir / ".env").write_text(f"ANTHROPIC_API_KEY=sk-ant-api03-{'b' * 80}\n")
    result = plan(Config())
    assert [spec.split("/")[0] for spec in result.panes] == ["anthropic"]
    assert "anthropic key from .env ANTHROPIC_API_KEY" in result.hint


def test_a_keyring_key_counts(in_empty_dir, tmp_path):
    backend = FileKeyring(tmp_path / "keyring.json")
    backend.set_password("playground", "openai", OPENAI_KEY)
    keyring.set_keyring(backend)
    try:
        result = plan(Config())
    finally:
        keyring.set_keyring(fail.Keyring())
    assert [spec.split("/")[0] for spec in result.panes] == ["openai"]
    assert "openai key from keyring" in result.hint


def test_a_config_key_counts_and_every_keyed_provider_gets_a_pane(in_empty_dir, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    config = Config(providers={"groq": ProviderConfig(api_key="gsk_" + "c" * 52)})
    result = plan(config)
    assert [spec.split("/")[0] for spec in result.panes] == ["openai", "groq"]
    assert "groq key from config api_key" in result.hint


def test_the_starter_model_is_chosen_by_data_tools_then_price_no_snapshots(in_empty_dir):
    models = {
        "big": ModelConfig(tools=True, price_input=5.0, price_output=15.0),
        "small": ModelConfig(tools=True, price_input=0.2, price_output=0.8),
        "tiny-no-tools": ModelConfig(tools=False, price_input=0.01, price_output=0.02),
        "small-2024-08-06": ModelConfig(tools=True, price_input=0.1, price_output=0.4),
        "small-preview": ModelConfig(tools=True, price_input=0.1, price_output=0.4),
    }
    config = Config(
        providers={
            "acme": ProviderConfig(
                protocol="openai", base_url="http://127.0.0.1:9/v1", models=models
            )
        }
    )
    chosen = starter_model(load_catalog(config), "acme")
    assert chosen is not None and chosen.id == "small"


async def test_with_a_key_the_last_session_with_turns_reopens_its_panes(
    in_empty_dir, monkeypatch, tmp_path, sim_url
):
    monkeypatch.setenv("PLAYGROUND_SIM_URL", sim_url)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    sessions = tmp_path / "sessions"
    await saved_session(sessions, ["openai/gpt-4o-mini", ECHO], [])  # no prompt: no file
    assert not sessions.exists()
    session = Session.open(Config(), sessions_dir=sessions)
    session.add_pane("openai/gpt-4.1-mini")
    session.add_pane(ECHO)
    session.store.turn_start(session.panes[1], _turn("hi"))  # what sending writes first
    await session.aclose()
    result = plan(Config(), sessions_dir=sessions)
    assert result.panes == ["openai/gpt-4.1-mini", ECHO]


async def test_a_last_session_of_only_simulated_panes_does_not_hide_a_new_key(
    in_empty_dir, monkeypatch, tmp_path, sim_url
):
    monkeypatch.setenv("PLAYGROUND_SIM_URL", sim_url)
    await saved_session(tmp_path, [ECHO], ["hello"])
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    result = plan(Config(), sessions_dir=tmp_path)
    assert [spec.split("/")[0] for spec in result.panes] == ["openai"]


def test_a_corrupt_session_file_does_not_stop_the_plan(in_empty_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    (tmp_path / "20260101-000000-abcdef.jsonl").write_bytes(b"\xff\xfe{not json\n")
    result = plan(Config(), sessions_dir=tmp_path)
    assert [spec.split("/")[0] for spec in result.panes] == ["openai"]


def _turn(prompt: str):
    from playground.session import Turn

    return Turn(prompt=prompt, spec=ECHO, thinking="off", images=[])
