"""Text fields whose editing keys take effect in the order they were typed.

Textual inserts a printable key the moment the focused ``Input`` / ``TextArea`` sees it, but
runs the widget's own key bindings (backspace, ctrl+a, ctrl+e, ctrl+u, ctrl+w, arrows …) only
after the key has bubbled up to the App. When several keys arrive in one read — a fast
typist over SSH, a key macro, ``tmux send-keys``, a loaded machine — "ctrl+u, then abc"
inserts ``abc`` first and then deletes it, and "ctrl+a, then x" types ``x`` at the end
(Textual issue #6605). :class:`KeysInOrder` runs the field's own bindings as each key
arrives, so the order typed is the order applied. Priority bindings are unaffected: the App
runs them before a key reaches the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object


class KeysInOrder(_Base):
    """Mixin for a text field: its own (non-priority) key bindings run inline, in order.

    Put it first in the bases (``class Field(KeysInOrder, Input)``); a plain mixin, so the
    widget's CSS, component classes and bindings stay exactly those of the field.
    """

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable and await self._run_own_binding(event):
            return
        await super()._on_key(event)  # the field's own key handling

    async def _run_own_binding(self, event: events.Key) -> bool:
        """Run the binding this widget itself declares for the key, if any; True if it ran.

        The same lookup the App would make for the focused widget (Textual keeps a widget's
        merged class bindings in ``_bindings``; textual is pinned for this).
        """
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.priority:
                continue
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return True
        return False


class TextField(KeysInOrder, Input):
    """A one-line :class:`~textual.widgets.Input` whose editing keys apply in typed order."""
