"""Bounded local input (``playground.local_files``): size checked before reading, at most
``limit + 1`` bytes read, only regular files, images recognised by content."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest

from playground.local_files import (
    MAX_IMAGE_BYTES,
    LocalFileError,
    image_media_type,
    read_bounded,
    read_image,
    read_stream_bounded,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
GIF = b"GIF89a" + b"\x00" * 16
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (b"GIF87a..", "image/gif"),
        (WEBP, "image/webp"),
    ],
)
def test_images_are_recognised_by_their_magic_bytes(data: bytes, media_type: str) -> None:
    assert image_media_type(data) == media_type


@pytest.mark.parametrize("data", [b"", b"just text", b"RIFF\x10\x00\x00\x00WAVEfmt ", b"\x89PN"])
def test_other_content_is_no_image(data: bytes) -> None:
    assert image_media_type(data) is None


def test_the_extension_does_not_decide(tmp_path: Path) -> None:
    jpeg_named_png = tmp_path / "photo.png"
    jpeg_named_png.write_bytes(JPEG)
    gif_named_txt = tmp_path / "anim.txt"
    gif_named_txt.write_bytes(GIF)
    text_named_png = tmp_path / "notes.png"
    text_named_png.write_text("hello")
    assert read_image(jpeg_named_png).media_type == "image/jpeg"
    assert read_image(gif_named_txt).media_type == "image/gif"
    with pytest.raises(LocalFileError, match="not a PNG, JPEG, GIF or WebP image"):
        read_image(text_named_png)


def test_an_image_part_carries_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "dot"
    path.write_bytes(PNG)
    part = read_image(path)
    assert part.byte_size == len(PNG)


def test_a_file_over_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "huge.png"
    with big.open("wb") as file:  # sparse: 60 MiB on paper, nothing to read
        file.write(PNG)
        file.truncate(60 * 1024 * 1024)
    with pytest.raises(LocalFileError, match=r"too large \(60 MiB\); the limit is 20 MiB"):
        read_image(big)


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "exact"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(LocalFileError, match="too large"):
        read_bounded(path, 99)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_a_file_whose_size_lies_is_still_cut_at_the_limit() -> None:
    # /proc files report size 0 but have content: only reading limit + 1 bytes catches them.
    assert os.stat("/proc/self/cmdline").st_size == 0
    with pytest.raises(LocalFileError, match="too large; the limit is 4 bytes"):
        read_bounded("/proc/self/cmdline", 4)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading() -> None:
    with pytest.raises(LocalFileError, match=r"not a regular file \(a character device\)"):
        read_bounded("/dev/zero", MAX_IMAGE_BYTES)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LocalFileError, match=r"not a regular file \(a directory\)"):
        read_bounded(tmp_path, 10)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            read_image(fifo)
        except LocalFileError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # unblock the stuck open() so the thread can end
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert "not a regular file (a pipe)" in str(outcome[0])


def test_missing_and_unreadable_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(LocalFileError, match=r"^file not found$"):
        read_bounded(tmp_path / "absent", 10)
    locked = tmp_path / "locked"
    locked.write_bytes(b"x")
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        pytest.skip("running as root: permissions are not enforced")
    with pytest.raises(LocalFileError, match=r"^permission denied$"):
        read_bounded(locked, 10)


class _Endless(io.RawIOBase):
    """An endless stream that counts what was taken from it."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        size = len(buffer)
        buffer[:size] = b"a" * size
        self.served += size
        return size


def test_an_endless_stream_is_read_only_past_the_limit() -> None:
    raw = _Endless()
    with pytest.raises(LocalFileError, match="too large; the limit is 1 KiB"):
        read_stream_bounded(io.BufferedReader(raw, buffer_size=256), 1024)
    assert raw.served <= 1024 + 256


def test_a_stream_within_the_limit_is_read_whole() -> None:
    assert read_stream_bounded(io.BytesIO(b"prompt"), 6) == b"prompt"
