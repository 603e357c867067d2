"""From read lines and name matches to the exposure report (a plain, JSON-ready dict).

The pipeline is one-way: sources -> resolve -> exposure -> formats. This module:

1. concatenates every source's lines (lazily: a ledger may have millions of rows);
2. resolves each **distinct** name once (a 10M-row ledger has a few thousand vendors);
3. joins the matches back, applies the period filter and currency conversion;
4. rolls matched entities up to their nearest listed parent along affiliations valid on each
   line's date (an entity that is listed itself stays itself; its parents are named in ``via``
   only when it is attributed through them);
5. aggregates spend per listed parent (and per currency when currencies cannot be summed);
6. returns the report dict whose shape is the versioned JSON contract (``SCHEMA_VERSION``).

Spend is summed over items (rows flagged ``primary``, or distinct ``(source, item)`` among
findings), never over name rows, so a component whose manufacturer and supplier both match counts
once. Ties in every ranking are broken by a documented key: spend descending, then entity id,
then source path and line.
"""

from __future__ import annotations

import hashlib
import os
import threading
import warnings as warnings_module
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

import polars as pl

from bomscan import __version__
from bomscan.resolve.affiliates import paths_frame
from bomscan.resolve.gate import NameGate
from bomscan.rules.model import LEVELS, RuleSet
from bomscan.sources import schema
from bomscan.sources.schema import (
    BLANK_HINT,  # true where every cell the pass reads is empty (a possibly blank record)
    EXTRA_PREFIX,
    INTERNAL_PREFIX,
    RAW_NAME,  # the name cell as written
    PassView,
    ReadResult,
    Skipped,
    lines_of_items,
)
from bomscan.sources.tabular import (
    RAGGED,  # true on rows with more fields than the header
    RAW_AMOUNT,  # the amount as written
    RAW_CURRENCY,
    UNPARSED,  # true where the amount cell holds text that is not an amount
    _name_text,
    currency_from_text,
)

SCHEMA_VERSION = "1.0"
INTERNAL = INTERNAL_PREFIX  # reader-internal columns: never shown as extras


@dataclass
class Options:
    as_of: date
    threshold: float
    review_threshold: float
    currency: str | None = None  # reporting currency (with fx) or the assumed one
    fx: pl.DataFrame | None = None  # columns date, currency, rate (1 unit of currency in reporting)
    fx_source: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    group_by: list[str] = field(default_factory=list)
    progress: object | None = None  # callable(rows=, names=) while the ledger streams


