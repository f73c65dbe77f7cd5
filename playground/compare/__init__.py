"""Compare mode, headless: prompt sets × models × repeats, results, statistics, checks,
reports, votes, ratings and a model judge (no Textual; ``playground compare`` and
``playground leaderboard`` drive it).

Modules: :mod:`~playground.compare.prompts` (prompt sets), :mod:`~playground.compare.checks`
(``expect``), :mod:`~playground.compare.runner` (the cells, through session / router /
adapters), :mod:`~playground.compare.results` (``results.jsonl``, resumable),
:mod:`~playground.compare.stats` (percentiles, ``summary.json``).
"""
