"""A small fuzzy matcher for the model picker (subsequence match, scored)."""

from __future__ import annotations


def fuzzy_score(query: str, candidate: str) -> float | None:
    """Score ``candidate`` for ``query`` (higher is better) or None when it does not match.

    Every query character must appear in order. Consecutive runs, matches at word starts
    (after ``/ - _ . :`` or a space) and a match at the very start score higher; a plain
    substring match scores highest.
    """
    if not query:
        return 0.0
    query = query.lower()
    text = candidate.lower()
    substring = text.find(query)
    if substring >= 0:
        return 100.0 + len(query) * 2 - substring * 0.1 + (10 if substring == 0 else 0)
    score = 0.0
    position = -1
    run = 0
    for char in query:
        found = text.find(char, position + 1)
        if found < 0:
            return None
        if found == position + 1:
            run += 1
            score += 2 + run
        else:
            run = 0
            score += 1
        if found == 0 or text[found - 1] in "/-_.: ":
            score += 3
        position = found
    return score - len(text) * 0.01


def matches_all(terms: list[str], candidate: str) -> float | None:
    """Score ``candidate`` against several space-separated terms (all must match)."""
    total = 0.0
    for term in terms:
        score = fuzzy_score(term, candidate)
        if score is None:
            return None
        total += score
    return total


WORD_STARTS = "/-_.: "


def _starts_a_word(term: str, text: str) -> bool:
    """Whether ``term`` occurs in ``text`` at its start or right after a separator."""
    found = text.find(term)
    while found >= 0:
        if found == 0 or text[found - 1] in WORD_STARTS:
            return True
        found = text.find(term, found + 1)
    return False


def match_tier(term: str, provider: str, provider_name: str, model_id: str, name: str) -> int:
    """How well one search term names a model, coarser than :func:`fuzzy_score`.

    4: the provider itself (``anthropic``); 3: a prefix of the provider or of the model id
    (``anthr``, ``claude`` for ``anthropic/claude-…``); 2: the start of a word inside the
    model id or name (``gpt-4o`` in ``openrouter/openai/gpt-4o``); 1: a substring found
    elsewhere; 0: only a fuzzy (subsequence) match. Used to rank provider groups, so a
    provider's own models beat a reseller's copy that merely contains the term.
    """
    term = term.lower()
    provider, provider_name = provider.lower(), provider_name.lower()
    model_id, name = model_id.lower(), name.lower()
    if term in (provider, provider_name):
        return 4
    if provider.startswith(term) or provider_name.startswith(term) or model_id.startswith(term):
        return 3
    if any(_starts_a_word(term, text) for text in (model_id, name, provider, provider_name)):
        return 2
    if term in model_id or term in name or term in provider:
        return 1
    return 0