def build_report(results: list[ReadResult], ruleset: RuleSet, resolver, opts: Options) -> dict:
    warnings: list[str] = [w for r in results for w in r.warnings]
    views = [_pass_view(r) for r in results]

    # the pass keys on a small integer per input, not on the path text (a string key per row
    # costs), and only when there are several inputs; ``source`` is put back on its output
    # ... and on the currency as written where the reader keeps that text (``currency`` is
    # it stripped and upper-cased: done after the pass on a few values, not on every row)
    def pass_input(views: list[PassView]) -> pl.LazyFrame:
        frames = []
        for i, v in enumerate(views):
            names = v.lines.collect_schema().names()
            cur = RAW_CURRENCY if RAW_CURRENCY in names else "currency"
            frames.append(
                v.lines.with_columns(
                    pl.lit(i, pl.Int32).alias("_src"), pl.col(cur).alias("_cur_key")
                )
            )
        return pl.concat(frames, how="diagonal_relaxed")

    lines = pass_input(views)
    names_in = lines.collect_schema().names()
    has_unparsed = UNPARSED in names_in
    has_ragged = RAGGED in names_in
    group_exprs = _group_exprs(opts.group_by, names_in, results)

    # 1.-2. one native streaming pass (see _warm_up and docs/ledgers.md). The names of the first
    # rows are resolved before it; the pass then groups by the totals' keys, the name as
    # written and ``_kept``: the item of a row the report lists (a name matched in the
    # warm-up, an unparsed amount, a ragged row) or may have to leave out (a possibly blank
    # record), null elsewhere. So the few listed rows come out as one-row groups, every other
    # row in its name's group, and no row reaches Python. The pass reads only the columns it
    # needs; the full rows of the kept items are fetched afterwards (PassView).
    cache = NameCache(resolver, opts.review_threshold, progress=opts.progress)
    period = pl.lit(True)
    if opts.date_from is not None:
        period = period & (pl.col("date") >= opts.date_from)
    if opts.date_to is not None:
        period = period & (pl.col("date") <= opts.date_to)
    has_period = opts.date_from is not None or opts.date_to is not None
    in_period = period.fill_null(False) if has_period else pl.lit(True)

    def native_currency(text: pl.Expr) -> pl.Expr:
        cur = currency_from_text(text)
        if opts.currency and opts.fx is None:
            cur = pl.coalesce(cur, pl.lit(opts.currency))  # the assumed currency
        return cur

    primary = pl.col("primary")
    amount = pl.col("amount")
    unparsed = primary & pl.col(UNPARSED).fill_null(False) if has_unparsed else pl.lit(False)
    ragged = pl.col(RAGGED).fill_null(False) if has_ragged else pl.lit(False)
    group_flags = [e.alias(f"_g{i}") for i, e in enumerate(group_exprs)]
    flags = [
        in_period.alias("_in_period"),
        unparsed.alias("_unparsed"),
        ragged.alias("_ragged"),
        *group_flags,
    ]
    # the pass adds only the flag columns it groups on; what it keeps is decided by listed()
    period_flag = [in_period.alias("_in_period")] if has_period else []
    # the totals' keys beyond currency, input and period (each of which the pass keys on only
    # in the form and when it has to: see below)
    more_keys = [f"_g{i}" for i in range(len(group_exprs))]
    # the day whose rate converts a line: its date, or the as-of date when it has none
    fx_day = pl.coalesce(pl.col("date"), pl.lit(opts.as_of)).alias("_fx_day")
    if opts.fx is not None:
        more_keys.insert(0, "_fx_day")

    def with_keys(lines: pl.LazyFrame) -> pl.LazyFrame:
        if period_flag or group_flags:
            lines = lines.with_columns(*period_flag, *group_flags)
        if opts.fx is not None:
            lines = lines.with_columns(fx_day)
        return lines

    lines = with_keys(lines)
    pass_keys = [
        *(["_src"] if len(results) > 1 else []),
        "_cur_key",
        *(["_in_period"] if has_period else []),
        *more_keys,
    ]
    warm_matched = _warm_up(cache, views)
    raw_name = pl.col(RAW_NAME)

    one_row = all(v.one_row_per_item for v in views)

    def listed(matched: pl.Expr) -> pl.Expr:
        """True on the rows the report lists: a matched name in the period, unparsed, ragged.

        Built from the inputs' own columns, with only the terms that can be true (no period:
        every row is in it; one name column: every row is primary), so the pass broadcasts no
        constant column over every row; the kept rows are tested the same way."""
        out = matched.fill_null(False)
        if has_period:
            out = out & pl.col("_in_period")
        if has_unparsed:
            out = out | (pl.col(UNPARSED).fill_null(False) if one_row else unparsed)
        if has_ragged:
            out = out | ragged
        return out

    ticks = []
    if _progress_shown(opts.progress):  # a terminal: count rows as batches go by
        ticks.append(
            pl.col("primary")
            .map_batches(RowTicker(cache), return_dtype=pl.Boolean, is_elementwise=True)
            .all()
            .alias("_ticks")
        )
    kept_row = listed(raw_name.is_in(warm_matched.implode())) | pl.col(BLANK_HINT).fill_null(False)
    # the totals' aggregations, in the cheapest form the inputs allow: when every row is its
    # item's primary row (one name column), a count and plain sums of the amount; otherwise
    # each masked to the primary rows. Lines without an amount are lines less priced ones;
    # unparsed and ragged rows are counted on the kept rows after the pass (all of them are
    # kept), and the number of records is the sum of the lines (every record is a row here).
    kept_item = pl.when(kept_row).then(pl.col("item")).alias("_kept")
    if one_row:
        row_cols = [kept_item]
        aggs = [
            pl.len().alias("_lines"),
            amount.sum().alias("_sum"),
            amount.count().alias("_priced"),
            (amount < 0).sum().alias("_credit_lines"),
            amount.clip(upper_bound=0.0).sum().alias("_credit_sum"),
        ]
    else:
        row_cols = [
            kept_item,
            pl.when(primary).then(amount).alias("_pamt"),
            pl.when(primary & (amount < 0)).then(amount).alias("_pcredit"),
        ]
        aggs = [
            primary.sum().alias("_lines"),
            pl.col("_pamt").sum().alias("_sum"),
            pl.col("_pamt").count().alias("_priced"),
            pl.col("_pcredit").count().alias("_credit_lines"),
            pl.col("_pcredit").sum().alias("_credit_sum"),
            pl.col("item").max().alias("_items"),
        ]

    def collect_pass(lines: pl.LazyFrame) -> pl.DataFrame:
        parts = (
            lines.with_columns(*row_cols)
            .group_by([*pass_keys, RAW_NAME, "_kept"])
            .agg(*aggs, *ticks)
            .collect(engine="streaming")
        )
        if cache.error is not None:
            raise cache.error
        return parts

    try:
        parts = collect_pass(lines)
    except pl.exceptions.PolarsError:
        if all(v.exact is None for v in views):
            raise
        # a column read on a guess (PassView.exact: a CSV's amounts as numbers) met a row that
        # breaks it, and the reader stopped: the pass again, over the exact reading
        views = [v if v.exact is None else replace(v, lines=v.exact, exact=None) for v in views]
        lines = with_keys(pass_input(views))
        cache.rows_seen = 0
        parts = collect_pass(lines)
    # the keys a single input or an unset period left out of the pass, the name as ``name``
    # holds it, and the currency normalised from the text it was grouped on
    parts = parts.with_columns(
        *([] if "_src" in pass_keys else [pl.lit(0, pl.Int32).alias("_src")]),
        *([] if "_in_period" in pass_keys else [pl.lit(True).alias("_in_period")]),
        _name_text(raw_name).alias("name"),
        native_currency(pl.col("_cur_key")).alias("_cur_native"),
    )
    # the full rows of the kept items; a kept item the fetch does not return is a blank record:
    # its group leaves the totals (the reader's lines leave it out too)
    count = pl.col("_lines").sum() if one_row else pl.col("_items").max() + 1
    records = {
        int(r["_src"]): int(r["n"])
        for r in parts.group_by("_src").agg(count.alias("n")).to_dicts()
        if r["n"]
    }
    kept = parts.filter(pl.col("_kept").is_not_null())

    def fetch(src: int, items: list[int]) -> pl.DataFrame:
        """The full rows of some items of input ``src``, with ``_src``."""
        got = views[src].fetch(items, records.get(src))
        return got.with_columns(pl.lit(src, pl.Int32).alias("_src"))

    fetched = [
        fetch(src, sorted(set(sub["_kept"].to_list()))) for (src,), sub in kept.group_by("_src")
    ]
    kept_rows = (
        pl.concat(fetched, how="diagonal_relaxed")
        if fetched
        else lines.head(0).drop(RAW_NAME, BLANK_HINT, strict=False).collect()
    )
    if kept.height:
        present = kept_rows.select("_src", pl.col("item").alias("_kept")).unique()
        blank = kept.join(present, on=["_src", "_kept"], how="anti").select("_src", "_kept")
        if blank.height:
            parts = parts.join(blank, on=["_src", "_kept"], how="anti")
    cache.rows_seen = int(parts["_lines"].sum() or 0)
    late_match = cache.learn(parts["name"])
    keys = ["_src", "_cur_native", "_in_period", *more_keys]
    # the totals: the groups above summed over the name and ``_kept``
    agg = parts.group_by(keys).agg(
        *[pl.col(c).sum() for c in ("_lines", "_sum", "_priced", "_credit_lines", "_credit_sum")],
        pl.col("_lines").filter(pl.col("name").is_null()).sum().alias("_no_name"),
    )
    agg = agg.with_columns((pl.col("_lines") - pl.col("_priced")).alias("_no_amount"))
    if late_match:
        # a name first seen after the warm-up matched (a vendor whose first row comes after
        # schema.WARM_UP_ROWS; in a ledger sorted by vendor, most of them): the items of its rows
        # from one more pass that reads the name column alone, then their full rows
        late = (
            parts.filter(
                pl.col("name").is_in(cache.matched_names.implode())
                & ~raw_name.is_in(warm_matched.implode())
            )
            .select("_src", RAW_NAME)
            .unique()
        )
        more = []
        for (src,), sub in late.group_by("_src"):
            items = (
                views[src]
                .lines.filter(raw_name.is_in(sub[RAW_NAME].implode()))
                .select(pl.col("item").unique().sort())
                .collect(engine="streaming")["item"]
            )
            have = kept_rows.filter(pl.col("_src") == src)["item"] if kept_rows.height else []
            items = items.filter(~items.is_in(pl.Series(have, dtype=items.dtype).implode()))
            if items.len() == 0:
                continue
            more.append(fetch(src, items.to_list()))
        kept_rows = pl.concat([kept_rows, *more], how="diagonal_relaxed")
    kept_rows = kept_rows.with_columns(*flags)
    # every unparsed and every ragged row is kept: their counts come from the kept rows
    n_unparsed = int(kept_rows["_unparsed"].sum() or 0) if kept_rows.height else 0
    n_ragged = int(kept_rows["_ragged"].sum() or 0) if kept_rows.height else 0
    kept_rows = kept_rows.filter(listed(pl.col("name").is_in(cache.matched_names.implode())))
    kept_rows = kept_rows.with_columns(
        native_currency(pl.col("currency")).alias("_cur_native"),
        *([fx_day] if opts.fx is not None else []),
    ).sort("_src", "item")
    agg = _with_source(agg, results)
    agg, fx_note = _convert(agg, opts, {"_amt_sum": "_sum", "_credit_amt": "_credit_sum"})
    rows = kept_rows.join(cache.known, on="name", how="left")
    rows, _ = _convert(rows, opts, {"_amt": "amount"})

    # the rows the report lists (findings, unparsed amounts, ragged rows), at exact lines
    items_by_source = {results[i].source: n for i, n in records.items()}
    rows = _relocate(rows, results, items_by_source)
    mframe = cache.match_frame()
    found = rows.filter((pl.col("_m") >= 0) & pl.col("_in_period")).join(mframe, on="_m")
    unparsed_rows = rows.filter(pl.col("_unparsed")).sort(["source", "item"])
    ragged_rows = rows.filter(pl.col("_ragged")).sort(["source", "item"])
    for src, sub in ragged_rows.group_by("source", maintain_order=True):
        shown = sub["line"].drop_nulls().head(10).to_list()
        warnings.append(
            f"{src[0]}: {sub.height} row(s) have more fields than the header (the extra fields "
            f"are ignored): line(s) {', '.join(str(x) for x in shown)}"
            + (" ..." if sub.height > len(shown) else "")
        )

    # 4. roll up along affiliations valid on each line's date
    matched_ids = sorted(set(found["entity_id"].to_list()))
    paths = paths_frame(ruleset, matched_ids, opts.as_of)
    found = found.with_row_index("_row").with_columns(
        pl.coalesce(pl.col("date"), pl.lit(opts.as_of)).alias("_eff_date")
    )
    joined = found.join(paths, on="entity_id", how="left").filter(
        pl.col("root_id").is_not_null()
        & (pl.col("path_from").is_null() | (pl.col("_eff_date") >= pl.col("path_from")))
        & (pl.col("path_to").is_null() | (pl.col("_eff_date") < pl.col("path_to")))
    )
    # the entity itself when it is listed, else its nearest listed parent
    best = joined.sort(["_row", "depth"]).unique(subset="_row", keep="first", maintain_order=True)
    unrolled = found.join(best.select("_row"), on="_row", how="anti")

    ctx = _Context(ruleset, opts)
    findings = ctx.findings(best)
    confident = [f for f in findings if f["score"] >= opts.threshold]
    possible = [f for f in findings if f["score"] < opts.threshold]
    not_exposed = ctx.not_exposed(unrolled)

    inp = agg.filter(pl.col("_in_period"))
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
    totals_rows = sorted(totals.to_dicts(), key=lambda r: (r["_cur"] is None, r["_cur"] or ""))
    currencies = [r["_cur"] for r in totals_rows if r["priced"]]
    mixed = len(currencies) > 1 and opts.fx is None
    single = (
        opts.currency if opts.fx is not None else (currencies[0] if len(currencies) == 1 else None)
    )
    if mixed:
        warnings.append(
            "amounts are in several currencies ("
            + ", ".join(c or "unknown" for c in currencies)
            + ") and no --fx rates were given: totals and exposures are ranked per currency, "
            "never summed across currencies"
        )
    no_rate = None
    if opts.fx is not None:
        nr = inp.filter(pl.col("_cur") != opts.currency).filter(pl.col("_priced") > 0)
        no_rate = {
            "lines": int(nr["_priced"].sum() or 0),
            "by_currency": [
                {"currency": r["_cur"], "lines": int(r["lines"]), "amount": _money(r["amount"])}
                for r in nr.group_by("_cur")
                .agg(pl.col("_priced").sum().alias("lines"), pl.col("_sum").sum().alias("amount"))
                .sort("_cur", nulls_last=True)
                .to_dicts()
            ],
        }
        if no_rate["lines"]:
            what = ", ".join(
                f"{b['lines']} in {b['currency'] or 'no currency'}" for b in no_rate["by_currency"]
            )
            warnings.append(
                f"{no_rate['lines']} line(s) have no FX rate into {opts.currency} on or before "
                f"their date ({what}): they are not converted and not in the {opts.currency} "
                "total (see summary.by_currency)"
            )
    exposures = ctx.exposures(confident, totals_rows)

    skipped: list[dict] = []
    for r in results:
        for s in r.skipped:
            skipped.append(_skip_dict(r.source, s))
    out_of_period = int(agg.filter(~pl.col("_in_period"))["_lines"].sum() or 0)
    if out_of_period:
        skipped.append(
            {
                "source": None,
                "reason": "dated outside --from/--to, or undated while a period is set",
                "count": out_of_period,
                "lines": [],
            }
        )

    exposed_by_cur: dict[str | None, float] = {}
    for e in exposures:
        exposed_by_cur[e["currency"]] = exposed_by_cur.get(e["currency"], 0.0) + (e["spend"] or 0.0)
    by_currency = [
        {
            "currency": r["_cur"],
            "lines": int(r["lines"]),
            "total_spend": _money(r["total"]) if r["priced"] else None,
            "exposed_spend": _money(exposed_by_cur.get(r["_cur"], 0.0)) if r["priced"] else None,
            "credit_lines": int(r["credit_lines"] or 0),
            "credits": _money(r["credits"] or 0.0),
        }
        for r in totals_rows
    ]
    total = exposed = credits = None
    credit_lines = sum(b["credit_lines"] for b in by_currency)
    if not mixed and by_currency:
        priced = [
            b
            for b in by_currency
            if b["total_spend"] is not None and (opts.fx is None or b["currency"] == opts.currency)
        ]
        if priced:
            total = _money(sum(b["total_spend"] for b in priced))
            exposed = _money(sum(b["exposed_spend"] or 0.0 for b in priced))
            credits = _money(sum(b["credits"] for b in priced))
    since = sum(e["spend_since_listing"] or 0.0 for e in exposures) if not mixed else None

    def total_of(col: str, frame: pl.DataFrame = inp) -> int:
        return int(frame[col].sum() or 0)

    report = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bomscan", "version": __version__},
        "parameters": {
            "as_of": opts.as_of.isoformat(),
            "threshold": opts.threshold,
            "review_threshold": opts.review_threshold,
            "currency": opts.currency,
            "fx_source": opts.fx_source,
            "from": opts.date_from.isoformat() if opts.date_from else None,
            "to": opts.date_to.isoformat() if opts.date_to else None,
            "group_by": opts.group_by,
        },
        "rulesets": [
            {
                "name": i.name,
                "version": i.version,
                "updated": i.updated.isoformat() if i.updated else None,
                "path": i.path,
            }
            for i in ruleset.infos
        ],
        "lists": ctx.lists_used(exposures),
        "inputs": [
            {
                "source": r.source,
                "kind": r.kind,
                "meta": {k: v for k, v in r.meta.items() if not callable(v)},
            }
            for r in results
        ],
        "summary": {
            "lines_read": total_of("_lines", agg),
            "lines_skipped": {"total": sum(s["count"] for s in skipped), "reasons": skipped},
            "lines_without_name": total_of("_no_name"),
            "lines_without_amount": total_of("_no_amount"),
            "lines_unparsed_amount": n_unparsed,
            "lines_ragged": n_ragged,
            "lines_without_rate": no_rate["lines"] if no_rate is not None else None,
            "names_screened": cache.distinct_names,
            "currency": single if not mixed else None,
            "mixed_currencies": mixed,
            "mixed_currencies_reason": (
                "amounts in several currencies and no --fx rates: ranked per currency, not summed"
                if mixed
                else None
            ),
            "total_spend": total,
            "exposed_spend": exposed,
            "exposed_spend_since_listing": _money(since) if since is not None else None,
            "share_exposed": (exposed / total) if (total and exposed is not None) else None,
            "credit_lines": credit_lines,
            "credits": credits,
            "by_currency": by_currency,
            "exposures": len(exposures),
            "findings": len(confident),
            "possible_matches": len(possible),
            "fx": fx_note if fx_note is None else {**fx_note, "unconverted": no_rate},
        },
        "exposures": exposures,
        "findings": confident,
        "possible_matches": possible,
        "not_exposed": not_exposed,
        "unparsed_amounts": [
            {"source": r["source"], "line": r["line"], "item": r["item"], "value": r[RAW_AMOUNT]}
            for r in unparsed_rows.to_dicts()
        ],
        "warnings": warnings,
    }
    if opts.group_by:
        report["groups"] = ctx.groups(confident, opts.group_by, inp)
        report["group_totals"] = ctx.group_totals(inp, opts.group_by, report["groups"])
    return report


