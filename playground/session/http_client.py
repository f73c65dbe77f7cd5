"""The session's shared HTTP client, whose CA certificates load at its first https request.

httpx builds a client's TLS context when the client is created, loading the ~150 CA
certificates of its trust store (~19 ms), even when every request goes to a plain-http
server on loopback (the simulator, a local Ollama). Here the context is created with the
settings ``httpx.create_ssl_context()`` gives it and without certificates; a request hook
loads them, from the same place httpx would (``SSL_CERT_FILE``, ``SSL_CERT_DIR``, else
certifi), just before the first https request. https therefore verifies exactly as before,
and a context whose certificates were never loaded trusts no server: were the hook ever
skipped, https would fail, not pass unverified.
"""

from __future__ import annotations

import os
import ssl
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


class DeferredTrust:
    """A client TLS context (certificate and host name checks on) whose CA certificates
    load on the first https request."""

    def __init__(self) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.verify_mode = ssl.CERT_REQUIRED
        context.check_hostname = True
        keylog = os.environ.get("SSLKEYLOGFILE")  # as ssl.create_default_context does
        if keylog and not sys.flags.ignore_environment:
            context.keylog_filename = keylog
        self.context = context
        self.loaded = False

    async def before_request(self, request: httpx.Request) -> None:
        """httpx request hook: load the certificates before the first https request."""
        if not self.loaded and request.url.scheme == "https":
            self.load()

    def load(self) -> None:
        """Load the CA certificates httpx's default context trusts (``trust_env`` on)."""
        if os.environ.get("SSL_CERT_FILE"):
            self.context.load_verify_locations(cafile=os.environ["SSL_CERT_FILE"])
        elif os.environ.get("SSL_CERT_DIR"):
            self.context.load_verify_locations(capath=os.environ["SSL_CERT_DIR"])
        else:
            import certifi

            self.context.load_verify_locations(cafile=certifi.where())
        self.loaded = True


def shared_client(*, connect_timeout_s: float) -> httpx.AsyncClient:
    """The client every pane of a session streams through: no read timeout (deadlines are
    the router's), up to 64 connections, TLS trust loaded at the first https request."""
    import httpx

    trust = DeferredTrust()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=16)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(None, connect=connect_timeout_s),
        limits=limits,
        verify=trust.context,
        transport=paced_transport(trust.context, limits),
        event_hooks={"request": [trust.before_request]},
    )


def paced_transport(context: ssl.SSLContext, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """httpx's transport with its connection pool on :class:`PacedBackend`, so a pane's
    reads can be coalesced (:mod:`playground.adapters.read_pacing`).

    httpx takes no network backend, so the pool it built is replaced by one with the same
    settings (httpx's defaults: HTTP/1.1, keep-alive expiry 5 s) and the paced backend.
    Proxies from the environment get httpx's own transports (read as bytes arrive).
    """
    import httpcore
    import httpx

    from playground.adapters.paced_network import PacedBackend

    transport = httpx.AsyncHTTPTransport(verify=context, limits=limits)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=PacedBackend(),
    )
    return transport
