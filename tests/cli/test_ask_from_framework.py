"""``playground ask --from PATH``: a framework's agents become routes, its keys are used."""

from __future__ import annotations

from tests.cli.minimal_streams import REPLIES
from tests.frameworks.samples import OPENAI_KEY, actionllama_era_c


def test_agent_name_selects_its_chain_with_the_frameworks_key(
    ask, capture, write_config, tmp_path, isolated_environment
) -> None:
    project = actionllama_era_c(tmp_path / "project", isolated_environment)
    capture.queue(REPLIES["openai"])
    config = write_config(f'[providers.openai]\nbase_url = "{capture.base_url}/v1"\n')
    result = ask("--config", config, "--from", str(project), "-m", "triage", "--json", "hi")
    assert result.code == 0, result.err
    assert result.of_type("done")[0]["answered_by"] == "openai/gpt-4o"
    (request,) = capture.requests
    assert request.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert OPENAI_KEY not in result.out + result.err


def test_unreadable_framework_path_is_a_usage_error(ask, tmp_path) -> None:
    result = ask("--from", str(tmp_path / "missing"), "-m", "sim/echo", "hi")
    assert result.code == 2
    assert "--from" in result.err and "no such file" in result.err
    assert len(result.err.strip().splitlines()) == 1
