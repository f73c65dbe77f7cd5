"""Compare mode, headless: prompt sets × models × repeats, results, statistics, checks,
reports, votes, ratings and a model judge (no Textual; ``playground compare`` and
``playground leaderboard`` drive it, the app's blind mode records votes with it).

- :mod:`~playground.compare.prompts` — prompt sets (JSONL or plain lines, read bounded)
- :mod:`~playground.compare.checks` — ``expect`` checks on an answer (never call a model)
- :mod:`~playground.compare.runner` — the cells, through session / router / adapters
- :mod:`~playground.compare.results` — ``results.jsonl``, resumable cell by cell
- :mod:`~playground.compare.stats` — percentiles and ``summary.json``
- :mod:`~playground.compare.report` / :mod:`~playground.compare.charts` — ``report.md``,
  self-contained ``report.html`` with inline SVG
- :mod:`~playground.compare.votes` — ``votes.jsonl`` in the data dir, preference pairs
- :mod:`~playground.compare.ratings` — Bradley–Terry ratings with bootstrap intervals
"""
