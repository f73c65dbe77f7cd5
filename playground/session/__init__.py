"""Compare sessions: panes, transcripts, metrics, persistence and export (no Textual).

The TUI and ``playground ask`` share this model::

    session = Session.open(config)            # or Session.resume()
    pane = session.add_pane("sim/echo")       # ResolveError for an unusable spec
    async for event in pane.send("hello"):    # StreamEvents; pane.metrics is live
        ...
    await session.aclose()
"""

from playground.session.metrics import PaneMetrics, PaneStatus
from playground.session.pane import MAX_TOOL_STEPS, Pane
from playground.session.session import Session, SessionError
from playground.session.store import (
    SessionStore,
    SessionSummary,
    find_session,
    latest_session_file,
    list_sessions,
    prune_empty_sessions,
    sessions_dir,
)
from playground.session.transcript import Turn

__all__ = [
    "MAX_TOOL_STEPS",
    "Pane",
    "PaneMetrics",
    "PaneStatus",
    "Session",
    "SessionError",
    "SessionStore",
    "SessionSummary",
    "Turn",
    "find_session",
    "latest_session_file",
    "list_sessions",
    "prune_empty_sessions",
    "sessions_dir",
]
