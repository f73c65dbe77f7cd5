"""The last step of building every adapter's JSON body: the request's overrides."""

from __future__ import annotations

from typing import Any

from playground.request import ChatRequest, deep_merge


def apply_overrides(
    body: dict[str, Any], request: ChatRequest, temperature_at: tuple[str, ...] = ("temperature",)
) -> dict[str, Any]:
    """Deep-merge ``request.body_overrides`` into ``body`` and return it.

    A top-level override of ``None`` removes that field (``stream_options = null`` for a
    server that rejects it). With ``request.drop_temperature`` the temperature at the path
    ``temperature_at`` is removed whatever the overrides said.
    """
    deep_merge(body, request.body_overrides)
    for key in [k for k, v in request.body_overrides.items() if v is None]:
        body.pop(key, None)
    if request.drop_temperature:
        container: Any = body
        for key in temperature_at[:-1]:
            container = container.get(key) if isinstance(container, dict) else None
        if isinstance(container, dict):
            container.pop(temperature_at[-1], None)
    return body
