#!/usr/bin/env python3
"""Generate the packaged model catalog from a models.dev snapshot.

Usage::

    python scripts/gen_catalog.py [--source ../shared/catalog/models.dev] [--check]

Reads ``providers/<id>/models/**.toml`` of the providers we list (``PROVIDER_MAP``), resolves
``base_model`` inheritance and symlink stubs, keeps only chat models (text in, text out)
and only the fields the app needs, and writes ``playground/catalog/models.json`` (minified)
plus ``playground/catalog/models.dev.LICENSE`` (models.dev is MIT-licensed).
``--check`` exits 1 when the checked-in file differs from what would be generated.

File format (version 1)::

    {"v": 1, "source": "models.dev", "providers": {SLUG: [MODEL, ...]}}
    MODEL = [id, name, context, max_output, tools, vision, thinking, THINKING, PRICES]
    THINKING = [style, [efforts...], budget_min, budget_max, default_on, can_disable] | 0
    PRICES = [input, output, cache_read, cache_write, reasoning] | 0   (USD per 1M tokens)

Flags are ``true``/``false``/``null`` (null: models.dev does not say).

Thinking options are derived from models.dev's ``reasoning_options`` (``effort`` values,
``toggle``, ``budget_tokens`` min/max) by the rules in :func:`thinking_options`, which add
what models.dev leaves implicit:

* Anthropic: effort levels together with ``max`` (Claude 4.6+) or without a budget mean
  *adaptive* thinking (``thinking: {type: adaptive}`` + ``output_config.effort``); otherwise
  ``budget_tokens`` with the API minimum of 1,024 (thinking is off unless requested).
* Gemini (native API): ``budget_tokens`` is Gemini 2.5 ``thinkingBudget`` (on by default;
  it can be turned off only when the budget may be 0 or a toggle is listed — 2.5 Pro cannot);
  ``effort`` values are Gemini 3 ``thinkingLevel`` (cannot be turned off; ``minimal`` is the
  lowest).
* Everything else: effort values > budget > toggle, in that order of preference; thinking
  can be turned off when ``none`` is an effort value or a toggle is listed.
* ``reasoning = true`` without options: the model always thinks (``always``).

``EXTRA_MODELS`` adds popular local Ollama models models.dev does not list.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

from playground.catalog.models_dev import (  # noqa: F401 (re-exported for the tests)
    EXTRA_MODELS,
    PROVIDER_MAP,
    compact_model,
    is_chat_model,
    served_by,
    thinking_options,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "catalog" / "models.dev"
OUT_JSON = ROOT / "playground" / "catalog" / "models.json"
OUT_LICENSE = ROOT / "playground" / "catalog" / "models.dev.LICENSE"


def load_toml(path: Path) -> dict[str, Any] | None:
    """Load a model file, following the one-line relative-path stubs (git symlinks)."""
    for _ in range(5):
        raw = path.read_bytes()
        if raw.startswith(b"../"):
            path = (path.parent / raw.decode().strip()).resolve()
            if not path.exists():
                return None
            continue
        return tomllib.loads(raw.decode("utf-8"))
    return None


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Tables merge, everything else (arrays included) is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def drop_path(data: dict[str, Any], dotted: str) -> None:
    """Remove ``a.b.c`` from nested tables if present."""
    *parents, leaf = dotted.split(".")
    for part in parents:
        data = data.get(part)  # type: ignore[assignment]
        if not isinstance(data, dict):
            return
    data.pop(leaf, None)


_DONOR_FIELDS = ("name", "family", "limit", "modalities", "tool_call", "attachment", "reasoning")


def donor_index(source: Path) -> dict[str, dict[str, Any]]:
    """Self-contained model files of every provider, keyed by the model's last path segment.

    The snapshot lacks models.dev's shared base-model files, so a ``base_model`` that points
    at itself or at a missing file borrows the identity fields (name, limits, modalities,
    tool flag) of another provider's self-contained file of the same model (first by path).
    """
    index: dict[str, dict[str, Any]] = {}
    for path in sorted((source / "providers").glob("*/models/**/*.toml")):
        data = load_toml(path)
        if not data or "base_model" in data:
            continue
        if all(k in data for k in ("name", "limit", "modalities", "tool_call")):
            donor = {k: data[k] for k in _DONOR_FIELDS if k in data}
            index.setdefault(path.stem.lower(), donor)
    return index


def resolve(
    source: Path, data: dict[str, Any], donors: dict[str, dict[str, Any]], depth: int = 0
) -> dict[str, Any]:
    """Apply ``base_model`` inheritance (``provider/model`` of another file)."""
    base_ref = data.get("base_model")
    if not base_ref or depth > 5:
        return data
    provider, _, model = base_ref.partition("/")
    path = source / "providers" / provider / "models" / f"{model}.toml"
    base = load_toml(path) if path.exists() else None
    if base is not None and base.get("base_model") == base_ref:
        base = None  # points at itself: the shared base file is not in the snapshot
    if base is None:
        donor = donors.get(model.rsplit("/", 1)[-1].lower())
        return deep_merge(donor, data) if donor else data
    base = resolve(source, base, donors, depth + 1)
    for omitted in data.get("base_model_omit", []):
        drop_path(base, omitted)
    return deep_merge(base, data)


def generate(source: Path) -> dict[str, Any]:
    """Build the whole catalog document."""
    providers: dict[str, list[list[Any]]] = {}
    donors = donor_index(source)
    for dev_id, slug in PROVIDER_MAP.items():
        models_dir = source / "providers" / dev_id / "models"
        rows: dict[str, list[Any]] = {}
        for path in sorted(models_dir.rglob("*.toml")):
            data = load_toml(path)
            if data is None:
                continue
            data = resolve(source, data, donors)
            model_id = path.relative_to(models_dir).with_suffix("").as_posix()
            if is_chat_model(model_id, data) and served_by(slug, model_id):
                rows[model_id] = compact_model(slug, model_id, data)
        for extra in EXTRA_MODELS.get(slug, []):
            rows.setdefault(extra[0], extra)
        providers[slug] = [rows[k] for k in sorted(rows)]
    return {"v": 1, "source": "models.dev (MIT, see models.dev.LICENSE)", "providers": providers}


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the packaged catalog."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--check", action="store_true", help="verify the checked-in file")
    args = parser.parse_args(argv)
    if not (args.source / "providers").is_dir():
        print(f"gen_catalog: no models.dev snapshot at {args.source}", file=sys.stderr)
        return 2
    text = json.dumps(generate(args.source), separators=(",", ":"), ensure_ascii=False)
    if args.check:
        current = OUT_JSON.read_text(encoding="utf-8") if OUT_JSON.exists() else ""
        if current != text + "\n":
            print("gen_catalog: models.json is out of date; run scripts/gen_catalog.py")
            return 1
        return 0
    OUT_JSON.write_text(text + "\n", encoding="utf-8")
    shutil.copyfile(args.source / "LICENSE", OUT_LICENSE)
    count = sum(len(v) for v in json.loads(text)["providers"].values())
    print(f"wrote {OUT_JSON.relative_to(ROOT)}: {count} models, {len(text):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
