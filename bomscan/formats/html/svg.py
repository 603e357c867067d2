"""Inline SVG charts for the HTML report, written by hand: no scripts, no fonts, no network.

Why by hand: two chart kinds (stacked bars, stacked columns with date markers) are ~300 lines,
while the maintained Python plotting libraries either need JavaScript in the page (plotly, bokeh,
altair), or embed fonts/paths and pull in a heavy stack (matplotlib) for a report that must stay
a small, deterministic, self-contained file.

Accessibility: every chart is ``role="img"`` labelled by its ``<title>`` and ``<desc>`` (which
states the figures in words), every bar and column has a ``<title>`` tooltip, values and names
are ``<text>``, and series differ by colour (Okabe-Ito, safe for colour-blind readers) *and* by
fill pattern, with a text legend. Every string from input or rules goes through :func:`esc`,
in text and attributes alike; element ids are generated here, never taken from user data.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass

from bomscan.formats.html.series import Bar, BarChart, EntitySeries, Timeline

# Okabe & Ito (2008), "Color Universal Design": distinguishable with all common colour-vision
# deficiencies. Order chosen so adjacent series contrast well.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
PATTERNS = ["solid", "diag", "dots", "cross", "horiz", "rdiag", "vert"]
BEFORE = ("#56B4E9", "solid")  # spend before the first listing
SINCE = ("#D55E00", "diag")  # spend since listing: the figure that matters, so it is hatched

W = 560  # viewBox width; the SVG scales to its container (CSS keeps text near 11-13 px)
CHAR_W = 0.6  # average glyph width as a fraction of font size (system sans-serif)


def esc(value) -> str:
    """Escape for HTML and SVG text *and* attribute values (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def money(v: float | None) -> str:
    return "–" if v is None else f"{v:,.2f}"


def compact(v: float) -> str:
    """Short axis/column label: 1.23M, 45.6k, 950."""
    a = abs(v)
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            x = v / div
            digits = 2 if abs(x) < 10 else 1 if abs(x) < 100 else 0
            txt = f"{x:.{digits}f}"
            if "." in txt:
                txt = txt.rstrip("0").rstrip(".")
            return txt + suffix
    return f"{v:.0f}" if a >= 10 or v == int(v) else f"{v:.2f}"


def text_width(s: str, size: float) -> float:
    return len(s) * size * CHAR_W


def nice_ticks(hi: float, lo: float = 0.0, count: int = 4) -> list[float]:
    """Round tick values covering [lo, hi] (lo <= 0 <= hi), steps of 1, 2, 2.5 or 5 x 10^k."""
    span = hi - lo
    if span <= 0:
        return [0.0, 1.0] if hi <= 0 else [0.0, hi]
    raw = span / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    t = first
    while t < hi + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < hi:
        ticks.append(ticks[-1] + step)
    return ticks


def _pattern(pid: str, colour: str, kind: str) -> str:
    marks = {
        "solid": "",
        "diag": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4"/>',
        "rdiag": '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4"/>',
        "cross": '<path d="M0,0 l8,8 M8,0 l-8,8"/>',
        "horiz": '<path d="M0,4 h8"/>',
        "vert": '<path d="M4,0 v8"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" stroke="none" fill="#000" fill-opacity=".45"/>',
    }[kind]
    return (
        f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="8" height="8">'
        f'<rect width="8" height="8" fill="{colour}"/>'
        f'<g stroke="#000" stroke-opacity=".45" stroke-width="1.5">{marks}</g></pattern>'
    )


def _open(cid: str, height: float, title: str, desc: str, cls: str) -> list[str]:
    return [
        f'<svg class="chart {cls}" id="{cid}" role="img" aria-labelledby="{cid}-t {cid}-d" '
        f'viewBox="0 0 {W} {height:.0f}" width="{W}" height="{height:.0f}" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-t">{esc(title)}</title>',
        f'<desc id="{cid}-d">{esc(desc)}</desc>',
    ]


def _text(x, y, s, size=12, anchor="start", cls="", extra="") -> str:
    c = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{c}{extra}>'
        f"{esc(s)}</text>"
    )


def _swatch(x, y, fill) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{fill}" '
        'stroke="#000" stroke-width=".75"/>'
    )


def _unit(currency: str | None, measure: str) -> str:
    if measure == "lines":
        return "lines"
    return currency or "(no currency)"


# --------------------------------------------------------------------------- exposure bars


def _value_formatter(measure: str):
    """How a bar's values read: money for spend, a whole count for matched lines."""
    return money if measure == "spend" else (lambda v: f"{v:,.0f}")


