"""Check the user's key remaps (``[ui] bindings``) before the app applies them.

Textual applies a keymap silently: an unknown binding id does nothing, and a key that is
already bound elsewhere drops the other binding. Here every problem becomes one line naming
the binding id, and only the remaps without a problem are applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from textual.binding import Binding


@dataclass(slots=True)
class CheckedKeymap:
    """The remaps that are safe to apply and one line per remap that is not."""

    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _keys(key_string: str) -> list[str]:
    return [key.strip() for key in key_string.split(",") if key.strip()]


def check_keymap(
    remaps: Mapping[str, str],
    bindings: Iterable[Binding],
    reserved: Mapping[str, str] | None = None,
) -> CheckedKeymap:
    """Validate ``remaps`` (binding id → keys) against the app's ``bindings``.

    ``reserved`` maps keys the focused prompt edits with to what they do there
    (``ctrl+w`` → ``delete word left``); an app key on one of them would shadow it.
    """
    reserved = reserved or {}
    by_id = {binding.id: binding for binding in bindings if binding.id}
    result = CheckedKeymap()
    wanted: dict[str, list[str]] = {}
    for binding_id, key_string in remaps.items():
        if binding_id not in by_id:
            known = ", ".join(sorted(by_id))
            result.problems.append(f"unknown binding id {binding_id!r} (known: {known})")
            continue
        keys = _keys(key_string)
        if not keys:
            result.problems.append(f"{binding_id}: no key given")
            continue
        wanted[binding_id] = keys
    # The keys every binding ends up with if all wanted remaps were applied.
    final = {bid: wanted.get(bid, _keys(b.key)) for bid, b in by_id.items()}
    for binding_id, keys in wanted.items():
        problem = None
        for key in keys:
            other = next((o for o, ks in final.items() if o != binding_id and key in ks), None)
            if other is not None:
                problem = f"{binding_id} → {key}: {key} is already {other}'s key; not applied"
                break
            if key in reserved:
                problem = (
                    f"{binding_id} → {key}: {key} is the prompt's {reserved[key]}; not applied"
                )
                break
        if problem:
            result.problems.append(problem)
            final[binding_id] = _keys(by_id[binding_id].key)
        else:
            result.keymap[binding_id] = ",".join(keys)
    return result


def editing_keys(bindings: Iterable[Binding]) -> dict[str, str]:
    """Every key of a text widget's ``bindings`` → its description (``delete word left``)."""
    keys: dict[str, str] = {}
    for binding in bindings:
        for key in _keys(binding.key):
            keys.setdefault(key, (binding.description or binding.action).lower())
    return keys
