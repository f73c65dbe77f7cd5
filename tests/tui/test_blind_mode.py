"""Blind mode (f11): panes as Model A, B…, the timeline refused, a vote (f12) saved with the
prompt and answers, then the models revealed; the leaderboard reads the votes."""

from __future__ import annotations

import random

from playground.compare.votes import read_votes, votes_path
from playground.tui.screens.export import ExportDialog
from playground.tui.screens.leaderboard import LeaderboardScreen
from playground.tui.screens.vote import VoteDialog
from playground.tui.widgets.chat_pane import PaneFooter, PaneHeader
from playground.tui.widgets.prompt_input import PromptInput
from playground.tui.widgets.timeline import TimelinePanel

from .conftest import wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
LOREM = "sim/lorem?tps=0&ttft_ms=0&tokens=12"


async def send(pilot, text: str) -> None:
    app = pilot.app
    prompt = app.query_one(PromptInput)
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: all(
            v.pane.turns and v.pane.turns[-1].status != "running" and not v.busy
            for v in app.chat_panes
        ),
    )


def header(view) -> str:
    return str(view.query_one(PaneHeader).render())


def shown_text(app) -> str:
    """Headers and footers of every pane, as on screen."""
    parts = []
    for view in app.chat_panes:
        parts.append(header(view))
        footer = view.query_one(PaneFooter)
        parts.extend(strip.text for strip in footer.render_lines(footer.region.reset_offset))
    return "\n".join(parts)


async def test_blind_hides_names_votes_saves_the_round_and_reveals(make_app):
    app = make_app([ECHO, LOREM])
    app.compare.blind.rng = random.Random(1)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await pilot.press("f11")
        await pilot.pause()
        assert [header(v) for v in app.chat_panes] == ["Model A", "Model B"]
        await send(pilot, "which is better?")
        await pilot.pause()
        assert "sim/" not in shown_text(app)
        # the timeline and an export name models: refused until the reveal
        await pilot.press("ctrl+t")
        assert not app.query_one(TimelinePanel).display
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        order = [v.pane.spec for v in app.chat_panes]
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteDialog))
        await pilot.press("b")
        await wait_until(pilot, lambda: not isinstance(app.screen, VoteDialog))
        votes, skipped = read_votes()
        assert skipped == 0 and len(votes) == 1
        vote = votes[0]
        assert vote.source == "user" and vote.prompt == "which is better?"
        assert vote.models == tuple(order) and vote.winner == order[1]
        assert vote.answers[order[0]] == app.chat_panes[0].pane.turns[-1].text
        # revealed: names back, the timeline opens again
        assert [header(v).split()[0] for v in app.chat_panes] == order
        await pilot.press("ctrl+t")
        assert app.query_one(TimelinePanel).display
        await pilot.press("ctrl+t")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ExportDialog))
        # the next prompt hides the names again
        await send(pilot, "and now?")
        assert [header(v) for v in app.chat_panes] == ["Model A", "Model B"]


async def test_blind_mode_shuffles_the_panes(make_app):
    specs = [ECHO, LOREM, "sim-anthropic/echo?tps=0&ttft_ms=0"]
    seen = set()
    for seed in range(6):
        app = make_app(specs)
        app.compare.blind.rng = random.Random(seed)
        async with app.run_test(size=(160, 40)) as pilot:
            await wait_until(pilot, lambda: len(pilot.app.chat_panes) == 3)
            await pilot.press("f11")
            await pilot.pause()
            order = tuple(v.pane.spec for v in app.chat_panes)
            assert order == tuple(p.spec for p in app.session.panes)  # session follows
            assert sorted(order) == sorted(specs)
            seen.add(order)
    assert len(seen) > 1


async def test_a_vote_needs_blind_mode_and_finished_answers(make_app):
    app = make_app([ECHO, LOREM])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await pilot.press("f12")
        await pilot.pause()
        assert not isinstance(app.screen, VoteDialog)
        await pilot.press("f11")
        await pilot.press("f12")  # no answers yet
        await pilot.pause()
        assert not isinstance(app.screen, VoteDialog)
        await send(pilot, "hi")
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteDialog))
        await pilot.press("escape")  # no vote: nothing saved, still blind
        await pilot.pause()
        assert read_votes() == ([], 0)
        assert header(app.chat_panes[0]) == "Model A"
        await pilot.press("f11")  # leaving blind mode shows the names
        await pilot.pause()
        assert header(app.chat_panes[0]).startswith("sim")


