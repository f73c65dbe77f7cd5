"""A compare session: panes side by side sharing config, resolver, router and HTTP client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.config.schema import Config
from playground.endpoint import Endpoint, Protocol
from playground.events import StreamEvent
from playground.request import ChatRequest, ImagePart, Message, ThinkingLevel
from playground.resolve import ResolvedTarget, Resolver, default_resolver
from playground.session.event_channel import EventChannel
from playground.session.pane import Pane, append_user_message, drop_last_turn
from playground.session.prompted import prompted_stream
from playground.session.store import SessionStore, latest_session_file, read_records
from playground.session.transcript import Turn, message_from_dict

if TYPE_CHECKING:
    from playground.catalog.types import ModelInfo
    from playground.tools.demo import ToolSet


class SessionError(Exception):
    """A session could not be opened or resumed; one line for the user."""


class Session:
    """Panes, the shared resolver / router / HTTP client, persistence and export.

    Build one with :meth:`open` (or :meth:`resume`); call :meth:`aclose` when done.
    ``thinking``, ``system`` and ``max_tokens`` apply to every pane (a pane may override
    thinking). Every change and every event batch is saved to ``store.path``.
    """

    def __init__(
        self,
        config: Config,
        resolver: Resolver,
        *,
        store: SessionStore | None = None,
        router: Any = None,
        client: Any = None,
        clock: Callable[[], float] = time.monotonic,
        session_id: str | None = None,
        router_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.config = config
        self.resolver = resolver
        self.store = store or SessionStore.disabled()
        self.clock = clock
        self.id = session_id or uuid.uuid4().hex[:12]
        self.panes: list[Pane] = []
        self._thinking: ThinkingLevel = config.defaults.thinking
        self._system: str | None = config.defaults.system
        self.max_tokens: int | None = config.defaults.max_tokens
        self._router = router
        self._router_options = dict(router_options or {})
        self._client = client
        self._owns_client = client is None
        self._models: dict[tuple[str, str], ModelInfo] = {}
        self.resume_notes: list[str] = []
        """Panes that could not be restored by :meth:`resume`, one line each."""
        self.read_interval_s = 0.0
        """Panes read a streaming answer at most once per this many seconds (0: as bytes
        arrive). A UI sets its frame interval: see :mod:`playground.adapters.read_pacing`."""

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        config: Config | None = None,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        overlay: Any = None,
        persist: bool = True,
        sessions_dir: Path | None = None,
        router: Any = None,
        client: Any = None,
        clock: Callable[[], float] = time.monotonic,
        router_options: Mapping[str, Any] | None = None,
    ) -> Session:
        """A new empty session over ``config``; saved under the data dir when ``persist``.

        ``router_options`` are passed to the shared :class:`~playground.reliability.Router`
        (``sleep``, ``clock``, ``rng``: tests make retries instant and deterministic).
        """
        config = config or Config()
        resolver = default_resolver(config, env=env, cwd=cwd, overlay=overlay)
        store = SessionStore.new(sessions_dir) if persist else SessionStore.disabled()
        session = cls(
            config,
            resolver,
            store=store,
            router=router,
            client=client,
            clock=clock,
            router_options=router_options,
        )
        store.header(session.id)
        return session

    @classmethod
    def resume(
        cls,
        path: Path | None = None,
        config: Config | None = None,
        *,
        sessions_dir: Path | None = None,
        **kwargs: Any,
    ) -> Session:
        """Reopen a saved session (the last one when ``path`` is None): panes, models,
        conversations and transcripts. A turn cut off by a crash is restored with the output
        saved before the crash and status ``interrupted``. New turns append to the same file.
        Panes whose model no longer resolves are skipped (listed in ``resume_notes``)."""
        path = path or latest_session_file(sessions_dir, with_panes=True)
        if path is None or not path.exists():
            raise SessionError("no saved session to resume (start one with `playground`)")
        records = read_records(path)
        if not records or records[0].get("t") != "session":
            raise SessionError(f"{path}: not a playground session file")
        config = config or Config()
        env = kwargs.pop("env", None)
        cwd = kwargs.pop("cwd", None)
        overlay = kwargs.pop("overlay", None)
        resolver = default_resolver(config, env=env, cwd=cwd, overlay=overlay)
        session = cls(
            config,
            resolver,
            store=SessionStore.reopen(path),
            session_id=records[0].get("id"),
            **kwargs,
        )
        session.resume_notes = _restore(session, records)
        return session

    @property
    def thinking(self) -> ThinkingLevel:
        """The session-wide thinking level (panes may override it); saved on change."""
        return self._thinking

    @thinking.setter
    def thinking(self, level: ThinkingLevel | str) -> None:
        self._thinking = ThinkingLevel(level)
        self.store.settings(thinking=str(self._thinking))

    @property
    def system(self) -> str | None:
        """The system prompt sent with every pane's requests; saved on change."""
        return self._system

    @system.setter
    def system(self, text: str | None) -> None:
        self._system = text or None
        self.store.settings(system=self._system)

    @property
    def started_router(self) -> Any:
        """The router if any pane has sent a request yet, else None (no side effects)."""
        return self._router

    # --- panes ----------------------------------------------------------------------------

    def add_pane(self, spec: str, *, thinking: ThinkingLevel | None = None) -> Pane:
        """Add a pane on a model or route (raises ``ResolveError`` for an unusable spec)."""
        pane = Pane(self, self.resolver.resolve(spec))
        pane.restore_thinking(thinking)
        self.panes.append(pane)
        self.store.pane(pane)
        return pane

    def remove_pane(self, pane: Pane) -> None:
        """Close a pane (stopping its turn if one is running)."""
        pane.stop()
        self.panes.remove(pane)
        self.store.pane_removed(pane)

    def move_pane(self, pane: Pane, index: int) -> None:
        """Move a pane to position ``index`` (clamped)."""
        self.panes.remove(pane)
        self.panes.insert(max(0, min(index, len(self.panes))), pane)
        self.store.order(self.panes)

    # --- sending --------------------------------------------------------------------------

    async def send_all(
        self,
        prompt: str,
        *,
        images: Sequence[ImagePart] = (),
        tools: ToolSet | None = None,
        thinking: ThinkingLevel | None = None,
    ) -> AsyncIterator[tuple[int, StreamEvent]]:
        """Send ``prompt`` to every pane concurrently; yields ``(pane index, event)``."""
        if len(self.panes) == 1:  # nothing to merge: no task and no hand-over per event
            stream = self.panes[0].send(prompt, images=images, tools=tools, thinking=thinking)
            async with contextlib.aclosing(stream) as events:
                async for event in events:
                    yield 0, event
            return
        channel: EventChannel[tuple[int, StreamEvent] | None] = EventChannel()

        async def pump(index: int, pane: Pane) -> None:
            put = channel.put
            try:
                async for event in pane.send(prompt, images=images, tools=tools, thinking=thinking):
                    put((index, event))
            finally:
                put(None)

        tasks = [asyncio.create_task(pump(i, p)) for i, p in enumerate(self.panes)]
        remaining = len(tasks)
        try:
            while remaining:
                for item in await channel.take():
                    if item is None:
                        remaining -= 1
                    else:
                        yield item
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def stop_all(self) -> None:
        """Stop every running turn."""
        for pane in self.panes:
            pane.stop()

    # --- what panes call ------------------------------------------------------------------

    @property
    def router(self) -> Any:
        """The shared reliability router (built on first use)."""
        if self._router is None:
            from playground.reliability import Router

            self._router = Router(
                self.config.reliability,
                self.client,
                stream_for=self._stream_for,
                **self._router_options,
            )
        return self._router

    @property
    def client(self) -> Any:
        """The shared ``httpx.AsyncClient`` (built on first use)."""
        if self._client is None:
            from playground.session.http_client import shared_client

            self._client = shared_client(
                connect_timeout_s=self.config.reliability.connect_timeout_s
            )
        return self._client

    def plan_request(
        self, request: ChatRequest, model: ModelInfo, protocol: Protocol
    ) -> tuple[ChatRequest, str]:
        """Apply the model's thinking mapping; returns the request and the effective label."""
        import copy

        from playground.catalog import apply_thinking

        planned = replace(request, body_overrides=copy.deepcopy(request.body_overrides))
        plan = apply_thinking(planned, model, protocol)
        return planned, plan.label

    def capability_problem(
        self, target: ResolvedTarget, message: Message, tools: ToolSet | None
    ) -> str | None:
        """Why this message cannot be sent to the target's primary model (None when it can)."""
        from playground.catalog import check_capabilities

        request = ChatRequest(
            model=target.primary.endpoints[0].model,
            messages=[message],
            tools=list(tools.specs) if tools else [],
        )
        return check_capabilities(target.primary_model, request)

    def warm_up(self, target: ResolvedTarget) -> None:
        """Build the router and HTTP client and import the target's adapters now, so the
        first request's time to first token measures the provider, not our imports."""
        from playground.adapters import get_stream
        from playground.catalog import capability_warnings, check_capabilities  # noqa: F401

        _ = self.router
        for protocol in set(target.protocols):
            get_stream(protocol)

    def capability_notes(
        self, target: ResolvedTarget, message: Message, tools: ToolSet | None
    ) -> list[str]:
        """Non-blocking notes for a turn: capabilities the catalog cannot vouch for, prompt-
        guided tools in use, and fallbacks of the target that were skipped."""
        from playground.catalog import capability_warnings

        request = ChatRequest(
            model=target.primary.endpoints[0].model,
            messages=[message],
            tools=list(tools.specs) if tools else [],
        )
        return [*capability_warnings(target.primary_model, request), *target.notes]

    def stream_target(self, target: ResolvedTarget, request: ChatRequest) -> AsyncIterator[Any]:
        """Stream ``request`` through the shared router over the target's chain.

        ``request`` carries the neutral thinking level; each candidate gets its own
        thinking mapping (and prompt-guided tools when it lacks native tool calling) in
        :meth:`_stream_for`, because the chain may mix protocol families.
        """
        return self.router.stream(request, list(target.chain))

    def model_info(self, provider: str, model_id: str) -> ModelInfo:
        """The catalog entry of ``provider/model_id`` (cached)."""
        key = (provider, model_id)
        info = self._models.get(key)
        if info is None:
            info = self._models[key] = self.resolver.catalog.model(provider, model_id)
        return info

    def _stream_for(self, protocol: Protocol) -> Any:
        """The router's adapter lookup: the protocol's adapter behind per-endpoint planning."""
        from playground.adapters import get_stream
        from playground.catalog import check_capabilities, needs_prompted_tools

        adapter = get_stream(protocol)

        def stream(
            request: ChatRequest, endpoint: Endpoint, client: Any, *, timeout: Any = None
        ) -> AsyncIterator[StreamEvent]:
            model = self.model_info(endpoint.provider, endpoint.model)
            refusal = check_capabilities(model, request)
            if refusal is not None:
                # A fallback hop that cannot take the request is refused, never sent blindly.
                return _refused(refusal)
            planned, _ = self.plan_request(request, model, endpoint.protocol)
            if needs_prompted_tools(model, planned):
                return prompted_stream(adapter, planned, endpoint, client, timeout)
            return adapter(planned, endpoint, client, timeout=timeout)

        return stream

    # --- transcript and export ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The whole session as JSON-ready data (no keys: only masked ones ever appear)."""
        return {
            "id": self.id,
            "thinking": str(self.thinking),
            "system": self.system,
            "panes": [
                {
                    "pane": index,
                    "spec": pane.spec,
                    "chain": [c.label for c in pane.target.chain],
                    "thinking": str(pane.thinking) if pane.thinking else None,
                    "turns": [turn.to_dict() for turn in pane.turns],
                }
                for index, pane in enumerate(self.panes)
            ],
        }

    def export_json(self, path: str | Path) -> Path:
        """Write the session as one JSON document (atomically, mode 0600); returns the path."""
        from playground.config.save import atomic_write_text

        target = Path(path).expanduser()
        atomic_write_text(target, json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return target

    def export_markdown(self, path: str | Path) -> Path:
        """Write the session as Markdown, one section per pane and turn (atomically, mode
        0600: an export holds the whole conversation); returns the path."""
        from playground.config.save import atomic_write_text
        from playground.session.export import session_markdown

        target = Path(path).expanduser()
        atomic_write_text(target, session_markdown(self.to_dict()))
        return target

    async def aclose(self) -> None:
        """Stop running turns, flush the session file and close the HTTP client."""
        self.stop_all()
        await asyncio.sleep(0)
        self.store.close()
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None


async def _refused(message: str) -> AsyncIterator[StreamEvent]:
    from playground.events import Error, ErrorKind

    yield Error(kind=ErrorKind.BAD_REQUEST, message=message)


def _restore(session: Session, records: list[dict[str, Any]]) -> list[str]:
    """Rebuild panes, histories and transcripts from a session file's records."""
    panes: dict[str, Pane] = {}
    skipped: dict[str, str] = {}
    notes: list[str] = []
    order: list[str] = []
    current: dict[str, Turn] = {}
    for record in records:
        kind = record.get("t")
        pane_id = record.get("pane")
        if kind == "pane":
            try:
                target = session.resolver.resolve(record["spec"])
            except Exception as exc:  # any resolve failure just skips the pane
                skipped[pane_id] = record["spec"]
                notes.append(f"pane {record['spec']} not restored: {exc}")
                continue
            pane = panes.get(pane_id) or Pane(session, target, pane_id=pane_id)
            pane.target = target
            pane.restore_thinking(record.get("thinking"))
            if record.get("cleared"):
                pane.history.clear()
                pane.turns.clear()
            if pane_id not in panes:
                panes[pane_id] = pane
                order.append(pane_id)
        elif kind == "settings":
            if record.get("thinking"):
                session._thinking = ThinkingLevel(record["thinking"])
            if "system" in record:
                session._system = record["system"]
        elif kind == "order":
            order = [p for p in record["panes"] if p in panes]
        elif pane_id not in panes:
            continue
        elif kind == "pane_removed":
            order.remove(pane_id)
        elif kind == "message":
            message = message_from_dict(record["message"])
            history = panes[pane_id].history
            if message.role == "user":
                append_user_message(history, message)
                if pane_id in current:
                    current[pane_id].history_start = len(history) - 1
            else:
                history.append(message)
        elif kind == "turn_start":
            turn = Turn(
                prompt=record["prompt"],
                spec=record["spec"],
                thinking=record["thinking"],
                images=record.get("images", []),
                retry=bool(record.get("retry")),
            )
            if turn.retry and panes[pane_id].turns:
                drop_last_turn(panes[pane_id].history, panes[pane_id].turns)
            panes[pane_id].turns.append(turn)
            current[pane_id] = turn
        elif kind == "event" and pane_id in current:
            _replay_event(current[pane_id], record["event"])
        elif kind == "turn_end" and pane_id in current:
            turn = current.pop(pane_id)
            turn.status = record.get("status", "done")
            turn.stop_reason = record.get("stop_reason")
            turn.metrics = record.get("metrics") or {}
            turn.notes = list(record.get("notes") or [])
    for pane_id, turn in current.items():
        turn.status = "interrupted"
        _close_interrupted(panes[pane_id], turn)
    session.panes = [panes[p] for p in order]
    return notes


def _replay_event(turn: Turn, data: dict[str, Any]) -> None:
    from playground.events import Error, TextDelta, ThinkingDelta, ToolCallEnd, ToolResult

    kind = data.get("type")
    fields = {k: v for k, v in data.items() if k != "type"}
    event_types: dict[str, Any] = {
        "text": TextDelta,
        "thinking": ThinkingDelta,
        "tool_call": ToolCallEnd,
        "tool_result": ToolResult,
        "error": Error,
    }
    if kind in event_types:
        try:
            turn.record(event_types[kind](**fields))
        except TypeError:
            return
    elif kind in {
        "attempt",
        "retry",
        "fallback",
        "key_rotated",
        "cooldown",
        "circuit_open",
        "circuit_half_open",
    }:
        turn.router_events.append(data)


def _close_interrupted(pane: Pane, turn: Turn) -> None:
    """Keep the conversation valid after a crash: the saved partial answer becomes the
    assistant message that follows the dangling user message."""
    if pane.history and pane.history[-1].role == "user" and turn.text:
        pane.history.append(Message.assistant(turn.text))
