"""The report's summary of the input: lines read and skipped, totals per currency, credits,
FX, and each group's input total. The exposed figures are set from the findings by
:func:`bomscan.exposure.aggregate.settle`."""

from __future__ import annotations

import dataclasses

import polars as pl

from bomscan.exposure.spend import money, summed_currencies
from bomscan.model import (
    CurrencyTotal,
    GroupTotal,
    SkipReason,
    Summary,
    TableMeta,
    Unconverted,
    Unscreened,
)
from bomscan.model import Skipped as SkippedTotal
from bomscan.sources.schema import Skipped


def ragged_warnings(rows: pl.DataFrame) -> list[str]:
    """One warning per input with rows that have more fields than the header."""
    out = []
    ragged = rows.filter(pl.col("_ragged")).sort(["source", "item"])
    for src, sub in ragged.group_by("source", maintain_order=True):
        shown = sub["line"].drop_nulls().head(10).to_list()
        out.append(
            f"{src[0]}: {sub.height} row(s) have more fields than the header (the extra fields "
            f"are ignored): line(s) {', '.join(str(x) for x in shown)}"
            + (" ..." if sub.height > len(shown) else "")
        )
    return out


def _currency_totals(inp: pl.DataFrame) -> list[CurrencyTotal]:
    totals = (
        inp.group_by("_cur")
        .agg(
            pl.col("_lines").sum().alias("lines"),
            pl.col("_amt_sum").sum().alias("total"),
            pl.col("_priced").sum().alias("priced"),
            pl.col("_credit_lines").sum().alias("credit_lines"),
            pl.col("_credit_amt").sum().alias("credits"),
        )
        .filter(pl.col("lines") > 0)
    )
    rows = sorted(totals.to_dicts(), key=lambda r: (r["_cur"] is None, r["_cur"] or ""))
    return [
        CurrencyTotal(
            currency=r["_cur"],
            lines=int(r["lines"]),
            total_spend=money(r["total"]) if r["priced"] else None,
            exposed_spend=None,
            credit_lines=int(r["credit_lines"] or 0),
            credits=money(r["credits"] or 0.0),
        )
        for r in rows
    ]


def _unconverted(inp: pl.DataFrame, target: str, warnings: list[str]) -> Unconverted:
    """Priced lines with no rate into ``target`` (kept in their own currency), and a warning."""
    nr = inp.filter(pl.col("_cur") != target).filter(pl.col("_priced") > 0)
    out = Unconverted(
        lines=int(nr["_priced"].sum() or 0),
        by_currency=[
            Unconverted.Amount(currency=r["_cur"], lines=int(r["lines"]), amount=money(r["amount"]))
            for r in nr.group_by("_cur")
            .agg(pl.col("_priced").sum().alias("lines"), pl.col("_sum").sum().alias("amount"))
            .sort("_cur", nulls_last=True)
            .to_dicts()
        ],
    )
    if out.lines:
        what = ", ".join(f"{b.lines} in {b.currency or 'no currency'}" for b in out.by_currency)
        warnings.append(
            f"{out.lines} line(s) have no FX rate into {target} on or before "
            f"their date ({what}): they are not converted and not in the {target} "
            "total (see summary.by_currency)"
        )
    return out


def _skipped(results, totals: pl.DataFrame) -> SkippedTotal:
    out = [_skip_reason(r.source, s) for r in results for s in r.skipped]
    out_of_period = int(totals.filter(~pl.col("_in_period"))["_lines"].sum() or 0)
    if out_of_period:
        out.append(
            SkipReason(
                source=None,
                reason="dated outside --from/--to, or undated while a period is set",
                count=out_of_period,
                lines=[],
            )
        )
    return SkippedTotal(total=sum(s.count for s in out), reasons=out)


def _skip_reason(source: str, s: Skipped) -> SkipReason:
    return SkipReason(source=source, reason=s.reason, count=s.count, lines=s.lines[:100])


