"""Read a framework's TOML / JSON / YAML / dotenv / front-matter files without ever raising.

Every problem becomes one line in the report's ``errors`` naming the file, the field and, when
the parser gives one, the line. Files are only ever opened for reading.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from playground.frameworks.model import FrameworkReport

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.DOTALL)
_TOML_LINE = re.compile(r"at line (\d+)")


MAX_CONFIG_BYTES = 4 * 1024 * 1024
"""A framework config larger than this is refused (a FIFO or device is never read)."""


def read_text(path: Path, report: FrameworkReport, *, required: bool = True) -> str | None:
    """The file's text; a missing (when ``required``), unreadable, oversized or non-regular
    file (directory, FIFO, device) is an error."""
    from playground.local_files import LocalFileError, LocalFileMissing, read_bounded

    try:
        return read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
    except LocalFileMissing:
        if required:
            report.errors.append(f"{path}: file not found")
    except LocalFileError as exc:
        report.errors.append(f"{path}: cannot read ({exc})")
    except UnicodeDecodeError:
        report.errors.append(f"{path}: cannot read (not UTF-8 text)")
    return None


def load_toml(path: Path, report: FrameworkReport, *, required: bool = True) -> dict | None:
    """Parse a TOML file; errors name the file and line."""
    text = read_text(path, report, required=required)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _TOML_LINE.search(str(exc))
        where = f"{path}:{line.group(1)}" if line else str(path)
        reason = str(exc).split(" (at ")[0]
        report.errors.append(f"{where}: invalid TOML: {reason}")
        return None
    report.config_files.append(path)
    return data


def load_json(path: Path, report: FrameworkReport, *, required: bool = True) -> Any:
    """Parse a JSON file; errors name the file and line."""
    text = read_text(path, report, required=required)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        report.errors.append(f"{path}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})")
        return None
    report.config_files.append(path)
    return data


def parse_yaml(text: str, where: Path, report: FrameworkReport, *, line_offset: int = 0) -> Any:
    """Parse YAML text from ``where``; errors name the file and line."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1 + line_offset}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        report.errors.append(f"{where}{line}: invalid YAML: {problem}")
        return None
    except Exception as exc:
        report.errors.append(f"{where}: invalid YAML: {type(exc).__name__}")
        return None


def load_yaml(path: Path, report: FrameworkReport, *, required: bool = True) -> Any:
    """Parse a YAML file; errors name the file and line."""
    text = read_text(path, report, required=required)
    if text is None:
        return None
    data = parse_yaml(text, path, report)
    if data is not None or text.strip() == "":
        report.config_files.append(path)
    return data


def load_front_matter(path: Path, report: FrameworkReport) -> dict | None:
    """The YAML front matter of a Markdown file (``---`` … ``---``), or None when absent."""
    text = read_text(path, report)
    if text is None:
        return None
    match = _FRONT_MATTER.match(text)
    if not match:
        return None
    data = parse_yaml(match.group(1), path, report, line_offset=1)
    if data is None:
        return None
    report.config_files.append(path)
    if not isinstance(data, dict):
        report.errors.append(f"{path}: front matter must be a mapping, got {type_name(data)}")
        return None
    return data


def load_dotenv(path: Path, report: FrameworkReport) -> dict[str, str]:
    """``KEY=value`` lines of a dotenv file (quotes stripped, ``export`` allowed, no expansion)."""
    text = read_text(path, report, required=False)
    if text is None:
        return {}
    report.config_files.append(path)
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            report.errors.append(f"{path}:{number}: not a KEY=value line")
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[name] = value
    return values


def type_name(value: object) -> str:
    """A TOML/JSON-ish name for a Python value's type, for error messages."""
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a table",
        type(None): "null",
    }.get(type(value), type(value).__name__)


class Fields:
    """Typed access to one table of one file; wrong types are reported, not raised.

    ``where`` is the dotted path of the table (``models.sonnet``) used in messages such as
    ``config.toml: models.sonnet.provider: expected a string, got an integer``.
    """

    def __init__(self, table: object, path: Path, where: str, report: FrameworkReport) -> None:
        self.path = path
        self.where = where
        self.report = report
        if isinstance(table, dict):
            self.table: dict = table
        else:
            self.table = {}
            if table is not None:
                self.report.errors.append(
                    f"{path}: {where}: expected a table, got {type_name(table)}"
                )

    def field(self, key: str) -> str:
        """``file + field`` label for a key of this table (file relative to the report root)."""
        try:
            name = str(self.path.relative_to(self.report.root))
        except ValueError:
            name = self.path.name
        return f"{name} {self.where}.{key}" if self.where else f"{name} {key}"

    def _bad(self, key: str, expected: str, value: object) -> None:
        name = f"{self.where}.{key}" if self.where else key
        self.report.errors.append(
            f"{self.path}: {name}: expected {expected}, got {type_name(value)}"
        )

    def has(self, key: str) -> bool:
        """Whether the key is present."""
        return key in self.table

    def str(self, key: str, default: str | None = None) -> str | None:
        """A string field."""
        value = self.table.get(key, default)
        if value is None or isinstance(value, str):
            return value
        self._bad(key, "a string", value)
        return default

    def int(self, key: str) -> int | None:
        """An integer field."""
        value = self.table.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        self._bad(key, "an integer", value)
        return None

    def bool(self, key: str) -> bool | None:
        """A boolean field."""
        value = self.table.get(key)
        if value is None or isinstance(value, bool):
            return value
        self._bad(key, "a boolean", value)
        return None

    def str_list(self, key: str) -> list[str] | None:
        """A list of strings (None when absent)."""
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        self._bad(key, "a list of strings", value)
        return None

    def sub(self, key: str) -> Fields:
        """A nested table."""
        where = f"{self.where}.{key}" if self.where else key
        return Fields(self.table.get(key), self.path, where, self.report)

    def tables(self, key: str) -> dict[str, Fields]:
        """The sub-tables of the table at ``key`` (``[models.<name>]``)."""
        return self.sub(key).children()

    def children(self) -> dict[str, Fields]:
        """This table's sub-tables by name; non-table values are reported."""
        result: dict[str, Fields] = {}
        for name, value in self.table.items():
            if isinstance(value, dict):
                result[name] = self.sub(name)
            else:
                self._bad(name, "a table", value)
        return result
