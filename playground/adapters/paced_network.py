"""httpcore's network backend with reads paced by the calling task's :class:`ReadPace`.

The session's shared client connects through :class:`PacedBackend` (see
:mod:`playground.adapters.read_pacing` for what pacing does and does not change); a task
outside :func:`~playground.adapters.read_pacing.coalesced_reads` reads as bytes arrive.
"""

from __future__ import annotations

import ssl
import time
import typing
from asyncio import sleep

import httpcore

from playground.adapters.read_pacing import READ_PACE


class PacedStream(httpcore.AsyncNetworkStream):
    """A network stream whose reads follow the calling task's :class:`ReadPace`."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, first waiting out the task's pace when its output has started."""
        pace = READ_PACE.get()
        if pace is None:
            return await self._stream.read(max_bytes, timeout)
        wait = pace.delay(time.perf_counter())
        if wait > 0:
            await sleep(wait)
        data = await self._stream.read(max_bytes, timeout)
        # A read that filled its buffer left more waiting: the next one goes at once, so a
        # flood is read at full speed (a paced 64 KiB read per frame would cap it at ~1 MB/s).
        pace.read_at = time.perf_counter() if len(data) < max_bytes else 0.0
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write ``buffer`` (never paced)."""
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        """Close the underlying stream."""
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Upgrade to TLS; the TLS stream is paced the same way."""
        return PacedStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        """The underlying stream's extra info (socket, TLS object, peer address, ...)."""
        return self._stream.get_extra_info(info)


class PacedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's asyncio network backend with :class:`PacedStream` connections."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._backend = backend or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect as the wrapped backend does; reads of the connection are paced."""
        stream = await self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return PacedStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to a Unix socket as the wrapped backend does; reads are paced."""
        stream = await self._backend.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return PacedStream(stream)

    async def sleep(self, seconds: float) -> None:
        """The wrapped backend's sleep."""
        await self._backend.sleep(seconds)
