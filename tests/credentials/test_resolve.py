"""Resolution order, shadowing, rotation keys, auth kinds and problems of every source."""

from __future__ import annotations

import os
import time
from pathlib import Path

import keyring
import pytest

from playground.config.loader import config_dir
from playground.config.schema import Config
from playground.credentials import keyring_store, resolve_credentials
from playground.endpoint import AuthKind

OPENAI_ENV = "sk-proj-envAAAAT3BlbkFJenvBBBB1111"
OPENAI_CONFIG = "sk-proj-cfgAAAAT3BlbkFJcfgBBBB2222"
OPENAI_DIR = "sk-proj-dirAAAAT3BlbkFJdirBBBB3333"
OPENAI_DOTENV = "sk-proj-dotAAAAT3BlbkFJdotBBBB4444"
OPENAI_RING = "sk-proj-ringAAAT3BlbkFJringBBB5555"


def config(**providers: dict) -> Config:
    return Config.model_validate({"providers": providers})


def write_credential(slug: str, text: str, mode: int = 0o600) -> Path:
    path = config_dir() / "credentials" / slug
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


def test_every_source_in_order_first_wins_others_shadowed(
    provider, file_keyring, project: Path
) -> None:
    keyring.set_password("playground", "openai", OPENAI_RING)
    write_credential("openai", OPENAI_DIR + "\n")
    (project / ".env").write_text(f"OPENAI_API_KEY={OPENAI_DOTENV}\n")
    cfg = config(openai={"api_key": OPENAI_CONFIG})
    env = {"OPENAI_API_KEY": OPENAI_ENV}

    status = resolve_credentials(provider("openai"), cfg, env=env, cwd=project)

    assert [k.secret.reveal() for k in status.keys] == [OPENAI_RING]
    assert status.source == "keyring"
    assert status.shadowed == [
        "env OPENAI_API_KEY",
        "config api_key",
        "credentials dir ~/.config/playground/credentials/openai",
        ".env OPENAI_API_KEY",
    ]
    assert status.problems == [] and status.notes == []
    assert status.format.ok is True
    assert status.state == "ready"
    assert status.next_step is None


@pytest.mark.parametrize(
    ("layers", "source"),
    [
        ({"env", "config", "dir", "dotenv"}, "env OPENAI_API_KEY"),
        ({"config", "dir", "dotenv"}, "config api_key"),
        ({"dir", "dotenv"}, "credentials dir ~/.config/playground/credentials/openai"),
        ({"dotenv"}, ".env OPENAI_API_KEY"),
    ],
)
def test_each_source_wins_when_the_earlier_ones_are_empty(
    provider, project: Path, layers: set[str], source: str
) -> None:
    if "dir" in layers:
        write_credential("openai", OPENAI_DIR)
    if "dotenv" in layers:
        (project / ".env").write_text(f"export OPENAI_API_KEY='{OPENAI_DOTENV}'\n")
    cfg = config(openai={"api_key": OPENAI_CONFIG}) if "config" in layers else Config()
    env = {"OPENAI_API_KEY": OPENAI_ENV} if "env" in layers else {}

    status = resolve_credentials(provider("openai"), cfg, env=env, cwd=project)

    assert status.source == source
    assert len(status.shadowed) == len(layers) - 1
    assert status.notes == ["no OS keyring available"]


def test_first_listed_env_name_wins_and_the_others_are_shadowed(provider, project) -> None:
    env = {"GEMINI_API_KEY": "AIza" + "g" * 35, "GOOGLE_API_KEY": "AIza" + "o" * 35}
    status = resolve_credentials(provider("gemini"), Config(), env=env, cwd=project)
    assert status.source == "env GOOGLE_API_KEY"
    assert status.shadowed == ["env GEMINI_API_KEY"]
    assert len(status.keys) == 1


def test_config_env_names_are_checked_before_the_catalogs(provider, project) -> None:
    cfg = config(groq={"env": ["MY_GROQ"]})
    # load_catalog may fold the config names into the provider; resolution must agree.
    env = {"MY_GROQ": "gsk_" + "m" * 52, "GROQ_API_KEY": "gsk_" + "c" * 52}
    status = resolve_credentials(provider("groq"), cfg, env=env, cwd=project)
    assert status.source == "env MY_GROQ"
    assert status.shadowed == ["env GROQ_API_KEY"]