def _skip_dict(source: str, s: Skipped) -> dict:
    return {"source": source, "reason": s.reason, "count": s.count, "lines": s.lines[:100]}


def _money(v: float | None) -> float | None:
    return None if v is None else round(float(v), 2)


GATE_MIN_NAMES = 1000  # distinct new names from which a batch goes through the name gate


class NameCache:
    """Resolves every distinct name once: those of the first rows before the pass, the few the
    pass first met after them once it is done.

    ``known`` maps every name seen to an index into ``matches`` (-1: no match); it is joined
    onto the few rows the report lists, so no Python runs per row.
    """

    def __init__(self, resolver, min_score: float, progress=None):
        self.resolver = resolver
        self.gate: NameGate | None = None
        self.min_score = min_score
        self.progress = progress
        self.lock = threading.Lock()
        self.known = pl.DataFrame(schema={"name": pl.String, "_m": pl.Int32})
        self.matches: list = []
        self.matched_names = pl.Series("name", [], dtype=pl.String)
        self.rows_seen = 0
        self.error: BaseException | None = None

    @property
    def distinct_names(self) -> int:
        return self.known.height

    def learn(self, names: pl.Series) -> bool:
        """Resolve the distinct names in ``names`` not seen yet; True when one of them matched."""
        uniq = names.drop_nulls().unique().to_frame("name")
        new = uniq.join(self.known, on="name", how="anti") if self.known.height else uniq
        if new.height == 0:
            return False
        todo = new["name"]
        # in a large batch, names that share no word with any alias key never reach the
        # resolver (gate.py; building it costs ~50 ms, more than a small batch's resolution)
        candidates = todo
        if todo.len() >= GATE_MIN_NAMES:
            if self.gate is None:
                self.gate = NameGate(self.resolver)
            candidates = todo.filter(self.gate.mask(todo))
        candidates = candidates.to_list()
        found = {m.name: m for m in self.resolver.match_names(candidates, min_score=self.min_score)}
        # the matches in the batch's order; every other name of the batch maps to -1 (no
        # Python runs per name: a large ledger has ~50,000 of them)
        hit = [n for n in candidates if n in found]
        first = len(self.matches)
        self.matches.extend(found[n] for n in hit)
        index = pl.DataFrame(
            {"name": hit, "_m": range(first, first + len(hit))}, schema=self.known.schema
        )
        part = new.join(index, on="name", how="left").with_columns(pl.col("_m").fill_null(-1))
        self.known = pl.concat([self.known, part.select(self.known.columns)], rechunk=True)
        if hit:
            self.matched_names = pl.concat([self.matched_names, pl.Series("name", hit)])
        if self.progress is not None:
            self.progress(rows=self.rows_seen, names=self.known.height)
        return bool(hit)

    def match_frame(self) -> pl.DataFrame:
        ms = self.matches
        return pl.DataFrame(
            {
                "_m": list(range(len(ms))),
                "entity_id": [m.entity_id for m in ms],
                "alias": [m.alias for m in ms],
                "score": [float(m.score) for m in ms],
                "method": [m.method for m in ms],
                "reason": [m.reason for m in ms],
            },
            schema={
                "_m": pl.Int32,
                "entity_id": pl.String,
                "alias": pl.String,
                "score": pl.Float64,
                "method": pl.String,
                "reason": pl.String,
            },
        )


