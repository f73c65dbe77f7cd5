"""Command palette entries: every app action, findable by name (ctrl+p)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playground.tui.app import PlaygroundApp


def palette_commands(app: PlaygroundApp) -> list[tuple[str, str, Callable[[], Any]]]:
    """(title, help, callback) for every action of the main screen."""
    return [
        ("Add pane", "Pick a model for a new pane", app.action_add_pane),
        ("Close pane", "Close the active pane (asks when it has turns)", app.action_close_pane),
        ("Change model", "Pick another model for the active pane", app.action_change_model),
        ("Credentials", "Check, set and delete API keys", app.action_credentials),
        ("Fallback timeline", "Show or hide retries and fallbacks", app.action_toggle_timeline),
        ("Comparison table", "Every pane's figures side by side", app.action_toggle_compare),
        ("Repeat last prompt", "Run it N times per pane: p50/p95 TTFT, tok/s", app.action_repeat),
        ("Blind mode", "Hide the models as A, B, C… until you vote", app.action_toggle_blind),
        ("Vote", "Blind mode: pick the best answer, then see the models", app.action_vote),
        ("Leaderboard", "Ratings of every model from the saved votes", app.action_leaderboard),
        ("Scroll together", "Scroll every pane to the same turn", app.action_toggle_sync),
        ("Maximise pane", "Show the active pane alone (again: all)", app.action_maximise),
        ("Diff answers", "Word diff of two panes' last answers", app.action_diff),
        ("Export session", "Save the session as Markdown or JSON", app.action_export),
        ("Toggle demo tools", "Offer calculator, clock and weather", app.action_toggle_tools),
        ("Load tools file", "Offer tools from a JSON-Schema file", app.action_tools_file),
        ("Attach image", "Attach an image to the next prompt", app.action_attach_image),
        ("Stop all", "Stop every streaming pane", app.action_stop_all),
        ("Stop pane", "Stop the active pane", app.action_stop_pane),
        ("Retry pane", "Send the active pane's last prompt again", app.action_retry_pane),
        ("Copy answer", "Copy the active pane's last answer", app.action_copy_answer),
        ("Clear", "Clear every pane's conversation (asks first)", app.action_clear),
        ("New session", "Start a new session with the same panes", app.action_new_session),
        ("Sessions", "List saved sessions and reopen one", app.action_sessions),
        ("Move pane left", "Move the active pane left", lambda: app.action_move_pane(-1)),
        ("Move pane right", "Move the active pane right", lambda: app.action_move_pane(1)),
        ("Next pane", "Make the next pane active", lambda: app.action_select_pane(1)),
        ("Previous pane", "Make the previous pane active", lambda: app.action_select_pane(-1)),
        ("More thinking", "Raise the global thinking level", lambda: app.action_thinking(1)),
        ("Less thinking", "Lower the global thinking level", lambda: app.action_thinking(-1)),
        ("Pane thinking", "Set the active pane's own thinking level", app.action_pane_thinking),
        ("Light / dark", "Switch between light and dark theme", app.action_toggle_dark),
        ("Quit", "Stop streams, save the session and quit", app.action_quit),
    ]
