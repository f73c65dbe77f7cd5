"""Prompt sets: JSONL or plain lines, read bounded, errors by file and line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from playground.compare.prompts import PromptSetError, load_prompt_set


def test_plain_text_is_one_prompt_per_non_blank_line_with_line_number_ids(tmp_path: Path) -> None:
    path = tmp_path / "prompts.txt"
    path.write_text("first prompt\n\n  second prompt  \n", encoding="utf-8")
    cases = load_prompt_set(path)
    assert [(c.id, c.prompt) for c in cases] == [("1", "first prompt"), ("3", "second prompt")]


def test_jsonl_carries_id_system_tags_and_expect(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"id": "cap", "prompt": "capital of France?", "system": "be brief", "tags": ["geo"],'
        ' "expect": {"contains": "Paris"}}\n'
        '{"prompt": "no id here", "tags": "misc"}\n',
        encoding="utf-8",
    )
    first, second = load_prompt_set(path)
    assert first.id == "cap" and first.system == "be brief" and first.tags == ("geo",)
    assert first.expect is not None and first.expect.contains == ("Paris",)
    assert second.id == "2" and second.tags == ("misc",) and second.expect is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"prompt": "a"}\n{"prompt": \n', "line 2: not valid JSON"),
        ('{"prompt": ""}\n', 'line 1: "prompt" must be a non-empty string'),
        ('["x"]\n', "line 1: expected a JSON object"),
        ('{"id": "a", "prompt": "x"}\n{"id": "a", "prompt": "y"}\n', "'a' appears more than once"),
        ('{"prompt": "x", "expect": {"regex": "("}}\n', 'line 1: "expect": regex'),
        ('{"prompt": "x", "tags": [1]}\n', '"tags" must be a list of strings'),
        ("\n\n", "no prompts in the file"),
        ("[" * 100_000 + "\n", "nested too deeply|not valid JSON"),
    ],
)
def test_bad_file_is_one_line_naming_file_and_line(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PromptSetError, match=message) as info:
        load_prompt_set(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_a_fifo_or_missing_file_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(PromptSetError, match="not a regular file"):
        load_prompt_set(fifo)
    with pytest.raises(PromptSetError, match="file not found"):
        load_prompt_set(tmp_path / "missing.txt")


def test_invalid_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(b"caf\xe9\n")
    with pytest.raises(PromptSetError, match="not UTF-8"):
        load_prompt_set(path)
