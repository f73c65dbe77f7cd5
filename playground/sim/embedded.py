"""Running the simulator: in a background thread, as a child process, or as a shared singleton.

``start_sim_thread`` is what tests use (fast, same process). ``start_sim_process`` runs
``python -m playground sim --port 0`` so the server does not share a GIL with a busy client
(the TUI, ``ask``, benchmarks) and can be killed on its own. ``sim_root_url`` gives the whole
process one lazily started simulator, or the one named by ``$PLAYGROUND_SIM_URL``.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import logging
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from playground.endpoint import Protocol

#: Path of each family's base URL under the simulator root (official SDK conventions).
SIM_FAMILY_PATHS: dict[Protocol, str] = {
    Protocol.OPENAI: "/openai/v1",
    Protocol.ANTHROPIC: "/anthropic",
    Protocol.GEMINI: "/gemini",
    Protocol.OLLAMA: "/ollama",
}
#: Every family's base path, as the simulator lists them (its index page, a 404, the banner).
SIM_BASE_PATHS: dict[str, str] = {
    **{protocol.value: path for protocol, path in SIM_FAMILY_PATHS.items()},
    "bedrock": "/bedrock",
    "vertex": "/vertex",
}

#: Environment variable naming an already running simulator (``playground sim`` elsewhere).
SIM_URL_ENV = "PLAYGROUND_SIM_URL"
#: Set in a child simulator's environment: stop when standard input closes (the parent died).
STOP_ON_STDIN_EOF_ENV = "PLAYGROUND_SIM_STOP_ON_STDIN_EOF"

_LISTENING = re.compile(r"listening on (http://\S+)")
_START_TIMEOUT_S = 20.0


class SimStartError(RuntimeError):
    """The simulator could not be started; the message is one line for the user."""


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (0: any free port); raises :class:`SimStartError`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit this: without it, small writes wait ~40 ms for delayed ACKs.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SimStartError(
                f"port {port} on {host} is already in use; choose another with --port "
                "(or --port 0 for any free port)"
            ) from None
        raise SimStartError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def url_for(host: str, port: int) -> str:
    """The root URL clients use for a simulator listening on ``host:port``.

    A wildcard address (``0.0.0.0``, ``::``) is shown as loopback, which is where local
    clients reach it.
    """
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def make_server(sock: socket.socket, *, access_log: bool = False) -> Any:
    """A configured ``uvicorn.Server`` for the simulator app on an already bound socket."""
    import uvicorn

    from playground.sim.app import create_app

    config = uvicorn.Config(
        create_app(),
        access_log=access_log,
        log_config=None,  # leave the host process's logging alone (the TUI, tests)
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
        ws="none",
        http="h11",
    )
    return uvicorn.Server(config)


class RunningSim:
    """A running simulator: ``url`` is its root (``http://127.0.0.1:54321``).

    ``process`` is the child process when it runs in one (``start_sim_process``), else None.
    """

    def __init__(
        self,
        host: str,
        port: int,
        stopper: Callable[[], None],
        process: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.url = url_for(host, port)
        self.process = process
        self._stopper = stopper
        self._stopped = False

    def base_url(self, protocol: Protocol) -> str:
        """The SDK-convention base URL of one family (``{url}/openai/v1`` …)."""
        return self.url + SIM_FAMILY_PATHS[protocol]

    def stop(self) -> None:
        """Stop the server (idempotent)."""
        if not self._stopped:
            self._stopped = True
            self._stopper()

    def __enter__(self) -> RunningSim:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RunningSim({self.url!r})"


def start_sim_thread(port: int = 0, host: str = "127.0.0.1") -> RunningSim:
    """Serve the simulator from a daemon thread of this process; returns once it listens."""
    sock = bind_socket(host, port)
    bound_port = sock.getsockname()[1]
    server = make_server(sock)
    failure: list[BaseException] = []

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported to the starting thread below
            failure.append(exc)

    thread = threading.Thread(target=serve, name=f"playground-sim:{bound_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not server.started:
        if failure or not thread.is_alive():
            sock.close()
            raise SimStartError(f"the simulator thread failed to start: {failure[:1]}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise SimStartError("the simulator thread did not start within 20 s")
        time.sleep(0.005)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()

    return RunningSim(host, bound_port, stop)


def start_sim_process(port: int = 0, host: str = "127.0.0.1") -> RunningSim:
    """Run ``python -m playground sim`` as a child process; returns once it listens.

    The child stops by itself if this process dies (it watches its standard input).
    """
    env = {**os.environ, STOP_ON_STDIN_EOF_ENV: "1"}
    stderr_file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the child
    process = subprocess.Popen(
        [sys.executable, "-m", "playground", "sim", "--port", str(port), "--host", host],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr_file,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline().decode("utf-8", "replace")
    match = _LISTENING.search(line)
    if match is None:
        process.wait(timeout=5)
        stderr_file.seek(0)
        lines = stderr_file.read().decode("utf-8", "replace").strip().splitlines()
        stderr_file.close()
        reason = (lines[-1] if lines else line.strip()) or f"exit code {process.returncode}"
        raise SimStartError(f"the simulator process failed to start: {reason}")
    url = match.group(1)
    bound_port = int(url.rsplit(":", 1)[1])
    # Drain the rest of the banner so the child never blocks on a full pipe.
    threading.Thread(target=process.stdout.read, daemon=True).start()

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()
        stderr_file.close()

    return RunningSim(host, bound_port, stop, process)


_singleton_lock = threading.Lock()
_singleton: RunningSim | None = None


def sim_root_url() -> str:
    """The root URL of this process's simulator.

    ``$PLAYGROUND_SIM_URL`` when set (a ``playground sim`` running elsewhere); otherwise a
    child process started on first use and stopped when the interpreter exits.
    """
    configured = os.environ.get(SIM_URL_ENV, "").strip()
    if configured:
        return configured.rstrip("/")
    global _singleton
    with _singleton_lock:
        if _singleton is None:
            _singleton = start_sim_process()
            atexit.register(_singleton.stop)
        return _singleton.url


def watch_stdin_then_exit(server: Any) -> None:
    """In a child simulator: ask ``server`` to exit once standard input reaches EOF."""

    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        logging.getLogger(__name__).debug("parent gone; stopping the simulator")
        server.should_exit = True

    threading.Thread(target=watch, name="playground-sim-parent-watch", daemon=True).start()
