"""What the app opens on: explicit models, resume, configured panes, last session, first run."""

from __future__ import annotations

from playground.catalog import load_catalog
from playground.config.schema import Config, DefaultsConfig
from playground.session import Session
from playground.tui.startup import FIRST_RUN_HINT, FIRST_RUN_PANES, plan_startup


def test_without_keys_the_first_run_demo_opens_with_a_hint():
    config = Config(defaults=DefaultsConfig(panes=["openai/gpt-4o-mini"]))
    plan = plan_startup(config, load_catalog(config), models=[], resume=False)
    assert plan.panes == list(FIRST_RUN_PANES)
    assert plan.hint == FIRST_RUN_HINT


def test_explicit_models_win_over_everything():
    config = Config()
    plan = plan_startup(config, load_catalog(config), models=["sim/echo"], resume=True)
    assert plan.panes == ["sim/echo"] and not plan.hint


def test_with_a_key_the_configured_default_panes_open(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-" + "a" * 40)
    config = Config(defaults=DefaultsConfig(panes=["openai/gpt-4o-mini", "sim/echo"]))
    plan = plan_startup(config, load_catalog(config), models=[], resume=False)
    assert plan.panes == ["openai/gpt-4o-mini", "sim/echo"] and not plan.hint


def test_with_a_key_and_no_defaults_the_last_sessions_panes_open(monkeypatch, tmp_path, sim_url):
    monkeypatch.setenv("PLAYGROUND_SIM_URL", sim_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-" + "a" * 40)
    previous = Session.open(Config(), sessions_dir=tmp_path)
    previous.add_pane("sim/lorem")
    previous.add_pane("sim/echo")
    previous.store.close()
    config = Config()
    plan = plan_startup(
        config, load_catalog(config), models=[], resume=False, sessions_dir=tmp_path
    )
    assert plan.panes == ["sim/lorem", "sim/echo"]
