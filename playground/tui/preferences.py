"""Recent and favourite models and the chosen theme, kept in a small JSON file in the user's
data dir."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

RECENT_LIMIT = 12


def preferences_path() -> Path:
    """``<data dir>/preferences.json`` (platformdirs' user data dir)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("playground", appauthor=False)) / "preferences.json"


@dataclass(slots=True)
class Preferences:
    """Recent picks (newest first) and favourites of the model picker; the last theme."""

    recent: list[str] = field(default_factory=list)
    favourites: list[str] = field(default_factory=list)
    path: Path | None = None
    theme: str | None = None

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
        theme = data.get("theme") if isinstance(data.get("theme"), str) else None
        return cls(recent, favourites, path, theme)

    def save(self) -> None:
        """Write the file atomically (mode 0600)."""
        from playground.config.save import atomic_write_text

        data: dict[str, object] = {"recent": self.recent, "favourites": self.favourites}
        if self.theme:
            data["theme"] = self.theme
        atomic_write_text(self.path or preferences_path(), json.dumps(data))

    def set_theme(self, theme: str) -> None:
        """Remember ``theme`` for the next start and save."""
        self.theme = theme
        self.save()

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
