"""``[providers.X.models.Y]`` declares what a model nobody catalogued can do (issue 17 item 4).

``reasoning``, ``tools``, ``vision``, ``context_window``/``max_output`` and prices; a custom
provider's model with ``reasoning = true`` gets a real thinking mapping for its protocol, so
``--thinking`` reaches the server instead of being dropped as "n/a".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.catalog import map_thinking
from playground.catalog.catalog import build_catalog
from playground.cli import main
from playground.config.loader import ConfigError, parse_config
from playground.endpoint import Protocol
from playground.request import ThinkingLevel
from playground.secret import mask
from tests.cli.conftest import AskResult

MODEL = "thinker?tps=0&ttft_ms=0"


def _config(text: str):
    return parse_config(text, Path("config.toml"))


def _provider(protocol: str, base_url: str, model_table: str) -> str:
    return (
        f'[providers.mybox]\nprotocol = "{protocol}"\nbase_url = "{base_url}"\n'
        f'[providers.mybox.models."{MODEL}"]\n{model_table}'
    )


DECLARED = """reasoning = true
tools = true
vision = false
context_window = 200000
max_output = 32000
price_input = 3.0
price_output = 15.0
"""


@pytest.mark.parametrize(
    ("protocol", "style"),
    [("anthropic", "budget"), ("openai", "toggle"), ("gemini", "toggle"), ("ollama", "toggle")],
)
def test_reasoning_true_gets_the_protocols_thinking_style(protocol: str, style: str) -> None:
    catalog = build_catalog(_config(_provider(protocol, "http://127.0.0.1:9/x", DECLARED)))
    model = catalog.model("mybox", MODEL)
    assert model.known and model.thinking is True
    assert model.thinking_options.style == style
    assert (model.tools, model.vision) == (True, False)
    assert (model.context_window, model.max_output) == (200_000, 32_000)
    assert (model.prices.input, model.prices.output) == (3.0, 15.0)
    plan = map_thinking(model, Protocol(protocol), ThinkingLevel.HIGH)
    assert plan.body_overrides, f"{protocol}: --thinking high sends nothing"


def test_anthropic_reasoning_sends_a_budget_below_max_tokens() -> None:
    catalog = build_catalog(_config(_provider("anthropic", "http://127.0.0.1:9", DECLARED)))
    plan = map_thinking(catalog.model("mybox", MODEL), Protocol.ANTHROPIC, ThinkingLevel.LOW)
    assert plan.body_overrides["thinking"] == {"type": "enabled", "budget_tokens": 4096}


def test_reasoning_false_means_no_thinking() -> None:
    catalog = build_catalog(
        _config(_provider("anthropic", "http://127.0.0.1:9", "reasoning = false\n"))
    )
    model = catalog.model("mybox", MODEL)
    assert model.thinking is False and model.thinking_options.style == "none"


def test_reasoning_and_thinking_must_agree() -> None:
    with pytest.raises(ConfigError, match="reasoning"):
        _config(_provider("openai", "http://127.0.0.1:9", "reasoning = true\nthinking = false\n"))


def test_custom_anthropic_model_with_reasoning_thinks_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sim_url: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(_provider("anthropic", f"{sim_url}/anthropic", DECLARED), encoding="utf-8")

    def ask(*args: str) -> AskResult:
        code = main(["ask", *args])
        captured = capsys.readouterr()
        return AskResult(code, captured.out, captured.err)

    result = ask(
        "--config", str(config), "-m", f"mybox/{MODEL}", "--thinking", "low", "--json", "why?"
    )
    assert result.code == 0, result.err
    thinking = "".join(e["text"] for e in result.of_type("thinking"))
    assert thinking, "the thinking level never reached the server"
    assert "budget_tokens=4096" in result.text()
    off = ask(
        "--config", str(config), "-m", f"mybox/{MODEL}", "--thinking", "off", "--json", "why?"
    )
    assert "Thinking is off" in off.text()


def test_ad_hoc_custom_specs_take_settings_and_models_from_their_template_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sim_url: str
) -> None:
    text = (
        '[providers.anthropic-custom]\napi_key = "sk-local"\n'
        f'[providers.anthropic-custom.models."{MODEL}"]\nreasoning = true\n'
    )
    catalog = build_catalog(_config(text))
    model = catalog.model("anthropic-custom", MODEL)
    assert model.known and model.thinking_options.style == "budget"
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    spec = f"anthropic-custom:{sim_url}/anthropic#{MODEL}"
    code = main(["ask", "--config", str(config), "-m", spec, "--thinking", "low", "--json", "why?"])
    result = AskResult(code, *capsys.readouterr())
    assert code == 0, result.err
    assert "budget_tokens=4096" in result.text()
    assert "".join(e["text"] for e in result.of_type("thinking"))


@pytest.mark.parametrize(
    ("scheme", "family", "env"),
    [
        ("custom", "openai/v1", "CUSTOM_API_KEY"),
        ("anthropic-custom", "anthropic", "ANTHROPIC_CUSTOM_API_KEY"),
    ],
)
def test_a_custom_table_with_a_base_url_is_a_provider_of_the_schemes_protocol(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sim_url: str,
    scheme: str,
    family: str,
    env: str,
) -> None:
    """``[providers.custom] base_url = …`` needs no ``protocol``: ``custom/MODEL`` speaks
    OpenAI (``anthropic-custom`` Anthropic) there, with the scheme's key variable."""
    import httpx

    key = "sk-tablekey-" + scheme.replace("-", "") + "0123456789"
    monkeypatch.setenv(env, key)
    config = tmp_path / "config.toml"
    config.write_text(f'[providers.{scheme}]\nbase_url = "{sim_url}/{family}"\n', encoding="utf-8")
    model = f"echo?tps=0&ttft_ms=0&run=table-{scheme}"
    code = main(["ask", "--config", str(config), "-m", f"{scheme}/{model}", "--json", "hi table"])
    result = AskResult(code, *capsys.readouterr())
    assert code == 0, result.err
    assert result.text() == "hi table"
    requests = httpx.get(f"{sim_url}/_sim/requests", timeout=5).json()["requests"]
    (seen,) = [r for r in requests if r["model"] == model]
    assert seen["credential"] == mask(key)
