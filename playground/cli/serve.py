"""``playground serve``: the same app in a browser, one app process per browser tab.

This module holds the command's policy (where to listen, who may connect, what each tab
runs); the textual-serve server itself lives in :mod:`playground.tui.web_server`, beside the
rest of the Textual-facing code.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import sys
from urllib.parse import urlsplit

from playground.cli import EXIT_OK, EXIT_USAGE


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """The warning printed when ``host`` is reachable from other machines, else None."""
    if is_loopback(host):
        return None
    return (
        f"playground serve: warning: bound to {host}, not loopback: anyone who can reach this "
        "port can use the app and every key it can see (keys stay masked on the page)"
    )


def app_command(config: str | None) -> str:
    """The shell command textual-serve runs for each browser connection."""
    argv = [sys.executable, "-m", "playground"]
    if config:
        argv += ["--config", config]
    return shlex.join(argv)


def connection_refusal(host: str, origin: str | None, loopback: bool) -> str | None:
    """Why a WebSocket handshake must be refused, or None to accept it.

    WebSockets are not bound by the same-origin policy: without this check any web page open
    in the user's browser could drive the app (and spend the keys it sees). The page must come
    from this server (``Origin`` matches ``Host``), and a loopback server only answers to a
    loopback ``Host`` (a DNS-rebinding page has its own name there).
    """
    if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
        return f"the page at {origin} is not this server's"
    name = urlsplit(f"//{host}").hostname or ""
    if loopback and not is_loopback(name):
        return f"{host!r} is not a loopback address"
    return None


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free one)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def run(args: argparse.Namespace) -> int:
    """Serve the app on ``args.host:args.port`` until interrupted; returns the exit code."""
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"playground serve: cannot listen on {args.host}:{args.port}: {reason}",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    warning = exposure_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    from playground.tui.web_server import make_server

    loopback = warning is None
    server = make_server(
        app_command(args.config),
        sock,
        refuse=lambda host, origin: connection_refusal(host, origin, loopback),
    )
    try:
        server.serve()
    finally:
        sock.close()
    return EXIT_OK
