"""Blind mode in the app: panes shown as Model A, B, C… in a shuffled order, the
fallback timeline closed, a vote on the last answers, then the models revealed.

The app keeps one :class:`BlindMode` and calls it from its bindings; the rules of a fair
vote and the vote itself live in :mod:`playground.compare.blind`.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from playground.compare.blind import BallotError, ballot, blind_name
from playground.compare.votes import ALL_BAD, TIE, append_votes

if TYPE_CHECKING:
    from playground.tui.app import PlaygroundApp


def refused_while_blind(what: str) -> str:
    """The warning when ``what`` (which names the models) is asked for before the vote."""
    return f"blind mode: {what} names the models — vote first (f12)"


class BlindMode:
    """Whether the app is blind, and whether this round's names are revealed.

    On: the panes are shuffled and renamed A, B, C…; the names come back once the user
    has voted on the round (or leaves blind mode); the next prompt hides them again.
    """

    def __init__(self, app: PlaygroundApp, rng: random.Random | None = None) -> None:
        self.app = app
        self.active = False
        self.revealed = False
        self.rng = rng or random.Random()

    @property
    def hiding(self) -> bool:
        """Whether model names are hidden right now."""
        return self.active and not self.revealed

    def toggle(self) -> None:
        """Enter blind mode (shuffle, hide) or leave it (show every name)."""
        app = self.app
        self.active = not self.active
        self.revealed = False
        if self.active:
            if len(app.chat_panes) < 2:
                self.active = False
                app.notify("blind mode needs two or more panes", severity="warning")
                return
            self._shuffle()
            app.compare.close_timeline()
            app.notify("blind mode: send a prompt, then f12 to vote", title="blind")
        self.apply()

    def _shuffle(self) -> None:
        """Put the panes in a random order, so a position gives no model away."""
        app = self.app
        views = app.chat_panes
        self.rng.shuffle(views)
        for target, view in enumerate(views):
            # Targets fill from the left, so ``view`` sits at ``target`` or to its right.
            app.session.move_pane(view.pane, target)  # type: ignore[union-attr]
            current = app.chat_panes
            if current[target] is not view:
                app.grid.move_child(view, before=current[target])

    def apply(self) -> None:
        """Show blind names or model names on every pane, and in the comparison table."""
        for index, view in enumerate(self.app.chat_panes):
            view.set_blind_name(blind_name(index) if self.hiding else None)
        self.app.compare.refresh_table()

    def names(self) -> list[str] | None:
        """The blind names in display order while hiding, else None."""
        if not self.hiding:
            return None
        return [f"Model {blind_name(i)}" for i in range(len(self.app.chat_panes))]

    def prompt_sent(self) -> None:
        """A new round: hide the names again."""
        if self.active and self.revealed:
            self.revealed = False
            self.apply()

    def vote(self) -> None:
        """Open the vote on the panes' last answers (blind mode only)."""
        from playground.tui.screens.vote import VoteDialog

        app = self.app
        if not self.active:
            app.notify("voting is for blind mode: press f11 first", severity="warning")
            return
        if self.revealed:
            app.notify("this round is voted: send the next prompt", severity="warning")
            return
        views = app.chat_panes
        try:
            round_ = ballot([view.pane.turns[-1] if view.pane.turns else None for view in views])
        except BallotError as exc:
            app.notify(str(exc), title="cannot vote yet", severity="warning")
            return

        def voted(choice: int | str | None) -> None:
            if choice is None:
                return
            vote = round_.vote(choice)
            try:
                append_votes([vote])
            except OSError as exc:  # the vote is lost, the names are still revealed
                app.notify(f"vote not saved: {exc.strerror or exc}", severity="error")
            self.revealed = True
            self.apply()
            app.notify(self._reveal_text(round_.models, choice), title="revealed", timeout=10)

        app.push_screen(VoteDialog(len(views), round_.prompt), voted)

    @staticmethod
    def _reveal_text(models: tuple[str, ...], choice: int | str) -> str:
        names = " · ".join(f"{blind_name(i)} = {model}" for i, model in enumerate(models))
        if choice == TIE:
            verdict = "tie"
        elif choice == ALL_BAD:
            verdict = "all bad"
        else:
            verdict = f"{blind_name(int(choice))} won"
        return f"{verdict}: {names}"
