"""The core stays usable headless: nothing outside playground/tui imports textual (or
textual-serve, its browser front end)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "playground"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_textual_import_outside_tui() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.py")
        if "tui" not in path.relative_to(PACKAGE).parts[:1]
        and _imports(path) & {"textual", "textual_serve"}
    ]
    assert offenders == []


def test_importing_core_modules_does_not_load_textual() -> None:
    modules = [
        f"playground.{p.stem}" if p.parent == PACKAGE else f"playground.{p.parent.name}"
        for p in PACKAGE.glob("*/__init__.py")
        if p.parent.name != "tui"
    ] + ["playground.events", "playground.request", "playground.cli"]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
