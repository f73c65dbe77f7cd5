"""``playground keys set|delete|list``, run in-process with a file-backed keyring."""

from __future__ import annotations

import io
import stat
import sys

import keyring
import pytest

from playground.cli import main
from playground.config.loader import config_dir

GROQ_KEY = "gsk_" + "StoredKy" * 6 + "9876"


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_reads_stdin_and_stores_in_the_keyring(capsys, monkeypatch, file_keyring) -> None:
    code, out, err = run(
        capsys, "keys", "set", "groq", stdin=GROQ_KEY + "\n", monkeypatch=monkeypatch
    )
    assert code == 0, err
    assert keyring.get_password("playground", "groq") == GROQ_KEY
    assert out.startswith("stored the Groq key gsk_Sto…9876 in the OS keyring")
    assert err == ""


def test_set_uses_a_hidden_prompt_on_a_terminal(capsys, monkeypatch, file_keyring) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts = []
    monkeypatch.setattr(sys, "stdin", Terminal(""))
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or GROQ_KEY)
    assert main(["keys", "set", "groq"]) == 0
    assert prompts == ["Groq key for groq (input hidden): "]
    assert keyring.get_password("playground", "groq") == GROQ_KEY


def test_set_warns_about_a_key_of_the_wrong_shape(capsys, monkeypatch, file_keyring) -> None:
    openrouter = "sk-or-v1-" + "ab" * 32
    code, _out, err = run(
        capsys, "keys", "set", "openai", stdin=openrouter, monkeypatch=monkeypatch
    )
    assert code == 0
    assert err == (
        "warning: this looks like an OpenRouter key (sk-or-v1-…), not an OpenAI key "
        "(storing it anyway)\n"
    )


def test_set_notes_which_source_it_now_shadows(capsys, monkeypatch, file_keyring) -> None:
    monkeypatch.setenv("GROQ_API_KEY", "gsk_" + "e" * 52)
    _code, out, _err = run(capsys, "keys", "set", "groq", stdin=GROQ_KEY, monkeypatch=monkeypatch)
    assert "note: it now shadows env GROQ_API_KEY" in out


def test_without_a_keyring_set_says_so_and_offers_other_routes(capsys, monkeypatch) -> None:
    code, out, err = run(capsys, "keys", "set", "groq", stdin=GROQ_KEY, monkeypatch=monkeypatch)
    assert code == 1
    assert out == ""
    assert "the key was NOT stored: no OS keyring available" in err
    assert "`playground keys set groq --config-file`" in err
    assert str(config_dir() / "credentials" / "groq") in err
    assert len(err.strip().splitlines()) == 1
    assert not (config_dir() / "config.toml").exists()


def test_set_config_file_writes_a_private_style_preserving_config(capsys, monkeypatch) -> None:
    path = config_dir() / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('# mine\n[defaults]\nthinking = "low"  # note\n')
    code, out, err = run(
        capsys, "keys", "set", "groq", "--config-file", stdin=GROQ_KEY, monkeypatch=monkeypatch
    )
    assert code == 0, err
    assert path.read_text() == (
        '# mine\n[defaults]\nthinking = "low"  # note\n\n'
        f'[providers.groq]\napi_key = "{GROQ_KEY}"\n'
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"to {path} ([providers.groq] api_key, mode 0600)" in out


def test_set_refuses_an_empty_key(capsys, monkeypatch, file_keyring) -> None:
    code, _out, err = run(capsys, "keys", "set", "groq", stdin="\n", monkeypatch=monkeypatch)
    assert code == 2
    assert "no key given" in err


def test_the_key_is_never_accepted_from_argv(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "set", "groq", GROQ_KEY])
    assert exit_info.value.code == 2


def test_unknown_provider_is_one_line_with_suggestions(capsys, monkeypatch) -> None:
    code, _out, err = run(capsys, "keys", "set", "opnai", stdin=GROQ_KEY, monkeypatch=monkeypatch)
    assert code == 2
    assert err.startswith("playground keys: unknown provider 'opnai' (did you mean openai")
    assert len(err.strip().splitlines()) == 1


