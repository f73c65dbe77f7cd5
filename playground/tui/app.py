"""The Playground app: side-by-side streaming panes, picker, credentials, thinking, fallbacks.

Everything here renders what the core emits: sessions, panes and metrics come from
:mod:`playground.session`; retries and fallbacks from the reliability router; credential
facts from :mod:`playground.credentials`. No protocol, credential or retry logic lives here.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from playground.limits import MAX_PANES
from playground.request import ImagePart, ThinkingLevel
from playground.tui.frame_clock import FRAMES_PER_S, FrameClock, call_later
from playground.tui.line_compositor import LineUpdateScreen
from playground.tui.startup import (
    FIRST_RUN_HINT,
    FIRST_RUN_PANES,
    AppOptions,
    StartupPlan,
    plan_startup,
)
from playground.tui.styles_path import stylesheet_paths
from playground.tui.widgets.compare_table import ComparisonTable
from playground.tui.widgets.pane_grid import PaneGrid
from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.thinking_slider import ThinkingSlider
from playground.tui.widgets.timeline import TimelinePanel

# Imported where used, after the first frame (start-up is measured): chat panes and
# compare mode (blind mode, repeats) are not on the first screen.
if TYPE_CHECKING:
    from playground.config.schema import Config
    from playground.session import Pane, Session
    from playground.tools.demo import ToolSet
    from playground.tui.compare_mode import CompareMode
    from playground.tui.credential_states import ProviderCredential
    from playground.tui.widgets.chat_pane import ChatPane

MAIN_SCREEN_ACTIONS = frozenset(
    {
        "add_pane",
        "stop_pane",
        "close_pane",
        "change_model",
        "credentials",
        "toggle_timeline",
        "export",
        "toggle_tools",
        "attach_image",
        "stop_all",
        "retry_pane",
        "copy_answer",
        "clear",
        "select_pane",
        "move_pane",
        "sessions",
        "thinking",
        "pane_thinking",
        "toggle_compare",
        "toggle_blind",
        "vote",
        "toggle_sync",
        "maximise",
        "diff",
    }
)


def _count(number: int, noun: str) -> str:
    """``1 turn``, ``3 turns``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def freeze_survivors() -> None:
    """Collect the garbage made since the last freeze, then freeze what survived.

    Frozen objects are never collected, so freezing without collecting first would keep
    every per-frame reference cycle (Textual's strips cache themselves) for the app's
    lifetime: ~50 MB after 1M streamed tokens. The collection only walks objects made since
    the last freeze, so it stays short however long the transcript grows.
    """
    gc.collect()
    gc.freeze()


class TopBar(Static):
    """Title and a one-line summary of the session."""


class HintLine(Static):
    """A dismissable hint (first run: how to add real keys)."""


class ControlsBar(Horizontal):
    """Thinking slider, tools and image state."""


class ToolsState(Static):
    """Which tools are offered to every pane."""


class ImageState(Static):
    """The image attached to the next prompt."""


