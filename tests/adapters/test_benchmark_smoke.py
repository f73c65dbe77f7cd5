"""The adapter benchmark still runs end to end (tiny stream; the numbers are not judged)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "adapter_bench.py"


def test_benchmark_runs_every_family_against_its_baselines():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--chunks", "50", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr  # 1 = targets missed on a tiny stream
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    for family in ("openai", "anthropic", "gemini", "ollama"):
        assert family in rows
    assert "×" in rows["openai"] and "×" in rows["anthropic"]
    if importlib.util.find_spec("botocore") is not None:
        assert "×" in rows["bedrock"].split()[-1]  # compared with botocore's parser
