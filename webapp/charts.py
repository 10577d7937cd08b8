"""Charts drawn on the server as inline SVG, for the dashboard (*Sturingskader*).

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(which says in words what the chart shows); the same figures are in the table beside it. Nothing
here needs a script, and nothing uses a ``style`` attribute (the CSP forbids inline styles): the
look comes from SVG presentation attributes and the stylesheet's ``.chart`` rules.

Colour never carries meaning alone: the series of a stacked bar also differ in pattern (solid,
stripes, cross-hatch, dots) and are named in a legend; every fill has a contrast of at least
3:1 against the white background (WCAG 1.4.11), every text at least 4.5:1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

INK = "#1d1d1b"
MUTED = "#555555"
GRID = "#cbd2da"
FONT = 13
ROW = 26
"""Height of one bar's row (px in the viewBox)."""


@dataclass(frozen=True)
class Series:
    """One series of a stacked bar chart: its key, name in words, colour and pattern."""

    key: str
    label: str
    colour: str
    pattern: str
    """``solid``, ``stripes``, ``hatch`` (cross-hatch), or ``dots`` (on white, with a border)."""


def _pattern(chart_id: str, series: Series) -> str:
    pid = f"{chart_id}-{series.key}"
    if series.pattern == "stripes":
        body = (
            f'<rect width="6" height="6" fill="{series.colour}"/>'
            '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#ffffff" stroke-width="1.5"/>'
        )
    elif series.pattern == "hatch":
        body = (
            f'<rect width="6" height="6" fill="{series.colour}"/>'
            '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#ffffff" stroke-width="1"/>'
        )
    elif series.pattern == "dots":
        body = (
            '<rect width="6" height="6" fill="#ffffff"/>'
            f'<circle cx="3" cy="3" r="1.2" fill="{series.colour}"/>'
        )
    else:
        body = f'<rect width="6" height="6" fill="{series.colour}"/>'
    return (
        f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">{body}</pattern>'
    )


def _fill(chart_id: str, series: Series) -> str:
    return series.colour if series.pattern == "solid" else f"url(#{chart_id}-{series.key})"


def _short(text: str, width: int) -> str:
    """`text` cut (with an ellipsis) to fit `width` px of the viewBox; the table beside the
    chart has it whole."""
    limit = int(width / (FONT * 0.58))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="{FONT}" fill="{INK}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    width: int = 560,
    label_width: int = 190,
) -> Markup:
    """Horizontal bars, one per row, each stacked from its series' counts (in `series`
    order), all on one scale; the row's total at the end of its bar; a legend on top."""
    legend_height = 30
    top = legend_height + 6
    height = top + ROW * max(len(rows), 1) + 8
    biggest = max((sum(values) for _label, values in rows), default=0) or 1
    plot = width - label_width - 44
    parts = ["<defs>", *(_pattern(chart_id, s) for s in series if s.pattern != "solid"), "</defs>"]
    x = 0
    for s in series:  # the legend: swatch and name, side by side
        parts.append(
            f'<rect x="{x}" y="6" width="14" height="14" fill="{_fill(chart_id, s)}" '
            f'stroke="{INK}" stroke-width="1"/>'
            f'<text x="{x + 20}" y="18">{escape(s.label)}</text>'
        )
        x += 28 + int(len(s.label) * FONT * 0.55)
    for index, (label, values) in enumerate(rows):
        y = top + index * ROW
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_short(label, label_width - 10))}</text>"
        )
        offset = float(label_width)
        for s, value in zip(series, values, strict=True):
            if not value:
                continue
            length = plot * value / biggest
            parts.append(
                f'<rect x="{offset:.1f}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" '
                f'fill="{_fill(chart_id, s)}" stroke="{INK}" stroke-width="0.75"/>'
            )
            offset += length
        parts.append(f'<text x="{offset + 6:.1f}" y="{y + 17}">{sum(values)}</text>')
    if not rows:
        parts.append(f'<text x="0" y="{top + 17}" fill="{MUTED}">—</text>')
    return _frame(chart_id, title, desc, width, height, "".join(parts))


