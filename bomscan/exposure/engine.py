"""The pass over input lines, behind a small interface a second engine can implement.

An engine reads every line of the inputs once and returns:

- **totals**: lines, spend, priced lines and credits per (input, currency, in-period flag,
  group values, FX day), plus lines without a name and without an amount;
- **rows**: the full lines the report lists (every line whose name matched, in the period;
  every line with an unparsed amount; every ragged line), with the pass's flags;
- counts of unparsed and ragged lines, and the number of records per input.

It resolves each distinct name once through a :class:`~bomscan.exposure.names.NameCache`
(names are few; lines may be many). :class:`PolarsEngine` is the embedded engine: one
streaming polars pass; the names of the first rows are resolved before it so the pass can mark
matched rows natively, and names first met later are resolved after it (one more filtered
pass fetches their rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import polars as pl

from bomscan.exposure.names import NameCache, RowTicker, progress_shown, warm_up
from bomscan.exposure.plan import PassPlan
from bomscan.sources.lines import RAGGED, RAW_CURRENCY, UNPARSED, name_text
from bomscan.sources.schema import BLANK_HINT, RAW_NAME, PassView, ReadResult, lines_of_items

SUMS = ("_lines", "_sum", "_priced", "_credit_lines", "_credit_sum")


@dataclass
class PassResult:
    totals: pl.DataFrame  # keys: _src, _cur_native, _in_period, plan.more_keys; SUMS, _no_name
    rows: pl.DataFrame  # the kept lines, with _src, _cur_native, the flags and the plan's keys
    records: dict[int, int]  # records per input (by index)
    unparsed: int
    ragged: int


class Engine(Protocol):
    def run(self, results: list[ReadResult], cache: NameCache, plan: PassPlan) -> PassResult:
        """Read every line once; resolve names through ``cache``; totals and kept rows."""
        ...


def pass_view(r: ReadResult) -> PassView:
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


class PolarsEngine:
    """The embedded engine: one streaming polars pass on this machine."""

    def run(self, results: list[ReadResult], cache: NameCache, plan: PassPlan) -> PassResult:
        return _PolarsPass(results, cache, plan).run()


class _PolarsPass:
    def __init__(self, results: list[ReadResult], cache: NameCache, plan: PassPlan):
        self.results = results
        self.views = [pass_view(r) for r in results]
        self.cache = cache
        self.plan = plan
        self.lines = self._input(self.views)  # built once: the views do not change
        names = self.lines.collect_schema().names()
        self.has_unparsed = UNPARSED in names
        self.has_ragged = RAGGED in names
        self.one_row = all(v.one_row_per_item for v in self.views)
        self.groups = plan.group_exprs(names, results)
        self.more_keys = [*(["_fx_day"] if plan.fx else []), *self.group_keys()]
        self.pass_keys = [
            *(["_src"] if len(results) > 1 else []),
            "_cur_key",
            *(["_in_period"] if plan.has_period else []),
            *self.more_keys,
        ]

    def group_keys(self) -> list[str]:
        return [f"_g{i}" for i in range(len(self.groups))]

    # -- the lines and their flags ---------------------------------------------------------

    @staticmethod
    def _input(views: list[PassView]) -> pl.LazyFrame:
        """Every input's lines, keyed by a small integer per input (not the path text: a
        string key per row costs) and by the currency as written (normalised after the pass,
        on a few values, not on every row)."""
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

    def unparsed(self) -> pl.Expr:
        if not self.has_unparsed:
            return pl.lit(False)
        return pl.col("primary") & pl.col(UNPARSED).fill_null(False)

    def ragged(self) -> pl.Expr:
        return pl.col(RAGGED).fill_null(False) if self.has_ragged else pl.lit(False)

    def flags(self) -> list[pl.Expr]:
        """The flag and key columns of the kept rows."""
        return [
            self.plan.in_period().alias("_in_period"),
            self.unparsed().alias("_unparsed"),
            self.ragged().alias("_ragged"),
            *self.group_columns(),
        ]

    def group_columns(self) -> list[pl.Expr]:
        return [e.alias(k) for e, k in zip(self.groups, self.group_keys(), strict=True)]

    def with_keys(self, lines: pl.LazyFrame) -> pl.LazyFrame:
        """Only the key columns the pass groups on (no constant column over every row)."""
        period = [self.plan.in_period().alias("_in_period")] if self.plan.has_period else []
        if period or self.groups:
            lines = lines.with_columns(*period, *self.group_columns())
        if self.plan.fx:
            lines = lines.with_columns(self.plan.fx_day())
        return lines

    def listed(self, matched: pl.Expr) -> pl.Expr:
        """True on the rows the report lists: a matched name in the period, unparsed, ragged.

        Built from the inputs' own columns, with only the terms that can be true (no period:
        every row is in it; one name column: every row is primary)."""
        out = matched.fill_null(False)
        if self.plan.has_period:
            out = out & pl.col("_in_period")
        if self.has_unparsed:
            out = out | (pl.col(UNPARSED).fill_null(False) if self.one_row else self.unparsed())
        if self.has_ragged:
            out = out | self.ragged()
        return out

    # -- the pass --------------------------------------------------------------------------

    def aggregations(self) -> tuple[list[pl.Expr], list[pl.Expr]]:
        """Per-row columns and the totals' aggregations, in the cheapest form the inputs
        allow: when every row is its item's primary row (one name column), a count and plain
        sums; otherwise each masked to the primary rows."""
        amount, primary = pl.col("amount"), pl.col("primary")
        if self.one_row:
            return [], [
                pl.len().alias("_lines"),
                amount.sum().alias("_sum"),
                amount.count().alias("_priced"),
                (amount < 0).sum().alias("_credit_lines"),
                amount.clip(upper_bound=0.0).sum().alias("_credit_sum"),
            ]
        return [
            pl.when(primary).then(amount).alias("_pamt"),
            pl.when(primary & (amount < 0)).then(amount).alias("_pcredit"),
        ], [
            primary.sum().alias("_lines"),
            pl.col("_pamt").sum().alias("_sum"),
            pl.col("_pamt").count().alias("_priced"),
            pl.col("_pcredit").count().alias("_credit_lines"),
            pl.col("_pcredit").sum().alias("_credit_sum"),
            pl.col("item").max().alias("_items"),
        ]

    def collect(self, lines: pl.LazyFrame, warm_matched: pl.Series) -> pl.DataFrame:
        """Group by the totals' keys, the name as written and ``_kept`` (the item of a row the
        report lists or may have to leave out, null elsewhere): the few listed rows come out
        as one-row groups, every other row in its name's group, and no row reaches Python."""
        kept_row = self.listed(pl.col(RAW_NAME).is_in(warm_matched.implode())) | pl.col(
            BLANK_HINT
        ).fill_null(False)
        row_cols, aggs = self.aggregations()
        ticks = []
        if progress_shown(self.cache.progress):  # a terminal: count rows as batches go by
            ticks.append(
                pl.col("primary")
                .map_batches(RowTicker(self.cache), return_dtype=pl.Boolean, is_elementwise=True)
                .all()
                .alias("_ticks")
            )
        parts = (
            lines.with_columns(pl.when(kept_row).then(pl.col("item")).alias("_kept"), *row_cols)
            .group_by([*self.pass_keys, RAW_NAME, "_kept"])
            .agg(*aggs, *ticks)
            .collect(engine="streaming")
        )
        if self.cache.error is not None:
            raise self.cache.error
        return parts

    def run(self) -> PassResult:
        warm_matched = warm_up(self.cache, self.views)
        parts = self.collect(self.with_keys(self.lines), warm_matched)
        parts = parts.with_columns(
            *([] if "_src" in self.pass_keys else [pl.lit(0, pl.Int32).alias("_src")]),
            *([] if "_in_period" in self.pass_keys else [pl.lit(True).alias("_in_period")]),
            name_text(pl.col(RAW_NAME)).alias("name"),
            self.plan.native_currency(pl.col("_cur_key")).alias("_cur_native"),
        )
        count = pl.col("_lines").sum() if self.one_row else pl.col("_items").max() + 1
        records = {
            int(r["_src"]): int(r["n"])
            for r in parts.group_by("_src").agg(count.alias("n")).to_dicts()
            if r["n"]
        }
        parts, rows = self.kept_rows(parts, records)
        self.cache.rows_seen = int(parts["_lines"].sum() or 0)
        if self.cache.learn(parts["name"]):
            rows = pl.concat(
                [rows, *self.late_rows(parts, warm_matched, rows, records)], how="diagonal_relaxed"
            )
        return self.finish(parts, rows, records)

    def fetch(self, src: int, items: list[int], records: dict[int, int]) -> pl.DataFrame:
        """The full rows of some items of input ``src``, with ``_src``."""
        got = self.views[src].fetch(items, records.get(src))
        return got.with_columns(pl.lit(src, pl.Int32).alias("_src"))

    def kept_rows(self, parts: pl.DataFrame, records: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The full rows of the kept items. A kept item the fetch does not return is a blank
        record: its group leaves the totals (the reader's lines leave it out too)."""
        kept = parts.filter(pl.col("_kept").is_not_null())
        fetched = [
            self.fetch(src, sorted(set(sub["_kept"].to_list())), records)
            for (src,), sub in kept.group_by("_src")
        ]
        if not fetched:
            empty = self.lines.head(0).drop(RAW_NAME, BLANK_HINT, strict=False)
            return parts, empty.collect()
        rows = pl.concat(fetched, how="diagonal_relaxed")
        present = rows.select("_src", pl.col("item").alias("_kept")).unique()
        blank = kept.join(present, on=["_src", "_kept"], how="anti").select("_src", "_kept")
        if blank.height:
            parts = parts.join(blank, on=["_src", "_kept"], how="anti")
        return parts, rows

    def late_rows(
        self, parts: pl.DataFrame, warm_matched: pl.Series, rows: pl.DataFrame, records: dict
    ) -> list[pl.DataFrame]:
        """Rows of names first seen after the warm-up that matched (a vendor whose first row
        comes after it; in a ledger sorted by vendor, most of them): their items from one more
        pass that reads the name column alone, then their full rows."""
        raw = pl.col(RAW_NAME)
        late = (
            parts.filter(
                pl.col("name").is_in(self.cache.matched_names.implode())
                & ~raw.is_in(warm_matched.implode())
            )
            .select("_src", RAW_NAME)
            .unique()
        )
        more = []
        for (src,), sub in late.group_by("_src"):
            items = (
                self.views[src]
                .lines.filter(raw.is_in(sub[RAW_NAME].implode()))
                .select(pl.col("item").unique().sort())
                .collect(engine="streaming")["item"]
            )
            have = rows.filter(pl.col("_src") == src)["item"] if rows.height else []
            items = items.filter(~items.is_in(pl.Series(have, dtype=items.dtype).implode()))
            if items.len():
                more.append(self.fetch(src, items.to_list(), records))
        return more

    def finish(self, parts: pl.DataFrame, rows: pl.DataFrame, records: dict) -> PassResult:
        keys = ["_src", "_cur_native", "_in_period", *self.more_keys]
        totals = parts.group_by(keys).agg(
            *[pl.col(c).sum() for c in SUMS],
            pl.col("_lines").filter(pl.col("name").is_null()).sum().alias("_no_name"),
        )
        rows = rows.with_columns(*self.flags())
        # every unparsed and every ragged row is kept: their counts come from the kept rows
        n_unparsed = int(rows["_unparsed"].sum() or 0) if rows.height else 0
        n_ragged = int(rows["_ragged"].sum() or 0) if rows.height else 0
        rows = rows.filter(self.listed(pl.col("name").is_in(self.cache.matched_names.implode())))
        rows = rows.with_columns(
            self.plan.native_currency(pl.col("currency")).alias("_cur_native"),
            *([self.plan.fx_day()] if self.plan.fx else []),
        ).sort("_src", "item")
        return PassResult(totals, rows, records, n_unparsed, n_ragged)