async def test_tie_and_all_bad_are_votes_too(make_app):
    app = make_app([ECHO, LOREM])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await pilot.press("f11")
        for text, key in (("one", "t"), ("two", "x")):
            await send(pilot, text)
            await pilot.press("f12")
            await wait_until(pilot, lambda: isinstance(app.screen, VoteDialog))
            await pilot.press(key)
            await pilot.pause()
        assert [v.winner for v in read_votes()[0]] == ["tie", "all_bad"]


async def test_the_leaderboard_shows_the_saved_votes(make_app):
    app = make_app([ECHO, LOREM])
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        app.action_leaderboard()
        await wait_until(pilot, lambda: isinstance(app.screen, LeaderboardScreen))
        board = str(app.screen.query_one("#leaderboard-table").render())
        assert "no votes yet" in board and "blind mode" in board
        await pilot.press("escape")
        await pilot.press("f11")
        await send(pilot, "rate me")
        winner = app.chat_panes[0].pane.spec
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, VoteDialog))
        await pilot.press("a")
        await pilot.pause()
        app.action_leaderboard()
        await wait_until(pilot, lambda: isinstance(app.screen, LeaderboardScreen))
        table = app.screen.query_one("#leaderboard-table")
        lines = [s.text for s in table.render_lines(table.region.reset_offset)]
        ranked = [line for line in lines if line.strip()[:1].isdigit()]
        assert winner in ranked[0] and " 1 " in ranked[0]
        assert votes_path().exists()


async def test_a_route_that_fell_back_names_no_model_while_blind(make_app):
    from playground.config.schema import Config, RouteConfig
    from playground.tui.widgets.turn_view import Notice

    from .conftest import fast_reliability

    flaky = f"sim/echo?fail=503&retry_after=0&{ECHO.split('?')[1]}"
    config = Config(
        reliability=fast_reliability(),
        routes={"flaky": RouteConfig(models=[flaky, "sim-anthropic/echo?tps=0&ttft_ms=0"])},
    )
    app = make_app(["flaky", LOREM], config=config)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 2)
        await pilot.press("f11")
        await send(pilot, "hello")
        await pilot.pause()
        route = next(v for v in app.chat_panes if v.pane.spec == "flaky")
        assert route.pane.metrics.hop == 2  # it did fall back
        assert "sim" not in shown_text(app) and "flaky" not in shown_text(app)
        assert all(not n.display for n in route.query(Notice))
        assert route.query(Notice)  # the fallback notice exists, hidden
        await pilot.press("f11")
        await pilot.pause()
        assert "by sim-anthropic/echo" in shown_text(app)


async def test_the_leaderboard_filters_by_prompt_tag(make_app):
    from playground.compare.votes import Vote, append_votes

    def vote(winner: str, tag: str) -> Vote:
        return Vote("q?", {"m/a": "x", "m/b": "y"}, ("m/a", "m/b"), winner, "judge", tags=(tag,))

    append_votes([vote("m/a", "geo")] * 3 + [vote("m/b", "code")] * 2)
    app = make_app([ECHO])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) == 1)
        app.action_leaderboard()
        await wait_until(pilot, lambda: isinstance(app.screen, LeaderboardScreen))

        def ranked() -> list[tuple[str, str]]:
            table = app.screen.query_one("#leaderboard-table")
            lines = [s.text for s in table.render_lines(table.region.reset_offset)]
            rows = [line.split() for line in lines if line.strip()[:1].isdigit()]
            return [(row[1], row[-1]) for row in rows]  # model, votes

        assert "[all]" in str(app.screen.query_one("#leaderboard-filter").render())
        assert dict(ranked()) == {"m/a": "5", "m/b": "5"}
        await pilot.press("right")  # "code" (tags sorted): only the two votes for m/b
        await pilot.pause()
        assert "[code]" in str(app.screen.query_one("#leaderboard-filter").render())
        assert ranked()[0] == ("m/b", "2") and dict(ranked())["m/a"] == "2"
        await pilot.press("right")  # "geo"
        await pilot.pause()
        assert ranked()[0] == ("m/a", "3")
        await pilot.press("right")  # back to every vote
        await pilot.pause()
        assert dict(ranked()) == {"m/a": "5", "m/b": "5"}
