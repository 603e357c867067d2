"""Screening by part number: lines whose part number (MPN) is a listed maker's model number.

A BOM that lists only part numbers names no organisation, yet "DS-2CD2143G2-I" is a Hikvision
network camera whatever the manufacturer column says or lacks. The rules' ``[[part_pattern]]``
entries (each with the maker's datasheet or product page as its source) are matched at the
start of the ``part`` column, case-insensitively; a hit is a finding of method
``part-number`` whose reason names the pattern and its source. Only inputs that have a part
column are read again (a CycloneDX component's name, a BOM's MPN column); a ledger without
one costs nothing.
"""

from __future__ import annotations

import polars as pl

from bomscan.exposure.plan import PassPlan
from bomscan.model import TableMeta
from bomscan.rules.model import PartPattern, RuleSet
from bomscan.sources.schema import ReadResult

METHOD = "part-number"
SCORE = 0.95  # a sourced model-number prefix is a finding, below an exact name


def has_parts(result: ReadResult) -> bool:
    """Whether the input has a maker's part-number column to screen."""
    meta = result.meta
    return not isinstance(meta, TableMeta) or bool(meta.columns.get("part"))


def part_rows(results: list[ReadResult], ruleset: RuleSet, plan: PassPlan) -> pl.DataFrame | None:
    """The primary line of every item whose part number matches a pattern, with the match
    columns the report's findings are built from (entity_id, alias, score, method, reason),
    or None when no input has part numbers or the rules no patterns."""
    patterns = ruleset.part_patterns
    if not patterns:
        return None
    frames = []
    for i, r in enumerate(results):
        if not has_parts(r):
            continue
        lines = r.lines.lazy().filter(pl.col("primary") & pl.col("part").is_not_null())
        names = lines.collect_schema().names()
        groups = [e.alias(f"_g{k}") for k, e in enumerate(plan.group_exprs(names, results))]
        for pat in patterns:
            hit = lines.filter(pl.col("part").str.contains(f"(?i)^(?:{pat.pattern})"))
            frames.append(
                hit.with_columns(
                    pl.lit(i, pl.Int32).alias("_src"),
                    plan.in_period().alias("_in_period"),
                    *groups,
                    *_match_columns(pat, ruleset),
                )
            )
    if not frames:
        return None
    out = pl.concat(frames, how="diagonal_relaxed").collect()
    # one pattern per line: the first in rule order
    return out.unique(subset=["_src", "item"], keep="first", maintain_order=True)


def _match_columns(pat: PartPattern, ruleset: RuleSet) -> list[pl.Expr]:
    maker = ruleset.entities[pat.entity].name
    what = f" {pat.products}" if pat.products else ""
    return [
        pl.lit("part").alias("field"),
        pl.col("part").alias("name"),
        pl.lit(pat.entity).alias("entity_id"),
        pl.lit(f"{pat.pattern} (part number)").alias("alias"),
        pl.lit(SCORE).alias("score"),
        pl.lit(METHOD).alias("method"),
        pl.format(
            "by part number: '{}' is a {} model number ({}{}; source {})",
            pl.col("part"),
            pl.lit(maker),
            pl.lit(pat.pattern),
            pl.lit(what),
            pl.lit(pat.source_url),
        ).alias("reason"),
    ]
