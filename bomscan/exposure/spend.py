"""The spend rules, written once and used by the report, triage and every format.

1. **Money** is rounded to cents once, where a figure is reported (:func:`money`); shares are
   computed from the reported (rounded) totals, so they do not depend on summation order.
2. **One amount per item**: a component whose manufacturer and supplier both match, or a
   ledger line listed under two names, counts once per exposure key (:func:`first_per_item`).
3. **The split** of exposed spend against the entity's listing (:func:`split`):
   ``since`` (dated on or after the first listing in force), ``before`` (dated before it), or
   ``undated`` (the line has no date, or the listing has no start date: such a listing counts
   on every date, so the line cannot be placed before or after it).
4. **Totals per key**: exposed spend per (listed entity, currency), per group, and the
   summary's exposed figures, from the findings that remain (after suppressions and a
   baseline, triage calls the same functions on what it kept).

The functions take and return the report's typed records (:mod:`bomscan.model`), so the
formats, which read the report, apply the same rules without the core. Sums add each finding's
unrounded amount (:attr:`~bomscan.model.Finding.amount`) and round once, as the input's totals
do, so an exposed figure never exceeds the total it is a share of.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bomscan.model import (
    CurrencyTotal,
    Exposure,
    Finding,
    GroupExposure,
    GroupTotal,
    Report,
    Summary,
)


class Split(StrEnum):
    """Where a line's spend falls against its entity's first listing."""

    SINCE = "since"
    BEFORE = "before"
    UNDATED = "undated"


def money(v: float | None) -> float | None:
    """An amount as reported: rounded to cents (None stays None: no amount is not zero)."""
    return None if v is None else round(float(v), 2)


def since_listing(line_date: date | None, listed_since: date | None) -> bool | None:
    """The finding's ``since_listing`` flag: True/False, or None when either date is unknown."""
    if line_date is None or listed_since is None:
        return None
    return line_date >= listed_since


def split(finding: Finding) -> Split:
    """The split a finding's spend falls in, from its ``since_listing`` flag."""
    flag = finding.since_listing
    if flag is None:
        return Split.UNDATED
    return Split.SINCE if flag else Split.BEFORE


# each part of the split: the report field that holds it and how every format labels it
SPLIT_FIELDS = (
    (Split.SINCE, "spend_since_listing", "since listing"),
    (Split.BEFORE, "spend_before_listing", "before listing"),
    (Split.UNDATED, "spend_undated", "undated"),
)


def split_parts(exposure: Exposure) -> list[tuple[str, float]]:
    """(label, amount) of each non-zero part of an exposure's spend, in SPLIT_FIELDS order."""
    parts = [(label, getattr(exposure, k)) for _, k, label in SPLIT_FIELDS]
    return [(label, v) for label, v in parts if v]


def has_dates(report: Report) -> bool:
    """Whether any finding is dated: only then is the split worth showing (a BOM's is all
    'undated')."""
    return any(f.date for f in report.findings)


def item_of(finding: Finding) -> tuple:
    """The item a finding belongs to: its input and the item (component or record) number."""
    return finding.source, finding.locator.item


def first_per_item(
    findings: Iterable[Finding], key: Callable[[Finding], tuple]
) -> Iterator[Finding]:
    """The findings that count: the first of each item under each key (one amount per item)."""
    seen: set[tuple] = set()
    for f in findings:
        k = (key(f), *item_of(f))
        if k in seen:
            continue
        seen.add(k)
        yield f


def exposure_key(record: Finding | Exposure) -> tuple:
    """Exposures are per listed entity (after roll-up) and currency."""
    return record.entity.id, record.currency


@dataclass
class Tally:
    """Spend and lines of one key, with the split."""

    lines: int = 0
    priced: bool = False
    spend: float = 0.0
    by_split: dict[Split, float] = field(default_factory=lambda: {s: 0.0 for s in Split})

    def add(self, finding: Finding) -> None:
        self.lines += 1
        amount = finding.amount
        if amount is None:
            return
        self.priced = True
        self.spend += amount
        self.by_split[split(finding)] += amount

    def figures(self) -> dict:
        """The reported figures: each None when no line of the key had an amount."""
        if not self.priced:
            return {"spend": None, **{k: None for _, k, _ in SPLIT_FIELDS}}
        return {
            "spend": money(self.spend),
            **{k: money(self.by_split[part]) for part, k, _ in SPLIT_FIELDS},
        }


