"""``playground sim``: run the simulated provider in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import sys

from playground.cli import EXIT_OK, EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    """Serve the simulator on ``args.host:args.port``; print its URLs first."""
    from playground.sim.embedded import (
        SIM_BASE_PATHS,
        SIM_URL_ENV,
        STOP_ON_STDIN_EOF_ENV,
        SimStartError,
        bind_socket,
        make_server,
        url_for,
        watch_stdin_then_exit,
    )

    try:
        sock = bind_socket(args.host, args.port)
    except SimStartError as exc:
        print(f"playground sim: {exc}", file=sys.stderr)
        return EXIT_USAGE
    url = url_for(args.host, sock.getsockname()[1])
    lines = [f"playground sim: listening on {url}"]
    hints = {"vertex": "  (/v1/projects/P/locations/L/publishers/…)"}
    lines += [
        f"  {family:<10} {url}{path}{hints.get(family, '')}"
        for family, path in SIM_BASE_PATHS.items()
    ]
    lines += [f"  {'responses':<10} {url}{SIM_BASE_PATHS['openai']}  (POST /responses)"]
    lines += [
        "  models     echo lorem thinker tools vision  (tune: echo?tps=20&fail=429&fail_times=1)",
        f"Make 'playground ask' and the app use it:  export {SIM_URL_ENV}={url}",
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
    server = make_server(sock)
    if os.environ.get(STOP_ON_STDIN_EOF_ENV) == "1":
        watch_stdin_then_exit(server)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    if sys.stdout.isatty():
        print("playground sim: stopped")
    return EXIT_OK
