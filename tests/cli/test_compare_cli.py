"""``playground compare`` end to end on the simulator: the output directory's files, honest
errors and fallbacks, exit codes, usage errors, and Ctrl-C then resume in a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from playground.cli import main
from playground.compare.votes import votes_path
from tests.adapters.replay import Reply

pytestmark = pytest.mark.usefixtures("sim_env")

HEALTHY = "sim/echo?tps=0&ttft_ms=0"
FAULTY = "sim-anthropic/echo?tps=0&ttft_ms=0&fail=500"
FAILING_FIRST = "sim/echo?tps=0&ttft_ms=0&fail=503"
BACKUP = "sim-gemini/echo?tps=0&ttft_ms=0"
PROMPTS = [
    {"id": "json", "prompt": '{"ok": true}', "tags": ["format"], "expect": {"json": True}},
    {"id": "hello", "prompt": "hello world", "expect": {"contains": "hello"}},
    {"id": "free", "prompt": "anything at all"},
]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[str, str]:
    """A prompt set and a config (no retries, a route that falls back); their paths."""
    prompts = tmp_path / "set.jsonl"
    prompts.write_text("".join(json.dumps(p) + "\n" for p in PROMPTS), encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[routes.resilient]\nmodels = ["{FAILING_FIRST}", "{BACKUP}"]\n'
        "[reliability]\nretries = 0\ncooldown_s = 0\n",
        encoding="utf-8",
    )
    return str(prompts), str(config)


def _compare(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["compare", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_three_models_with_a_fault_and_a_fallback(capsys, setup, tmp_path: Path) -> None:
    prompts, config = setup
    out = tmp_path / "out"
    code, stdout, stderr = _compare(
        capsys,
        "--config",
        config,
        "-m",
        HEALTHY,
        "-m",
        FAULTY,
        "-m",
        "resilient",
        "--prompts",
        prompts,
        "--repeat",
        "2",
        "--out",
        str(out),
    )
    assert code == 1, stderr  # the fault-injected model failed
    assert stdout.splitlines()[-1] == str(out)  # the path is printed last
    assert stderr == ""  # no progress bar when stderr is not a terminal
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(records) == 18
    fields = {
        "prompt_id",
        "model",
        "run",
        "answered_by",
        "hops",
        "ttft_ms",
        "tokens_per_s",
        "input_tokens",
        "output_tokens",
        "reasoning_tokens",
        "cost_usd",
        "stop_reason",
        "error_kind",
        "text",
    }
    assert all(fields <= r.keys() for r in records)
    by_model = {m: [r for r in records if r["model"] == m] for m in (HEALTHY, FAULTY, "resilient")}
    assert all(r["error_kind"] is None for r in by_model[HEALTHY])
    assert all(r["error_kind"] == "server" and r["error"] for r in by_model[FAULTY])
    for record in by_model["resilient"]:
        assert record["error_kind"] is None and record["answered_by"] == BACKUP
        assert record["hops"] == 2 and record["fallbacks"][0]["from"] == FAILING_FIRST

    summary = json.loads((out / "summary.json").read_text())
    rows = {m["model"]: m for m in summary["models"]}
    assert [m["model"] for m in summary["models"]] == [HEALTHY, FAULTY, "resilient"]
    assert rows[HEALTHY]["n"] == 6 and rows[HEALTHY]["errors"] == 0
    assert rows[HEALTHY]["checked"] == 4 and rows[HEALTHY]["passed"] == 4
    assert rows[FAULTY]["errors"] == 6 and rows[FAULTY]["passed"] == 0
    assert rows[FAULTY]["failing_prompts"] == ["hello", "json"]
    assert rows["resilient"]["fallbacks"] == 6
    assert rows[HEALTHY]["ttft_ms"]["p50"] is not None
    assert rows[FAULTY]["ttft_ms"] == {"p50": None, "p95": None}
    table = stdout.splitlines()
    assert table[0].startswith("model") and FAULTY in table[2]
    html = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    for report in (html, md):
        assert "18 of 18 cells finished" in report
        via = f"via {BACKUP} (hop 2)".replace("&", "&amp;" if report is html else "&")
        assert report.count(via) == 3  # one per prompt (first runs)
        assert "server" in report and "Failed cells" in report
    assert "0 ok · 6 fallback · 0 failed" in html and "0 ok · 0 fallback · 6 failed" in html


def test_rerun_with_the_same_out_skips_finished_cells(capsys, setup, tmp_path: Path) -> None:
    prompts, config = setup
    out = tmp_path / "out"
    args = ["--config", config, "-m", HEALTHY, "--prompts", prompts, "--out", str(out)]
    assert _compare(capsys, *args)[0] == 0
    before = (out / "results.jsonl").read_text()
    code, _, _ = _compare(capsys, *args, "--repeat", "2")
    after = (out / "results.jsonl").read_text()
    assert code == 0 and after.startswith(before)
    keys = [(r["prompt_id"], r["run"]) for r in map(json.loads, after.splitlines())]
    assert len(keys) == len(set(keys)) == 6


def test_json_prints_summary_json(capsys, setup, tmp_path: Path) -> None:
    prompts, config = setup
    out = tmp_path / "out"
    code, stdout, stderr = _compare(
        capsys, "--config", config, "-m", HEALTHY, "--prompts", prompts, "--out", str(out), "--json"
    )
    assert code == 0
    assert json.loads(stdout) == json.loads((out / "summary.json").read_text())
    assert stderr.splitlines()[-1] == str(out)


def test_a_single_prompt_and_the_default_out_dir_in_the_data_dir(capsys) -> None:
    code, stdout, _ = _compare(capsys, "-m", HEALTHY, "just this one")
    out = Path(stdout.splitlines()[-1])
    assert code == 0 and out.is_dir()
    assert out.parent == Path(os.environ["XDG_DATA_HOME"]) / "playground" / "compare"
    record = json.loads((out / "results.jsonl").read_text())
    assert record["prompt_id"] == "1" and record["text"] == "just this one"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-m", HEALTHY], "give either --prompts FILE or one PROMPT"),
        (["-m", HEALTHY, "--prompts", "/nonexistent.jsonl"], "--prompts /nonexistent.jsonl: file"),
        (["-m", HEALTHY, "--repeat", "0", "x"], "--repeat must be at least 1"),
        (["-m", HEALTHY, "--concurrency", "0", "x"], "--concurrency must be at least 1"),
        (["-m", "nope/none", "x"], "-m nope/none:"),
        (["-m", HEALTHY, "-m", HEALTHY, "x"], "only once"),
        (["-m", HEALTHY, "--judge", "nope/none", "x"], "--judge nope/none:"),
        (["-m", HEALTHY, "caf\udce9"], "the prompt is not valid UTF-8"),
        (["-m", HEALTHY, "--system", "\udcff", "x"], "--system is not valid UTF-8"),
        (["-m", HEALTHY, "--out", "/dev/null", "x"], "--out /dev/null: exists and is not a dir"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, args: list[str], message: str) -> None:
    code, stdout, stderr = _compare(capsys, *args)
    assert code == 2 and stdout == ""
    assert message in stderr and len(stderr.strip().splitlines()) == 1


def test_ctrl_c_keeps_finished_cells_and_a_rerun_completes(setup, tmp_path: Path) -> None:
    prompts, config = setup
    out = tmp_path / "out"
    slow = "sim/echo?tps=20&ttft_ms=0"
    args = [
        sys.executable,
        "-m",
        "playground",
        "compare",
        "--config",
        config,
        "-m",
        slow,
        "--prompts",
        prompts,
        "--repeat",
        "3",
        "--concurrency",
        "1",
        "--out",
        str(out),
    ]
    results = out / "results.jsonl"
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if results.exists() and results.read_text().count("\n") >= 2:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert stdout.splitlines()[-1] == str(out)
    kept = results.read_text().splitlines()
    assert 2 <= len(kept) < 9
    assert json.loads((out / "summary.json").read_text())["interrupted"] is True

    rerun = subprocess.run(args, capture_output=True, text=True, timeout=30)
    assert rerun.returncode == 0, rerun.stderr
    lines = results.read_text().splitlines()
    assert lines[: len(kept)] == kept
    keys = [(r["prompt_id"], r["run"]) for r in map(json.loads, lines)]
    assert len(keys) == len(set(keys)) == 9


def _openai_reply(text: str) -> Reply:
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "j",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": "stop"}],
    }
    return Reply(f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode())


def test_judge_through_a_real_endpoint_cancels_its_position_bias(
    capsys, setup, tmp_path: Path, capture
) -> None:
    prompts, config = setup
    out = tmp_path / "out"
    judge = f"custom:{capture.base_url}/v1#judge"
    other = "sim-ollama/echo?tps=0&ttft_ms=0"
    # 3 prompts × 1 pair × 2 orders; the judge always prefers the first answer shown.
    capture.queue(*[_openai_reply("Looks fine.\nA") for _ in range(6)])
    args = [
        "--config",
        config,
        "-m",
        HEALTHY,
        "-m",
        other,
        "--prompts",
        prompts,
        "--judge",
        judge,
        "--out",
        str(out),
    ]
    code, _, stderr = _compare(capsys, *args)
    assert code == 0, stderr
    assert len(capture.requests) == 6
    for request in capture.requests:
        body = json.dumps(request.json())
        assert HEALTHY.split("?")[0] not in body and "sim-ollama" not in body  # blind
    votes = [json.loads(line) for line in votes_path().read_text().splitlines()]
    assert len(votes) == 3 and {v["source"] for v in votes} == {"judge"}
    assert {v["winner"] for v in votes} == {"tie"}  # "always A" cancels out over both orders
    assert votes[0]["models"] == [HEALTHY, other] and set(votes[0]["answers"]) == {HEALTHY, other}
    judge_block = json.loads((out / "summary.json").read_text())["judge"]
    assert judge_block["pairs"] == 3 and judge_block["position_biased"] == 3
    assert "Judge custom:" in (out / "report.md").read_text()

    code, _, _ = _compare(capsys, *args)  # rerun: nothing judged again
    assert code == 0 and len(capture.requests) == 6
    assert len(votes_path().read_text().splitlines()) == 3
