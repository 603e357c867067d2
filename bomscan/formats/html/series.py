"""What the HTML charts plot, derived from the typed report (:class:`bomscan.model.Report`) and
nothing else.

Kept apart from drawing so the numbers can be tested without parsing SVG, and so the charts
cannot disagree with the tables: bar totals are the exposures' own figures, and the time series
re-sums findings with the same rules :mod:`bomscan.exposure.spend` applies (one amount per input
item per listed parent and currency, each finding's unrounded amount, rounded once per column),
so a quarter's columns add up to the exposure's dated spend.

Currencies are never summed: every chart is per currency (``None`` = amounts without one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bomscan.exposure import spend
from bomscan.model import Exposure, Listing, Report

# A dated series longer than this many months is shown by quarter, so columns stay readable.
MAX_MONTHS = 24


@dataclass
class Segment:
    key: str  # "direct" or the affiliate's entity id
    label: str
    value: float
    lines: int
    note: str = ""  # e.g. "subsidiary of ... until 2024-01-31"


@dataclass
class Bar:
    rank: int
    entity_id: str
    name: str
    level: str
    total: float | None  # None: no amounts on these lines
    lines: int
    segments: list[Segment] = field(default_factory=list)


@dataclass
class BarChart:
    currency: str | None
    measure: str  # "spend" or "lines" (when no line of this currency has an amount)
    bars: list[Bar]

    def series_keys(self) -> list[str]:
        """Distinct segment keys in order of first appearance: one colour and pattern each."""
        keys: list[str] = []
        for b in self.bars:
            for s in b.segments:
                if s.key not in keys:
                    keys.append(s.key)
        return keys


def exposure_bars(report: Report) -> list[BarChart]:
    """One chart per currency: each listed parent's spend, split into direct and per affiliate."""
    by_cur: dict[str | None, list[Exposure]] = {}
    for e in report.exposures:
        by_cur.setdefault(e.currency, []).append(e)
    charts = []
    for cur, exps in by_cur.items():
        measure = "spend" if any(e.spend is not None for e in exps) else "lines"
        bars = []
        for e in exps:
            total = e.spend if measure == "spend" else float(e.lines)
            bar = Bar(
                rank=e.rank,
                entity_id=e.entity.id,
                name=e.entity.name,
                level=e.level,
                total=total,
                lines=e.lines,
            )
            if total is not None:
                affs = []
                for a in e.affiliates:
                    v = (a.spend or 0.0) if measure == "spend" else float(a.lines)
                    note = "; ".join(x.note for x in a.via or [] if x.note)
                    affs.append(Segment(a.entity.id, a.entity.name, v, a.lines, note))
                direct = round(total - sum(s.value for s in affs), 2)
                direct_lines = e.lines - sum(s.lines for s in affs)
                if direct_lines or abs(direct) >= 0.005:
                    bar.segments.append(Segment("direct", "Direct", direct, direct_lines))
                bar.segments.extend(affs)
            bars.append(bar)
        charts.append(BarChart(cur, measure, bars))
    return charts


@dataclass
class Period:
    label: str
    start: date
    end: date  # inclusive


@dataclass
class Marker:
    day: date
    labels: list[str]


@dataclass
class EntitySeries:
    rank: int
    entity_id: str
    name: str
    before: list[float]  # per period: spend dated before the entity's first listing
    since: list[float]  # per period: spend dated on or after it
    markers: list[Marker]  # listing starts/ends inside the charted range
    outside: list[str]  # listings that start or end outside the range, as text
    undated_spend: float = 0.0
    undated_lines: int = 0


