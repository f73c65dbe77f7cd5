"""The model picker: fuzzy search over the whole catalog, grouped by provider.

Search uses Textual's own fuzzy matcher (the command palette's), so matched characters are
highlighted the same way; ranking keeps coarse tiers (exact > prefix > word start > fuzzy)
and puts providers with a usable credential first. A spec the catalog lacks can be used as
typed, after the same checks ``-m`` makes; while a ``custom:URL`` / ``anthropic-custom:URL``
spec is typed, that URL's server is asked which models it offers, and they are listed under
the typed row (``custom:URL#model``, "not in catalog"), or one line says why it could not be
asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from playground.tui.credential_states import (
    DOTS,
    LOCAL_PROBE_TIMEOUT_S,
    ProviderCredential,
    live_list_slugs,
    probe_keyless,
)
from playground.tui.formatting import format_tokens
from playground.tui.model_search import EXACT_TIER, TermsMatcher, terms_tier
from playground.tui.preferences import Preferences
from playground.tui.widgets.ordered_keys import TextField

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from playground.catalog.types import ModelInfo, ProviderInfo
    from playground.credentials.discovery import ModelListing
    from playground.tui.app import PlaygroundApp

SHOWN_LIMIT = 150
NAME_WIDTH = 40
MIN_NAME_WIDTH = 8
CONTEXT_WIDTH = 10
BADGES_WIDTH = 7
MATCH_STYLE = "bold underline"
"""How matched characters look: the command palette's ``command-palette--highlight``."""
FILTERS = ("tools", "vision", "thinking")
CUSTOM_SCHEMES = ("custom:", "anthropic-custom:")
AD_HOC_SETTLE_S = 0.3
"""How long a typed ``custom:URL`` must stay the same before its server is asked."""


def fit_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut in the middle (``claude-3-5…20241022``), so
    both a model's family and its date stay readable."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return text[:head] + "…" + text[len(text) - tail :]


def _price(model: ModelInfo) -> str:
    prices = model.prices
    if prices.input is None and prices.output is None:
        return ""
    if not prices.input and not prices.output:
        return "free"
    return f"${prices.input or 0:g}/${prices.output or 0:g} per M"


def _shown_name(model: ModelInfo) -> str:
    """The display name when it says more than the id."""
    return model.name if model.name and model.name != model.id else ""


def _row_name(model: ModelInfo) -> str:
    """The name column: the display name, or "not in catalog" for a model only a server's
    live list names (its capabilities are unknown)."""
    if not model.known:
        return f"not in catalog · {_shown_name(model)}" if _shown_name(model) else "not in catalog"
    return _shown_name(model)


def _price_forms(model: ModelInfo) -> tuple[str, ...]:
    """The price, longest form first (``$3/$15 per M``, ``$3/$15``), for the room a row has."""
    price = _price(model)
    return (price, price.removesuffix(" per M")) if price else ()


def _badges(model: ModelInfo) -> Text:
    """Fixed-position capability badges: ⚒ tools, ◉ vision, ✦ thinking."""
    text = Text()
    for flag, badge in (("tools", "⚒"), ("vision", "◉"), ("thinking", "✦")):
        text.append(f"{badge} " if getattr(model, flag) else "  ", style="bold")
    return text


class RowLayout:
    """Column widths of the model rows for one list width: the id first (never cut while
    it fits), then badges, context, name and price, each dropped when room runs out."""

    def __init__(self, width: int, models: list[ModelInfo], ids: list[str] | None = None) -> None:
        longest = max((len(i) for i in ids or [m.spec for m in models]), default=0)
        longest_name = max((len(_row_name(m)) for m in models), default=0)
        room = max(width - 2 - BADGES_WIDTH, 8)  # 2: the favourite star
        self.spec = min(longest, room)
        rest = room - self.spec
        self.context = CONTEXT_WIDTH if rest >= CONTEXT_WIDTH else 0
        rest -= self.context
        self.name = min(longest_name, NAME_WIDTH, rest - 1) if rest > MIN_NAME_WIDTH else 0
        rest -= self.name + (1 if self.name else 0)
        self.price = rest


