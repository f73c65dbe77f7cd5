"""Response bodies read with bounded memory: decompression is capped per piece.

httpx inflates each network read in one go, so a few hundred kilobytes of gzip can become
hundreds of megabytes at once. :func:`bounded_body` reads the raw bytes and inflates gzip
and deflate itself, at most :data:`PIECE_BYTES` of decoded output at a time, so a decoder
that counts bytes downstream stops a bomb after one piece past its cap.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

PIECE_BYTES = 1024 * 1024
_GZIP_WBITS = 16 + zlib.MAX_WBITS


def bounded_body(response: httpx.Response) -> AsyncIterator[bytes]:
    """The decoded body of ``response`` in pieces of at most :data:`PIECE_BYTES` (when it is
    compressed; identity bodies come as they arrive)."""
    if response.is_stream_consumed:  # already read into memory (e.g. a mock transport)
        return response.aiter_bytes()
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return response.aiter_raw()
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _inflate(response.aiter_raw(), encoding)
    return response.aiter_bytes()  # anything else httpx knows how to decode (or passes on)


async def _inflate(raw: AsyncIterator[bytes], encoding: str) -> AsyncIterator[bytes]:
    deflate = encoding == "deflate"
    decoder = zlib.decompressobj(zlib.MAX_WBITS if deflate else _GZIP_WBITS)
    first = True
    async for chunk in raw:
        if first and deflate:
            first = False
            decoder = _deflate_decoder(chunk)
        data = decoder.decompress(chunk, PIECE_BYTES)
        if data:
            yield data
        while decoder.unconsumed_tail:
            data = decoder.decompress(decoder.unconsumed_tail, PIECE_BYTES)
            if data:
                yield data
    tail = decoder.flush()
    if tail:
        yield tail


def _deflate_decoder(first_chunk: bytes) -> zlib._Decompress:
    """``deflate`` means zlib-wrapped data, but some servers send raw deflate (as httpx allows)."""
    try:
        zlib.decompressobj(zlib.MAX_WBITS).decompress(first_chunk[:2])
        return zlib.decompressobj(zlib.MAX_WBITS)
    except zlib.error:
        return zlib.decompressobj(-zlib.MAX_WBITS)
