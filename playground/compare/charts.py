"""Small inline SVG charts for ``report.html``: no script, no external file, no CDN.

Each function returns one ``<svg>`` element as a string; every label is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

_ROW = 26
_LABEL_W = 260
_BAR_W = 360
_VALUE_W = 230


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a bar chart: ``value`` drawn as a bar, ``whisker`` (e.g. p95) as a line."""

    label: str
    value: float | None
    whisker: float | None = None
    text: str = ""


def bar_chart(title: str, bars: Sequence[Bar], *, css_class: str = "bar") -> str:
    """A horizontal bar chart, one row per bar, scaled to the largest value or whisker.

    Rows without a value show "no data" instead of a bar.
    """
    top = max([b.value or 0.0 for b in bars] + [b.whisker or 0.0 for b in bars] + [0.0])
    scale = _BAR_W / top if top > 0 else 0.0
    height = _ROW * len(bars) + 30
    width = _LABEL_W + _BAR_W + _VALUE_W
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]
    for row, bar in enumerate(bars):
        y = 26 + row * _ROW
        parts.append(
            f'<text x="{_LABEL_W - 8}" y="{y + 15}" text-anchor="end" class="label">'
            f"{escape(_clip(bar.label))}</text>"
        )
        if bar.value is None:
            parts.append(f'<text x="{_LABEL_W}" y="{y + 15}" class="muted">no data</text>')
            continue
        length = max(bar.value * scale, 1.0)
        parts.append(
            f'<rect x="{_LABEL_W}" y="{y + 3}" width="{length:.1f}" height="{_ROW - 8}" '
            f'class="{css_class}"/>'
        )
        end = length
        if bar.whisker is not None:
            wx = _LABEL_W + bar.whisker * scale
            end = max(end, bar.whisker * scale)
            mid = y + _ROW // 2 - 1
            parts.append(
                f'<line x1="{_LABEL_W + length:.1f}" y1="{mid}" x2="{wx:.1f}" y2="{mid}" '
                'class="range"/>'
                f'<line x1="{wx:.1f}" y1="{y + 1}" x2="{wx:.1f}" y2="{y + _ROW - 3}" '
                'class="whisker"/>'
            )
        parts.append(
            f'<text x="{_LABEL_W + end + 6:.1f}" y="{y + 15}" class="value">'
            f"{escape(bar.text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def outcome_chart(title: str, rows: Sequence[tuple[str, int, int, int]]) -> str:
    """A stacked 100 % bar per model: ``(label, answered directly, after a fallback,
    failed)`` cells, in green, amber and red, with the counts written beside."""
    height = _ROW * len(rows) + 30
    width = _LABEL_W + _BAR_W + _VALUE_W
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]
    for row, (label, direct, fell_back, failed) in enumerate(rows):
        y = 26 + row * _ROW
        total = direct + fell_back + failed
        parts.append(
            f'<text x="{_LABEL_W - 8}" y="{y + 15}" text-anchor="end" class="label">'
            f"{escape(_clip(label))}</text>"
        )
        x = float(_LABEL_W)
        for count, css in ((direct, "ok"), (fell_back, "fallback"), (failed, "failed")):
            if total and count:
                w = _BAR_W * count / total
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{_ROW - 8}" '
                    f'class="{css}"/>'
                )
                x += w
        parts.append(
            f'<text x="{_LABEL_W + _BAR_W + 6}" y="{y + 15}" class="value">'
            f"{direct} ok · {fell_back} fallback · {failed} failed</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _clip(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