class ModelPicker(ModalScreen[str | None]):
    """Pick a model or route. Enter picks; F2/F3/F4 filter tools/vision/thinking;
    F5 stars a favourite. Exact matches first, then recent and favourite models.

    Local servers that answer their probe and providers the config adds are asked for their
    live model list in the background; what they offer joins the catalog's rows (marked
    "not in catalog" where the catalog lacks it).
    """

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
        self.catalog = app.catalog
        catalog = self.catalog
        self.models: list[ModelInfo] = list(catalog.models()) if catalog is not None else []
        self.by_spec: dict[str, ModelInfo] = {m.spec.lower(): m for m in self.models}
        providers = catalog.providers() if catalog is not None else []
        self.provider_order: dict[str, int] = {p.slug: i for i, p in enumerate(providers)}
        self.provider_names: dict[str, str] = {p.slug: p.name for p in providers}
        session = app.session
        self.resolver = session.resolver if session is not None else None
        self.routes: dict[str, tuple[str, ...]] = (
            self.resolver.routes() if self.resolver is not None else {}
        )
        self.live_counts: dict[str, int] = {}
        """Provider slug → how many models its live list named (once it answered)."""
        self.ad_hoc: tuple[str, ModelListing | None] | None = None
        """The typed ``custom:URL`` endpoint and its live list (None while being asked)."""
        self.ad_hoc_models: dict[str, ModelInfo] = {}
        """``custom:URL#model`` (lower case) → the listed model, for the detail line."""
        self._width = 0
        self._narrowed: tuple[str, list[ModelInfo], set[str]] = ("", [], set())

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker"):
            yield Static("Pick a model", classes="dialog-title")
            yield TextField(placeholder="search, or type provider/model…", id="picker-search")
            yield Static("", id="picker-filters")
            yield OptionList(id="picker-list")
            yield Static("", id="picker-detail")
            yield Static(
                "enter pick · F2 ⚒ tools · F3 ◉ vision · F4 ✦ thinking · F5 ★ star",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._refill()
        self._probe_keyless()
        # The list has no width until laid out: lay the rows out again for the real one.
        self.call_after_refresh(self._relayout)

    def on_resize(self) -> None:
        self.call_after_refresh(self._relayout)

    def _relayout(self) -> None:
        """Rebuild the rows when the list's width changed (the columns depend on it)."""
        if self._list_width() != self._width:
            self._refill(keep_highlight=True)

    @work(group="picker-probe", exclusive=True)
    async def _probe_keyless(self) -> None:
        """Probe keyless local servers, so their dot says whether anything answers."""
        if await probe_keyless(self.credentials, self.playground.provider_base_url):
            self._refill(keep_highlight=True)
        await self._add_live_models()

    async def _add_live_models(self) -> None:
        """Ask every provider worth asking (:func:`live_list_slugs`) for the models it really
        offers, concurrently, and add the ones not listed yet."""
        import asyncio

        from playground.credentials.discovery import list_provider_models

        if self.catalog is None:
            return
        slugs = live_list_slugs(self.credentials, self.playground.config.providers)
        listings = await asyncio.gather(
            *(
                list_provider_models(
                    self.credentials[slug].provider,
                    self.playground.config,
                    self.catalog,
                    timeout=LOCAL_PROBE_TIMEOUT_S,
                )
                for slug in slugs
            )
        )
        added = [
            model
            for listing in listings
            if listing.ok
            for model in listing.models
            if model.spec.lower() not in self.by_spec
        ]
        self.live_counts.update({lst.provider: len(lst.models) for lst in listings if lst.ok})
        if added:
            self.models.extend(added)
            self.by_spec.update({m.spec.lower(): m for m in added})
            self._narrowed = ("", [], set())  # the new rows must be searched too
        if listings:
            self._refill(keep_highlight=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        from playground.credentials.discovery import endpoint_label

        endpoint = self._ad_hoc_endpoint(event.value.strip())
        label = endpoint_label(endpoint) if endpoint is not None else None
        if label != (self.ad_hoc[0] if self.ad_hoc else None):
            self.ad_hoc = (label, None) if label is not None else None
            if endpoint is not None:
                self._list_ad_hoc(endpoint)
        self._refill()

    def _ad_hoc_endpoint(self, query: str) -> ProviderInfo | None:
        """The ad-hoc provider a typed ``custom:URL[#model]`` names, if it parses."""
        from playground.catalog import CatalogError

        if self.catalog is None or not query.lower().startswith(CUSTOM_SCHEMES) or " " in query:
            return None
        try:
            return self.catalog.parse_spec(query).provider
        except CatalogError:
            return None

    @work(group="picker-ad-hoc", exclusive=True)
    async def _list_ad_hoc(self, endpoint: ProviderInfo) -> None:
        """Ask a typed ``custom:URL`` which models it offers, once the URL stopped changing
        (a newer URL cancels this worker); the listing is cached briefly by discovery."""
        import asyncio

        from playground.credentials.discovery import endpoint_label, list_provider_models

        await asyncio.sleep(AD_HOC_SETTLE_S)
        if self.catalog is None:
            return
        listing = await list_provider_models(
            endpoint, self.playground.config, self.catalog, timeout=LOCAL_PROBE_TIMEOUT_S
        )
        label = endpoint_label(endpoint)
        if self.ad_hoc is None or self.ad_hoc[0] != label:
            return
        self.ad_hoc = (label, listing)
        self._refill(keep_highlight=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        if index is not None:
            self._pick(option_list.get_option_at_index(index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(event.option)

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
        option = self._highlighted()
        if isinstance(option, _PickOption) and not isinstance(option, _TypedOption):
            spec = option.spec
            starred = self.preferences.toggle_favourite(spec)
            self.app.notify(f"{'★ added' if starred else 'removed'} favourite {spec}")
            self._refill(keep_highlight=True)

    def action_cancel(self) -> None:
        """Close without picking."""
        self.dismiss(None)

    # --- picking ---------------------------------------------------------------------------

    def _pick(self, option: Option) -> None:
        if not isinstance(option, _PickOption):
            return
        if isinstance(option, _TypedOption) and option.problem:
            self.app.bell()
            self._show_detail(option)
            return
        slug = option.provider
        credential = self.credentials.get(slug) if slug else None
        if slug and credential is not None and credential.dot == "missing":
            self._set_key_then_pick(slug, option.spec)
            return
        if isinstance(option, _TypedOption) and not self._resolves(option):
            return
        self.dismiss(option.spec)

    def _resolves(self, option: _TypedOption) -> bool:
        """Resolve a typed spec exactly as ``-m`` does; on failure say why and stay open."""
        from playground.resolve import ResolveError

        if self.resolver is None:
            return True
        try:
            self.resolver.resolve(option.spec)
        except ResolveError as exc:
            option.problem = str(exc)
            self.app.bell()
            self._show_detail(option)
            return False
        return True

    @work(group="picker-key", exclusive=True)
    async def _set_key_then_pick(self, slug: str, spec: str) -> None:
        """No key for the picked model's provider: offer to set it now, then pick."""
        from playground.tui.screens.key_dialogs import set_key_interactively

        reason = f"{spec} needs a {self.provider_names.get(slug, slug)} key."
        if await set_key_interactively(self.playground, slug, reason):
            self.dismiss(spec)
        else:
            self._refill(keep_highlight=True)

    # --- building the list ------------------------------------------------------------------

    def _list_width(self) -> int:
        option_list = self.query_one(OptionList)
        width = option_list.scrollable_content_region.width
        return width - 1 if width else 100  # 1: the scroll bar may appear later

    def _highlighted(self) -> Option | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        return option_list.get_option_at_index(option_list.highlighted)

    def _passes_filters(self, model: ModelInfo) -> bool:
        return all(getattr(model, name) for name in self.filters)

    def _refill(self, *, keep_highlight: bool = False) -> None:
        previous = self._highlighted() if keep_highlight else None
        query = self.query_one(Input).value.strip()
        matcher = TermsMatcher(query)
        terms = matcher.terms
        self._show_filters()

        scored: list[tuple[int, float, ModelInfo]] = []
        for model in self._candidates(matcher.query.lower()):
            if self.filters and not self._passes_filters(model):
                continue
            score = matcher.score(f"{model.spec} {model.name}") if terms else 0.0
            if score is not None:
                scored.append((self._tier(terms, model), score, model))
        self._narrowed = (matcher.query.lower(), [m for _, _, m in scored], set(self.filters))
        if terms:
            scored.sort(key=lambda item: (-item[0], -item[1]))

        self._width = self._list_width()
        shown = scored[:SHOWN_LIMIT]
        exact = [m for tier, _, m in shown if tier >= EXACT_TIER]
        exact.sort(key=lambda m: self._group_rank(m.provider, EXACT_TIER, terms))

        def rows(models: list[ModelInfo]) -> list[Option]:
            # One layout per section: a long id elsewhere must not squeeze these rows.
            layout = RowLayout(self._width, models)
            return [self._option(model, layout, matcher) for model in models]

        options: list[Option] = []
        typed = self._typed_option(query) if not self.filters else None
        route_names, route_members = self._route_hits(matcher, query)
        if typed is not None:
            options.append(typed)
        options.extend(self._ad_hoc_rows(query))
        exact_route = query if query in route_names else None
        if exact or exact_route:
            options.append(_heading("exact match"))
            if exact_route:
                options.append(self._route_option(exact_route, matcher))
                route_names.remove(exact_route)
            options.extend(rows(exact))
        pinned = [*self.preferences.favourites, *self.preferences.recent]
        in_results = {m.spec: m for _, _, m in scored}
        pinned_models = [in_results[s] for s in dict.fromkeys(pinned) if s in in_results]
        if pinned_models:
            options.append(_heading("★ favourites and recent"))
            options.extend(rows(pinned_models))
        if route_names:
            options.append(_heading("routes (fallback chains)"))
            options.extend(self._route_option(name, matcher) for name in route_names)
        options.extend(self._groups(shown, terms, rows))
        if route_members:
            options.append(_heading("routes that include a match"))
            options.extend(self._route_option(name, matcher) for name in route_members)
        if len(scored) > SHOWN_LIMIT:
            more = Text(f"… {len(scored) - SHOWN_LIMIT} more: type to narrow", style="dim italic")
            options.append(Option(more, disabled=True))
        if not options:
            options.append(Option(Text("no model matches", style="dim"), disabled=True))

        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        self._highlight(option_list, previous, typed, query)

    def _ad_hoc_rows(self, query: str) -> list[Option]:
        """The typed ``custom:URL``'s live models (those matching the ``#model`` part), or one
        line saying it is being asked or why it could not be."""
        if self.ad_hoc is None or self.filters:
            return []
        label, listing = self.ad_hoc
        if listing is None:
            return [Option(Text(f"  asking {label} for its models…", style="dim"), disabled=True)]
        if not listing.ok:
            line = Text(f"  ✗ {listing.failure_line(label)}", style="yellow")
            return [Option(line, disabled=True)]
        from playground.credentials.discovery import listed_spec

        provider = self._ad_hoc_endpoint(query)
        if provider is None:
            return []
        matcher = TermsMatcher(query.partition("#")[2])
        models = [m for m in listing.models if not matcher.terms or matcher.score(m.id) is not None]
        specs = [listed_spec(provider, m.id) for m in models]
        self.ad_hoc_models = {spec.lower(): m for spec, m in zip(specs, models, strict=True)}
        title = Text(f"{label} · {len(listing.models)} models live from the server", style="bold")
        layout = RowLayout(self._width, models, [m.id for m in models])
        return [
            Option(title, disabled=True),
            *(
                self._option(model, layout, matcher, spec=spec, shown=model.id)
                for spec, model in zip(specs, models, strict=True)
            ),
        ]

    def _candidates(self, query: str) -> list[ModelInfo]:
        """The models worth matching: while the user extends the query (types on), only the
        previous matches can still match; otherwise the whole catalog."""
        previous, matched, filters = self._narrowed
        if previous and query.startswith(previous) and filters <= self.filters:
            return matched
        return self.models

    def _highlight(
        self, option_list: OptionList, previous: Option | None, typed: Option | None, query: str
    ) -> None:
        """Keep the previous highlight, else the first pickable row, but skip the "use as
        typed" row while the query is the start of a catalog spec (still being typed)."""
        wanted = previous.spec if isinstance(previous, _PickOption) else None
        first: int | None = None
        for index in range(option_list.option_count):
            option = option_list.get_option_at_index(index)
            if option.disabled:
                continue
            if wanted is not None and getattr(option, "spec", None) == wanted:
                option_list.highlighted = index
                return
            if first is None:
                skip_typed = option is typed and self._is_catalog_prefix(query)
                if not skip_typed:
                    first = index
        if first is None and typed is not None and not typed.disabled:
            first = 0
        if first is not None:
            option_list.highlighted = first
        else:
            self._show_detail(None)

    def _is_catalog_prefix(self, query: str) -> bool:
        lowered = query.lower()
        return any(spec.startswith(lowered) for spec in self.by_spec)

    def _show_filters(self) -> None:
        filter_text = Text("filters: ")
        for name in FILTERS:
            on = name in self.filters
            filter_text.append(f"[{'x' if on else ' '}] {name}  ", style="bold" if on else "dim")
        self.query_one("#picker-filters", Static).update(filter_text)

    def _groups(
        self,
        shown: list[tuple[int, float, ModelInfo]],
        terms: list[str],
        rows: Callable[[list[ModelInfo]], list[Option]],
    ) -> list[Option]:
        groups: dict[str, list[ModelInfo]] = {}
        best_tier: dict[str, int] = {}
        for tier, _, model in shown:
            groups.setdefault(model.provider, []).append(model)
            best_tier[model.provider] = max(best_tier.get(model.provider, 0), tier)
        order = sorted(groups, key=lambda slug: self._group_rank(slug, best_tier[slug], terms))
        options: list[Option] = []
        for slug in order:
            options.append(Option(self._group_title(slug), disabled=True))
            options.extend(rows(groups[slug]))
        return options

    def _route_hits(self, matcher: TermsMatcher, query: str) -> tuple[list[str], list[str]]:
        """Routes whose name matches, and routes matched only through their members (shown
        after the models: ``sim/echo`` is a model first, a member of ``demo-fallback`` second)."""
        if self.filters:
            return [], []
        if not matcher.terms:
            return list(self.routes), []
        named, members = [], []
        for name, chain in self.routes.items():
            if matcher.score(name) is not None:
                named.append(name)
            elif matcher.score(" ".join(chain)) is not None:
                members.append(name)
        return named, members

    def _route_option(self, name: str, matcher: TermsMatcher) -> Option:
        label = Text("  ")
        label.append_text(_highlighted(name, matcher, "bold"))
        label.append("  " + " → ".join(self.routes[name]), style="dim")
        return _PickOption(label, name, None)

    def _typed_option(self, query: str) -> _TypedOption | None:
        """A "use as typed" row for a ``provider/model`` or ``custom:URL#model`` the catalog
        does not list, checked the way ``-m`` parses it (the pick then resolves it fully)."""
        from playground.catalog import CatalogError

        looks_like_spec = "/" in query or query.lower().startswith(CUSTOM_SCHEMES)
        if not looks_like_spec or " " in query or self.catalog is None:
            return None
        if query.lower() in self.by_spec or query in self.routes:
            return None
        label = Text("↵ use as typed: ", style="bold")
        label.append(query, style="bold")
        try:
            ref = self.catalog.parse_spec(query)
        except CatalogError as exc:
            label.append(f"  ✗ {exc}", style="red")
            return _TypedOption(label, query, None, problem=str(exc))
        slug = ref.provider.slug
        credential = self.credentials.get(slug)
        if credential is not None and credential.dot == "missing":
            label.append(f"  ○ no {slug} key: enter sets one", style="yellow")
        elif not self.catalog.model(slug, ref.model_id).known:
            label.append("  not in the catalog: capabilities unknown", style="dim")
        return _TypedOption(label, query, slug)

    def _tier(self, terms: list[str], model: ModelInfo) -> int:
        name = self.provider_names.get(model.provider, model.provider)
        return terms_tier(terms, model.provider, name, model.id, model.name)

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

    def _dot(self, slug: str) -> str:
        credential = self.credentials.get(slug)
        return credential.dot if credential is not None else "not checked"

    def _group_title(self, slug: str) -> Text:
        dot_name = self._dot(slug)
        dot, colour = DOTS[dot_name]
        title = Text(f"{dot} ", style=colour)
        title.append(f"{self.provider_names.get(slug, slug)} ", style="bold")
        title.append(f"({slug}) · {dot_name}", style="dim")
        if slug in self.live_counts:
            title.append(f" · {self.live_counts[slug]} models live from the server", style="dim")
        return title

    def _option(
        self,
        model: ModelInfo,
        layout: RowLayout,
        matcher: TermsMatcher,
        *,
        spec: str | None = None,
        shown: str | None = None,
    ) -> Option:
        """A model row; ``spec`` is what picking it gives (default ``provider/model``),
        ``shown`` the id column's text (default the spec)."""
        spec = spec or model.spec
        shown = shown or spec
        usable = self._usable(model.provider)
        star = "★ " if spec in self.preferences.favourites else "  "
        label = Text(star)
        cut = fit_middle(shown, layout.spec)
        offsets = matcher.offsets(f"{shown} {model.name}") if matcher.terms else set()
        spec_text = Text(cut.ljust(layout.spec), style="bold" if usable else "dim")
        if cut == shown:  # a cut id's offsets no longer line up
            for start, end in _runs(o for o in offsets if o < len(cut)):
                spec_text.stylize(MATCH_STYLE, start, end)
        label.append_text(spec_text)
        label.append(" ")
        label.append_text(_badges(model))
        if layout.context:
            context = f"{format_tokens(model.context_window)} ctx" if model.context_window else ""
            label.append(context.rjust(layout.context - 1) + " ", style="dim")
        if layout.name:
            name = fit_middle(_row_name(model), layout.name)
            label.append(name.ljust(layout.name) + " ", style="dim")
        price = next((p for p in _price_forms(model) if len(p) <= layout.price), "")
        label.append(price, style="dim")
        if not usable:
            label.stylize("dim")
        return _PickOption(label, spec, model.provider)

    def _show_detail(self, option: Option | None) -> None:
        """The highlighted row in full: the whole id, name, limits, price and key state."""
        detail = Text()
        if isinstance(option, _TypedOption):
            if option.problem:
                detail.append(f"cannot use {option.spec}: {option.problem}", style="red")
            else:
                detail.append(f"{option.spec}", style="bold")
                missing = option.provider and self._dot(option.provider) == "missing"
                then = f"asks for the {option.provider} key, then " if missing else ""
                detail.append(f"  enter {then}uses it as typed (checked like -m)", style="dim")
        elif isinstance(option, _PickOption) and option.spec in self.routes:
            detail.append(option.spec, style="bold")
            detail.append("  " + " → ".join(self.routes[option.spec]), style="dim")
        elif isinstance(option, _PickOption):
            spec = option.spec.lower()
            model = self.by_spec.get(spec) or self.ad_hoc_models.get(spec)
            if model is not None:
                detail = self._model_detail(model, option.spec)
        self.query_one("#picker-detail", Static).update(detail)

    def _model_detail(self, model: ModelInfo, spec: str) -> Text:
        """The key state first when it needs attention, then the full spec and its facts."""
        detail = Text()
        dot_name = self._dot(model.provider)
        if dot_name != "ok" and model.provider in self.credentials:
            dot, colour = DOTS[dot_name]
            detail.append(f"{dot} {model.provider}: {dot_name}", style=colour)
            step = _next_step(self.credentials.get(model.provider))
            if step:
                detail.append(f" · {step}", style="italic")
            detail.append("\n")
        detail.append(spec, style="bold")
        facts = [_shown_name(model)] if _shown_name(model) else []
        if model.context_window:
            facts.append(f"{format_tokens(model.context_window)} ctx")
        if model.max_output:
            facts.append(f"{format_tokens(model.max_output)} out")
        if _price(model):
            facts.append(_price(model))
        if facts:
            detail.append("  " + " · ".join(facts), style="dim")
        if not model.known:
            detail.append(
                "\nnot in catalog: offered by the server, capabilities unknown", style="italic"
            )
        return detail


def _next_step(credential: ProviderCredential | None) -> str | None:
    if credential is None:
        return None
    if credential.dot == "missing":
        return "enter sets a key"
    if credential.live is not None and credential.live.next_step:
        return str(credential.live.next_step)
    if credential.status is not None and credential.status.next_step:
        return str(credential.status.next_step)
    return None


def _heading(text: str) -> Option:
    return Option(Text(text, style="bold"), disabled=True)


def _runs(offsets: Iterable[int]) -> list[tuple[int, int]]:
    """Matched offsets as ``(start, end)`` runs: one style span per run, not per character
    (fewer spans make the rows cheaper to lay out)."""
    runs: list[tuple[int, int]] = []
    for offset in sorted(offsets):
        if runs and runs[-1][1] == offset:
            runs[-1] = (runs[-1][0], offset + 1)
        else:
            runs.append((offset, offset + 1))
    return runs


def _highlighted(text: str, matcher: TermsMatcher, style: str) -> Text:
    out = Text(text, style=style)
    for start, end in _runs(matcher.offsets(text) if matcher.terms else ()):
        out.stylize(MATCH_STYLE, start, end)
    return out


class _PickOption(Option):
    """An option whose picked value is a spec (or route name); ids stay unique even when a
    model is listed twice (pinned and in its provider group). ``provider`` is None for
    routes."""

    _counter = 0

    def __init__(self, prompt: Any, spec: str, provider: str | None) -> None:
        _PickOption._counter += 1
        super().__init__(prompt, id=f"{spec}\x00{_PickOption._counter}")
        self.spec = spec
        self.provider = provider


class _TypedOption(_PickOption):
    """The "use as typed" row; ``problem`` says why the spec cannot be used, if it cannot."""

    def __init__(
        self, prompt: Any, spec: str, provider: str | None, *, problem: str | None = None
    ) -> None:
        super().__init__(prompt, spec, provider)
        self.problem = problem