def test_delete_removes_primary_and_rotation_entries(capsys, file_keyring, monkeypatch) -> None:
    keyring.set_password("playground", "groq", GROQ_KEY)
    keyring.set_password("playground", "groq#2", GROQ_KEY[::-1])
    monkeypatch.setenv("GROQ_API_KEY", "gsk_" + "e" * 52)
    code, out, _err = run(capsys, "keys", "delete", "groq")
    assert code == 0
    assert out == "removed 2 groq keys from the OS keyring; still set: env GROQ_API_KEY\n"
    assert keyring.get_password("playground", "groq") is None
    code, _out, err = run(capsys, "keys", "delete", "groq")
    assert code == 1
    assert err.startswith("no groq key in the OS keyring")


def test_delete_without_a_keyring(capsys) -> None:
    code, _out, err = run(capsys, "keys", "delete", "groq")
    assert code == 1
    assert err == "playground keys: cannot delete: no OS keyring available\n"


def test_list_shows_masked_keys_with_sources(capsys, file_keyring, monkeypatch) -> None:
    keyring.set_password("playground", "groq", GROQ_KEY)
    monkeypatch.setenv("GROQ_API_KEY", "gsk_" + "e" * 52)
    monkeypatch.setenv("MISTRAL_API_KEY", "M" * 32)
    code, out, _err = run(capsys, "keys", "list")
    assert code == 0
    assert out.splitlines() == [
        "groq     gsk_Sto…9876  keyring",
        "groq                   env GROQ_API_KEY (shadowed)",
        "mistral  MMMMMMM…MMMM  env MISTRAL_API_KEY",
    ]


def test_list_with_nothing_configured(capsys) -> None:
    code, out, _err = run(capsys, "keys", "list")
    assert code == 0
    assert out.splitlines()[0].startswith("no keys found")
    assert "note: no OS keyring available" in out


def test_set_with_a_keyring_that_keeps_nothing_fails_and_offers_files(capsys, monkeypatch) -> None:
    from keyring.backends import null

    monkeypatch.setattr(keyring, "get_keyring", lambda: null.Keyring())
    code, out, err = run(
        capsys, "keys", "set", "groq", stdin=GROQ_KEY + "\n", monkeypatch=monkeypatch
    )
    assert code == 1
    assert "stored" not in out
    assert "did not keep the key" in err
    assert "--config-file" in err
    assert GROQ_KEY not in out + err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("answer", ["y", "yes"])
def test_on_a_terminal_a_refused_key_can_go_to_the_config_file(
    capsys, monkeypatch, answer: str
) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal(answer + "\n"))
    monkeypatch.setattr("getpass.getpass", lambda prompt: GROQ_KEY)
    code = main(["keys", "set", "groq"])
    out, err = capsys.readouterr()
    assert code == 0, err
    config = config_dir() / "config.toml"
    assert "Write it to" in out and f"wrote the Groq key gsk_Sto…9876 to {config}" in out
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert GROQ_KEY in config.read_text()
    assert GROQ_KEY not in out + err


@pytest.mark.parametrize("answer", ["", "n", None])
def test_on_a_terminal_declining_the_fallback_writes_nothing(capsys, monkeypatch, answer) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("" if answer is None else answer + "\n"))
    monkeypatch.setattr("getpass.getpass", lambda prompt: GROQ_KEY)
    assert main(["keys", "set", "groq"]) == 1
    out, err = capsys.readouterr()
    assert "NOT stored" in err
    assert not (config_dir() / "config.toml").exists()
    assert GROQ_KEY not in out + err


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00" * (64 * 1024), "longer than 16384 bytes"),
        (b"gsk_\xff\xfe" + b"a" * 40 + b"\n", "not UTF-8 text"),
    ],
)
def test_a_hostile_piped_key_is_refused_in_one_line(capsys, monkeypatch, data, reason) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["keys", "set", "groq", "--config-file"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and reason in err
    assert not (config_dir() / "config.toml").exists()


def test_a_key_from_dev_zero_is_refused_without_reading_it_all() -> None:
    import subprocess

    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [sys.executable, "-m", "playground", "keys", "set", "groq"],
            stdin=zero,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert "longer than 16384 bytes" in result.stderr and "Traceback" not in result.stderr