class PlaygroundApp(App[None]):
    """The terminal model playground."""

    TITLE = "Playground"
    CSS_PATH = stylesheet_paths()  # type: ignore[assignment]
    ENABLE_COMMAND_PALETTE = True

    # App keys are priority bindings (they work while the prompt has focus), so none of them
    # may be a key the prompt (a TextArea) edits with: ctrl+a/e/k/u/w/d/x/c/v/z/y, f6, f7,
    # alt+backspace, alt+delete. tests/tui/test_app_keys.py checks this.
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("ctrl+n", "add_pane", "add pane", id="add_pane", priority=True),
        Binding("f8", "close_pane", "close pane", id="close_pane", priority=True),
        Binding("ctrl+o", "change_model", "model", id="change_model", priority=True),
        Binding("f2", "credentials", "keys", id="credentials", priority=True),
        Binding("f3", "sessions", "sessions", id="sessions", priority=True),
        Binding("ctrl+t", "toggle_timeline", "timeline", id="toggle_timeline", priority=True),
        Binding("ctrl+s", "export", "export", id="export", priority=True),
        Binding("ctrl+g", "toggle_tools", "tools", id="toggle_tools", priority=True),
        Binding("ctrl+b", "attach_image", "image", id="attach_image", show=False, priority=True),
        Binding("escape", "stop_all", "stop all", id="stop_all"),
        Binding("ctrl+r", "retry_pane", "retry", id="retry_pane", show=False, priority=True),
        Binding("f5", "copy_answer", "copy", id="copy_answer", show=False, priority=True),
        Binding("ctrl+l", "clear", "clear", id="clear", show=False, priority=True),
        Binding(
            "alt+left", "select_pane(-1)", "prev pane", id="prev_pane", show=False, priority=True
        ),
        Binding(
            "alt+right", "select_pane(1)", "next pane", id="next_pane", show=False, priority=True
        ),
        Binding(
            "alt+shift+left",
            "move_pane(-1)",
            "move left",
            id="move_left",
            show=False,
            priority=True,
        ),
        Binding(
            "alt+shift+right",
            "move_pane(1)",
            "move right",
            id="move_right",
            show=False,
            priority=True,
        ),
        Binding(
            "alt+up", "thinking(1)", "more thinking", id="thinking_up", show=False, priority=True
        ),
        Binding(
            "alt+down",
            "thinking(-1)",
            "less thinking",
            id="thinking_down",
            show=False,
            priority=True,
        ),
        Binding(
            "f4", "pane_thinking", "pane thinking", id="pane_thinking", show=False, priority=True
        ),
        Binding("f10", "toggle_compare", "compare", id="toggle_compare", show=False, priority=True),
        Binding("f11", "toggle_blind", "blind", id="toggle_blind", show=False, priority=True),
        Binding("f12", "vote", "vote", id="vote", show=False, priority=True),
        Binding(
            "alt+s", "toggle_sync", "scroll together", id="toggle_sync", show=False, priority=True
        ),
        Binding("alt+m", "maximise", "maximise", id="maximise", show=False, priority=True),
        Binding("alt+d", "diff", "diff answers", id="diff", show=False, priority=True),
        Binding("f9", "toggle_dark", "light/dark", id="toggle_dark", show=False, priority=True),
        Binding("ctrl+q", "quit", "quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        options: AppOptions | None = None,
        *,
        config: Config | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.options = options or AppOptions()
        self.clock = clock
        self.frame_clock = FrameClock(
            call_later, housekeeping=freeze_survivors, on_error=self._handle_exception
        )
        self._config = config
        self.session: Session | None = None
        self.catalog: Any = None
        self.overlay: Any = None
        self.tools: ToolSet | None = None
        self.tools_label = "off"
        self.image: ImagePart | None = None
        self.image_label = ""
        self.active_index = 0
        self.hint = ""
        self._credentials: dict[str, ProviderCredential] | None = None
        self._turn_started: dict[str, float] = {}

    @cached_property
    def compare(self) -> CompareMode:
        """Compare mode: the comparison table, blind mode, votes, Repeat, side by side
        (built on first use, after the first frame)."""
        from playground.tui.compare_mode import CompareMode

        return CompareMode(self)

    # --- composition ---------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The main screen: its partial updates render only the lines that changed."""
        return LineUpdateScreen(id="_default")

    def compose(self) -> ComposeResult:
        # Size classes before the widgets are styled: setting them later restyles every node.
        self._fit_layout(update=False)
        yield TopBar("Playground", id="top-bar")
        yield HintLine("", id="hint")
        with Horizontal(id="main"):
            yield PaneGrid(id="panes")
            yield TimelinePanel(id="timeline")
        yield ComparisonTable(id="compare-table")
        with ControlsBar(id="controls"):
            yield ThinkingSlider(ThinkingLevel.OFF, id="thinking")
            yield ToolsState("", id="tools-state")
            yield ImageState("", id="image-state")
        yield PromptInput(id="prompt")
        yield Footer()

    @property
    def config(self) -> Config:
        """The loaded configuration."""
        if self._config is None:
            from playground.config.loader import load_config

            self._config = load_config(self.options.config_path)[0]
        return self._config

    @property
    def grid(self) -> PaneGrid:
        """The pane grid, on the main screen (also while a dialog is on top: ``query_one``
        would look in the dialog)."""
        return self.screen_stack[0].query_one(PaneGrid)

    @property
    def chat_panes(self) -> list[ChatPane]:
        """Panes in display order."""
        from playground.tui.widgets.chat_pane import ChatPane

        return list(self.grid.query_children(ChatPane))

    @property
    def active_pane(self) -> ChatPane | None:
        """The pane per-pane actions apply to (highlighted)."""
        panes = self.chat_panes
        if not panes:
            return None
        self.active_index = max(0, min(self.active_index, len(panes) - 1))
        return panes[self.active_index]

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        """An SVG screenshot whose spaces survive every SVG renderer.

        Rich writes each styled run as its own ``<text>`` element; without
        ``xml:space="preserve"`` SVG 1.1 renderers (librsvg, hence most image viewers and
        converters) strip a run's leading and trailing spaces, so ``✓ done`` + ``  TTFT``
        would show as ``✓ doneTTFT``. The terminal cells themselves were always right.
        """
        svg = super().export_screenshot(title=title, simplify=simplify)
        return svg.replace("<svg ", '<svg xml:space="preserve" ', 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Main-screen actions are off while a dialog is open (their keys are priority
        bindings so the prompt's own editing keys do not swallow them)."""
        return not (action in MAIN_SCREEN_ACTIONS and len(self.screen_stack) > 1)

    def on_resize(self, event: events.Resize) -> None:
        # The event carries the new size; ``self.size`` may still be the previous one.
        self._fit_layout(event.size.width, event.size.height)
        # Its columns depend on the width; after the refresh, so not on the first frame.
        self.call_after_refresh(lambda: self.compare.refresh_table())

    def _fit_layout(
        self, width: int | None = None, height: int | None = None, *, update: bool = True
    ) -> None:
        """Short terminals trade borders for rows; narrow ones put the timeline below.

        ``update=False`` only sets the classes (for widgets not styled yet).
        """
        width = self.size.width if width is None else width
        height = self.size.height if height is None else height
        self.screen.update_classes({"-short": height < 32, "-narrow": width < 110}, update=update)

    async def on_mount(self) -> None:
        self.query_one("#timeline").display = False
        self.query_one(ComparisonTable).display = False
        self.query_one(PromptInput).focus()
        self._refresh_summary()
        # Paint the first frame, then load the config and open the session.
        self.call_after_refresh(self._start_session)

    async def _start_session(self) -> None:
        from playground.config.loader import ConfigError

        try:
            config = self.config
        except ConfigError as exc:  # one clear line after the app closes, exit code 2
            self.exit(return_code=2, message=f"playground: {exc}")
            return
        self._apply_theme(config.ui.theme)
        if config.ui.bindings:
            self._apply_keymap(config.ui.bindings)
        try:
            await self._open_session()
        except Exception as exc:  # one clear line, never a traceback
            self.notify(str(exc), title="could not open the session", severity="error", timeout=15)
        self._refresh_summary()
        self.compare.mount()
        # Everything built so far lives as long as the app: keep it out of full collections.
        gc.freeze()

    def _apply_theme(self, configured: str) -> None:
        """The theme last chosen in the app, else the configured one; later changes are
        remembered in the preferences file."""
        from playground.tui.preferences import Preferences

        remembered = Preferences.load().theme
        for name in (remembered, configured):
            if name and name in self.available_themes:
                self.theme = name
                break
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Any) -> None:
        from playground.tui.preferences import Preferences

        preferences = Preferences.load()
        if preferences.theme == theme.name:
            return
        try:
            preferences.set_theme(theme.name)
        except OSError as exc:  # a read-only data dir costs only the memory of the theme
            self.notify(f"cannot save the theme: {exc.strerror}", severity="warning")

    def _apply_keymap(self, remaps: dict[str, str]) -> None:
        """Apply ``[ui] bindings``; an unknown id or a key that is taken is reported, and
        never drops another binding."""
        from playground.tui.keymap import check_keymap, editing_keys

        reserved = editing_keys(PromptInput.BINDINGS)  # type: ignore[arg-type]
        reserved.update({"ctrl+p": "command palette", "ctrl+c": "copy", "enter": "send"})
        checked = check_keymap(remaps, self.BINDINGS, reserved)
        for problem in checked.problems:
            self.notify(problem, title="[ui] bindings", severity="warning", timeout=15)
        if checked.keymap:
            self.set_keymap(checked.keymap)

    async def _open_session(self) -> None:
        from playground.session import Session

        self.overlay = self._framework_overlay()
        resumed = self._resume_session() if self.options.resume else None
        if resumed is not None:
            self.session = resumed
            plan = StartupPlan([])
        else:
            self.session = Session.open(
                self.config,
                overlay=self.overlay,
                persist=self.options.persist,
                sessions_dir=self.options.sessions_dir,
                clock=self.clock,
            )
            plan = self._startup_plan()
        self.catalog = self.session.resolver.catalog
        self.session.read_interval_s = 1.0 / FRAMES_PER_S  # no read more often than a frame
        if self.options.thinking is not None:
            self.session.thinking = ThinkingLevel(self.options.thinking)
        self.query_one(ThinkingSlider).level = self.session.thinking
        for spec in plan.panes:
            self._add_session_pane(spec, notify=True)
        if plan.panes and not self.session.panes and not self.options.models:
            # Not one configured pane could open (each said why): the demo, not a blank app.
            plan = StartupPlan(list(FIRST_RUN_PANES), hint=FIRST_RUN_HINT)
            for spec in plan.panes:
                self._add_session_pane(spec, notify=True)
        self.hint = plan.hint
        hint = self.query_one(HintLine)
        hint.update(plan.hint)
        hint.display = bool(plan.hint)
        for pane in list(self.session.panes):
            await self._mount_pane(pane)
        self._highlight_active()

    def _resume_session(self) -> Session | None:
        """The session ``--resume`` names (the newest one with turns when it names none), or
        None (with a note) when there is none to resume."""
        from playground.session import find_session, latest_session_file

        wanted = self.options.resume
        if isinstance(wanted, str):
            path = find_session(wanted, self.options.sessions_dir)
            if path is None:
                self.notify(
                    f"cannot resume {wanted!r}: no such saved session (`playground sessions` "
                    "lists them); starting a new one",
                    title="--resume",
                    severity="warning",
                )
                return None
        else:
            path = latest_session_file(self.options.sessions_dir, with_turns=True)
            if path is None:
                self.notify(
                    "nothing to resume: no saved session has a conversation; starting a new one",
                    title="--resume",
                    severity="warning",
                )
                return None
        return self._reopen(path)

    def _reopen(self, path: Path) -> Session | None:
        """Reopen the session saved in ``path`` (None with a note when it cannot be read)."""
        from playground.session import Session, SessionError

        try:
            session = Session.resume(
                path,
                config=self.config,
                overlay=self.overlay,
                sessions_dir=self.options.sessions_dir,
                clock=self.clock,
            )
        except (SessionError, OSError) as exc:
            self.notify(f"{exc}; starting a new one", title="--resume", severity="warning")
            return None
        for note in session.resume_notes:
            self.notify(note, severity="warning")
        return session

    def _startup_plan(self) -> StartupPlan:
        if self.overlay is not None and not self.options.models:
            routes = list(getattr(self.overlay, "routes", {}) or {})
            if routes:
                return StartupPlan(routes[:MAX_PANES])
        return plan_startup(
            self.config,
            self.session.resolver.catalog,  # type: ignore[union-attr]
            models=self.options.models,
            sessions_dir=self.options.sessions_dir,
        )

    def _framework_overlay(self) -> Any:
        if not self.options.from_path:
            return None
        from playground.frameworks import framework_overlay, load_framework

        report = load_framework(self.options.from_path, self.options.framework)
        for error in report.errors:
            self.notify(error, title="--from", severity="error", timeout=15)
        overlay = framework_overlay(report)
        for key in overlay.locked:
            hint = getattr(key, "unlock_hint", None) or "it is locked"
            self.notify(f"{key.source_label}: {hint}", title="locked key", severity="warning")
        return overlay

    def _add_session_pane(self, spec: str, *, notify: bool = False) -> Pane | None:
        from playground.resolve import ResolveError

        assert self.session is not None
        try:
            return self.session.add_pane(spec)
        except ResolveError as exc:
            if notify:
                self.notify(str(exc), title=f"cannot open {spec}", severity="error", timeout=10)
            return None

    async def _mount_pane(self, pane: Pane) -> ChatPane:
        from playground.tui.widgets.chat_pane import ChatPane

        view = ChatPane(pane, clock=self.clock)
        await self.grid.mount(view)
        self.grid.relayout()
        if pane.turns:
            await view.show_turns(pane.turns)
            # A restored conversation opens at its latest turn: scroll once laid out.
            self.call_after_refresh(view.follow)
        self.compare.layout_changed()
        self._refresh_summary()
        return view

    # --- summary line --------------------------------------------------------------------

    def _refresh_summary(self) -> None:
        session = self.session
        text = Text("Playground", style="bold")
        if session is not None:
            count = len(session.panes)
            text.append(f"   {count} pane{'s' if count != 1 else ''}")
            text.append(f" · thinking {session.thinking}")
            busy = sum(1 for p in session.panes if p.busy)
            if busy:
                text.append(f" · {busy} streaming", style="bold")
        text.append("   ^p commands", style="dim")
        self.query_one(TopBar).update(text)
        tools = self.query_one(ToolsState)
        tools.update(Text.assemble(("Tools ", "bold"), self.tools_label))
        image = self.query_one(ImageState)
        image.update(Text.assemble(("Image ", "bold"), self.image_label or "none"))

    def _highlight_active(self) -> None:
        active = self.active_pane
        for pane in self.chat_panes:
            pane.set_class(pane is active, "-active")

    # --- sending -------------------------------------------------------------------------

    @on(PromptInput.Submitted)
    def _send_prompt(self, message: PromptInput.Submitted) -> None:
        if self.session is None or not self.chat_panes:
            self.notify("no panes: press ctrl+n to add one", severity="warning")
            return
        if self.compare.refuses_prompt():
            return
        idle = [view for view in self.chat_panes if not view.busy]
        names = zip(self.chat_panes, self.compare.pane_names(), strict=True)
        busy = [name for view, name in names if view.busy]
        if not idle:
            self.notify(
                f"still streaming: {', '.join(busy)} — press escape to stop", severity="warning"
            )
            return
        if busy:
            self.notify(
                f"sent to {len(idle)} idle pane{'s' if len(idle) != 1 else ''}; "
                f"still streaming: {', '.join(busy)}"
            )
        message.prompt.clear()
        self.compare.prompt_sent()
        self.query_one(HintLine).display = False
        images = [self.image] if self.image else []
        labels = [self.image_label] if self.image else []
        for view in idle:
            stream = view.pane.send(message.text, images=images, tools=self.tools)
            self._turn_started[view.pane.id] = self.clock()
            view.start(stream, message.text, labels)
        self.image = None
        self.image_label = ""
        self._refresh_summary()

    def on_chat_pane_stream_started(self, message: ChatPane.StreamStarted) -> None:
        self.compare.stream_started(message.pane)
        self.call_after_refresh(self._refresh_summary)
        self.call_after_refresh(self.compare.refresh_table)

    def on_chat_pane_stream_finished(self, message: ChatPane.StreamFinished) -> None:
        pane = message.pane.pane
        error = pane.turns[-1].error if pane.turns else None
        if message.status == "failed" and error:
            title, text = self.compare.failure_notice(message.pane, str(error.get("message")))
            self.notify(text, title=title, severity="error")
        self._refresh_summary()
        self._refresh_breakers()
        self.compare.stream_finished(message.pane, message.status)

    def release_frozen_objects(self) -> None:
        """Let the garbage collector see everything again and collect once.

        While streaming, long-lived objects are frozen (``gc.freeze``) so full collections
        stay short. Streaming itself leaves no cyclic garbage behind (measured: a full
        collection after 100k tokens frees nothing), but removed widgets do (parent and
        child refer to each other), so clearing or closing panes collects once.
        """
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def on_chat_pane_router_event(self, message: ChatPane.RouterEvent) -> None:
        started = self._turn_started.get(message.pane.pane.id, message.at)
        index = self.chat_panes.index(message.pane) + 1 if message.pane in self.chat_panes else 0
        label = f"[{index}] {message.pane.pane.spec}"
        self.query_one(TimelinePanel).add(label, message.event, message.at - started)
        self._refresh_breakers()

    def _refresh_breakers(self) -> None:
        if self.session is None or not self.session.panes:
            return
        states: list[tuple[str, str]] = []
        seen: set[str] = set()
        for pane in self.session.panes:
            for candidate in pane.target.chain:
                if candidate.label in seen:
                    continue
                seen.add(candidate.label)
                try:
                    state = self.session.router.state(candidate.label)
                except Exception:  # health is informative only
                    continue
                parts = []
                if state.breaker.value != "closed":
                    parts.append(f"breaker {state.breaker.value} ({state.breaker_in_s:.1f} s)")
                if state.cooldown_in_s > 0:
                    parts.append(f"cooling {state.cooldown_in_s:.1f} s")
                if state.consecutive_failures:
                    parts.append(f"{state.consecutive_failures} failures")
                if parts:
                    states.append((candidate.label, " · ".join(parts)))
        self.query_one(TimelinePanel).show_states(states)

    # --- global actions ------------------------------------------------------------------

    def action_stop_all(self) -> None:
        """Stop every streaming pane and say which (escape: a prompt goes to every pane, so
        stopping it stops them all; ``s`` on a focused pane or "Stop pane" stops one)."""
        self.compare.stopped_all()
        shown = dict(zip(self.chat_panes, self.compare.pane_names(), strict=True))
        streaming = [view for view in self.chat_panes if view.busy]
        for view in streaming:
            view.stop()
        if streaming:
            names = ", ".join(shown[view] for view in streaming)
            self.notify(f"stopped {_count(len(streaming), 'stream')}: {names}")

    def action_clear(self) -> None:
        """Clear every pane's conversation (models stay), after asking when there is one."""
        turns = sum(len(view.pane.turns) for view in self.chat_panes)
        if not turns:
            self.notify("nothing to clear")
            return
        from playground.tui.screens.confirm import ConfirmDialog

        count = len(self.chat_panes)
        summary = f"{_count(count, 'pane')}, {_count(turns, 'turn')}"

        async def answered(confirmed: bool | None) -> None:
            if confirmed:
                await self._clear_all()
                self.notify(f"cleared {summary}")

        self.push_screen(
            ConfirmDialog(
                f"Clear every conversation ({summary})?",
                "The models stay; what was said is gone from the screen and from this "
                "session (exports and earlier sessions keep theirs).",
                "Clear",
            ),
            answered,
        )

    async def _clear_all(self) -> None:
        for view in self.chat_panes:
            await view.clear()
        self.query_one(TimelinePanel).clear()
        self._refresh_summary()
        self.release_frozen_objects()

    def action_sessions(self) -> None:
        """List saved sessions; Enter reopens one."""
        from playground.session import list_sessions
        from playground.tui.screens.sessions import SessionList

        if self.compare.refuses_while_blind("the sessions list"):
            return
        current = self.session.store.path if self.session is not None else None
        self.push_screen(
            SessionList(list_sessions(self.options.sessions_dir), current), self._session_picked
        )

    async def _session_picked(self, path: Path | None) -> None:
        if path is None or self.session is None:
            return
        if path == self.session.store.path:
            self.notify("that is the session already open")
            return
        resumed = self._reopen(path)
        if resumed is None:
            return
        await self._replace_session(resumed)
        turns = sum(len(p.turns) for p in resumed.panes)
        self.notify(f"opened session {resumed.id} ({_count(turns, 'turn')})")

    async def action_new_session(self) -> None:
        """Start a new session with the same panes (the old one stays saved)."""
        from playground.session import Session

        if self.session is None:
            return
        specs = [p.spec for p in self.session.panes]
        thinking = self.session.thinking
        session = Session.open(
            self.config,
            overlay=self.overlay,
            persist=self.options.persist,
            sessions_dir=self.options.sessions_dir,
            clock=self.clock,
        )
        session.thinking = thinking
        for spec in specs:
            try:
                session.add_pane(spec)
            except Exception as exc:  # the same spec resolved a moment ago; say why not now
                self.notify(str(exc), title=f"cannot open {spec}", severity="error")
        await self._replace_session(session)
        self.notify("new session started")

    async def _replace_session(self, session: Session) -> None:
        """Close the open session (it stays saved) and show ``session`` instead."""
        assert self.session is not None
        for view in self.chat_panes:
            view.stop()
        await self.session.aclose()
        self.session = session
        await self.grid.remove_children()
        self.query_one(TimelinePanel).clear()
        self.query_one(ThinkingSlider).level = session.thinking
        self.query_one(HintLine).display = False
        for pane in list(session.panes):
            await self._mount_pane(pane)
        self.active_index = 0
        self._highlight_active()
        self._refresh_summary()
        self.release_frozen_objects()

    def action_toggle_timeline(self) -> None:
        """Show or hide the fallback timeline (never while blind mode hides the models)."""
        panel = self.query_one(TimelinePanel)
        if not panel.display and self.compare.refuses_while_blind("the timeline"):
            return
        panel.display = not panel.display
        if panel.display:
            self.call_after_refresh(panel.redraw)
        self._refresh_breakers()

    def action_toggle_compare(self) -> None:
        """Show or hide the comparison table."""
        self.compare.toggle_table()

    def action_repeat(self) -> None:
        """Run every pane's last prompt N times; p50/p95 TTFT and tokens/s in the table."""
        self.compare.ask_repeat()

    def action_toggle_blind(self) -> None:
        """Blind mode on (panes as Model A, B…, shuffled) or off (names shown)."""
        self.compare.toggle_blind()

    def action_vote(self) -> None:
        """Vote on the panes' last answers in blind mode; the names are then revealed."""
        self.compare.vote()

    def action_leaderboard(self) -> None:
        """Show every model's rating from the saved votes."""
        self.compare.leaderboard()

    def action_toggle_sync(self) -> None:
        """Scroll the panes together, turn by turn (or each on its own again)."""
        self.compare.toggle_sync()

    def action_maximise(self) -> None:
        """Show the active pane alone, or every pane again."""
        self.compare.toggle_maximise()

    def action_diff(self) -> None:
        """A word diff of the active pane's last answer and the next pane's."""
        self.compare.diff()

    def action_toggle_dark(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_thinking(self, delta: int) -> None:
        """Move the global thinking level."""
        self.query_one(ThinkingSlider).action_step(delta)

    @on(ThinkingSlider.Changed, "#thinking")
    def _thinking_changed(self, message: ThinkingSlider.Changed) -> None:
        if self.session is None:
            return
        self.session.thinking = message.level
        for view in self.chat_panes:
            view.refresh_header()
        self._refresh_summary()

    def action_pane_thinking(self) -> None:
        """Set the active pane's own thinking level (or follow the global one again)."""
        from playground.tui.screens.pane_thinking import FOLLOW_GLOBAL, PaneThinking

        view = self.active_pane
        if view is None:
            return

        def chosen(level: ThinkingLevel | str | None) -> None:
            if level is None:
                return
            view.pane.thinking = None if level == FOLLOW_GLOBAL else ThinkingLevel(level)
            view.refresh_header()

        name = self.compare.pane_name(view)
        self.push_screen(PaneThinking(name, view.pane.effective_thinking()), chosen)

    def action_toggle_tools(self) -> None:
        """Offer the demo tools to every pane, or stop offering tools."""
        from playground.session import MAX_TOOL_STEPS
        from playground.tools.demo import demo_tools

        if self.tools is None:
            self.tools = demo_tools()
            names = ", ".join(spec.name for spec in self.tools.specs)
            self.tools_label = f"demo: {names} · ≤{MAX_TOOL_STEPS} steps"
        else:
            self.tools = None
            self.tools_label = "off"
        self._refresh_summary()

    def load_tools_file(self, path: str) -> None:
        """Offer the tools of a JSON-Schema file (same format as ``ask --tools``)."""
        from playground.tools.demo import ToolsFileError, load_tools_file

        try:
            self.tools = load_tools_file(path)
        except (ToolsFileError, OSError) as exc:
            self.notify(str(exc), title="tools file", severity="error")
            return
        from playground.session import MAX_TOOL_STEPS

        count = len(self.tools.specs)
        self.tools_label = f"{Path(path).name}: {count} tools · ≤{MAX_TOOL_STEPS} steps"
        self._refresh_summary()

    # --- per-pane actions ----------------------------------------------------------------

    def action_select_pane(self, delta: int) -> None:
        """Make the previous / next pane the active one."""
        panes = self.chat_panes
        if panes:
            self.active_index = (self.active_index + delta) % len(panes)
            self._highlight_active()
            self.compare.active_changed()

    def action_move_pane(self, delta: int) -> None:
        """Move the active pane left or right."""
        view = self.active_pane
        if view is None or self.session is None:
            return
        panes = self.chat_panes
        index = panes.index(view)
        target = max(0, min(len(panes) - 1, index + delta))
        if target == index:
            return
        self.session.move_pane(view.pane, target)
        other = panes[target]
        if delta < 0:
            self.grid.move_child(view, before=other)
        else:
            self.grid.move_child(view, after=other)
        self.active_index = target
        self._highlight_active()

    def on_descendant_focus(self, event: Any) -> None:
        if self.session is None:  # no pane yet (the prompt takes focus before the first frame)
            return
        from playground.tui.widgets.chat_pane import ChatPane

        widget = event.widget if hasattr(event, "widget") else None
        for node in widget.ancestors_with_self if widget is not None else ():
            if isinstance(node, ChatPane):
                self.active_index = self.chat_panes.index(node)
                self._highlight_active()
                break

    def action_stop_pane(self) -> None:
        """Stop the active pane."""
        if self.active_pane is not None:
            self.active_pane.stop()

    def action_retry_pane(self) -> None:
        """Send the active pane's last prompt again."""
        view = self.active_pane
        if view is None:
            return
        if view.busy:
            self.notify("this pane is still streaming", severity="warning")
            return
        self.retry_view(view)

    def retry_view(self, view: ChatPane) -> None:
        """Send ``view``'s last prompt again in place of its last turn (retry, repeat)."""
        previous = view.pane.turns[-1] if view.pane.turns else None
        try:
            stream = view.pane.retry()
        except RuntimeError as exc:
            self.notify(str(exc), severity="warning")
            return
        prompt = previous.prompt if previous is not None else ""
        images = list(previous.images) if previous is not None else []
        self._turn_started[view.pane.id] = self.clock()
        view.start(stream, prompt, images, replace_last=True)

    def action_copy_answer(self) -> None:
        """Copy the active pane's last answer to the clipboard."""
        view = self.active_pane
        if view is None or not view.last_answer:
            self.notify("nothing to copy yet", severity="warning")
            return
        self.copy_to_clipboard(view.last_answer)
        name = self.compare.pane_name(view)
        self.notify(f"copied {len(view.last_answer):,} characters from {name}")

    def action_close_pane(self) -> None:
        """Close the active pane, after asking when it holds a conversation."""
        view = self.active_pane
        if view is None or self.session is None:
            self.notify("no pane to close", severity="warning")
            return
        number = self.chat_panes.index(view) + 1
        turns = len(view.pane.turns)
        label = f"pane {number} ({self.compare.pane_name(view)}, {_count(turns, 'turn')})"
        if not turns:
            self.call_later(self._close, view, label)
            return
        from playground.tui.screens.confirm import ConfirmDialog

        async def answered(confirmed: bool | None) -> None:
            if confirmed:
                await self._close(view, label)

        self.push_screen(
            ConfirmDialog(
                f"Close {label}?",
                "Its conversation leaves the screen and this session; the other panes stay.",
                "Close",
            ),
            answered,
        )

    async def _close(self, view: ChatPane, label: str) -> None:
        if self.session is None or view not in self.chat_panes:
            return
        view.stop()
        self.session.remove_pane(view.pane)
        await view.remove()
        self.grid.relayout()
        self.compare.layout_changed()
        self._highlight_active()
        self._refresh_summary()
        self.release_frozen_objects()
        self.notify(f"closed {label}")

    def action_add_pane(self) -> None:
        """Pick a model for a new pane."""
        if len(self.chat_panes) >= MAX_PANES:
            self.notify(f"at most {MAX_PANES} panes", severity="warning")
            return
        self._open_picker(self._add_picked)

    async def _add_picked(self, spec: str | None) -> None:
        if not spec or self.session is None:
            return
        pane = self._add_session_pane(spec, notify=True)
        if pane is not None:
            await self._mount_pane(pane)
            self.active_index = len(self.chat_panes) - 1
            self._highlight_active()
            self._remember(spec)

    def action_change_model(self) -> None:
        """Pick another model for the active pane (its conversation is kept)."""
        if self.active_pane is None:
            self.action_add_pane()
            return
        self._open_picker(self._change_picked)

    async def _change_picked(self, spec: str | None) -> None:
        from playground.resolve import ResolveError

        view = self.active_pane
        if not spec or view is None:
            return
        if view.busy:
            self.notify("stop the pane before changing its model", severity="warning")
            return
        try:
            view.pane.set_model(spec)
        except ResolveError as exc:
            self.notify(str(exc), title=f"cannot use {spec}", severity="error")
            return
        view.refresh_header()
        self._remember(spec)

    def _open_picker(self, callback: Callable[[str | None], Any]) -> None:
        from playground.tui.screens.model_picker import ModelPicker

        self.push_screen(ModelPicker(self), callback)

    def _remember(self, spec: str) -> None:
        from playground.tui.preferences import Preferences

        Preferences.load().add_recent(spec)

    def action_credentials(self) -> None:
        """Open the credential panel (not while blind mode hides the models: it lists the
        providers in use first)."""
        from playground.tui.screens.credentials import CredentialPanel

        if self.compare.refuses_while_blind("the credential panel"):
            return
        self.push_screen(CredentialPanel(self))

    def credentials_changed(self, provider: str) -> None:
        """A key was stored or deleted: idle panes using ``provider`` re-resolve now."""
        from playground.resolve import ResolveError

        if self.session is None:
            return
        self.session.resolver.invalidate()  # resolved targets hold the keys read before
        for view in self.chat_panes:
            uses = any(c.provider == provider for c in view.pane.target.chain)
            if not uses or view.busy:
                continue
            try:
                view.pane.set_model(view.pane.spec)
            except ResolveError as exc:
                self.notify(str(exc), title=view.pane.spec, severity="warning")
            view.refresh_header()

    def credential_states(self) -> dict[str, ProviderCredential]:
        """Every provider's credential state (resolved offline once, then kept up to date)."""
        if self._credentials is None:
            from playground.tui.credential_states import collect_credentials

            self._credentials = collect_credentials(self.config, self.catalog, self.overlay)
        return self._credentials

    def providers_in_use(self) -> set[str]:
        """Providers of every candidate of every pane."""
        if self.session is None:
            return set()
        return {c.provider for p in self.session.panes for c in p.target.chain}

    def provider_base_url(self, slug: str) -> str | None:
        """The URL a live check should use (config override, or the embedded simulator)."""
        override = self.config.providers.get(slug)
        if override is not None and override.base_url:
            return override.base_url
        provider = self.catalog.provider(slug) if self.catalog is not None else None
        if provider is not None and provider.simulated and "://" not in provider.base_url:
            from playground.sim.embedded import sim_root_url

            return sim_root_url().rstrip("/") + "/" + provider.base_url.lstrip("/")
        return None

    def refresh_credentials(self, slug: str) -> None:
        """Re-resolve one provider's credential and let idle panes pick up the change."""
        from playground.credentials import resolve_credentials
        from playground.tui.credential_states import ProviderCredential, with_overlay_keys

        states = self.credential_states()
        provider = self.catalog.provider(slug)
        try:
            status = resolve_credentials(provider, self.config, catalog=self.catalog)
            states[slug] = ProviderCredential(provider, with_overlay_keys(status, self.overlay))
        except Exception as exc:  # keep the panel usable whatever a source does
            states[slug] = ProviderCredential(provider, None, error=str(exc))
        self.credentials_changed(slug)

    def action_export(self) -> None:
        """Export the session to Markdown or JSON (not while blind mode hides the models:
        every turn of an export names its model)."""
        from playground.tui.screens.export import ExportDialog

        if self.session is None or self.compare.refuses_while_blind("an export"):
            return
        self.push_screen(ExportDialog(self.session, self.options.exports_dir))

    def action_attach_image(self) -> None:
        """Attach an image file to the next prompt."""
        from playground.tui.screens.path_prompt import PathPrompt

        self.push_screen(
            PathPrompt("Attach an image", "path to a PNG, JPEG, GIF or WebP file"),
            self._attach_picked,
        )

    def action_tools_file(self) -> None:
        """Offer tools from a JSON-Schema file."""
        from playground.tui.screens.path_prompt import PathPrompt

        def picked(path: str | None) -> None:
            if path:
                self.load_tools_file(path)

        self.push_screen(PathPrompt("Tools file", "path to a JSON file of tools"), picked)

    def _attach_picked(self, path: str | None) -> None:
        if not path:
            return
        from playground.local_files import LocalFileError, read_image

        file = Path(path).expanduser()
        try:
            self.image = read_image(file)
        except LocalFileError as exc:
            self.notify(f"{file.name}: {exc}", title="image not attached", severity="error")
            return
        self.image_label = self.image.label
        names = zip(self.chat_panes, self.compare.pane_names(), strict=True)
        unseeing = [name for v, name in names if not v.pane.target.primary_model.vision]
        if unseeing:
            self.notify(
                f"{', '.join(unseeing)}: no vision support — the image will be refused there",
                title="image attached",
                severity="warning",
            )
        self._refresh_summary()

    # --- command palette -----------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        from playground.tui.palette import palette_commands

        for title, help_text, callback in palette_commands(self):
            yield SystemCommand(title, help_text, callback)

    def on_unmount(self) -> None:
        # The app is going away: its frozen objects must become collectable again.
        gc.unfreeze()

    async def action_quit(self) -> None:
        """Stop streams, flush the autosave and quit."""
        if self.session is not None:
            await self.session.aclose()
        gc.unfreeze()
        self.exit()