def tally(findings: Iterable[Finding], key: Callable[[Finding], tuple]) -> dict[tuple, Tally]:
    """Tallies per key over the findings that count (one amount per item)."""
    out: dict[tuple, Tally] = {}
    for f in first_per_item(findings, key):
        out.setdefault(key(f), Tally()).add(f)
    return out


def share(part: float | None, total: float | None) -> float | None:
    """``part / total``, or None when either is unknown or the total is zero."""
    if part is None or not total:
        return None
    return part / total


def summed_currencies(by_currency: list[CurrencyTotal], fx_target: str | None) -> list:
    """The per-currency totals a single total sums: priced ones, and with FX rates only the
    target currency (lines without a rate stay in their own currency, never summed in)."""
    return [
        b
        for b in by_currency
        if b.total_spend is not None and (fx_target is None or b.currency == fx_target)
    ]


def summary_exposed(summary: Summary, exposures: list[Exposure], fx_target: str | None) -> None:
    """The summary's exposed figures from the exposures: per currency, the total (when the
    currencies can be summed) and the share, and the spend since listing."""
    by_cur: dict[str | None, float] = {}
    for e in exposures:
        by_cur[e.currency] = by_cur.get(e.currency, 0.0) + (e.amount or 0.0)
    for b in summary.by_currency:
        b.exposed_spend = money(by_cur.get(b.currency, 0.0)) if b.total_spend is not None else None
    mixed = summary.mixed_currencies
    if not mixed and summary.total_spend is not None:
        counted = summed_currencies(summary.by_currency, fx_target)
        exposed = money(sum(b.exposed_spend or 0.0 for b in counted))
        summary.exposed_spend = exposed
        summary.share_exposed = share(exposed, summary.total_spend)
    summary.exposed_spend_since_listing = (
        None if mixed else money(sum(e.spend_since_listing or 0.0 for e in exposures))
    )


def group_values(finding: Finding, group_by: list[str]) -> tuple:
    return tuple((finding.groups or {}).get(g) for g in group_by)


def group_rows(
    findings: list[Finding], group_by: list[str], totals: dict[tuple, GroupTotal]
) -> list[GroupExposure]:
    """Exposed spend per (group values, listed entity, currency), with the group's total.

    ``totals`` maps (group values..., currency) to the group's input total (see
    :func:`group_total_map`)."""

    def key(f: Finding) -> tuple:
        return (*group_values(f, group_by), *exposure_key(f))

    firsts: dict[tuple, Finding] = {}
    for f in findings:
        firsts.setdefault(key(f), f)
    out = []
    for k, t in tally(findings, key).items():
        f = firsts[k]
        gv = k[: len(group_by)]
        spend = money(t.spend)
        total = totals.get((*gv, f.currency))
        group_total = total.total_spend if total is not None else None
        out.append(
            GroupExposure(
                group=dict(zip(group_by, gv, strict=True)),
                entity=f.entity,
                currency=f.currency,
                spend=spend,
                lines=t.lines,
                group_total_spend=group_total,
                share_of_group=share(spend, group_total),
                exact_spend=t.spend,
            )
        )
    out.sort(
        key=lambda a: (
            -(a.spend or 0),
            a.entity.id,
            str(a.group),
            a.currency is None,
            a.currency or "",
        )
    )
    return out


def group_key(row: GroupExposure | GroupTotal, group_by: list[str]) -> tuple:
    """(group values..., currency) of a ``groups`` or ``group_totals`` row."""
    return (*(row.group.get(g) for g in group_by), row.currency)


def group_total_map(group_totals: list[GroupTotal], group_by: list[str]) -> dict:
    """(group values..., currency) -> the group's input total row."""
    return {group_key(t, group_by): t for t in group_totals}


def group_totals(
    totals: dict[tuple, GroupTotal], group_by: list[str], groups: list[GroupExposure]
) -> list[GroupTotal]:
    """Every group's input total and exposed spend (so a share can be read per group); the
    exposed figures are set anew on each call (triage settles the report again)."""
    exposed: dict[tuple, float] = {}
    for g in groups:
        k = group_key(g, group_by)
        exposed[k] = exposed.get(k, 0.0) + (g.amount or 0.0)
    out = []
    for k, t in totals.items():
        e = money(exposed.get(k, 0.0))
        out.append(
            GroupTotal(
                group=t.group,
                currency=t.currency,
                lines=t.lines,
                total_spend=t.total_spend,
                exposed_spend=e,
                share_exposed=share(e, t.total_spend),
            )
        )
    out.sort(
        key=lambda a: (
            -(a.exposed_spend or 0),
            -(a.total_spend or 0),
            str(a.group),
            a.currency is None,
            a.currency or "",
        )
    )
    return out