@dataclass(frozen=True)
class _BarFrame:
    """What every bar of one chart is drawn with: the left margin, the unit named after each
    value, the fill of each series key, the value formatter and the x scale (value -> width)."""

    left: float
    unit: str
    fill: dict[str, str]
    value_fmt: Callable[[float], str]
    sx: Callable[[float], float]


def bar_chart(chart: BarChart, cid: str) -> str:
    """Horizontal bars, one per listed parent; segments = direct spend and each affiliate's."""
    unit = _unit(chart.currency, chart.measure)
    keys = chart.series_keys()
    style = {
        k: (PALETTE[i % len(PALETTE)], PATTERNS[i % len(PATTERNS)]) for i, k in enumerate(keys)
    }
    left, right_label = 8.0, 130.0
    area = W - left - right_label
    hi = max([b.total or 0.0 for b in chart.bars] + [0.0])
    ticks = nice_ticks(hi, count=5) if hi > 0 else [0.0]
    top = ticks[-1] or 1.0

    def sx(v: float) -> float:
        return area * max(v, 0.0) / top

    frame = _BarFrame(
        left=left,
        unit=unit,
        fill={k: f"url(#{cid}-p{i})" for i, k in enumerate(keys)},
        value_fmt=_value_formatter(chart.measure),
        sx=sx,
    )
    body: list[str] = []
    y = 8.0
    for b in chart.bars:
        y = _bar(b, y, frame, body)
    axis_y = y + 2
    grid = _bar_axis(ticks, axis_y, frame, chart.measure)
    height = axis_y + 34
    title = f"Exposure by listed parent ({unit})"
    defs = "".join(_pattern(f"{cid}-p{i}", *style[k]) for i, k in enumerate(keys))
    out = _open(cid, height, title, _bar_desc(chart, frame), "bars")
    out.append(f"<defs>{defs}</defs>")
    out += grid + body
    out.append("</svg>")
    return "\n".join(out)


def _bar(b: Bar, y: float, frame: _BarFrame, body: list[str]) -> float:
    """Append one listed parent's block at height ``y`` to ``body``: its name and level, its
    bar (or a note when its lines carry no amounts) and the legend under it. Returns the y at
    which the next block starts."""
    left = frame.left
    body.append(
        f'<text x="{left:.1f}" y="{y + 14:.1f}" font-size="13">'
        f'<tspan class="name">{esc(f"{b.rank}. {b.name}")}</tspan>'
        f'<tspan class="muted" font-size="11"> · {esc(b.level)}</tspan></text>'
    )
    by = y + 22
    if b.total is None:
        body.append(_text(left, by + 16, "no amounts on these lines", 12, cls="muted"))
    else:
        _bar_segments(b, by, frame, body)
    return _bar_legend(b, by + 24 + 17, frame, body) + 14


def _bar_segments(b: Bar, by: float, frame: _BarFrame, body: list[str]) -> None:
    """Append the stacked segments of a bar at height ``by``, each with a tooltip naming it,
    its value and its line count, then the bar's total to its right."""
    x = frame.left
    for s in b.segments:
        w = frame.sx(s.value)
        tip = f"{b.name}: {s.label}"
        if s.note:
            tip += f" ({s.note})"
        tip += f": {frame.value_fmt(s.value)} {frame.unit}, {s.lines} line(s)"
        body.append(
            f'<rect x="{x:.1f}" y="{by:.1f}" width="{w:.1f}" height="24" '
            f'fill="{frame.fill[s.key]}" stroke="#000" stroke-width=".75">'
            f"<title>{esc(tip)}</title></rect>"
        )
        x += w
    total_label = f"{frame.value_fmt(b.total)} {frame.unit}"
    body.append(_text(x + 6, by + 17, total_label, 12, cls="value"))


def _bar_legend(b: Bar, ly: float, frame: _BarFrame, body: list[str]) -> float:
    """Append the legend under a bar, starting at height ``ly``: every segment named with its
    value (colour is not the only cue), wrapping to a new row at the chart's right edge.
    Returns the y of the last legend row."""
    left = frame.left
    lx = left
    for s in b.segments if b.total is not None else []:
        label = f"{s.label}: {frame.value_fmt(s.value)}"
        wdt = 16 + text_width(label, 11) + 14
        if lx > left and lx + wdt > W - 8:
            lx, ly = left, ly + 16
        body.append(_swatch(lx, ly, frame.fill[s.key]))
        body.append(_text(lx + 16, ly, label, 11))
        lx += wdt
    return ly


