"""Concrete next steps for credential and live-check failures: which variable, which command."""

from __future__ import annotations

from playground.catalog.types import ProviderInfo
from playground.config.schema import Config
from playground.credentials.types import CredentialStatus

_START_LOCAL = {
    "ollama": "start Ollama with `ollama serve`",
    "lmstudio": "start LM Studio's server with `lms server start` (or the Developer tab)",
    "llamacpp": "start llama.cpp with `llama-server -m MODEL.gguf`",
    "vllm": "start vLLM with `vllm serve MODEL`",
}


def set_key_hint(provider: ProviderInfo, env_name: str | None) -> str:
    """``set OPENAI_API_KEY or run `playground keys set openai```."""
    command = f"`playground keys set {provider.slug}`"
    return f"set {env_name} or run {command}" if env_name else f"run {command}"


def replace_key_hint(provider: ProviderInfo, source: str | None) -> str:
    """How to replace the key that came from ``source``."""
    command = f"`playground keys set {provider.slug}`"
    if source is None or source.startswith("keyring"):
        return f"run {command}"
    if source.startswith("env "):
        name = source.removeprefix("env ").split()[0]
        return f"update {name} or run {command}"
    if source.startswith("config"):
        field = source.split(" (")[0].removeprefix("config ")
        if "${" in source:
            variable = source.split("${", 1)[1].split("}", 1)[0]
            return f"update {variable} (the config's {field} refers to it)"
        return f"edit {field} in the config file"
    if source.startswith("credentials dir "):
        return f"replace the key in {source.removeprefix('credentials dir ').split(' line')[0]}"
    if source.startswith(".env "):
        return f"update {source.removeprefix('.env ')} in .env"
    return f"run {command}"


def start_local_hint(provider: ProviderInfo, url: str) -> str:
    """How to start a local server that did not answer."""
    return _START_LOCAL.get(provider.slug, f"start the {provider.name} server at {url}")


def credential_next_step(
    status: CredentialStatus, provider: ProviderInfo, config: Config
) -> str | None:
    """The next step for a credential judged without the network, or None when fine."""
    from playground.credentials.resolve import env_names

    if status.simulated:
        return None
    names = env_names(provider, config)
    if not status.keys:
        if not status.needs_key:
            return None
        unset = [p for p in status.problems if p.startswith("config api_key") and "not set" in p]
        if unset:
            variable = unset[0].split("${", 1)[1].split("}", 1)[0]
            return f"set {variable} (the config's api_key refers to it) or run " + (
                f"`playground keys set {provider.slug}`"
            )
        return set_key_hint(provider, names[0] if names else None)
    if status.format.ok is False:
        return f"check the key: {replace_key_hint(provider, status.source)}"
    return None
