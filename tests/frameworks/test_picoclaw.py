"""PicoClaw: schema versions 0/1/3, .security.yml, file:// and enc:// keys, unlock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.endpoint import AuthKind
from playground.frameworks import UnlockError, load_framework, unlock_key
from playground.request import ThinkingLevel
from tests.frameworks import samples as s

CLAUDE = "anthropic/claude-sonnet-4.6"


def test_v3_agents_chains_keys_and_fallbacks(tmp_path: Path, home: Path):
    report = load_framework(s.picoclaw_v3(tmp_path / "pc", home))

    assert report.framework == "picoclaw"
    assert report.version == "v3"
    assert report.errors == []
    main = report.agent("main")
    assert main.model_chain == ["openai/gpt-5.4", CLAUDE]
    assert main.fallbacks == ["claude-sonnet-4.6"]
    assert main.retries == 2
    sales = report.agent("sales")
    assert sales.model_chain == [CLAUDE, "openai/gpt-5.4"]
    assert sales.thinking is ThinkingLevel.HIGH
    support = report.agent("support")
    assert support.model_chain == ["zhipu/glm-4.7", CLAUDE]


def test_security_yml_replaces_config_json_keys(tmp_path: Path, home: Path):
    support = load_framework(s.picoclaw_v3(tmp_path / "pc", home)).agent("support")

    (key,) = support.keys["zhipu/glm-4.7"]
    assert key.secret.reveal() == s.ZHIPU_KEY
    assert key.source_label == "picoclaw .security.yml model_list.glm-4.7.api_keys[0]"


def test_plain_and_file_reference_keys_in_order(tmp_path: Path, home: Path):
    main = load_framework(s.picoclaw_v3(tmp_path / "pc", home)).agent("main")

    first, second = main.keys["openai/gpt-5.4"]
    assert first.secret.reveal() == s.OPENAI_KEY
    assert first.source_label == "picoclaw config.json model_list[gpt-5.4].api_keys[0]"
    assert second.secret.reveal() == s.OPENAI_KEY_2
    assert second.source_label.endswith("api_keys[1] (file://openai.key)")


def test_multi_key_rotation_that_never_takes_effect_is_warned(tmp_path: Path, home: Path):
    main = load_framework(s.picoclaw_v3(tmp_path / "pc", home)).agent("main")

    assert any("__key_1" in w and "never tried" in w for w in main.warnings)


def test_enc_key_is_locked_until_unlocked_with_the_passphrase(tmp_path: Path, home: Path):
    sales = load_framework(s.picoclaw_v3(tmp_path / "pc", home)).agent("sales")
    (locked,) = sales.keys[CLAUDE]
    assert locked.locked and locked.secret is None
    assert "PICOCLAW_KEY_PASSPHRASE" in locked.unlock_hint
    assert "picoclaw_ed25519.key" in locked.unlock_hint

    opened = unlock_key(locked, s.PASSPHRASE)

    assert opened.secret.reveal() == s.ANTHROPIC_KEY
    assert not opened.locked
    assert opened.source_label.endswith("(enc://) (decrypted)")


def test_wrong_passphrase_gives_a_clear_error_without_key_material(tmp_path: Path, home: Path):
    sales = load_framework(s.picoclaw_v3(tmp_path / "pc", home)).agent("sales")

    with pytest.raises(UnlockError, match="wrong passphrase") as caught:
        unlock_key(sales.keys[CLAUDE][0], "not it")
    assert "enc://" not in str(caught.value).replace("enc:// value", "")


def test_passphrase_in_env_does_not_unlock_without_an_explicit_request(tmp_path, home, monkeypatch):
    monkeypatch.setenv("PICOCLAW_KEY_PASSPHRASE", s.PASSPHRASE)

    sales = load_framework(s.picoclaw_v3(tmp_path / "pc", home)).agent("sales")

    assert sales.keys[CLAUDE][0].locked


def test_file_reference_outside_the_config_dir_is_refused(tmp_path: Path, home: Path):
    s.write(tmp_path / "secret.txt", s.OPENAI_KEY)
    config = s.write(
        tmp_path / "pc" / "config.json",
        json.dumps(
            {
                "version": 3,
                "agents": {"defaults": {"model_name": "g"}},
                "model_list": [
                    {
                        "model_name": "g",
                        "model": "openai/gpt-4o",
                        "api_keys": ["file://../secret.txt"],
                    }
                ],
            }
        ),
    )

    report = load_framework(config)

    assert report.agent("main").keys["openai/gpt-4o"][0].secret is None
    assert any("points outside" in e for e in report.errors)


def test_legacy_v0_providers_block(tmp_path: Path):
    report = load_framework(s.picoclaw_v0(tmp_path / "old"))

    assert report.version == "v0"
    main = report.agent("main")
    assert main.model_chain == ["zhipu/glm-4.7"]
    assert (
        main.keys["zhipu/glm-4.7"][0].source_label == "picoclaw config.json providers.zhipu.api_key"
    )
    assert any("rewrites config.json" in w.message for w in report.warnings)


def test_v1_single_api_key_and_deprecated_model_field(tmp_path: Path):
    report = load_framework(s.picoclaw_v1(tmp_path / "v1"))

    main = report.agent("main")
    assert main.model_chain == ["openai/gpt-4o"]
    assert (
        main.keys["openai/gpt-4o"][0].source_label
        == "picoclaw config.json model_list[gpt4].api_key"
    )
    assert any("deprecated spelling" in w for w in main.warnings)


def test_custom_api_base_becomes_a_custom_spec(tmp_path: Path):
    config = s.write(
        tmp_path / "config.json",
        json.dumps(
            {
                "version": 3,
                "agents": {"defaults": {"model_name": "lb"}},
                "model_list": [
                    {
                        "model_name": "lb",
                        "model": "openai/gpt-5.4",
                        "api_keys": ["sk-key1-FAKE-0000000000"],
                        "api_base": "https://api1.example.com/v1",
                    },
                    {
                        "model_name": "lb",
                        "model": "openai/gpt-5.4",
                        "api_keys": ["sk-key2-FAKE-0000000000"],
                        "api_base": "https://api2.example.com/v1",
                    },
                ],
            }
        ),
    )

    main = load_framework(config).agent("main")

    assert main.model_chain == ["custom:https://api1.example.com/v1#gpt-5.4"]
    assert any("round-robins" in w for w in main.warnings)


def test_unknown_fields_and_providers_are_errors_naming_the_field(tmp_path: Path):
    config = s.write(
        tmp_path / "config.json",
        json.dumps(
            {
                "version": 3,
                "agents": {"defaults": {"model_name": "x"}},
                "model_list": [{"model_name": "x", "model": "nosuchvendor/m", "apikey": "oops"}],
            }
        ),
    )

    report = load_framework(config)

    assert any("model_list[0].apikey: unknown field" in e for e in report.errors)
    assert any(
        "model_list[0].provider: unknown provider 'nosuchvendor'" in e for e in report.errors
    )


def test_oauth_entry_reads_the_token_from_auth_json(tmp_path: Path, home: Path):
    s.write(
        home / ".picoclaw/auth.json",
        json.dumps({"credentials": {"anthropic": {"access_token": s.ANTHROPIC_OAUTH}}}),
    )
    config = s.write(
        tmp_path / "config.json",
        json.dumps(
            {
                "version": 3,
                "agents": {"defaults": {"model_name": "claude"}},
                "model_list": [
                    {
                        "model_name": "claude",
                        "model": "anthropic/claude-sonnet-4.6",
                        "auth_method": "oauth",
                    }
                ],
            }
        ),
    )

    (key,) = load_framework(config).agent("main").keys[CLAUDE]

    assert key.secret.reveal() == s.ANTHROPIC_OAUTH
    assert key.auth_kind is AuthKind.OAUTH_TOKEN
    assert key.source_label == "picoclaw auth.json (oauth)"


def test_old_entry_with_both_api_key_and_api_keys_shows_api_key_first(tmp_path: Path):
    config = s.write(
        tmp_path / "config.json",
        json.dumps(
            {
                "version": 2,
                "agents": {"defaults": {"model_name": "g"}},
                "model_list": [
                    {
                        "model_name": "g",
                        "model": "openai/gpt-4o",
                        "api_key": s.OPENAI_KEY,
                        "api_keys": [s.OPENAI_KEY_2],
                    }
                ],
            }
        ),
    )

    report = load_framework(config)

    keys = report.agent("main").keys["openai/gpt-4o"]
    assert [k.secret.reveal() for k in keys] == [s.OPENAI_KEY, s.OPENAI_KEY_2]
    assert any("order is random" in w.message for w in report.warnings)


def test_unlocked_key_replaces_the_locked_one_in_the_report_and_overlay(tmp_path, home):
    from playground.frameworks import framework_overlay

    report = load_framework(s.picoclaw_v3(tmp_path / "pc", home))
    locked = report.agent("sales").keys[CLAUDE][0]

    report.replace_key(locked, unlock_key(locked, s.PASSPHRASE))

    assert report.agent("support").keys[CLAUDE][0].secret.reveal() == s.ANTHROPIC_KEY
    overlay = framework_overlay(report)
    assert [k.secret.reveal() for k in overlay.keys["anthropic"]] == [s.ANTHROPIC_KEY]
    assert overlay.route_keys["sales"][0][0].secret.reveal() == s.ANTHROPIC_KEY
    assert overlay.locked == []


def _config(folder: Path, config: dict) -> Path:
    return s.write(folder / "config.json", json.dumps(config))


# model_list of the docs' "Automatic Model Failover (Cascade)" example (docs/guides/providers.md)
_CASCADE_MODELS = [
    {
        "model_name": "qwen-main",
        "provider": "openai",
        "model": "qwen3.5:cloud",
        "api_base": "https://api.example.com/v1",
        "api_keys": ["sk-main"],
    },
    {
        "model_name": "deepseek-backup",
        "provider": "deepseek",
        "model": "deepseek-chat",
        "api_keys": ["sk-backup-1"],
    },
    {
        "model_name": "gemini-backup",
        "provider": "gemini",
        "model": "gemini-2.5-flash",
        "api_keys": ["sk-backup-2"],
    },
]


def test_defaults_model_primary_and_fallbacks_is_the_documented_failover_form(
    tmp_path: Path, home: Path
):
    config = {
        "version": 3,
        "model_list": _CASCADE_MODELS,
        "agents": {
            "defaults": {
                "model": {"primary": "qwen-main", "fallbacks": ["deepseek-backup", "gemini-backup"]}
            }
        },
    }

    report = load_framework(_config(tmp_path / "pc", config))

    assert report.errors == []
    main = report.agent("main")
    assert main.model_chain == [
        "custom:https://api.example.com/v1#qwen3.5:cloud",
        "deepseek/deepseek-chat",
        "gemini/gemini-2.5-flash",
    ]
    assert main.fallbacks == ["deepseek-backup", "gemini-backup"]
    assert main.source.endswith("agents.defaults.model.primary")
    assert any("Playground follows the docs" in w for w in main.warnings)
    assert not any("deprecated spelling of model_name (PicoClaw folds" in w for w in main.warnings)


def test_defaults_model_fallbacks_apply_to_listed_agents_without_their_own(
    tmp_path: Path, home: Path
):
    config = {
        "version": 3,
        "model_list": _CASCADE_MODELS,
        "agents": {
            "defaults": {"model": {"primary": "qwen-main", "fallbacks": ["gemini-backup"]}},
            "list": [{"id": "main", "default": True}, {"id": "coder", "model": "deepseek-backup"}],
        },
    }

    report = load_framework(_config(tmp_path / "pc", config))

    assert report.agent("coder").model_chain == [
        "deepseek/deepseek-chat",
        "gemini/gemini-2.5-flash",
    ]
    assert report.agent("main").primary == "custom:https://api.example.com/v1#qwen3.5:cloud"
    assert any("Playground follows the docs" in w for w in report.agent("main").warnings)
    coder = report.agent("coder")
    assert any("Playground follows the docs" in w for w in coder.warnings)  # its fallbacks


def test_defaults_model_block_does_not_concern_an_agent_with_its_own_chain(
    tmp_path: Path, home: Path
):
    config = {
        "version": 3,
        "model_list": _CASCADE_MODELS,
        "agents": {
            "defaults": {"model": {"primary": "qwen-main", "fallbacks": ["gemini-backup"]}},
            "list": [
                {"id": "main", "default": True},
                {"id": "own", "model": {"primary": "deepseek-backup", "fallbacks": []}},
            ],
        },
    }

    own = load_framework(_config(tmp_path / "pc", config)).agent("own")

    assert own.model_chain == ["deepseek/deepseek-chat"]
    assert not any("Playground follows the docs" in w for w in own.warnings)


@pytest.mark.parametrize(
    "entry",
    [
        # verbatim, docs/guides/providers.md "Anthropic Messages API (native format)"
        {
            "model_name": "claude-opus-4-6",
            "provider": "anthropic-messages",
            "model": "claude-opus-4-6",
            "api_keys": ["sk-ant-your-key"],
            "api_base": "https://api.anthropic.com",
        },
        # the legacy single-field form of the same entry (provider omitted)
        {
            "model_name": "claude-opus-4-6",
            "model": "anthropic-messages/claude-opus-4-6",
            "api_keys": ["sk-ant-your-key"],
            "api_base": "https://api.anthropic.com",
        },
    ],
)
def test_anthropic_messages_is_the_native_anthropic_protocol(
    tmp_path: Path, home: Path, entry: dict
):
    config = {
        "version": 3,
        "model_list": [entry],
        "agents": {"defaults": {"model_name": "claude-opus-4-6"}},
    }

    report = load_framework(_config(tmp_path / "pc", config))

    assert report.errors == []
    main = report.agent("main")
    assert main.model_chain == ["anthropic/claude-opus-4-6"]
    (key,) = main.keys["anthropic/claude-opus-4-6"]
    assert key.provider == "anthropic" and key.secret.reveal() == "sk-ant-your-key"


def test_anthropic_messages_on_a_third_party_endpoint_speaks_anthropic_there(
    tmp_path: Path, home: Path
):
    entry = {
        "model_name": "minimax",
        "provider": "anthropic-messages",
        "model": "MiniMax-M2",
        "api_keys": ["mm-key"],
        "api_base": "https://api.minimax.io/anthropic",
    }
    config = {
        "version": 3,
        "model_list": [entry],
        "agents": {"defaults": {"model_name": "minimax"}},
    }

    main = load_framework(_config(tmp_path / "pc", config)).agent("main")

    assert main.model_chain == ["anthropic-custom:https://api.minimax.io/anthropic#MiniMax-M2"]
