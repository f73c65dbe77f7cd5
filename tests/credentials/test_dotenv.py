"""The .env parser: the common subset of python-dotenv, docker compose and shells."""

from __future__ import annotations

from playground.credentials.dotenv import parse_dotenv


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
