"""A file-backed keyring backend for tests (a real ``keyring`` backend, JSON on disk).

Usable in-process (``keyring.set_keyring(FileKeyring(path))``) and in subprocesses
(``PYTHON_KEYRING_BACKEND=tests.credentials.file_keyring.FileKeyring`` with the repository
root on ``PYTHONPATH`` and the file named by ``PLAYGROUND_TEST_KEYRING_FILE``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

PATH_VARIABLE = "PLAYGROUND_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    """Stores ``{service: {username: password}}`` in a JSON file."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = Path(path or os.environ[PATH_VARIABLE])

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        self.path.write_text(json.dumps(data), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if username not in data.get(service, {}):
            raise PasswordDeleteError(username)
        del data[service][username]
        self._save(data)
