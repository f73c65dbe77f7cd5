"""The introspection log behind ``GET /_sim/requests``: recent requests, keys masked, no images."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from playground.secret import mask

_IMAGE_KEYS = frozenset({"data", "images", "image_url", "url"})


def strip_images(value: Any) -> Any:
    """A copy of a JSON body with base64 image data replaced by a short placeholder."""
    if isinstance(value, dict):
        return {key: _strip_field(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [strip_images(item) for item in value]
    return value


def _strip_field(key: str, value: Any) -> Any:
    if key in _IMAGE_KEYS:
        if isinstance(value, str) and (len(value) > 64 or value.startswith("data:")):
            return f"<{len(value)} chars elided>"
        if key == "images" and isinstance(value, list):
            return [f"<{len(v)} chars elided>" if isinstance(v, str) else v for v in value]
    return strip_images(value)


class RequestLog:
    """A bounded, thread-safe log of the requests the simulator answered."""

    def __init__(self, limit: int = 500) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=limit)

    def record(
        self,
        *,
        family: str,
        method: str,
        path: str,
        model: str | None,
        credential: str | None,
        body: Any,
    ) -> dict[str, Any]:
        """Add an entry and return it, so the handler can fill in status and fault."""
        entry: dict[str, Any] = {
            "time": time.time(),
            "family": family,
            "method": method,
            "path": path,
            "model": model,
            "credential": mask(credential) if credential else None,
            "body": strip_images(body),
            "status": None,
            "fault": None,
        }
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """A snapshot of the log, oldest first."""
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
