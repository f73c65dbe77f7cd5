"""The textual-serve server behind ``playground serve``: one app process per browser tab.

An aiohttp server hands each WebSocket connection its own ``python -m playground`` child
process (Textual's web driver) and relays the terminal stream to xterm.js in the page. Closing
the tab sends the child a ``quit`` and waits for it.

textual-serve's page links a web font from fonts.googleapis.com; the page served here uses the
same font from textual-serve's own static folder instead, so it works offline on loopback.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

PAGE_TEMPLATE = "app_index.html"
TAB_SHUTDOWN_TIMEOUT_S = 10.0
_REMOTE_FONT_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*/>", re.DOTALL)
_LOCAL_FONT_STYLE = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf");
      }
    </style>"""


def offline_page(template_dir: Path) -> str:
    """textual-serve's page template with its remote font link replaced by the local font."""
    text = (template_dir / PAGE_TEMPLATE).read_text(encoding="utf-8")
    return _REMOTE_FONT_LINK.sub(lambda _match: _LOCAL_FONT_STYLE, text)


def make_server(
    command: str, sock: socket.socket, *, refuse: Callable[[str, str | None], str | None]
) -> Any:
    """A textual-serve server for ``command`` that will listen on the bound ``sock``.

    ``refuse(host, origin)`` returns why a WebSocket connection is refused, or None.
    """
    import asyncio

    import aiohttp_jinja2
    import jinja2
    from aiohttp import web
    from textual_serve.server import Server

    class _PlaygroundServer(Server):
        """textual-serve with an offline page, a pre-bound socket and one-line logging."""

        def __init__(self) -> None:
            host, port = sock.getsockname()[:2]
            if ipaddress.ip_address(host).is_unspecified:  # 0.0.0.0 / "::": show a usable URL
                host = "::1" if ":" in host else "127.0.0.1"
            url_host = f"[{host}]" if ":" in host else host
            super().__init__(command, host=host, port=port, title="Playground")
            self.public_url = f"http://{url_host}:{port}"
            self._tabs: set[asyncio.Task[Any]] = set()

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            """The page, its URLs built from the address the browser used (0.0.0.0 is none)."""
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """One tab's connection, remembered so that shutting down can end its app."""
            refusal = refuse(request.host, request.headers.get("Origin"))
            if refusal:
                logging.getLogger("textual-serve").warning("refused a connection: %s", refusal)
                raise web.HTTPForbidden(text=refusal)
            task = asyncio.current_task()
            assert task is not None
            self._tabs.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                self._tabs.discard(task)

        async def on_shutdown(self, app: web.Application) -> None:
            """Tell every open tab's app to quit and wait for it (it flushes its autosave).

            Without this, aiohttp would wait for the tabs to close themselves (60 s).
            """
            for task in self._tabs:
                task.cancel()
            if self._tabs:
                await asyncio.wait(self._tabs, timeout=TAB_SHUTDOWN_TIMEOUT_S)

        def initialize_logging(self) -> None:
            logging.basicConfig(level=logging.INFO, format="playground serve: %(message)s")
            # One line per static file and WebSocket is noise on a projector.
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            page = offline_page(self.templates_path)
            aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({PAGE_TEMPLATE: page}))
            return app

        async def on_startup(self, app: web.Application) -> None:
            print(f"playground serve: open {self.public_url}/ in a browser", flush=True)
            print("  each tab runs its own app; closing the tab ends it. Ctrl-C to stop.")

        def serve(self, debug: bool = False) -> None:
            """Run until Ctrl-C or SIGTERM; every open tab's app is told to quit first."""
            import signal

            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, self.request_exit)
            web.run_app(
                self._make_app(),
                sock=sock,
                handle_signals=False,
                loop=loop,
                print=lambda *_args: None,
            )

    return _PlaygroundServer()