def build(totals, results, done, cache, opts, warnings: list[str], fx_note) -> Summary:
    """The summary, its exposed figures still unset; warns of mixed currencies and of lines
    without an FX rate."""
    inp = totals.filter(pl.col("_in_period"))
    by_currency = _currency_totals(inp)
    currencies = [b.currency for b in by_currency if b.total_spend is not None]
    mixed = len(currencies) > 1 and opts.fx is None
    if mixed:
        warnings.append(
            "amounts are in several currencies ("
            + ", ".join(c or "unknown" for c in currencies)
            + ") and no --fx rates were given: totals and exposures are ranked per currency, "
            "never summed across currencies"
        )
    no_rate = _unconverted(inp, opts.currency, warnings) if opts.fx is not None else None
    counted = summed_currencies(by_currency, opts.fx_target)
    total = money(sum(b.total_spend for b in counted)) if counted and not mixed else None
    credits = money(sum(b.credits for b in counted)) if counted and not mixed else None
    single = (
        opts.currency if opts.fx is not None else (currencies[0] if len(currencies) == 1 else None)
    )
    read = int(totals["_lines"].sum() or 0)
    no_name = int(inp["_no_name"].sum() or 0)
    unscreened = _unscreened(read, no_name, cache.distinct_names, warnings, results)
    return Summary(
        lines_read=read,
        lines_skipped=_skipped(results, totals),
        lines_without_name=no_name,
        lines_without_amount=int(inp["_no_amount"].sum() or 0),
        lines_unparsed_amount=done.unparsed,
        lines_ragged=done.ragged,
        lines_without_rate=no_rate.lines if no_rate is not None else None,
        names_screened=cache.distinct_names,
        currency=single if not mixed else None,
        mixed_currencies=mixed,
        mixed_currencies_reason=(
            "amounts in several currencies and no --fx rates: ranked per currency, not summed"
            if mixed
            else None
        ),
        total_spend=total,
        exposed_spend=None,
        exposed_spend_since_listing=None,
        share_exposed=None,
        credit_lines=sum(b.credit_lines for b in by_currency),
        credits=credits,
        by_currency=by_currency,
        exposures=0,
        findings=0,
        possible_matches=0,
        fx=None if fx_note is None else dataclasses.replace(fx_note, unconverted=no_rate),
        unscreened=unscreened,
    )


UNSCREENED_SHARE = 0.5  # of the lines read without a name, from which a report says so


def _unscreened(
    read: int, no_name: int, names: int, warnings: list[str], results=()
) -> Unscreened | None:
    """Whether the input could not be screened (no name at all, or most lines without one):
    such a report is never a clean result, and says so (and a warning), naming the columns
    it had instead (distributor part numbers name no maker)."""
    if read == 0:  # an empty table, a BOM with no component: nothing to screen is not clean
        reason = "no line was read: nothing could be screened" + _what_it_had(results)
        warnings.append(reason)
        return Unscreened(lines=0, share=1.0, reason=reason)
    if names and no_name / read <= UNSCREENED_SHARE:
        return None
    if not names:
        reason = (
            "no line names a manufacturer, supplier or vendor: nothing could be screened "
            "(a clean result needs names to screen; part numbers are checked only against "
            "the rules' model-number patterns)" + _what_it_had(results)
        )
    else:
        reason = (
            f"{no_name:,} of {read:,} lines name no manufacturer, supplier or vendor: "
            "most of the input could not be screened"
        )
    warnings.append(reason)
    return Unscreened(lines=no_name, share=no_name / read, reason=reason)


def group_input_totals(inp: pl.DataFrame, group_by: list[str]) -> list[GroupTotal]:
    """Each group's lines and input total per currency (exposed figures: set by settle)."""
    gcols = [f"_g{i}" for i in range(len(group_by))]
    t = inp.group_by([*gcols, "_cur"]).agg(
        pl.col("_lines").sum().alias("lines"),
        pl.col("_amt_sum").sum().alias("total"),
        pl.col("_priced").sum().alias("priced"),
    )
    return [
        GroupTotal(
            group={g: r[c] for g, c in zip(group_by, gcols, strict=True)},
            currency=r["_cur"],
            lines=int(r["lines"]),
            total_spend=money(r["total"]) if r["priced"] else None,
            exposed_spend=None,
            share_exposed=None,
        )
        for r in t.to_dicts()
        if r["lines"]
    ]


def _what_it_had(results) -> str:
    """ "; it has only distributor part numbers (...)" for inputs without a maker's part."""
    cols = [
        h
        for r in results
        if isinstance(r.meta, TableMeta) and not r.meta.columns.get("part")
        for h in r.meta.columns.get("distributor_part", [])
    ]
    if not cols:
        return ""
    shown = ", ".join(repr(c) for c in cols[:3])
    return f"; it has only distributor part numbers ({shown}), which name no maker"


def encoding_warnings(results, names: pl.Series) -> list[str]:
    """A CSV read as UTF-8 that holds bytes that are not (found as replaced characters in
    the names): which line, and the option that reads it right."""
    if not names.str.contains("\ufffd", literal=True).any():
        return []
    from bomscan.sources.tabular import first_bad_utf8_line

    out = []
    for r in results:
        if not isinstance(r.meta, TableMeta) or r.meta.encoding not in ("utf-8", "utf-8-sig"):
            continue
        line = first_bad_utf8_line(r.source)
        if line is not None:
            out.append(
                f"{r.source}:{line}: not UTF-8 from this line on (read with replacement "
                "characters); give its encoding, e.g. --encoding cp1252"
            )
    return out
