"""``expect`` checks: parsed strictly, evaluated on the answer alone."""

from __future__ import annotations

import pytest

from playground.compare.checks import Expect, ExpectError, failed_checks, parse_expect


def test_passing_answer_has_no_failures() -> None:
    expect = parse_expect(
        {
            "contains": ["Paris", "France"],
            "not_contains": "London",
            "regex": r"\bcapital\b",
            "max_output_tokens": 20,
        }
    )
    assert expect is not None
    assert failed_checks(expect, "Paris is the capital of France.", 8) == []


def test_each_failing_check_is_named() -> None:
    expect = Expect(
        contains=("Paris",),
        not_contains=("London",),
        regex=(r"^\d+$",),
        json=True,
        max_output_tokens=5,
    )
    failures = failed_checks(expect, "London calling", 9)
    assert failures == [
        "contains 'Paris'",
        "not_contains 'London'",
        "regex '^\\\\d+$'",
        "json",
        "max_output_tokens 5 (9)",
    ]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ('{"a": 1}', True),
        ("[1, 2]", True),
        ('```json\n{"a": 1}\n```', True),
        ("{'a': 1}", False),
        ("", False),
        ("sure: {}", False),
    ],
)
def test_json_check(text: str, ok: bool) -> None:
    assert (failed_checks(Expect(json=True), text, 1) == []) is ok


def test_absent_expect_is_none() -> None:
    assert parse_expect(None) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x", "must be an object"),
        ({"contain": "x"}, "unknown check 'contain'"),
        ({"contains": 3}, "contains must be a string or a list of strings"),
        ({"regex": "("}, "does not compile"),
        ({"json": "yes"}, "json must be true or false"),
        ({"max_output_tokens": -1}, "non-negative integer"),
        ({"max_output_tokens": True}, "non-negative integer"),
    ],
)
def test_malformed_expect_is_refused_with_a_reason(value: object, message: str) -> None:
    with pytest.raises(ExpectError, match=message):
        parse_expect(value)