def _bar_axis(ticks: list[float], axis_y: float, frame: _BarFrame, measure: str) -> list[str]:
    """The vertical grid lines with their tick labels under the bars, and the axis title."""
    grid = []
    for t in ticks:
        gx = frame.left + frame.sx(t)
        grid.append(
            f'<line x1="{gx:.1f}" y1="4" x2="{gx:.1f}" y2="{axis_y:.1f}" class="grid"/>'
            + _text(gx, axis_y + 14, compact(t), 10, anchor="middle", cls="muted")
        )
    axis_title = (
        f"Spend in {frame.unit}"
        if measure == "spend"
        else "Matched lines (no amounts in these inputs)"
    )
    grid.append(_text(frame.left, axis_y + 30, axis_title, 11, cls="muted"))
    return grid


def _bar_desc(chart: BarChart, frame: _BarFrame) -> str:
    """The chart's ``<desc>``: every bar's figures in words, for screen readers."""
    value_fmt, unit = frame.value_fmt, frame.unit
    return "; ".join(
        f"{b.rank}. {b.name}: "
        + ("no amounts" if b.total is None else f"{value_fmt(b.total)} {unit}")
        + (
            " (" + ", ".join(f"{s.label} {value_fmt(s.value)}" for s in b.segments) + ")"
            if b.total is not None and len(b.segments) > 1
            else ""
        )
        for b in chart.bars
    )


# ----------------------------------------------------------------------------- time series


@dataclass(frozen=True)
class _TimeFrame:
    """The plot area of one time chart: its left and right margins, the top of the plot
    (below the marker labels), the plot height, the width of one period and the y range."""

    left: float
    right: float
    top: float
    ph: float
    bw: float
    y_lo: float
    y_hi: float

    def sy(self, v: float) -> float:
        """The y coordinate of value ``v``."""
        return self.top + self.ph * (self.y_hi - v) / (self.y_hi - self.y_lo)


def time_chart(tl: Timeline, s: EntitySeries, cid: str) -> str:
    """Stacked columns per period (before / since listing) with listing dates as dashed lines."""
    unit = tl.currency or "(no currency)"
    n = len(tl.periods)
    left, right = 52.0, 12.0
    label_rows = len(s.markers)
    top = 10.0 + label_rows * 14.0 + 12.0  # headroom for the tallest column's value label
    ph = 150.0
    base_legend = top + ph + 34
    height = base_legend + 18
    pw = W - left - right
    bw = pw / n
    pos = [max(a, 0) + max(b, 0) for a, b in zip(s.before, s.since, strict=True)]
    neg = [min(a, 0) + min(b, 0) for a, b in zip(s.before, s.since, strict=True)]
    hi, lo = max(pos + [0.0]), min(neg + [0.0])
    ticks = nice_ticks(hi, lo) if (hi > 0 or lo < 0) else [0.0, 1.0]
    frame = _TimeFrame(left, right, top, ph, bw, ticks[0], ticks[-1])
    fills = {"before": f"url(#{cid}-b)", "since": f"url(#{cid}-s)"}
    out = _time_axes(tl, ticks, frame, unit)
    for i, p in enumerate(tl.periods):
        out += _time_column(s, i, p.label, frame, fills, unit)
    out += _time_markers(tl, s, frame)
    out += _time_legend(left, base_legend, fills)
    defs = _pattern(f"{cid}-b", *BEFORE) + _pattern(f"{cid}-s", *SINCE)
    desc = _time_desc(tl, s, unit)
    head = _open(cid, height, f"Spend over time: {s.name} ({unit})", desc, "timeline")
    return "\n".join(head + [f"<defs>{defs}</defs>"] + out + ["</svg>"])


def _time_axes(tl: Timeline, ticks: list[float], frame: _TimeFrame, unit: str) -> list[str]:
    """The horizontal grid (the zero line drawn as the axis) with its value labels, the y
    axis title, and the period labels under the plot, thinned so they never overlap."""
    left, top, ph, sy = frame.left, frame.top, frame.ph, frame.sy
    out = []
    for t in ticks:
        out.append(
            f'<line x1="{left:.1f}" y1="{sy(t):.1f}" x2="{W - frame.right:.1f}" y2="{sy(t):.1f}" '
            f'class="{"axis" if t == 0 else "grid"}"/>'
        )
        out.append(_text(left - 6, sy(t) + 3.5, compact(t), 10, anchor="end", cls="muted"))
    out.append(
        f'<text x="12" y="{top + ph / 2:.1f}" font-size="10" text-anchor="middle" class="muted" '
        f'transform="rotate(-90 12 {top + ph / 2:.1f})">{esc(unit)} per {tl.granularity}</text>'
    )
    lw = max(text_width(p.label, 10) for p in tl.periods) + 6
    every = max(1, math.ceil(lw / frame.bw))
    for i, p in enumerate(tl.periods):
        if i % every == 0:
            out.append(
                _text(
                    left + frame.bw * (i + 0.5), top + ph + 14, p.label, 10, "middle", cls="muted"
                )
            )
    return out


