"""Setting and deleting a provider's key from the app: the dialogs and the flows that use them.

A key goes to the OS keyring; when the keyring cannot keep it, the user is asked whether to
write it to the config file or the credential directory instead (mode 0600). Deleting asks
first. Every outcome is said in a notification, with the key only masked.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from playground.tui.widgets.ordered_keys import TextField

if TYPE_CHECKING:
    from playground.catalog.types import ProviderInfo
    from playground.credentials.key_files import KeyFile
    from playground.tui.app import PlaygroundApp


class KeyInput(ModalScreen[str | None]):
    """A masked input for a key; dismissed with the key, or None when cancelled."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, provider: str, reason: str | None = None) -> None:
        super().__init__()
        self.provider = provider
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small", id="key-input"):
            yield Static(f"Set the key for {self.provider}", classes="dialog-title")
            if self.reason:
                yield Static(self.reason, id="key-reason")
            yield TextField(password=True, placeholder="paste the key (hidden)", id="key-value")
            yield Static(
                "Goes to the OS keyring (or, if it cannot keep it, a 0600 file you choose); "
                "shown only masked. enter save · escape cancel",
                classes="dialog-help",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Close without a key."""
        self.dismiss(None)


class KeyFileConsent(ModalScreen[str | None]):
    """The keyring cannot keep the key: write it to the config file (``"config"``), the
    credential directory (``"dir"``), or nowhere (None)."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("c", "choose('config')", "config file"),
        Binding("d", "choose('dir')", "credential file"),
        Binding("escape,n", "choose(None)", "cancel"),
    ]

    def __init__(self, provider: str, reason: str, config: KeyFile, directory: KeyFile) -> None:
        super().__init__()
        self.provider = provider
        self.reason = reason
        self.targets = {"config": config, "dir": directory}

    def compose(self) -> ComposeResult:
        config, directory = self.targets["config"], self.targets["dir"]
        with Vertical(classes="dialog -small", id="key-file-consent"):
            yield Static(f"Save the {self.provider} key in a file?", classes="dialog-title")
            yield Static(
                f"The OS keyring cannot keep it: {self.reason}.\n"
                f"c  write it to {config.description}\n"
                f"d  write it to {directory.description}\n"
                "escape  do not save it (nothing is written)",
                id="key-file-choices",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Credential file", id="dir")
                yield Button("Config file", variant="primary", id="config")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(None if event.button.id == "cancel" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        """Close with the chosen file (or None)."""
        self.dismiss(choice)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question for a destructive step: only ``y`` confirms (a stray enter must
    not delete anything); ``n``, enter or escape decline."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("y", "answer(True)", "yes"),
        Binding("n,enter,escape", "answer(False)", "no"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small", id="confirm"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.question, id="confirm-question")
            yield Static("y yes · n / enter / escape no", classes="dialog-help")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


def _provider(app: PlaygroundApp, slug: str) -> ProviderInfo:
    return app.credential_states()[slug].provider


async def set_key_interactively(app: PlaygroundApp, slug: str, reason: str | None = None) -> bool:
    """Ask for ``slug``'s key and store it; True when it was stored somewhere.

    The keyring comes first; when it cannot keep the key, the user chooses the config file,
    the credential directory or nothing. Must run in a worker (it waits for dialogs).
    """
    from playground.config.loader import ConfigError, config_path
    from playground.credentials.key_files import (
        config_target,
        credential_dir_target,
        save_to_config,
        save_to_credential_dir,
    )
    from playground.credentials.keyring_store import KeyringUnavailable, backend_name, store_key
    from playground.secret import mask

    provider = _provider(app, slug)
    secret = await app.push_screen_wait(KeyInput(slug, reason))
    if not secret:
        app.notify(f"no key entered for {slug}: nothing stored")
        return False
    try:
        await asyncio.to_thread(store_key, slug, secret)
        where, written = f"the OS keyring ({backend_name()})", "keyring"
    except KeyringUnavailable as exc:
        config_file = config_path(app.options.config_path)
        targets = {
            "config": config_target(provider, app.config, config_file),
            "dir": credential_dir_target(provider),
        }
        choice = await app.push_screen_wait(
            KeyFileConsent(slug, str(exc), targets["config"], targets["dir"])
        )
        if choice is None:
            app.notify(
                f"the {slug} key was not saved: the OS keyring cannot keep it ({exc}) "
                "and no file was chosen",
                title="key not saved",
                severity="warning",
                timeout=10,
            )
            return False
        target = targets[choice]
        try:
            if choice == "config":
                save_to_config(provider, secret, app.config, config_file)
            else:
                save_to_credential_dir(provider, secret)
        except (ConfigError, OSError) as error:
            reason_text = getattr(error, "strerror", None) or str(error)
            app.notify(
                f"cannot write {target.path}: {reason_text}; the {slug} key was not saved",
                title="key not saved",
                severity="error",
                timeout=10,
            )
            return False
        where = target.description
        written = "config" if choice == "config" else "credentials dir"
    app.refresh_credentials(slug)
    status = app.credential_states()[slug].status
    note = ""
    if status is not None and status.source and not status.source.startswith(written):
        note = f" (but {status.source} takes precedence)"
    app.notify(f"stored the {slug} key {mask(secret)} in {where}{note}", title="key stored")
    return True


async def delete_key_interactively(app: PlaygroundApp, slug: str) -> bool:
    """Ask, then delete ``slug``'s key from where it is stored; True when one was deleted.

    Keys in the keyring, the config file (a literal ``api_key``) and the credential directory
    can be deleted; one from the environment or ``.env`` is left alone with a hint.
    """
    from playground.config.loader import ConfigError, config_path
    from playground.credentials.key_files import delete_credential_file, delete_from_config
    from playground.credentials.keyring_store import KeyringUnavailable, delete_keys

    row = app.credential_states()[slug]
    status = row.status
    source = status.source if status is not None else None
    if status is None or source is None or status.key is None:
        app.notify(f"no stored key for {slug}: nothing to delete", severity="warning")
        return False
    kind = _source_kind(source)
    if kind is None:
        app.notify(
            f"the {slug} key comes from {source}: remove it there (the app deletes keys "
            "only from the keyring, the config's api_key and the credential directory)",
            severity="warning",
            timeout=10,
        )
        return False
    count = len(status.keys)
    what = f"{count} keys" if count > 1 else f"the key {status.key.masked}"
    question = f"Delete {what} for {slug} from {source}?"
    if not await app.push_screen_wait(ConfirmDialog(f"Delete the {slug} key", question)):
        app.notify(f"kept the {slug} key")
        return False
    provider = row.provider
    try:
        if kind == "keyring":
            removed = await asyncio.to_thread(delete_keys, slug) > 0
        elif kind == "config":
            config_file = config_path(app.options.config_path)
            removed = delete_from_config(provider, app.config, config_file)
        else:
            removed = delete_credential_file(provider)
    except (KeyringUnavailable, ConfigError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        app.notify(f"cannot delete the {slug} key: {reason}", severity="error", timeout=10)
        return False
    if not removed:
        app.notify(f"the {slug} key was already gone from {source}", severity="warning")
        return False
    app.refresh_credentials(slug)
    after = app.credential_states()[slug].status
    remaining = after.source if after is not None else None
    tail = f"; now using {remaining}" if remaining else f"; {slug} has no key now"
    app.notify(f"deleted {what} for {slug} from {source}{tail}", title="key deleted")
    return True


def _source_kind(source: str) -> str | None:
    """keyring / config / dir for the sources the app may delete from, else None."""
    if source.startswith("keyring"):
        return "keyring"
    if source == "config api_key":  # a literal key; ``${VAR}`` references show the variable
        return "config"
    if source.startswith("credentials dir"):
        return "dir"
    return None
