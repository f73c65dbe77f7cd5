"""Recent and favourite models, kept in a small JSON file in the user's data dir."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

RECENT_LIMIT = 12


def preferences_path() -> Path:
    """``<data dir>/preferences.json`` (platformdirs' user data dir)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("playground", appauthor=False)) / "preferences.json"


@dataclass(slots=True)
class Preferences:
    """Recent picks (newest first) and favourites of the model picker."""

    recent: list[str] = field(default_factory=list)
    favourites: list[str] = field(default_factory=list)
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> Preferences:
        """Read the file (an unreadable or missing file gives empty preferences)."""
        path = path or preferences_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        recent = [s for s in data.get("recent", []) if isinstance(s, str)]
        favourites = [s for s in data.get("favourites", []) if isinstance(s, str)]
        return cls(recent, favourites, path)

    def save(self) -> None:
        """Write the file atomically."""
        path = self.path or preferences_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"recent": self.recent, "favourites": self.favourites}))
        os.replace(tmp, path)

    def add_recent(self, spec: str) -> None:
        """Put ``spec`` first in the recent list and save."""
        self.recent = [spec, *(s for s in self.recent if s != spec)][:RECENT_LIMIT]
        self.save()

    def toggle_favourite(self, spec: str) -> bool:
        """Add or remove a favourite and save; returns whether it is now a favourite."""
        if spec in self.favourites:
            self.favourites.remove(spec)
            now = False
        else:
            self.favourites.append(spec)
            now = True
        self.save()
        return now
