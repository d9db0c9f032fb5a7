"""Inline SVG charts for the run report, written as plain SVG text: horizontal bars, and lines
over dates.

Pure: labels and numbers in, an `<svg>` string out. No plotting library: matplotlib took ~0.4 s
per chart and ~0.6 s to import, on every run's serial tail.
"""

from __future__ import annotations

import html
import math
from datetime import date

WIDTH = 760
CHAR = 6.6  # width of a character at the labels' size, roughly: labels are cut, never measured
FONT = "font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:12px"
LINES = ("#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F")


def bar_chart(labels: list[str], values: list[float], title: str, colours: list[str] | None = None,
              xlabel: str = "") -> str:
    """Horizontal bars, the first label on top; `colours` per bar, cycled (one colour: every bar)."""
    colours = colours or ["#4C72B0"]
    row, top = 22, 30
    left = min(300, CHAR * max((len(x) for x in labels), default=1)) + 12
    plot = WIDTH - left - 60  # room for the value after the longest bar
    ticks = _axis(values)
    scale = plot / ticks[-1]
    bottom = top + row * len(labels)
    out = [_open(WIDTH, bottom + 44), _text(0, 18, title, "font-weight:600;font-size:13px")]
    for i, (label, value) in enumerate(zip(labels, values)):
        y, width = top + i * row, max(value, 0) * scale
        out.append(f'<rect x="{left}" y="{y + 3}" width="{width:.1f}" height="{row - 6}" '
                   f'fill="{_esc(colours[i % len(colours)])}"/>')
        out.append(_text(left - 6, y + row / 2 + 4, label, anchor="end"))
        out.append(_text(left + width + 4, y + row / 2 + 4, f"{value:g}", "font-size:10px"))
    out.append(f'<path d="M{left} {top}V{bottom}H{left + plot:.1f}" stroke="#333" fill="none"/>')
    for t in ticks:
        x = left + t * scale
        out.append(f'<path d="M{x:.1f} {bottom}v4" stroke="#333"/>')
        out.append(_text(x, bottom + 16, f"{t:g}", "font-size:10px", anchor="middle"))
    if xlabel:
        out.append(_text(left + plot / 2, bottom + 36, xlabel, anchor="middle"))
    return "".join(out) + "</svg>"


def line_chart(days: list[date], series: list[tuple[str, list[float]]], title: str, ylabel: str = "") -> str:
    """One line with markers per series over `days` (sorted), a legend on the right."""
    left, top, plot_w, plot_h = 52, 30, WIDTH - 52 - 190, 200
    ticks = _axis([v for _, vs in series for v in vs])
    first, span = days[0].toordinal() - 4, max(days[-1].toordinal() - days[0].toordinal() + 8, 1)

    def xy(d: date, v: float) -> tuple[float, float]:
        return left + (d.toordinal() - first) / span * plot_w, top + plot_h - v / ticks[-1] * plot_h

    bottom = top + plot_h
    out = [_open(WIDTH, bottom + 80), _text(0, 18, title, "font-weight:600;font-size:13px"),
           f'<path d="M{left} {top}V{bottom}H{left + plot_w}" stroke="#333" fill="none"/>']
    for t in ticks:
        y = xy(days[0], t)[1]
        out.append(f'<path d="M{left - 4} {y:.1f}h4" stroke="#333"/>')
        out.append(_text(left - 6, y + 4, f"{t:g}", "font-size:10px", anchor="end"))
    shown = days if len(days) <= 12 else days[::math.ceil(len(days) / 8)]
    for d in shown:
        x = xy(d, 0)[0]
        out.append(f'<path d="M{x:.1f} {bottom}v4" stroke="#333"/>')
        out.append(_text(x, bottom + 14, d.isoformat(), "font-size:10px", anchor="end", turn=-30))
    if ylabel:
        out.append(_text(14, top + plot_h / 2, ylabel, anchor="middle", turn=-90))
    for k, (name, values) in enumerate(series):
        colour = LINES[k % len(LINES)]
        points = [xy(d, v) for d, v in zip(days, values)]
        out.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}" fill="none" '
                   f'stroke="{colour}" stroke-width="1.5"/>')
        out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points)
        ly = top + 8 + 16 * k
        out.append(f'<path d="M{left + plot_w + 16} {ly}h18" stroke="{colour}" stroke-width="2"/>')
        out.append(_text(left + plot_w + 40, ly + 4, name, "font-size:11px"))
    return "".join(out) + "</svg>"


def nice_ticks(top: float, whole: bool = False) -> list[float]:
    """Axis ticks from 0 in steps of 1, 2 or 5 times a power of ten, the last at or above `top`
    (`whole`: steps of at least 1, for counts)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = max(top / 5, 1) if whole else top / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    n = math.ceil(top / step - 1e-9)
    return [round(k * step, 10) for k in range(n + 1)]


def _axis(values: list[float]) -> list[float]:
    """Ticks for an axis showing `values` (whole steps when every value is a whole number)."""
    return nice_ticks(max(values, default=0), whole=all(float(v).is_integer() for v in values))


def _open(width: float, height: float) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
            f'viewBox="0 0 {width} {height:.0f}" role="img">')


def _text(x: float, y: float, text: str, style: str = "", anchor: str = "start", turn: float = 0) -> str:
    """A text at (x, y), turned `turn` degrees about that point."""
    rotate = f' transform="rotate({turn:g} {x:.1f} {y:.1f})"' if turn else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" style="{FONT};{style}" text-anchor="{anchor}"{rotate}>'
            f"{_esc(text)}</text>")


def _esc(s: str) -> str:
    return html.escape(str(s), quote=True)
