"""Detection, forcing, default locations, and broken inputs (clear messages, never a raise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.frameworks import FRAMEWORKS, detect_framework, load_framework
from tests.frameworks import samples as s


@pytest.fixture
def setups(tmp_path: Path, home: Path) -> dict[str, Path]:
    """One sample per framework: the path a user would pass to --from."""
    return {
        "actionllama": s.actionllama_era_c(tmp_path / "al", home),
        "djinnbot": s.djinnbot_install(tmp_path / "dj"),
        "arawn": s.arawn_classic(tmp_path / "ar", home),
        "picoclaw": s.picoclaw_v3(tmp_path / "pc", home),
        "zeroclaw": s.zeroclaw_v3(tmp_path / "zc"),
    }


def test_frameworks_names():
    assert FRAMEWORKS == ("actionllama", "djinnbot", "arawn", "picoclaw", "zeroclaw")


def test_each_framework_is_detected_from_its_folder_and_its_config_file(setups):
    files = {
        "actionllama": setups["actionllama"] / "config.toml",
        "djinnbot": setups["djinnbot"] / "agents/finn/config.yml",
        "arawn": setups["arawn"] / "arawn.toml",
        "picoclaw": setups["picoclaw"],
        "zeroclaw": setups["zeroclaw"],
    }
    for name, path in setups.items():
        folder = path if path.is_dir() else path.parent
        assert detect_framework(folder) == name, folder
        assert detect_framework(files[name]) == name, files[name]


def test_security_yml_points_at_picoclaw(setups):
    assert detect_framework(setups["picoclaw"].parent / ".security.yml") == "picoclaw"


def test_forcing_a_framework_skips_detection(tmp_path: Path):
    path = s.write(tmp_path / "settings.toml", 'default_provider = "groq"\ndefault_model = "m"\n')

    report = load_framework(path, framework="ZeroClaw")

    assert report.framework == "zeroclaw"
    assert report.agent("default").model_chain == ["groq/m"]


def test_unknown_framework_name_is_an_error(tmp_path: Path):
    report = load_framework(tmp_path, framework="autogpt")

    assert report.errors == [
        "unknown framework 'autogpt' (expected one of: actionllama, djinnbot, arawn, picoclaw, "
        "zeroclaw)"
    ]


def test_missing_path_and_unrecognised_folder(tmp_path: Path):
    missing = load_framework(tmp_path / "nope")
    assert missing.errors == [f"{tmp_path / 'nope'}: no such file or folder"]

    (tmp_path / "empty").mkdir()
    unknown = load_framework(tmp_path / "empty")
    assert "use --framework NAME" in unknown.errors[0]


def test_default_locations(home: Path, monkeypatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    assert "default location" in load_framework(None).errors[0]

    s.picoclaw_v1(home / ".picoclaw")
    assert load_framework(None).framework == "picoclaw"

    s.zeroclaw_v1(home / ".zeroclaw")
    assert load_framework(None, framework="zeroclaw").version == "V1"

    other = tmp_path / "zc-elsewhere"
    s.zeroclaw_v3(other)
    monkeypatch.setenv("ZEROCLAW_CONFIG_DIR", str(other))
    assert load_framework(None, framework="zeroclaw").version == "V3"


BROKEN = [
    (
        "zeroclaw",
        "config.toml",
        'default_provider = "openai"\ndefault_model = \n',
        ":2: invalid TOML",
    ),
    ("picoclaw", "config.json", '{"version": 3,\n "model_list": [}', ":2: invalid JSON"),
    ("arawn", "arawn.toml", "[llm\nbackend = 1\n", ":1: invalid TOML"),
]


@pytest.mark.parametrize(("framework", "name", "text", "expected"), BROKEN)
def test_syntax_errors_name_file_and_line(tmp_path, framework, name, text, expected):
    path = s.write(tmp_path / name, text)

    report = load_framework(path, framework=framework)

    assert len(report.errors) == 1
    assert report.errors[0].startswith(str(path) + expected)
    assert report.agents == []


def test_bad_yaml_names_file_and_line(tmp_path: Path):
    root = s.djinnbot_install(tmp_path / "dj")
    s.write(root / "agents/finn/config.yml", "model: [unclosed\nthread_mode: passive\n")

    report = load_framework(root)

    path = root / "agents/finn/config.yml"
    assert any(e.startswith(f"{path}:") and "invalid YAML" in e for e in report.errors)
    assert report.agent("finn").model_chain == []  # no guessed default for an unreadable file
    assert report.agent("eric").model_chain == ["anthropic/claude-sonnet-4"]


def test_bad_security_yml_is_reported_and_config_json_keys_still_read(tmp_path, home):
    config = s.picoclaw_v3(tmp_path / "pc", home)
    (config.parent / ".security.yml").write_text("model_list:\n  - [broken\n")

    report = load_framework(config)

    assert any(".security.yml" in e and "invalid YAML" in e for e in report.errors)
    assert report.agent("main").keys["openai/gpt-5.4"][0].secret.reveal() == s.OPENAI_KEY


def test_wrong_types_name_file_and_field(tmp_path: Path, home: Path):
    project = s.actionllama_era_c(tmp_path / "al", home)
    (project / "config.toml").write_text(
        '[models.sonnet]\nprovider = 42\nmodel = "claude"\n', encoding="utf-8"
    )
    report = load_framework(project)
    assert (
        f"{project / 'config.toml'}: models.sonnet.provider: expected a string, got an integer"
        in (report.errors)
    )

    zc = s.write(tmp_path / "zc" / "config.toml", 'schema_version = 3\nagents = "all"\n')
    report = load_framework(zc)
    assert f"{zc}: agents: expected a table, got a string" in report.errors

    pc = s.write(tmp_path / "pc" / "config.json", '{"version": 3, "model_list": {"a": 1}}')
    report = load_framework(pc)
    assert f"{pc}: model_list: expected a list, got a table" in report.errors

    top = s.write(tmp_path / "pc2" / "config.json", '["model_list"]')
    report = load_framework(top, framework="picoclaw")
    assert report.errors == [f"{top}: expected a JSON object at the top, got a list"]


def test_unknown_provider_is_reported_on_the_agent(tmp_path: Path, home: Path):
    project = s.actionllama_era_c(tmp_path / "al", home)
    (project / "config.toml").write_text(
        '[models.sonnet]\nprovider = "skynet"\nmodel = "t-800"\nauthType = "api_key"\n',
        encoding="utf-8",
    )

    reviewer = load_framework(project).agent("reviewer")

    assert any("unknown provider 'skynet'" in w for w in reviewer.warnings)


def test_unreadable_secret_file_reference_is_an_error_not_a_raise(tmp_path, home):
    config = s.picoclaw_v3(tmp_path / "pc", home)
    (config.parent / "openai.key").unlink()

    report = load_framework(config)

    assert any("file://openai.key" in e and "file not found" in e for e in report.errors)


WRONG_SHAPES = [
    ("actionllama", "config.toml", "[models]\nsonnet = 3\n", "models.sonnet: expected a table"),
    ("zeroclaw", "config.toml", "default_provider = 5\n", "default_provider: expected a string"),
    (
        "zeroclaw",
        "config.toml",
        "schema_version = 3\n[providers.models]\nanthropic = 3\n",
        "providers.models.anthropic: expected a table",
    ),
    (
        "zeroclaw",
        "config.toml",
        "schema_version = 3\n[agents.a]\nmodel_provider = 1\nrisk_profile = []\n",
        "agents.a.model_provider: expected a string",
    ),
    ("arawn", "arawn.toml", '[agent]\ndefault = "x"\n', "agent.default: expected a table"),
    ("arawn", "arawn.toml", "[llm]\nbackend = []\nmodel = 1\n", "llm.backend: expected a string"),
    (
        "picoclaw",
        "config.json",
        '{"agents": {"list": [1, {"id": "x", "model": 5}]}, "model_list": []}',
        "agents.list[0]: expected a table",
    ),
    (
        "picoclaw",
        "config.json",
        '{"model_list": [{"model_name": "a", "model": "openai/x", "api_keys": "k"}]}',
        "model_list[0].api_keys: expected a list of strings",
    ),
]


@pytest.mark.parametrize(("framework", "name", "text", "expected"), WRONG_SHAPES)
def test_wrong_shapes_are_reported_by_the_reader_not_caught_as_crashes(
    tmp_path, framework, name, text, expected
):
    path = s.write(tmp_path / name, text)
    if framework == "actionllama":
        s.write(tmp_path / "agents/a/SKILL.md", "---\n---\n")
        s.write(tmp_path / "agents/a/config.toml", 'models = ["sonnet"]\nscale = 0\n')

    report = load_framework(path, framework=framework)

    assert not any("could not read" in e for e in report.errors), report.errors
    assert any(str(path) in e and expected in e for e in report.errors), report.errors


def test_a_fifo_or_directory_in_place_of_a_config_is_an_error_not_a_hang(tmp_path) -> None:
    import os

    from playground.frameworks.files import read_text
    from playground.frameworks.model import FrameworkReport

    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    (tmp_path / "dir.toml").mkdir()
    report = FrameworkReport("picoclaw", tmp_path)
    assert read_text(fifo, report) is None  # returns at once: a FIFO is never opened for a read
    assert read_text(tmp_path / "dir.toml", report) is None
    assert read_text(tmp_path / "missing.toml", report, required=False) is None
    assert report.errors == [
        f"{fifo}: cannot read (not a regular file (a pipe))",
        f"{tmp_path / 'dir.toml'}: cannot read (not a regular file (a directory))",
    ]