def bars(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, int, int]],
    *,
    marked: Series | None = None,
    all_label: str = "",
    width: int = 560,
    label_width: int = 190,
) -> Markup:
    """Horizontal bars of counts: (label, count, of which marked). The marked part (for
    instance "te laat") is drawn in `marked`'s pattern at the start of the bar and named in a
    legend; each bar ends in its count ("12, 3 te laat" when some are marked)."""
    legend_height = 30 if marked else 0
    top = legend_height + 6
    height = top + ROW * max(len(rows), 1) + 8
    biggest = max((count for _l, count, _m in rows), default=0) or 1
    ends = [
        f"{count} ({of_which} {marked.label})" if marked and of_which else str(count)
        for _l, count, of_which in rows
    ]
    plot = width - label_width - 12 - int(max((len(e) for e in ends), default=1) * FONT * 0.6)
    parts = []
    if marked is not None:
        parts += [
            f"<defs>{_pattern(chart_id, marked)}</defs>",
            f'<rect x="0" y="6" width="14" height="14" fill="#4f5b66" stroke="{INK}"/>',
            f'<text x="20" y="18">{escape(all_label)}</text>',
            f'<rect x="{40 + int(len(all_label) * FONT * 0.55)}" y="6" width="14" height="14" '
            f'fill="{_fill(chart_id, marked)}" stroke="{INK}"/>',
            f'<text x="{60 + int(len(all_label) * FONT * 0.55)}" y="18">'
            f"{escape(marked.label)}</text>",
        ]
    for index, (label, count, of_which) in enumerate(rows):
        y = top + index * ROW
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_short(label, label_width - 10))}</text>"
        )
        length = plot * count / biggest
        if count:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" '
                f'fill="#4f5b66" stroke="{INK}" stroke-width="0.75"/>'
            )
        if marked is not None and of_which:
            part = plot * of_which / biggest
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{part:.1f}" height="{ROW - 8}" '
                f'fill="{_fill(chart_id, marked)}" stroke="{INK}" stroke-width="0.75"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}">{escape(ends[index])}</text>'
        )
    return _frame(chart_id, title, desc, width, height, "".join(parts))


def line(
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[tuple[date, float]],
    *,
    target: float,
    target_label: str,
    date_label: Callable[[date], str],
    number: Callable[[float], str],
    width: int = 360,
    height: int = 150,
) -> Markup:
    """The measured values over time as a line with round markers, and the target as a dashed
    horizontal line named at its end. The first and last dates are written under the axis."""
    left, right, top, bottom = 44, 12, 12, 28
    values = [v for _d, v in points] + [target]
    low, high = min([*values, 0.0]), max(values)
    if high == low:
        high = low + 1
    span_y = high - low
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / span_y)

    days = [d.toordinal() for d, _v in points]
    first, last = (min(days), max(days)) if days else (0, 1)
    span_x = (last - first) or 1

    def x_of(day: date) -> float:
        return left + plot_w * ((day.toordinal() - first) / span_x if len(points) > 1 else 0.5)

    ty = y_of(target)
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>',
        f'<text x="{left - 6}" y="{top + plot_h + 4}" text-anchor="end" fill="{MUTED}">'
        f"{escape(number(low))}</text>",
        f'<text x="{left - 6}" y="{top + 9}" text-anchor="end" fill="{MUTED}">'
        f"{escape(number(high))}</text>",
        f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="{INK}" '
        f'stroke-width="1.5" stroke-dasharray="6 4"/>',
        f'<text x="{width - right}" y="{ty - 5:.1f}" text-anchor="end">'
        f"{escape(target_label)}</text>",
    ]
    if points:
        coords = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in points)
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="#0050b3" stroke-width="2.5"/>'
        )
        parts += [
            f'<circle cx="{x_of(d):.1f}" cy="{y_of(v):.1f}" r="3.5" fill="#0050b3"/>'
            for d, v in points
        ]
        parts.append(
            f'<text x="{left}" y="{height - 8}" fill="{MUTED}">'
            f"{escape(date_label(points[0][0]))}</text>"
        )
        if len(points) > 1:
            parts.append(
                f'<text x="{width - right}" y="{height - 8}" text-anchor="end" fill="{MUTED}">'
                f"{escape(date_label(points[-1][0]))}</text>"
            )
    return _frame(chart_id, title, desc, width, height, "".join(parts))