def _warm_up(cache: NameCache, views: list[PassView]) -> pl.Series:
    """Resolve the names of the first rows before the pass; the matched ones, as written.

    A ledger's vendors mostly appear early. Resolving them up front (the resolver splits a big
    batch over both cores) lets the pass test "matched?" natively (``is_in`` on the name cell
    as written, so no per-row strip), and the pass never stalls on the resolver while polars
    keeps parsing and buffering behind it. Names first seen later are resolved after it, from
    its groups; if one of them matches, :func:`build_report` runs one more (filtered) pass for
    its rows, so the answer is the same either way.
    """
    if len(views) == 1 and views[0].head_names is not None:
        raw = views[0].head_names()  # the reader has been reading them in the background
    else:
        raw = (
            pl.concat([v.lines.select(RAW_NAME) for v in views])
            .head(schema.WARM_UP_ROWS)
            .unique()
            .collect(engine="streaming")
        )
    for v in views:  # the readers' background work, on the core the resolution leaves idle
        if v.prepare is not None:
            v.prepare()
    raw = raw.with_columns(_name_text(pl.col(RAW_NAME)).alias("name"))
    cache.learn(raw["name"])
    return raw.filter(pl.col("name").is_in(cache.matched_names.implode()))[RAW_NAME]


def _progress_shown(progress) -> bool:
    """Whether the pass should count rows for a progress line (a terminal is watching).

    Counting needs a batch callback, and a Python callback in the streaming pass costs (it
    holds back the native pipeline): the pass runs without one when no progress line is shown
    (piped, ``--quiet``, CI, benchmarks). ``progress`` is ``Progress.update`` or None.
    """
    if progress is None:
        return False
    return bool(getattr(getattr(progress, "__self__", None), "enabled", True))