def _time_column(
    s: EntitySeries, i: int, label: str, frame: _TimeFrame, fills: dict[str, str], unit: str
) -> list[str]:
    """Period ``i``'s column: spend before and since listing stacked (positive amounts up
    from zero, negative ones down), each with a tooltip, and the period's total above it when
    the label fits the column's width."""
    bw, sy = frame.bw, frame.sy
    cw = bw * 0.72
    x = frame.left + bw * i + (bw - cw) / 2
    out = []
    up, down = 0.0, 0.0
    for kind, v in (("before", s.before[i]), ("since", s.since[i])):
        if not v:
            continue
        start = up if v > 0 else down
        end = start + v
        if v > 0:
            up = end
        else:
            down = end
        y1, y2 = sorted((sy(start), sy(end)))
        what = "before first listing" if kind == "before" else "since listing"
        out.append(
            f'<rect x="{x:.1f}" y="{y1:.1f}" width="{cw:.1f}" height="{max(y2 - y1, 0.5):.1f}" '
            f'fill="{fills[kind]}" stroke="#000" stroke-width=".5">'
            f"<title>{esc(f'{s.name}, {label}: {money(v)} {unit} {what}')}</title></rect>"
        )
    total = s.before[i] + s.since[i]
    text = compact(total)
    if total and text_width(text, 9) <= bw + 2:
        out.append(_text(x + cw / 2, sy(max(up, 0)) - 3, text, 9, "middle", cls="value"))
    return out


def _time_markers(tl: Timeline, s: EntitySeries, frame: _TimeFrame) -> list[str]:
    """Each listing date inside the period: a dashed line from its own label row (above the
    plot) down to the baseline, placed within its period by day, labelled on the side with
    room."""
    out = []
    for row, m in enumerate(s.markers):
        idx = next(i for i, p in enumerate(tl.periods) if p.start <= m.day <= p.end)
        p = tl.periods[idx]
        frac = (m.day - p.start).days / ((p.end - p.start).days + 1)
        mx = frame.left + frame.bw * (idx + frac)
        ly = 10.0 + row * 14.0 + 9
        label = f"{m.day.isoformat()}: {', '.join(m.labels)}"
        anchor, tx = ("end", mx - 4) if mx > W * 0.55 else ("start", mx + 4)
        out.append(
            f'<line x1="{mx:.1f}" y1="{ly - 9:.1f}" x2="{mx:.1f}" y2="{frame.top + frame.ph:.1f}" '
            f'class="marker"><title>{esc(label)}</title></line>'
        )
        out.append(_text(tx, ly, label, 10, anchor, cls="marker-label"))
    return out


def _time_legend(left: float, legend_y: float, fills: dict[str, str]) -> list[str]:
    """The legend under the plot: the two fills and the listing-date line, each named."""
    return [
        _swatch(left, legend_y, fills["before"]),
        _text(left + 16, legend_y, "before first listing", 11),
        _swatch(left + 150, legend_y, fills["since"]),
        _text(left + 166, legend_y, "since listing", 11),
        f'<line x1="{left + 270:.1f}" y1="{legend_y - 10:.1f}" x2="{left + 270:.1f}" '
        f'y2="{legend_y + 2:.1f}" class="marker"/>',
        _text(left + 276, legend_y, "listing date", 11),
    ]


def _time_desc(tl: Timeline, s: EntitySeries, unit: str) -> str:
    """The chart's ``<desc>``: the period, the dated total and its split, and the listing
    dates marked, in words for screen readers."""
    dated_total = sum(s.before) + sum(s.since)
    desc = (
        f"Spend per {tl.granularity} in {unit}, {tl.periods[0].label} to {tl.periods[-1].label}: "
        f"{money(dated_total)} in total, {money(sum(s.since))} since listing, "
        f"{money(sum(s.before))} before."
    )
    if s.markers:
        desc += (
            " Marked: "
            + "; ".join(f"{m.day.isoformat()} {', '.join(m.labels)}" for m in s.markers)
            + "."
        )
    return desc
