"""The model picker: fuzzy search over the whole catalog, grouped by provider."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from playground.tui.credential_states import DOTS, ProviderCredential
from playground.tui.formatting import format_tokens
from playground.tui.fuzzy import match_tier, matches_all
from playground.tui.preferences import Preferences

if TYPE_CHECKING:
    from playground.catalog.types import ModelInfo
    from playground.tui.app import PlaygroundApp

SHOWN_LIMIT = 250
SPEC_WIDTH = 34
NAME_WIDTH = 24


def _cell(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells."""
    return text[: width - 1] + "…" if len(text) > width else text.ljust(width)


FILTERS = ("tools", "vision", "thinking")


def _price(model: ModelInfo) -> str:
    prices = model.prices
    if prices.input is None and prices.output is None:
        return ""
    if not prices.input and not prices.output:
        return "free"
    return f"${prices.input or 0:g}/${prices.output or 0:g} per M"


def _badges(model: ModelInfo) -> Text:
    """Fixed-position capability badges: ⚒ tools, ◉ vision, ✦ thinking."""
    text = Text()
    for flag, badge in (("tools", "⚒"), ("vision", "◉"), ("thinking", "✦")):
        text.append(f"{badge} " if getattr(model, flag) else "  ", style="bold")
    return text


class ModelPicker(ModalScreen[str | None]):
    """Pick a model or route. Enter picks; F2/F3/F4 filter tools/vision/thinking;
    F5 stars a favourite. Recent and favourite models come first."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("f2", "filter('tools')", "tools", id="picker_tools"),
        Binding("f3", "filter('vision')", "vision", id="picker_vision"),
        Binding("f4", "filter('thinking')", "thinking", id="picker_thinking"),
        Binding("f5", "favourite", "★ favourite", id="picker_favourite"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    def __init__(self, app: PlaygroundApp, preferences: Preferences | None = None) -> None:
        super().__init__()
        self.playground = app
        self.preferences = preferences or Preferences.load()
        self.filters: set[str] = set()
        self.credentials: dict[str, ProviderCredential] = app.credential_states()
        catalog = app.catalog
        self.models: list[ModelInfo] = list(catalog.models()) if catalog is not None else []
        providers = catalog.providers() if catalog is not None else []
        self.provider_order: dict[str, int] = {p.slug: i for i, p in enumerate(providers)}
        self.provider_names: dict[str, str] = {p.slug: p.name for p in providers}
        session = app.session
        self.routes: dict[str, tuple[str, ...]] = (
            session.resolver.routes() if session is not None else {}
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Static("Pick a model", classes="dialog-title")
            yield Input(placeholder="search models, providers, routes…", id="picker-search")
            yield Static("", id="picker-filters")
            yield OptionList(id="picker-list")
            yield Static(
                "enter pick · F2 ⚒ tools · F3 ◉ vision · F4 ✦ thinking · F5 ★ favourite · "
                "keys: ● ok ◌ unchecked ○ missing ✗ invalid",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._refill()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        if index is None:
            return
        option = option_list.get_option_at_index(index)
        if isinstance(option, _PickOption):
            self.dismiss(option.spec)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option, _PickOption):
            self.dismiss(event.option.spec)

    def action_move(self, delta: int) -> None:
        """Move the highlight while typing."""
        option_list = self.query_one(OptionList)
        count = option_list.option_count
        if not count:
            return
        index = option_list.highlighted if option_list.highlighted is not None else -1
        step = 1 if delta > 0 else -1
        moved = 0
        while moved < abs(delta):
            nxt = index + step
            if not 0 <= nxt < count:
                break
            index = nxt
            if not option_list.get_option_at_index(index).disabled:
                moved += 1
        if not option_list.get_option_at_index(index).disabled:
            option_list.highlighted = index

    def action_filter(self, name: str) -> None:
        """Toggle a capability filter."""
        self.filters ^= {name}
        self._refill()

    def action_favourite(self) -> None:
        """Star or unstar the highlighted model."""
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return
        option = option_list.get_option_at_index(option_list.highlighted)
        if isinstance(option, _PickOption):
            spec = option.spec
            starred = self.preferences.toggle_favourite(spec)
            self.app.notify(f"{'★ added' if starred else 'removed'} favourite {spec}")
            self._refill()

    def action_cancel(self) -> None:
        """Close without picking."""
        self.dismiss(None)

    # --- building the list ------------------------------------------------------------------

    def _passes_filters(self, model: ModelInfo) -> bool:
        return all(getattr(model, name) for name in self.filters)

    def _refill(self) -> None:
        query = self.query_one(Input).value.strip()
        terms = query.split()
        filter_text = Text("filters: ")
        for name in FILTERS:
            on = name in self.filters
            filter_text.append(f"[{'x' if on else ' '}] {name}  ", style="bold" if on else "dim")
        self.query_one("#picker-filters", Static).update(filter_text)

        scored: list[tuple[int, float, ModelInfo]] = []
        for model in self.models:
            if self.filters and not self._passes_filters(model):
                continue
            score = matches_all(terms, f"{model.spec} {model.name}") if terms else 0.0
            if score is not None:
                scored.append((self._tier(terms, model), score, model))
        route_hits = [
            (name, chain)
            for name, chain in self.routes.items()
            if not self.filters and (not terms or matches_all(terms, name + " " + " ".join(chain)))
        ]
        options: list[Option | None] = []
        pinned = [*self.preferences.favourites, *self.preferences.recent]
        by_spec = {m.spec: m for _, _, m in scored}
        pinned_models = [by_spec[s] for s in dict.fromkeys(pinned) if s in by_spec]
        if pinned_models:
            options.append(Option(Text("★ favourites and recent", style="bold"), disabled=True))
            options.extend(self._option(m) for m in pinned_models)
        if route_hits:
            options.append(Option(Text("routes (fallback chains)", style="bold"), disabled=True))
            for name, chain in route_hits:
                label = Text(f"  {name}", style="bold")
                label.append("  " + " → ".join(chain), style="dim")
                options.append(_PickOption(label, name))
        if terms:
            scored.sort(key=lambda item: (-item[0], -item[1]))
        shown = scored[:SHOWN_LIMIT]
        groups: dict[str, list[ModelInfo]] = {}
        best_tier: dict[str, int] = {}
        for tier, _, model in shown:
            groups.setdefault(model.provider, []).append(model)
            best_tier[model.provider] = max(best_tier.get(model.provider, 0), tier)
        order = sorted(groups, key=lambda slug: self._group_rank(slug, best_tier[slug], terms))
        for slug in order:
            options.append(Option(self._group_title(slug), disabled=True))
            options.extend(self._option(m) for m in groups[slug])
        if len(scored) > SHOWN_LIMIT:
            more = Text(f"… {len(scored) - SHOWN_LIMIT} more: type to narrow", style="dim italic")
            options.append(Option(more, disabled=True))
        if not options:
            options.append(Option(Text("no model matches", style="dim"), disabled=True))
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        for index in range(option_list.option_count):
            if not option_list.get_option_at_index(index).disabled:
                option_list.highlighted = index
                break

    def _tier(self, terms: list[str], model: ModelInfo) -> int:
        """Summed :func:`match_tier` of the terms; 0 when any term matched only fuzzily."""
        name = self.provider_names.get(model.provider, model.provider)
        tiers = [match_tier(t, model.provider, name, model.id, model.name) for t in terms]
        return 0 if 0 in tiers else sum(tiers)

    def _group_rank(self, slug: str, tier: int, terms: list[str]) -> tuple[bool, bool, int, int]:
        """Sort key of a provider group: real matches before fuzzy-only ones, then usable
        credentials (simulated ones are), then the best match, then the catalog's order
        (providers before the resellers that carry their models)."""
        fuzzy_only = bool(terms) and tier == 0
        order = self.provider_order.get(slug, len(self.provider_order))
        return (fuzzy_only, not self._usable(slug), -tier, order)

    def _usable(self, slug: str) -> bool:
        credential = self.credentials.get(slug)
        return credential is None or credential.usable

    def _group_title(self, slug: str) -> Text:
        credential = self.credentials.get(slug)
        dot_name = credential.dot if credential else "unchecked"
        dot, colour = DOTS[dot_name]
        name = credential.provider.name if credential else slug
        title = Text(f"{dot} ", style=colour)
        title.append(f"{name} ", style="bold")
        title.append(f"({slug}) · {dot_name}", style="dim")
        if credential is not None and credential.status is not None and not credential.usable:
            step = credential.status.next_step
            if step:
                title.append(f" · {step}", style="dim italic")
        return title

    def _option(self, model: ModelInfo) -> Option:
        usable = self._usable(model.provider)
        star = "★ " if model.spec in self.preferences.favourites else "  "
        label = Text(star)
        label.append(_cell(model.spec, SPEC_WIDTH), style="bold" if usable else "dim")
        label.append(" ")
        name = model.name if model.name and model.name != model.id else ""
        label.append(_cell(name, NAME_WIDTH), style="dim")
        label.append(" ")
        label.append_text(_badges(model))
        context = f"{format_tokens(model.context_window)} ctx" if model.context_window else ""
        label.append(context.rjust(10), style="dim")
        label.append("  " + _price(model), style="dim")
        label.no_wrap = True
        label.overflow = "ellipsis"
        if not usable:
            label.stylize("dim")
        return _PickOption(label, model.spec)


class _PickOption(Option):
    """An option whose picked value is a spec; ids stay unique even when a model is listed
    twice (pinned and in its provider group)."""

    _counter = 0

    def __init__(self, prompt: Any, spec: str) -> None:
        _PickOption._counter += 1
        super().__init__(prompt, id=f"{spec}\x00{_PickOption._counter}")
        self.spec = spec
