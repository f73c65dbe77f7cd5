"""Bounded reading of local input: images, tool files and piped prompts.

Anything a user points us at may be hostile or a mistake — ``/dev/zero``, a FIFO, a 60 MB
photo. Files are opened without blocking, refused unless they are regular files, checked
for size before reading, and read at most ``limit + 1`` bytes (a file that grows while it
is read is still caught). Images are recognised by their magic bytes, never by extension.

Limits, and why:

- :data:`MAX_IMAGE_BYTES` 20 MiB — the largest single inline image the supported providers
  accept (OpenAI and Gemini: 20 MB; Anthropic stops at 5 MB and says so itself). Base64 makes
  the request a third larger again.
- :data:`MAX_TOOLS_FILE_BYTES` 1 MiB — real tool definitions are a few kB each and OpenAI
  takes at most 128 of them; a larger file is a mistake, not a tool set.
- :data:`MAX_PROMPT_BYTES` 8 MiB — about two million tokens of text, the largest context
  window on offer, and below OpenAI's 10 MiB limit for one message.

Errors are :class:`LocalFileError` with a short reason (no path: the caller names the file
the way its user gave it, e.g. ``--image PATH: <reason>``).
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from playground.request import ImagePart

MiB = 1024 * 1024
MAX_IMAGE_BYTES = 20 * MiB
MAX_TOOLS_FILE_BYTES = 1 * MiB
MAX_PROMPT_BYTES = 8 * MiB

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_CHUNK = 1 * MiB
# O_NONBLOCK: opening a FIFO must not wait for a writer; it has no effect on regular files.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class LocalFileError(Exception):
    """A local file or stream cannot be used; the message is one short line without the path."""


class LocalFileMissing(LocalFileError):
    """The file does not exist (callers may treat a missing default file as empty)."""


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path``, which must hold at most ``limit`` bytes.

    Raises :class:`LocalFileError` when the file is missing, unreadable, not a regular file
    (a directory, FIFO, device or socket) or larger than ``limit``.
    """
    try:
        fd = os.open(os.path.expanduser(path), _OPEN_FLAGS)
    except FileNotFoundError:
        raise LocalFileMissing("file not found") from None
    except PermissionError:
        raise LocalFileError("permission denied") from None
    except OSError as exc:
        raise LocalFileError(f"cannot open: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LocalFileError(f"not a regular file ({_file_kind(info.st_mode)})")
        if info.st_size > limit:
            raise LocalFileError(_too_large(info.st_size, limit))
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise LocalFileError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise LocalFileError(_too_large(None, limit))
    return data


def read_stream_bounded(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes from ``stream`` (e.g. ``sys.stdin.buffer``) up to its end.

    Reads ``limit + 1`` bytes at most, so ``< /dev/zero`` costs ``limit`` of memory, not all
    of it; raises :class:`LocalFileError` when there is more.
    """
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise LocalFileError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise LocalFileError(_too_large(None, limit))
    return data


def image_media_type(data: bytes) -> str | None:
    """The media type from an image's magic bytes (PNG, JPEG, GIF, WebP), else None."""
    for magic, media_type in _IMAGE_MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def read_image(path: str | os.PathLike[str], limit: int = MAX_IMAGE_BYTES) -> ImagePart:
    """A PNG, JPEG, GIF or WebP file as an image part, checked by content, size-bounded.

    Raises :class:`LocalFileError` for anything :func:`read_bounded` refuses and for files
    whose content is not one of those image formats (whatever their extension says).
    """
    data = read_bounded(path, limit)
    media_type = image_media_type(data)
    if media_type is None:
        raise LocalFileError("not a PNG, JPEG, GIF or WebP image")
    return ImagePart.from_bytes(data, media_type, name=os.path.basename(os.fspath(path)))


def _too_large(size: int | None, limit: int) -> str:
    """The reason for refusing input over ``limit`` bytes (``size`` when known)."""
    actual = f" ({_size(size)})" if size is not None else ""
    return f"too large{actual}; the limit is {_size(limit)}"


def _read_at_most(fd: int, count: int) -> bytes:
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = os.read(fd, min(remaining, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "an unusual file type")


def _size(count: int) -> str:
    if count >= MiB:
        return f"{count / MiB:.1f} MiB".replace(".0 MiB", " MiB")
    if count >= 1024:
        return f"{count / 1024:.1f} KiB".replace(".0 KiB", " KiB")
    return f"{count} bytes"