class RowTicker:
    """The batch callback of the streaming pass when a progress line is shown: counts rows.

    It receives only the ``primary`` column; its output (all true, one cached series per batch
    length) is only there so that polars keeps it in the plan.
    """

    def __init__(self, cache: NameCache):
        self.cache = cache
        self.true = pl.Series(dtype=pl.Boolean)

    def __call__(self, s: pl.Series) -> pl.Series:
        with self.cache.lock:
            try:
                self.cache.rows_seen += len(s)
                if self.cache.progress is not None:
                    self.cache.progress(rows=self.cache.rows_seen)
                if len(self.true) != len(s):
                    self.true = pl.repeat(True, len(s), dtype=pl.Boolean, eager=True)
                return self.true
            except BaseException as exc:  # re-raised by build_report, not as a polars error
                self.cache.error = exc
                raise


# canonical columns a role's header maps to, for --group-by on a role column
_ROLE_COLUMN = {
    "supplier": "name",
    "manufacturer": "name",
    "currency": "currency",
    "date": "date",
    "part": "part",
    "description": "description",
}


def _group_exprs(group_by: list[str], names: list[str], results: list[ReadResult]) -> list[pl.Expr]:
    """One text expression per ``--group-by``: an input column, a role column, or year/month."""
    from bomscan.errors import ConfigError
    from bomscan.sources.columns import compare_form

    exprs = []
    for g in group_by:
        cf = compare_form(g)
        extra = [
            c
            for c in names
            if c.startswith(EXTRA_PREFIX)
            and not c.startswith(INTERNAL)
            and compare_form(c[2:]) == cf
        ]
        if extra:
            exprs.append(pl.col(extra[0]).cast(pl.String))
            continue
        role_col = next(
            (
                _ROLE_COLUMN[role]
                for r in results
                for role, hs in r.meta.get("columns", {}).items()
                if role in _ROLE_COLUMN and any(compare_form(h) == cf for h in hs)
            ),
            None,
        )
        if role_col is not None:
            exprs.append(pl.col(role_col).cast(pl.String))
        elif cf == "year":
            exprs.append(pl.col("date").dt.year().cast(pl.String))
        elif cf == "month":
            exprs.append(pl.col("date").dt.strftime("%Y-%m"))
        else:
            available = sorted(
                {c[2:] for c in names if c.startswith(EXTRA_PREFIX) and not c.startswith(INTERNAL)}
                | {h for r in results for hs in r.meta.get("columns", {}).values() for h in hs}
            )
            raise ConfigError(
                f"--group-by {g!r}: no such column (columns: "
                + ", ".join([*available, "year", "month"])
                + ")"
            )
    return exprs


