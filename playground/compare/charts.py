"""Small inline SVG charts for ``report.html``: no script, no external file, no CDN.

Each function returns one ``<svg>`` element as a string; every label is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

_ROW = 40
"""A row: the label on its own line (full width, so long model ids are not cut off at the
left edge), the bar below it."""
_BAR_Y = 17
_BAR_H = 16
_BAR_W = 560
_VALUE_W = 300
_LABEL_CHARS = 110


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a bar chart: ``value`` drawn as a bar, ``whisker`` (e.g. p95) as a line."""

    label: str
    value: float | None
    whisker: float | None = None
    text: str = ""


def _open(title: str, rows: int) -> list[str]:
    """The ``<svg>`` start and the chart's title."""
    height = _ROW * rows + 30
    width = _BAR_W + _VALUE_W
    return [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]


def _label(row: int, label: str) -> tuple[int, str]:
    """The top of ``row`` and its label line (the full label as a tooltip when clipped)."""
    y = 26 + row * _ROW
    return y, (
        f'<text x="0" y="{y + 12}" class="label"><title>{escape(label)}</title>'
        f"{escape(_clip(label))}</text>"
    )


def bar_chart(title: str, bars: Sequence[Bar], *, css_class: str = "bar") -> str:
    """A horizontal bar chart, one row per bar, scaled to the largest value or whisker.

    Rows without a value show "no data" instead of a bar.
    """
    top = max([b.value or 0.0 for b in bars] + [b.whisker or 0.0 for b in bars] + [0.0])
    scale = _BAR_W / top if top > 0 else 0.0
    parts = _open(title, len(bars))
    for row, bar in enumerate(bars):
        y, label = _label(row, bar.label)
        parts.append(label)
        bar_y = y + _BAR_Y
        if bar.value is None:
            parts.append(f'<text x="0" y="{bar_y + 12}" class="muted">no data</text>')
            continue
        length = max(bar.value * scale, 1.0)
        parts.append(
            f'<rect x="0" y="{bar_y}" width="{length:.1f}" height="{_BAR_H}" class="{css_class}"/>'
        )
        end = length
        if bar.whisker is not None:
            wx = bar.whisker * scale
            end = max(end, wx)
            mid = bar_y + _BAR_H // 2
            parts.append(
                f'<line x1="{length:.1f}" y1="{mid}" x2="{wx:.1f}" y2="{mid}" class="range"/>'
                f'<line x1="{wx:.1f}" y1="{bar_y - 2}" x2="{wx:.1f}" y2="{bar_y + _BAR_H + 2}" '
                'class="whisker"/>'
            )
        parts.append(
            f'<text x="{end + 6:.1f}" y="{bar_y + 12}" class="value">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def outcome_chart(title: str, rows: Sequence[tuple[str, int, int, int]]) -> str:
    """A stacked 100 % bar per model: ``(label, answered directly, after a fallback,
    failed)`` cells, in green, amber and red, with the counts written beside."""
    parts = _open(title, len(rows))
    for row, (label, direct, fell_back, failed) in enumerate(rows):
        y, text = _label(row, label)
        parts.append(text)
        bar_y = y + _BAR_Y
        total = direct + fell_back + failed
        x = 0.0
        for count, css in ((direct, "ok"), (fell_back, "fallback"), (failed, "failed")):
            if total and count:
                w = _BAR_W * count / total
                parts.append(
                    f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="{_BAR_H}" '
                    f'class="{css}"/>'
                )
                x += w
        parts.append(
            f'<text x="{_BAR_W + 6}" y="{bar_y + 12}" class="value">'
            f"{direct} ok · {fell_back} fallback · {failed} failed</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _clip(label: str, limit: int = _LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
