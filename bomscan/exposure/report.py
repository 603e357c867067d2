"""From read lines and name matches to the exposure report (:class:`bomscan.model.Report`).

1. the engine passes over every line once, resolving each **distinct** name once;
2. FX conversion of the totals and of the listed rows (:mod:`~bomscan.exposure.fx`);
3. matched rows roll up to their nearest listed parent along affiliations valid on each line's
   date (an entity that is listed itself stays itself; its parents are named in ``via`` only
   when it is attributed through them);
4. findings, then exposures, groups and exposed totals by the spend rules
   (:mod:`~bomscan.exposure.spend`, applied by :func:`~bomscan.exposure.aggregate.settle`);
5. the typed report (:class:`bomscan.model.Report`), whose JSON is the versioned contract.

Ties in every ranking are broken by a documented key: spend descending, then entity id, then
source path and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from bomscan import __version__
from bomscan.exposure import aggregate, fx, parts, spend, summary
from bomscan.exposure.engine import Engine, PassResult, PolarsEngine
from bomscan.exposure.findings import Findings
from bomscan.exposure.listings import Listings
from bomscan.exposure.names import NameCache
from bomscan.exposure.plan import PassPlan
from bomscan.model import (
    SCHEMA_VERSION,
    Input,
    Parameters,
    Report,
    RuleSetInfo,
    Tool,
    UnparsedAmount,
)
from bomscan.resolve.affiliates import paths_frame
from bomscan.rules.model import RuleSet
from bomscan.sources.lines import RAW_AMOUNT
from bomscan.sources.schema import ReadResult

if TYPE_CHECKING:
    from bomscan.resolve.ownership import OwnershipResult


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
    ownership: OwnershipResult | None = None  # --ownership: who listed parties own, when

    @property
    def fx_target(self) -> str | None:
        """The currency amounts are converted into, when rates were given."""
        return self.currency if self.fx is not None else None

    def plan(self) -> PassPlan:
        return PassPlan(
            as_of=self.as_of,
            currency=self.currency,
            fx=self.fx is not None,
            date_from=self.date_from,
            date_to=self.date_to,
            group_by=list(self.group_by),
        )


def build_report(
    results: list[ReadResult],
    ruleset: RuleSet,
    resolver,
    opts: Options,
    engine: Engine | None = None,
) -> Report:
    """The report of ``results`` screened against ``ruleset`` (see the module docstring)."""
    if opts.ownership is not None:  # imported only then: most reports have no --ownership
        from bomscan.resolve.ownership import with_ownership

        ruleset, resolver = with_ownership(ruleset, resolver, opts.ownership)
    cache = NameCache(resolver, opts.review_threshold, progress=opts.progress)
    done = (engine or PolarsEngine()).run(results, cache, opts.plan())
    totals = _with_source(done.totals, results).with_columns(
        (pl.col("_lines") - pl.col("_priced")).alias("_no_amount")
    )
    totals, fx_note = fx.convert(
        totals,
        opts.fx,
        opts.fx_target,
        {"_amt_sum": "_sum", "_credit_amt": "_credit_sum"},
        opts.fx_source,
    )
    rows = _listed_rows(done, results, cache, opts)
    found = rows.filter((pl.col("_m") >= 0) & pl.col("_in_period")).join(
        cache.match_frame(), on="_m"
    )
    found = _with_part_numbers(found, results, ruleset, opts, done)
    best, unrolled = _roll_up(found, ruleset, opts.as_of)
    best, unrolled = _through_ownership(best, unrolled, opts.ownership)
    listings = Listings(ruleset, opts.as_of)
    maker = Findings(listings, opts.group_by, opts.ownership)
    everything = maker.build(best)
    warnings = [w for r in results for w in r.warnings]
    warnings += summary.ragged_warnings(rows)
    warnings += summary.encoding_warnings(results, cache.known["name"])
    report = Report(
        schema_version=SCHEMA_VERSION,
        tool=Tool(name="bomscan", version=__version__),
        parameters=_parameters(opts),
        rulesets=[_ruleset_info(i) for i in ruleset.infos],
        lists=[],
        inputs=[Input(source=r.source, kind=r.kind, meta=r.meta) for r in results],
        summary=summary.build(totals, results, done, cache, opts, warnings, fx_note),
        exposures=[],
        findings=[],
        possible_matches=[],
        not_exposed=maker.not_exposed(unrolled, opts.threshold),
        unparsed_amounts=[
            UnparsedAmount(source=r["source"], line=r["line"], item=r["item"], value=r[RAW_AMOUNT])
            for r in rows.filter(pl.col("_unparsed")).sort(["source", "item"]).to_dicts()
        ],
        warnings=warnings,
    )
    if opts.group_by:
        report.groups = []
        report.group_totals = summary.group_input_totals(
            totals.filter(pl.col("_in_period")), opts.group_by
        )
    confident = [f for f in everything if _counts(f, opts.threshold)]
    possible = [f for f in everything if not _counts(f, opts.threshold)]
    aggregate.settle(report, confident, possible, listings, opts.fx_target)
    return report


def _listed_rows(done: PassResult, results: list[ReadResult], cache: NameCache, opts: Options):
    """The rows the report lists, converted, with their match index and exact lines."""
    rows = _with_source(done.rows, results).join(cache.known, on="name", how="left")
    rows, _ = fx.convert(rows, opts.fx, opts.fx_target, {"_amt": "amount"})
    items_by_source = {results[i].source: n for i, n in done.records.items()}
    return _relocate(rows, results, items_by_source)


def _with_part_numbers(found, results, ruleset: RuleSet, opts: Options, done: PassResult):
    """``found`` plus the lines screened by part number (:mod:`~bomscan.exposure.parts`) whose
    item no name already matched (one finding per line, not two), converted and located as
    the listed rows are."""
    plan = opts.plan()
    hits = parts.part_rows(results, ruleset, plan)
    if hits is not None and hits.height:
        hits = hits.join(found.select("_src", "item").unique(), on=["_src", "item"], how="anti")
    if hits is None or hits.height == 0:
        return found
    hits = _with_source(hits, results).with_columns(
        plan.native_currency(pl.col("currency")).alias("_cur_native"),
        pl.lit(False).alias("_unparsed"),
        pl.lit(False).alias("_ragged"),
    )
    hits, _ = fx.convert(hits, opts.fx, opts.fx_target, {"_amt": "amount"})
    items_by_source = {results[i].source: n for i, n in done.records.items()}
    hits = _relocate(hits, results, items_by_source)
    return pl.concat([found, hits], how="diagonal_relaxed")


def _roll_up(found: pl.DataFrame, ruleset: RuleSet, as_of: date):
    """Each matched row to its entity if listed, else its nearest listed parent along
    affiliations valid on the line's date; rows with neither are ``unrolled``."""
    paths = paths_frame(ruleset, sorted(set(found["entity_id"].to_list())), as_of)
    found = found.with_row_index("_row").with_columns(
        pl.coalesce(pl.col("date"), pl.lit(as_of)).alias("_eff_date")
    )
    joined = found.join(paths, on="entity_id", how="left").filter(
        pl.col("root_id").is_not_null()
        & (pl.col("path_from").is_null() | (pl.col("_eff_date") >= pl.col("path_from")))
        & (pl.col("path_to").is_null() | (pl.col("_eff_date") < pl.col("path_to")))
    )
    best = joined.sort(["_row", "depth"]).unique(subset="_row", keep="first", maintain_order=True)
    unrolled = found.join(best.select("_row"), on="_row", how="anti")
    return best, unrolled


