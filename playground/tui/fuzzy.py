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