def _convert(
    frame: pl.DataFrame, opts: Options, amounts: dict[str, str]
) -> tuple[pl.DataFrame, dict | None]:
    """Add ``_cur``, ``_fx_rate``, ``_fx_rate_date`` and each converted ``amounts`` column
    (output name -> input column) to ``frame`` (the totals, or the rows the report lists).

    Conversion happens after aggregation: the pass groups by (currency, day), so each group's
    sum is multiplied by the rate of its day (or the nearest earlier one). That equals converting
    every line, without sorting or joining millions of rows.
    """
    if opts.fx is None or not opts.currency:
        return frame.with_columns(
            pl.col("_cur_native").alias("_cur"),
            *[pl.col(src).alias(out) for out, src in amounts.items()],
            pl.lit(None, pl.Float64).alias("_fx_rate"),
            pl.lit(None, pl.Date).alias("_fx_rate_date"),
        ), None
    rates = opts.fx.select(
        pl.col("date").alias("_rate_date"),
        pl.col("currency").alias("_cur_native"),
        pl.col("rate").cast(pl.Float64).alias("_rate"),
    ).sort("_cur_native", "_rate_date")
    target = opts.currency
    with warnings_module.catch_warnings():
        warnings_module.simplefilter("ignore")
        frame = frame.sort("_fx_day").join_asof(
            rates, left_on="_fx_day", right_on="_rate_date", by="_cur_native", strategy="backward"
        )
    same = pl.col("_cur_native") == target
    rate = pl.when(same).then(pl.lit(1.0)).otherwise(pl.col("_rate"))
    frame = frame.with_columns(
        # no usable rate: the amount stays in its own currency (reported, never summed in)
        *[pl.coalesce(pl.col(src) * rate, pl.col(src)).alias(out) for out, src in amounts.items()],
        pl.when(rate.is_not_null())
        .then(pl.lit(target))
        .otherwise(pl.col("_cur_native"))
        .alias("_cur"),
        rate.alias("_fx_rate"),
        pl.when(same).then(None).otherwise(pl.col("_rate_date")).alias("_fx_rate_date"),
    )
    return frame, {
        "target": target,
        "source": opts.fx_source,
        "policy": "rate on the line's date or the nearest earlier one",
    }


def _with_source(frame: pl.DataFrame, results: list[ReadResult]) -> pl.DataFrame:
    """``source`` (the input's path) from the pass's integer ``_src``."""
    paths = [r.source for r in results]
    return frame.with_columns(
        pl.col("_src")
        .replace_strict(list(range(len(paths))), paths, return_dtype=pl.String)
        .alias("source")
    )


def _pass_view(r: ReadResult) -> PassView:
    """The reader's pass view, or one over its lines (CycloneDX, small or in-memory inputs):
    the name as written is ``name``, no record is blank, and kept items are filtered back out
    of the lines."""
    if r.pass_view is not None:
        return r.pass_view
    lines = r.lines.lazy() if isinstance(r.lines, pl.DataFrame) else r.lines

    return PassView(
        lines=lines.with_columns(pl.col("name").alias(RAW_NAME), pl.lit(False).alias(BLANK_HINT)),
        fetch=lambda items, records=None: lines_of_items(lines, items),
    )


def _relocate(
    frame: pl.DataFrame, results: list[ReadResult], items_by_source: dict[str, int]
) -> pl.DataFrame:
    """Exact physical lines for the rows that need them (CSV files with multi-line records)."""
    if frame.height == 0:
        return frame
    fixes = []
    for r in results:
        relocate = r.meta.get("relocate")
        if relocate is None:
            continue
        sub = frame.filter(pl.col("source") == r.source)
        if sub.height == 0:
            continue
        total = items_by_source.get(r.source, 0)
        mapping = relocate(sorted(set(sub["item"].to_list())), total)
        if mapping:
            fixes.append(
                pl.DataFrame(
                    {
                        "source": [r.source] * len(mapping),
                        "item": list(mapping),
                        "_line": list(mapping.values()),
                    },
                    schema={"source": pl.String, "item": pl.Int64, "_line": pl.Int64},
                )
            )
    if not fixes:
        return frame
    fix = pl.concat(fixes)
    return (
        frame.join(fix, on=["source", "item"], how="left")
        .with_columns(pl.coalesce(pl.col("_line"), pl.col("line")).alias("line"))
        .drop("_line")
    )


@lru_cache(maxsize=256)
def stable_path(source: str) -> str:
    """The input's path as the fingerprint sees it: relative to its git top-level (else to the
    working directory, else absolute), with forward slashes. ``bom.csv``, ``./bom.csv`` and
    ``/repo/bom.csv`` are one file, so finding ids, SARIF fingerprints and baselines agree however
    the path was typed or wherever in the repository bomscan was run."""
    from pathlib import Path

    from bomscan.config import git_toplevel

    real = Path(os.path.realpath(source))
    for root in (git_toplevel(real.parent), Path.cwd().resolve()):
        if root is None:
            continue
        try:
            return real.relative_to(root).as_posix()
        except ValueError:
            continue
    return real.as_posix()


