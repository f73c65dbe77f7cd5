"""Find the Textual stylesheets both in a source checkout and in an installed wheel.

The repository keeps them in ``styles/`` at the top level; the wheel ships them as
``playground/_styles`` (see ``force-include`` in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

import playground

STYLESHEETS = ("app.tcss", "panes.tcss", "screens.tcss")
"""The stylesheets the app loads, in order."""


def styles_dir() -> Path:
    """The directory holding the ``.tcss`` files (installed layout first, then the checkout)."""
    package_dir = Path(playground.__file__).resolve().parent
    installed = package_dir / "_styles"
    if installed.is_dir():
        return installed
    return package_dir.parent / "styles"


def stylesheet_paths() -> list[Path]:
    """Absolute paths of every stylesheet the app loads."""
    directory = styles_dir()
    return [directory / name for name in STYLESHEETS]
