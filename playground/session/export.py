"""Markdown rendering of a session (from :meth:`Session.to_dict`; keys never appear)."""

from __future__ import annotations

import json
from typing import Any

from playground.session.metrics import wait_text


def session_markdown(data: dict[str, Any]) -> str:
    """Render a session as Markdown: one section per pane, one subsection per turn.

    Each turn names the model it was sent to, and a change of model between two turns is
    marked, so a pane whose model was switched reads correctly.
    """
    lines = [f"# Playground session {data['id']}", ""]
    if data.get("system"):
        lines += [f"System prompt: {data['system']}", ""]
    for pane in data["panes"]:
        chain = " → ".join(pane["chain"])
        lines += [f"## Pane {pane['pane'] + 1}: {pane['spec']}", ""]
        if chain != pane["spec"]:
            lines += [f"Chain: {chain}", ""]
        previous = None
        for number, turn in enumerate(pane["turns"], start=1):
            if previous is not None and turn["spec"] != previous:
                lines += [f"_model changed: {previous} → {turn['spec']}_", ""]
            lines += _turn_markdown(number, turn)
            previous = turn["spec"]
    return "\n".join(lines).rstrip() + "\n"


def _turn_markdown(number: int, turn: dict[str, Any]) -> list[str]:
    heading = f"### Turn {number} · {turn['spec']} · thinking {turn['thinking_level']}"
    lines = [f"{heading} · {turn['status']}", ""]
    lines += ["**You:**", "", turn["prompt"], ""]
    if turn["images"]:
        lines += [f"Images: {', '.join(turn['images'])}", ""]
    for event in turn["router_events"]:
        lines.append(f"- {_router_line(event)}")
    if turn["router_events"]:
        lines.append("")
    if turn["thinking"]:
        quoted = "\n".join(f"> {line}" for line in turn["thinking"].splitlines())
        lines += ["<details><summary>Thinking</summary>", "", quoted, "", "</details>", ""]
    for call in turn["tool_calls"]:
        arguments = json.dumps(call["arguments"], ensure_ascii=False)
        lines.append(f"- tool call `{call['name']}({arguments})`")
    for result in turn["tool_results"]:
        marker = "error" if result.get("is_error") else "result"
        lines.append(f"- tool {marker} `{result['name']}`: {result['content']}")
    if turn["tool_calls"] or turn["tool_results"]:
        lines.append("")
    if turn["text"]:
        lines += ["**Assistant:**", "", turn["text"], ""]
    if turn["error"]:
        lines += [f"**Error ({turn['error'].get('kind')}):** {turn['error'].get('message')}", ""]
    metrics = turn.get("metrics") or {}
    if metrics:
        lines += [f"_{_metrics_line(metrics)}_", ""]
    return lines


def _router_line(event: dict[str, Any]) -> str:
    kind = event.get("type")
    if kind == "retry":
        wait = wait_text(float(event.get("delay_s", 0)))
        return f"retry {event.get('candidate')} {wait} ({event.get('reason')})"
    if kind == "fallback":
        return f"fallback {event.get('from')} → {event.get('to')} ({event.get('reason')})"
    details = ", ".join(f"{k}={v}" for k, v in event.items() if k != "type")
    return f"{kind}: {details}"


def _metrics_line(metrics: dict[str, Any]) -> str:
    parts = []
    if metrics.get("answered_by"):
        parts.append(f"answered by {metrics['answered_by']}")
    if metrics.get("ttft_ms") is not None:
        parts.append(f"TTFT {metrics['ttft_ms']:.0f} ms")
    if metrics.get("tokens_per_s") is not None:
        parts.append(f"{metrics['tokens_per_s']:.0f} tok/s")
    parts.append(f"{metrics.get('input_tokens', 0)} in · {metrics.get('output_tokens', 0)} out")
    if metrics.get("cost_usd") is not None:
        parts.append(f"${metrics['cost_usd']:.4f}")
    return " · ".join(parts)
