"""The stylesheets ship inside the wheel and the app finds them in an installed layout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from playground.tui.styles_path import STYLESHEETS, styles_dir, stylesheet_paths

REPO = Path(__file__).resolve().parents[2]


def test_the_checkout_layout_finds_every_stylesheet():
    assert styles_dir() == REPO / "styles"
    assert all(path.is_file() for path in stylesheet_paths())


def test_the_wheel_ships_the_stylesheets_and_the_installed_layout_finds_them(tmp_path: Path):
    from hatchling.builders.wheel import WheelBuilder

    builder = WheelBuilder(str(REPO))
    wheel = Path(next(builder.build(directory=str(tmp_path / "dist"), versions=["standard"])))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {f"playground/_styles/{name}" for name in STYLESHEETS} <= names
        archive.extractall(tmp_path / "site")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from playground.tui.styles_path import stylesheet_paths\n"
        "paths = stylesheet_paths()\n"
        "assert all(p.is_file() for p in paths), paths\n"
        "print(paths[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "site")],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    found = Path(result.stdout.strip())
    assert found.is_relative_to(tmp_path / "site" / "playground" / "_styles")