def test_config_interpolation_labels_the_variable(provider, project) -> None:
    cfg = config(anthropic={"api_key": "${ANTHROPIC_KEY}"})
    key = "sk-ant-api03-" + "k" * 93 + "AA"
    status = resolve_credentials(
        provider("anthropic"), cfg, env={"ANTHROPIC_KEY": key}, cwd=project
    )
    assert status.source == "config api_key (${ANTHROPIC_KEY})"
    assert status.keys[0].secret.reveal() == key
    assert status.auth_kind == AuthKind.API_KEY


def test_unset_variable_is_reported_not_silently_empty(provider, project) -> None:
    cfg = config(anthropic={"api_key": "${ANTHROPIC_KEY}"})
    status = resolve_credentials(provider("anthropic"), cfg, env={}, cwd=project)
    assert status.keys == []
    assert status.state == "missing"
    assert status.problems == ["config api_key refers to ${ANTHROPIC_KEY}, which is not set"]
    assert status.next_step == (
        "set ANTHROPIC_KEY (the config's api_key refers to it) or run "
        "`playground keys set anthropic`"
    )


def test_api_keys_give_rotation_keys_in_order(provider, project) -> None:
    cfg = config(
        groq={
            "api_key": "gsk_" + "a" * 52,
            "api_keys": ["${GROQ_B}", "${GROQ_C}", "gsk_" + "d" * 52],
        }
    )
    env = {"GROQ_B": "gsk_" + "b" * 52}
    status = resolve_credentials(provider("groq"), cfg, env=env, cwd=project)
    assert [k.source for k in status.keys] == [
        "config api_key",
        "config api_keys[0] (${GROQ_B})",
        "config api_keys[2]",
    ]
    assert status.problems == ["config api_keys[1] refers to ${GROQ_C}, which is not set"]


def test_keyring_rotation_entries(provider, file_keyring, project) -> None:
    for name, suffix in (("groq", "a"), ("groq#2", "b"), ("groq#3", "c"), ("groq#5", "e")):
        keyring.set_password("playground", name, "gsk_" + suffix * 52)
    status = resolve_credentials(provider("groq"), Config(), env={}, cwd=project)
    # Entries are read in sequence up to the first gap.
    assert [k.source for k in status.keys] == ["keyring", "keyring #2", "keyring #3"]


def test_credential_file_lines_are_rotation_keys_and_loose_permissions_warned(
    provider, project
) -> None:
    path = write_credential(
        "groq", "# my keys\ngsk_" + "a" * 52 + "\n\ngsk_" + "b" * 52 + "\n", 0o644
    )
    status = resolve_credentials(provider("groq"), Config(), env={}, cwd=project)
    label = "credentials dir ~/.config/playground/credentials/groq"
    assert [k.source for k in status.keys] == [label, f"{label} line 2"]
    assert status.problems == [
        f"{label} is readable by other users: run `chmod 600 ~/{path.relative_to(Path.home())}`"
    ]


def test_whitespace_around_an_env_key_is_stripped_and_reported(provider, project) -> None:
    env = {"GROQ_API_KEY": " gsk_" + "a" * 52 + "\n"}
    status = resolve_credentials(provider("groq"), Config(), env=env, cwd=project)
    assert status.keys[0].secret.reveal() == "gsk_" + "a" * 52
    assert status.problems == ["env GROQ_API_KEY: surrounding whitespace or line break removed"]
    assert status.format.ok is True


def test_empty_values_are_problems_not_keys(provider, project) -> None:
    (project / ".env").write_text("GROQ_API_KEY=\n")
    status = resolve_credentials(provider("groq"), Config(), env={"GROQ_API_KEY": ""}, cwd=project)
    assert status.keys == []
    assert status.problems == ["GROQ_API_KEY is set but empty", ".env GROQ_API_KEY is empty"]
    assert status.next_step == "set GROQ_API_KEY or run `playground keys set groq`"


