"""The .env parser: python-dotenv's values (no interpolation), bad lines by number only."""

from __future__ import annotations

from playground.credentials.dotenv import parse_dotenv, read_dotenv


def test_plain_quoted_exported_and_commented_assignments() -> None:
    text = "\n".join(
        [
            "# a comment",
            "",
            "PLAIN=abc123",
            "SPACED = value with spaces   # trailing comment",
            "export EXPORTED=exp",
            "SINGLE='lit $HOME \\n #not-a-comment'",
            'DOUBLE="a\\tb \\"q\\" # kept"  # dropped',
            "EMPTY=",
            "HASH=abc#def",
        ]
    )
    values = parse_dotenv(text).values
    assert values == {
        "PLAIN": "abc123",
        "SPACED": "value with spaces",
        "EXPORTED": "exp",
        "SINGLE": "lit $HOME \\n #not-a-comment",
        "DOUBLE": 'a\tb "q" # kept',
        "EMPTY": "",
        "HASH": "abc#def",
    }


def test_double_quoted_value_may_span_lines() -> None:
    parsed = parse_dotenv('KEY="line one\nline two"\nNEXT=1\n')
    assert parsed.values == {"KEY": "line one\nline two", "NEXT": "1"}


def test_later_assignment_wins() -> None:
    assert parse_dotenv("A=1\nA=2\n").values == {"A": "2"}


def test_bad_lines_are_reported_by_number_not_content() -> None:
    parsed = parse_dotenv("GOOD=1\nthis is not an assignment\nOPEN='unterminated\nALSO=2\n")
    assert parsed.values == {"GOOD": "1", "ALSO": "2"}
    assert parsed.bad_lines == [2, 3]


def test_windows_line_endings_and_bom() -> None:
    assert parse_dotenv("\ufeffA=1\r\nB='2'\r\n".lstrip("\ufeff")).values == {"A": "1", "B": "2"}


TRICKY = "\n".join(
    [
        "\ufeffA=1",
        "export B = 'two words'",
        'C="multi\nline \\"quoted\\" \\\\ end"',
        "D=${HOME}/not/expanded",
        "E='${NOT} expanded either'",
        "F= # only a comment",
        "G=#not-a-comment",
        "H=value   # comment",
        "BARE",
        "I=before",
        "I",
        "J='unterminated",
        "K=after",
        "L=x\r",
    ]
)


def test_values_are_exactly_python_dotenvs_without_interpolation() -> None:
    import io

    from dotenv import dotenv_values

    reference = dotenv_values(stream=io.StringIO(TRICKY), interpolate=False)
    expected = {name: value for name, value in reference.items() if value is not None}
    assert parse_dotenv(TRICKY).values == expected
    assert expected["D"] == "${HOME}/not/expanded"
    assert "I" not in expected and "BARE" not in expected


def test_bad_lines_are_reported_without_logging_their_content(capsys, caplog) -> None:
    secret = "sk-" + "s3cr3t" * 8
    parsed = parse_dotenv(f"OK=1\nOPENAI_API_KEY='{secret}\nNEXT=2\n")
    assert parsed.bad_lines == [2]
    assert parsed.values == {"OK": "1", "NEXT": "2"}
    out, err = capsys.readouterr()
    assert out == err == ""
    assert caplog.records == []


def test_a_file_with_crlf_and_a_bom_is_read(tmp_path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"\xef\xbb\xbfGROQ_API_KEY=gsk_abc\r\nOTHER='x'\r\n")
    parsed = read_dotenv(path)
    assert parsed is not None and parsed.values == {"GROQ_API_KEY": "gsk_abc", "OTHER": "x"}


def test_a_fifo_or_huge_file_is_not_read(tmp_path) -> None:
    import os

    fifo = tmp_path / "fifo.env"
    os.mkfifo(fifo)
    assert read_dotenv(fifo) is None  # returns at once instead of waiting for a writer
    huge = tmp_path / "huge.env"
    with huge.open("wb") as file:
        file.write(b"A=1\n")
        file.truncate(2 * 1024 * 1024)
    assert read_dotenv(huge) is None
    assert read_dotenv(tmp_path / "absent.env") is None


def test_doctor_names_unparsable_env_lines_by_number_once(capsys, tmp_path, monkeypatch) -> None:
    from playground.cli import main

    secret_looking = "sk-proj-" + "Z" * 40
    (tmp_path / ".env").write_text(
        f"GROQ_API_KEY=gsk_{'a' * 52}\nOPENAI_API_KEY '{secret_looking}\n"
    )
    monkeypatch.chdir(tmp_path)
    main(["doctor", "--provider", "groq", "--provider", "openai"])
    out, err = capsys.readouterr()
    assert (out + err).count(".env: line 2 could not be parsed (ignored)") == 1
    assert secret_looking not in out + err