def _through_ownership(best: pl.DataFrame, unrolled: pl.DataFrame, own: OwnershipResult | None):
    """Rows no name or affiliation rolled up, attributed through ownership where the
    ownership files make their company owned by listed parties on the line's date."""
    if own is None or not own.outcomes or unrolled.height == 0:
        return best, unrolled
    hit = (
        unrolled.join(own.frame(), on="entity_id", how="inner")
        .filter(
            (pl.col("own_from").is_null() | (pl.col("_eff_date") >= pl.col("own_from")))
            & (pl.col("own_to").is_null() | (pl.col("_eff_date") < pl.col("own_to")))
        )
        .unique(subset="_row", keep="first", maintain_order=True)
    )
    if hit.height == 0:
        return best, unrolled
    roots = [o.root_id for o in own.outcomes]
    hit = hit.with_columns(
        pl.col("_o").replace_strict(list(range(len(roots))), roots).alias("root_id"),
        pl.lit(None, pl.Int32).alias("depth"),
    )
    best = pl.concat(
        [best.with_columns(pl.lit(None, pl.Int32).alias("_o")), hit], how="diagonal_relaxed"
    )
    return best, unrolled.join(hit.select("_row"), on="_row", how="anti")


def _counts(f, threshold: float) -> bool:
    """A finding that counts: a confident name match, not an ownership review item."""
    return f.score >= threshold and (f.ownership is None or f.ownership.gating)


def _parameters(opts: Options) -> Parameters:
    return Parameters(
        as_of=opts.as_of.isoformat(),
        threshold=opts.threshold,
        review_threshold=opts.review_threshold,
        currency=opts.currency,
        fx_source=opts.fx_source,
        from_=opts.date_from.isoformat() if opts.date_from else None,
        to=opts.date_to.isoformat() if opts.date_to else None,
        group_by=list(opts.group_by),
    )


def _ruleset_info(i) -> RuleSetInfo:
    updated = i.updated.isoformat() if i.updated else None
    return RuleSetInfo(name=i.name, version=i.version, updated=updated, path=i.path)


def _with_source(frame: pl.DataFrame, results: list[ReadResult]) -> pl.DataFrame:
    """``source`` (the input's path) from the pass's integer ``_src``."""
    paths = [r.source for r in results]
    return frame.with_columns(
        pl.col("_src")
        .replace_strict(list(range(len(paths))), paths, return_dtype=pl.String)
        .alias("source")
    )


def _relocate(
    frame: pl.DataFrame, results: list[ReadResult], items_by_source: dict[str, int]
) -> pl.DataFrame:
    """Exact physical lines for the rows that need them (CSV files with multi-line records)."""
    if frame.height == 0:
        return frame
    fixes = []
    for r in results:
        relocate = r.relocate
        sub = frame.filter(pl.col("source") == r.source) if relocate is not None else None
        if sub is None or sub.height == 0:
            continue
        mapping = relocate(sorted(set(sub["item"].to_list())), items_by_source.get(r.source, 0))
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
    return (
        frame.join(pl.concat(fixes), on=["source", "item"], how="left")
        .with_columns(pl.coalesce(pl.col("_line"), pl.col("line")).alias("line"))
        .drop("_line")
    )


__all__ = ["SCHEMA_VERSION", "Options", "build_report", "spend"]