@pytest.mark.parametrize(
    ("env", "settings", "expected"),
    [
        ({"ANTHROPIC_API_KEY": "sk-ant-oat01-" + "t" * 80}, {}, AuthKind.OAUTH_TOKEN),
        ({"ANTHROPIC_AUTH_TOKEN": "some-proxy-token"}, {}, AuthKind.OAUTH_TOKEN),
        ({"ANTHROPIC_API_KEY": "sk-ant-api03-" + "k" * 93 + "AA"}, {}, AuthKind.API_KEY),
        ({"ANTHROPIC_API_KEY": "opaque"}, {"auth": "oauth_token"}, AuthKind.OAUTH_TOKEN),
    ],
)
def test_auth_kind_from_prefix_variable_or_config(
    provider, project, env: dict, settings: dict, expected: AuthKind
) -> None:
    cfg = config(anthropic=settings) if settings else Config()
    status = resolve_credentials(provider("anthropic"), cfg, env=env, cwd=project)
    assert status.auth_kind == expected
    assert status.keys[0].auth_kind == expected


def test_local_and_simulated_providers_need_no_key(provider, project) -> None:
    local = resolve_credentials(provider("ollama"), Config(), env={}, cwd=project)
    assert (local.state, local.auth_kind, local.next_step) == ("no key needed", "none", None)
    sim = resolve_credentials(provider("sim"), Config(), env={}, cwd=project)
    assert sim.state == "simulated"
    assert sim.format.message == "simulated, no key needed"
    assert sim.ready


def test_missing_key_has_a_concrete_next_step(provider, project) -> None:
    status = resolve_credentials(provider("openai"), Config(), env={}, cwd=project)
    assert status.state == "missing"
    assert status.next_step == "set OPENAI_API_KEY or run `playground keys set openai`"


def test_wrong_provider_key_is_suspect_with_a_fix(provider, catalog, project) -> None:
    env = {"OPENAI_API_KEY": "sk-or-v1-" + "0" * 64}
    status = resolve_credentials(
        provider("openai"), Config(), env=env, cwd=project, catalog=catalog
    )
    assert status.state == "suspect"
    assert "OpenRouter key" in status.format.message
    assert status.next_step == (
        "check the key: update OPENAI_API_KEY or run `playground keys set openai`"
    )


def test_look_alike_hint_without_an_explicit_catalog(provider, project) -> None:
    env = {"GROQ_API_KEY": "sk-ant-api03-" + "k" * 93 + "AA"}
    status = resolve_credentials(provider("groq"), Config(), env=env, cwd=project)
    assert status.format.message == (
        "this looks like an Anthropic API key (sk-ant-api03-…AA), not a Groq key"
    )


def test_a_failing_keyring_backend_is_a_problem_not_a_crash(provider, project, monkeypatch) -> None:
    class Broken(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service, username):
            raise RuntimeError("dbus exploded with secret sk-should-not-appear")

        def set_password(self, service, username, password):
            raise RuntimeError("no")

        def delete_password(self, service, username):
            raise RuntimeError("no")

    keyring.set_keyring(Broken())
    status = resolve_credentials(
        provider("groq"), Config(), env={"GROQ_API_KEY": "gsk_" + "a" * 52}, cwd=project
    )
    assert status.source == "env GROQ_API_KEY"
    assert status.problems == ["no OS keyring available (keyring error: RuntimeError)"]


def test_a_hanging_keyring_backend_times_out(provider, project, monkeypatch) -> None:
    class Hanging(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service, username):
            time.sleep(5)

        def set_password(self, service, username, password):
            time.sleep(5)

        def delete_password(self, service, username):
            time.sleep(5)

    monkeypatch.setattr(keyring_store, "CALL_TIMEOUT_S", 0.05)
    keyring.set_keyring(Hanging())
    started = time.monotonic()
    status = resolve_credentials(provider("groq"), Config(), env={}, cwd=project)
    assert time.monotonic() - started < 1
    assert status.problems == ["the OS keyring did not answer within 0.05 s"]


def test_reprs_never_show_the_key(provider, project) -> None:
    key = "gsk_" + "s" * 52
    status = resolve_credentials(provider("groq"), Config(), env={"GROQ_API_KEY": key}, cwd=project)
    assert key not in repr(status) and key not in str(status.keys)


def test_default_environment_and_working_directory(provider, monkeypatch, project) -> None:
    monkeypatch.chdir(project)
    (project / ".env").write_text("MISTRAL_API_KEY=" + "m" * 32 + "\n")
    monkeypatch.setitem(os.environ, "GROQ_API_KEY", "gsk_" + "a" * 52)
    assert resolve_credentials(provider("mistral"), Config()).source == ".env MISTRAL_API_KEY"
    assert resolve_credentials(provider("groq"), Config()).source == "env GROQ_API_KEY"