class _Context:
    def __init__(self, ruleset: RuleSet, opts: Options):
        self.rules = ruleset
        self.opts = opts

    def entity_ref(self, eid: str) -> dict:
        e = self.rules.entities.get(eid)
        return {"id": eid, "name": e.name if e else eid}

    def listings(self, eid: str) -> list[dict]:
        # memoised: called once per finding row, and a ledger may have many
        cache = self.__dict__.setdefault("_listings_memo", {})
        if eid not in cache:
            cache[eid] = self._listings(eid)
        return cache[eid]

    def _listings(self, eid: str) -> list[dict]:
        e = self.rules.entities[eid]
        out = []
        for lst in e.active_listings(self.opts.as_of):
            ld = self.rules.lists.get(lst.list)
            out.append(
                {
                    "list": lst.list,
                    "list_name": ld.name if ld else lst.list,
                    "list_short_name": ld.short_name if ld else lst.list,
                    "authority": ld.authority if ld else "",
                    "level": ld.level if ld else "informational",
                    "citation": lst.citation,
                    "start": lst.start.isoformat() if lst.start else None,
                    "end": lst.end.isoformat() if lst.end else None,
                    "source_url": lst.source_url,
                    "name_on_list": lst.name_on_list or None,
                    "meaning": lst.meaning or (ld.meaning if ld else ""),
                }
            )
        out.sort(key=lambda x: (-LEVELS.index(x["level"]), x["start"] or "", x["list"]))
        return out

    def level(self, eid: str) -> str:
        ls = self.listings(eid)
        return ls[0]["level"] if ls else "informational"

    def listing_start(self, eid: str) -> date | None:
        # memoised, as listings() is: called once per finding row
        cache = self.__dict__.setdefault("_starts_memo", {})
        if eid not in cache:
            starts = [
                lst.start
                for lst in self.rules.entities[eid].active_listings(self.opts.as_of)
                if lst.start
            ]
            cache[eid] = min(starts) if starts else None
        return cache[eid]

    def findings(self, best: pl.DataFrame) -> list[dict]:
        out = []
        if best.height == 0:
            return out
        extra_cols = [
            c for c in best.columns if c.startswith(EXTRA_PREFIX) and not c.startswith(INTERNAL)
        ]
        group_by = self.opts.group_by
        occurrences: dict[tuple, int] = {}
        # per source and affiliation path rather than per row (a ledger may list thousands of
        # rows): stable_path stats the file system, and a path's entries are the same for each
        paths: dict[str, str] = {}
        vias: dict[tuple, list[dict]] = {}
        rows = best.sort(["source", "item", "line", "field", "name"], nulls_last=True).to_dicts()
        for r in rows:
            root = r["root_id"]
            start = self.listing_start(root)
            d = r["date"]
            chain = (tuple(r["via_ids"] or []), tuple(r["via_relations"] or []))
            if chain not in vias:
                vias[chain] = self._via(*chain)
            via = [dict(v) for v in vias[chain]]  # each finding its own (callers may edit)
            src = r["source"]
            if src not in paths:
                paths[src] = stable_path(src)
            key_item = r["bom_ref"] or r["part"] or ""
            key = (paths[src], root, r["field"], r["name"], key_item)
            occurrences[key] = occurrences.get(key, 0) + 1
            fp = hashlib.sha256("\x1f".join(str(k) for k in key).encode()).hexdigest()[:32]
            amount = r.get("_amt")
            out.append(
                {
                    "id": f"{fp}:{occurrences[key]}",
                    "source": r["source"],
                    "kind": r["kind"],
                    "locator": {"line": r["line"], "bom_ref": r["bom_ref"], "item": r["item"]},
                    "field": r["field"],
                    "value": r["name"],
                    "part": r["part"],
                    "description": r["description"],
                    "entity": self.entity_ref(root),
                    "matched_entity": self.entity_ref(r["entity_id"]),
                    "via": via,
                    "alias": r["alias"],
                    "score": round(float(r["score"]), 4),
                    "method": r["method"],
                    "reason": r["reason"],
                    "level": self.level(root),
                    "lists": [x["list"] for x in self.listings(root)],
                    "spend": _money(amount) if amount is not None else None,
                    "currency": r.get("_cur"),
                    "amount_original": _money(r["amount"]) if r["amount"] is not None else None,
                    "currency_original": r["currency"],
                    "date": d.isoformat() if d else None,
                    "since_listing": (d >= start) if (d and start) else None,
                    "primary": bool(r["primary"]),
                    "extra": {
                        c[len(EXTRA_PREFIX) :]: r[c] for c in extra_cols if r.get(c) is not None
                    },
                    "fx_rate": r.get("_fx_rate"),
                    "fx_rate_date": r["_fx_rate_date"].isoformat()
                    if r.get("_fx_rate_date")
                    else None,
                }
            )
            if group_by:
                out[-1]["groups"] = {g: r.get(f"_g{i}") for i, g in enumerate(group_by)}
        return out

    def _via(self, ids: tuple, relations: tuple) -> list[dict]:
        """The affiliation path of a finding, entity by entity."""
        via = []
        for vid, rel in zip(ids, relations, strict=False):
            ent = self.rules.entities[vid]
            aff = next((a for a in ent.affiliations if a.relation == rel), None)
            via.append(
                {
                    "id": vid,
                    "name": ent.name,
                    "relation": rel,
                    "valid_from": aff.valid_from.isoformat() if aff and aff.valid_from else None,
                    "valid_to": aff.valid_to.isoformat() if aff and aff.valid_to else None,
                    "source_url": aff.source_url if aff else None,
                    "note": aff.describe(self._parent_name(ent, rel)) if aff else "",
                }
            )
        return via

    def _parent_name(self, ent, rel) -> str:
        aff = next((a for a in ent.affiliations if a.relation == rel), None)
        if aff and aff.parent in self.rules.entities:
            return self.rules.entities[aff.parent].name
        return aff.parent if aff else ""

    def not_exposed(self, unrolled: pl.DataFrame) -> list[dict]:
        """Matched names that did not count: no listing in force, or affiliation not held then."""
        out: dict[tuple, dict] = {}
        for r in unrolled.filter(pl.col("score") >= self.opts.threshold).to_dicts():
            eid = r["entity_id"]
            ent = self.rules.entities.get(eid)
            key = (eid, r["name"], r.get("_cur"))
            if key not in out:
                reason = "no listing in force on " + self.opts.as_of.isoformat()
                if ent is not None and ent.affiliations:
                    reason = (
                        "; ".join(
                            a.describe(
                                self.rules.entities[a.parent].name
                                if a.parent in self.rules.entities
                                else a.parent
                            )
                            for a in ent.affiliations
                        )
                        + ": not affiliated on the line's date"
                    )
                out[key] = {
                    "entity": self.entity_ref(eid),
                    "value": r["name"],
                    "reason": reason,
                    "lines": 0,
                    "spend": 0.0,
                    "currency": r.get("_cur"),
                    "dates": set(),
                }
            o = out[key]
            o["lines"] += 1
            if r["primary"] and r.get("_amt") is not None:
                o["spend"] += r["_amt"]
            if r["date"]:
                o["dates"].add(r["date"].isoformat())
        res = []
        for o in out.values():
            ds = sorted(o.pop("dates"))
            o["first_date"], o["last_date"] = (ds[0], ds[-1]) if ds else (None, None)
            o["spend"] = _money(o["spend"])
            res.append(o)
        res.sort(key=lambda o: (-(o["spend"] or 0), o["entity"]["id"], o["value"]))
        return res

    def exposures(self, findings: list[dict], totals_rows: list[dict]) -> list[dict]:
        # the total as reported (cents): shares do not depend on the order floats were summed in
        total_by_cur = {
            r["_cur"]: (_money(r["total"]) if r["priced"] else None) for r in totals_rows
        }
        groups: dict[tuple, dict] = {}
        seen_items: dict[tuple, set] = {}
        for f in findings:
            key = (f["entity"]["id"], f["currency"])
            g = groups.get(key)
            if g is None:
                eid = f["entity"]["id"]
                ent = self.rules.entities[eid]
                g = groups[key] = {
                    "entity": {
                        "id": eid,
                        "name": ent.name,
                        "country": ent.country or None,
                        "listings": self.listings(eid),
                    },
                    "level": self.level(eid),
                    "currency": f["currency"],
                    "spend": 0.0,
                    "spend_since_listing": 0.0,
                    "spend_before_listing": 0.0,
                    "spend_undated": 0.0,
                    "lines": 0,
                    "names": set(),
                    "sources": set(),
                    "by_matched": {},
                    "_priced": False,
                }
                seen_items[key] = set()
            g["names"].add(f["value"])
            g["sources"].add(f["source"])
            item_key = (f["source"], f["locator"]["item"])
            if item_key in seen_items[key]:
                continue
            seen_items[key].add(item_key)
            g["lines"] += 1
            spend = f["spend"]
            m = f["matched_entity"]["id"]
            bm = g["by_matched"].setdefault(
                m, {"entity": f["matched_entity"], "via": f["via"], "spend": 0.0, "lines": 0}
            )
            bm["lines"] += 1
            if spend is None:
                continue
            g["_priced"] = True
            g["spend"] += spend
            bm["spend"] += spend
            if f["since_listing"] is None:
                g["spend_undated"] += spend
            elif f["since_listing"]:
                g["spend_since_listing"] += spend
            else:
                g["spend_before_listing"] += spend
        out = []
        for (eid, cur), g in groups.items():
            total = total_by_cur.get(cur)
            priced = g.pop("_priced")
            for k in ("spend", "spend_since_listing", "spend_before_listing", "spend_undated"):
                g[k] = _money(g[k]) if priced else None
            g["share_of_spend"] = (g["spend"] / total) if (priced and total) else None
            g["names"] = sorted(g["names"])
            g["sources"] = sorted(g["sources"])
            affiliates = [
                {**v, "spend": _money(v["spend"])}
                for k, v in g.pop("by_matched").items()
                if k != eid
            ]
            affiliates.sort(key=lambda a: (-(a["spend"] or 0), a["entity"]["id"]))
            g["affiliates"] = affiliates
            out.append(g)
        out.sort(key=lambda g: (g["currency"] or "", -(g["spend"] or 0.0), g["entity"]["id"]))
        if len({g["currency"] for g in out}) <= 1:
            out.sort(key=lambda g: (-(g["spend"] or 0.0), g["entity"]["id"]))
        for i, g in enumerate(out, start=1):
            g["rank"] = i
        return out

    def lists_used(self, exposures: list[dict]) -> list[dict]:
        used = {lst["list"] for e in exposures for lst in e["entity"]["listings"]}
        return [
            {
                "id": ld.id,
                "name": ld.name,
                "short_name": ld.short_name,
                "authority": ld.authority,
                "level": ld.level,
                "url": ld.url,
                "legal_basis": ld.legal_basis,
                "meaning": ld.meaning,
                "used": ld.id in used,
            }
            for ld in sorted(self.rules.lists.values(), key=lambda x: x.id)
        ]

    def groups(self, findings: list[dict], group_by: list[str], inp: pl.DataFrame) -> list[dict]:
        """Exposed spend per (group values, listed entity, currency), with the group's total."""
        totals = self._group_total_map(inp, group_by)
        agg: dict[tuple, dict] = {}
        seen: set = set()
        for f in findings:
            gv = tuple(f.get("groups", {}).get(g) for g in group_by)
            key = gv + (f["entity"]["id"], f["currency"])
            item_key = (key, f["source"], f["locator"]["item"])
            a = agg.setdefault(
                key,
                {
                    "group": dict(zip(group_by, gv, strict=True)),
                    "entity": f["entity"],
                    "currency": f["currency"],
                    "spend": 0.0,
                    "lines": 0,
                    "group_total_spend": totals.get(gv + (f["currency"],), {}).get("total"),
                },
            )
            if item_key in seen:
                continue
            seen.add(item_key)
            a["lines"] += 1
            a["spend"] += f["spend"] or 0.0
        out = list(agg.values())
        for a in out:
            a["spend"] = _money(a["spend"])
            t = a["group_total_spend"]
            a["share_of_group"] = (a["spend"] / t) if t else None
        out.sort(
            key=lambda a: (
                -(a["spend"] or 0),
                a["entity"]["id"],
                str(a["group"]),
                a["currency"] is None,
                a["currency"] or "",
            )
        )
        return out

    @staticmethod
    def _group_total_map(inp: pl.DataFrame, group_by: list[str]) -> dict[tuple, dict]:
        gcols = [f"_g{i}" for i in range(len(group_by))]
        t = inp.group_by([*gcols, "_cur"]).agg(
            pl.col("_lines").sum().alias("lines"),
            pl.col("_amt_sum").sum().alias("total"),
            pl.col("_priced").sum().alias("priced"),
        )
        return {
            tuple(r[c] for c in gcols) + (r["_cur"],): {
                "lines": int(r["lines"]),
                "total": _money(r["total"]) if r["priced"] else None,
            }
            for r in t.to_dicts()
            if r["lines"]
        }

    def group_totals(self, inp: pl.DataFrame, group_by: list[str], groups: list[dict]) -> list:
        """Every group's total and exposed spend (so a share can be computed per group)."""
        exposed: dict[tuple, float] = {}
        for g in groups:
            k = tuple(g["group"][x] for x in group_by) + (g["currency"],)
            exposed[k] = exposed.get(k, 0.0) + (g["spend"] or 0.0)
        out = []
        for k, t in self._group_total_map(inp, group_by).items():
            e = _money(exposed.get(k, 0.0))
            out.append(
                {
                    "group": dict(zip(group_by, k[:-1], strict=True)),
                    "currency": k[-1],
                    "lines": t["lines"],
                    "total_spend": t["total"],
                    "exposed_spend": e,
                    "share_exposed": (e / t["total"]) if t["total"] else None,
                }
            )
        out.sort(
            key=lambda a: (
                -(a["exposed_spend"] or 0),
                -(a["total_spend"] or 0),
                str(a["group"]),
                a["currency"] is None,
                a["currency"] or "",
            )
        )
        return out
