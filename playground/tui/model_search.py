"""Search for the model picker: Textual's fuzzy matcher (the command palette's) per term,
plus coarse tiers so a provider's own models and exact names beat fuzzy coincidences."""

from __future__ import annotations

from collections.abc import Sequence

from textual.fuzzy import Matcher

WORD_STARTS = "/-_.: "
EXACT_TIER = 100
"""The tier of a model whose spec or id is exactly the query (``sim/echo``)."""


class TermsMatcher:
    """Every space-separated term of a query must match a candidate (fuzzily, in order of
    its characters); the score is the sum of the terms' scores from
    :class:`textual.fuzzy.Matcher`, and the matched offsets can be highlighted."""

    def __init__(self, query: str) -> None:
        self.query = query.strip()
        self.terms = self.query.lower().split()
        self._matchers = [Matcher(term) for term in self.terms]

    def score(self, candidate: str) -> float | None:
        """The summed score, or None when any term does not match (0.0 for no terms)."""
        total = 0.0
        for matcher in self._matchers:
            score = matcher.match(candidate)
            if not score:
                return None
            total += score
        return total

    def offsets(self, candidate: str) -> set[int]:
        """Offsets of the characters the terms matched (cached by the matcher)."""
        found: set[int] = set()
        for matcher in self._matchers:
            score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
            if score:
                found.update(offsets)
        return found


def _starts_a_word(term: str, text: str) -> bool:
    """Whether ``term`` occurs in ``text`` at its start or right after a separator."""
    found = text.find(term)
    while found >= 0:
        if found == 0 or text[found - 1] in WORD_STARTS:
            return True
        found = text.find(term, found + 1)
    return False


def match_tier(term: str, provider: str, provider_name: str, model_id: str, name: str) -> int:
    """How well one search term names a model, coarser than the fuzzy score.

    4: the provider itself (``anthropic``); 3: a prefix of the provider, the model id or the
    spec (``anthr``, ``claude`` or ``anthropic/cl`` for ``anthropic/claude-…``); 2: the start
    of a word inside the spec or name (``gpt-4o`` in ``openrouter/openai/gpt-4o``); 1: a
    substring found elsewhere; 0: only a fuzzy (subsequence) match. Used to rank groups, so a
    provider's own models beat a reseller's copy that merely contains the term.
    """
    term = term.lower()
    provider, provider_name = provider.lower(), provider_name.lower()
    model_id, name = model_id.lower(), name.lower()
    spec = f"{provider}/{model_id}"
    if term in (provider, provider_name):
        return 4
    starts = (provider, provider_name, model_id, spec)
    if any(text.startswith(term) for text in starts):
        return 3
    if any(_starts_a_word(term, text) for text in (spec, name, provider_name)):
        return 2
    if term in spec or term in name:
        return 1
    return 0


def terms_tier(
    terms: Sequence[str], provider: str, provider_name: str, model_id: str, name: str
) -> int:
    """Summed :func:`match_tier` of the terms; 0 when any term matched only fuzzily, and
    :data:`EXACT_TIER` when the whole query is the model's ``provider/id`` or its id."""
    query = " ".join(terms).lower()
    if query in (f"{provider}/{model_id}".lower(), model_id.lower()):
        return EXACT_TIER
    tiers = [match_tier(term, provider, provider_name, model_id, name) for term in terms]
    return 0 if 0 in tiers else sum(tiers)