@dataclass
class Timeline:
    currency: str | None
    granularity: str  # "month" or "quarter"
    periods: list[Period]
    entities: list[EntitySeries]


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _periods(first: date, last: date) -> tuple[str, list[Period]]:
    months = _month_index(last) - _month_index(first) + 1
    step, gran = (1, "month") if months <= MAX_MONTHS else (3, "quarter")
    start_idx = _month_index(first) // step * step
    out = []
    idx = start_idx
    while idx <= _month_index(last):
        y, m = divmod(idx, 12)
        start = date(y, m + 1, 1)
        ny, nm = divmod(idx + step, 12)
        end = date(ny, nm + 1, 1) - timedelta(days=1)
        label = f"{y}-{m + 1:02d}" if step == 1 else f"{y} Q{m // 3 + 1}"
        out.append(Period(label, start, end))
        idx += step
    return gran, out


def _period_index(periods: list[Period], d: date) -> int:
    first = periods[0].start
    months = _month_index(d) - _month_index(first)
    step = 1 if periods[0].end.month == periods[0].start.month else 3
    return months // step


def spend_over_time(report: Report) -> list[Timeline]:
    """Per currency with dated, priced findings: spend per month or quarter per exposed entity.

    Each finding counts with its unrounded amount (:attr:`~bomscan.model.Finding.amount`), as
    the exposure's own figures do, and each column is rounded once."""
    exposures = {spend.exposure_key(e): e for e in report.exposures}
    dated: dict[str | None, dict[str, list[tuple[date, float, bool]]]] = {}
    undated: dict[tuple, list[float]] = {}
    for f in spend.first_per_item(report.findings, spend.exposure_key):
        key = spend.exposure_key(f)
        amount = f.amount
        if key not in exposures or amount is None:
            continue
        where = spend.split(f)
        if where is spend.Split.UNDATED:  # no date, or a listing with no start: not charted
            u = undated.setdefault(key, [0.0, 0])
            u[0] += amount
            u[1] += 1
            continue
        dated.setdefault(f.currency, {}).setdefault(f.entity.id, []).append(
            (date.fromisoformat(f.date), amount, where is spend.Split.SINCE)
        )
    timelines = []
    for cur, per_entity in dated.items():
        days = [d for rows in per_entity.values() for d, _, _ in rows]
        gran, periods = _periods(min(days), max(days))
        lo, hi = periods[0].start, periods[-1].end
        entities = []
        for e in report.exposures:
            if e.currency != cur:
                continue
            rows = per_entity.get(e.entity.id, [])
            if not rows and spend.exposure_key(e) not in undated:
                continue  # an entity with only unpriced lines in this currency
            before = [0.0] * len(periods)
            since = [0.0] * len(periods)
            for d, amount, is_since in rows:
                (since if is_since else before)[_period_index(periods, d)] += amount
            markers, outside = _listing_marks(e.entity.listings, lo, hi)
            u = undated.get((e.entity.id, cur), [0.0, 0])
            entities.append(
                EntitySeries(
                    rank=e.rank,
                    entity_id=e.entity.id,
                    name=e.entity.name,
                    before=[round(v, 2) for v in before],
                    since=[round(v, 2) for v in since],
                    markers=markers,
                    outside=outside,
                    undated_spend=round(u[0], 2),
                    undated_lines=int(u[1]),
                )
            )
        timelines.append(Timeline(cur, gran, periods, entities))
    timelines.sort(key=lambda t: t.currency or "")
    return timelines


def _listing_marks(listings: list[Listing], lo: date, hi: date) -> tuple[list[Marker], list[str]]:
    """The listing dates inside [lo, hi] as markers (several on one day share one), and the
    ones outside it as text, so no listing date goes unmentioned."""
    events: dict[date, list[str]] = {}
    outside = []
    for lst in listings:
        name = lst.list_short_name or lst.list_name or lst.list or "list"
        for day, verb in ((lst.start, "listed"), (lst.end, "removed")):
            if not day:
                continue
            d = date.fromisoformat(day)
            if lo <= d <= hi:
                events.setdefault(d, []).append(f"{name} {verb}")
            else:
                where = "before" if d < lo else "after"
                outside.append(f"{name} {verb} {d.isoformat()} ({where} the charted period)")
    markers = [Marker(d, labels) for d, labels in sorted(events.items())]
    return markers, outside
