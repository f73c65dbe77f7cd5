"""Config writes keep the user's comments and layout, are atomic, and are mode 0600."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from playground.config.loader import ConfigError, load_config
from playground.config.save import atomic_write_text, remove_value, set_value

ORIGINAL = """\
# my playground config
[defaults]
thinking = "low"   # keep this comment

[providers.anthropic]
# the key comes from my shell
api_key = "${ANTHROPIC_KEY}"
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_setting_a_key_preserves_comments_and_layout(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    path.chmod(0o644)

    set_value(path, ("providers", "openai", "api_key"), "sk-test-value")

    assert path.read_text() == ORIGINAL + '\n[providers.openai]\napi_key = "sk-test-value"\n'
    assert mode(path) == 0o600
    config, _ = load_config(path)
    assert config.providers["openai"].api_key == "sk-test-value"


def test_replacing_an_existing_value_keeps_the_tables_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    set_value(path, ("providers", "anthropic", "api_key"), "sk-ant-new")
    assert path.read_text() == ORIGINAL.replace('"${ANTHROPIC_KEY}"', '"sk-ant-new"')


def test_a_new_file_and_its_directory_are_created_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    set_value(path, ("providers", "groq", "api_key"), "gsk_value")
    assert path.read_text() == '[providers.groq]\napi_key = "gsk_value"\n'
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_an_edit_that_breaks_the_schema_is_refused_and_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    with pytest.raises(ConfigError, match="unknown key"):
        set_value(path, ("providers", "openai", "api_kye"), "x")
    assert path.read_text() == ORIGINAL
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_an_unparsable_file_is_an_error_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[providers\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        set_value(path, ("providers", "openai", "api_key"), "x")
    assert path.read_text() == "[providers\n"


def test_atomic_write_leaves_no_temporary_files_on_failure(tmp_path: Path, monkeypatch) -> None:
    import os

    path = tmp_path / "secret.txt"
    path.write_text("old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["secret.txt"]


def test_remove_value(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    assert remove_value(path, ("providers", "anthropic", "api_key")) is True
    assert remove_value(path, ("providers", "openai", "api_key")) is False
    assert "api_key" not in path.read_text()
    assert "# the key comes from my shell" in path.read_text()
