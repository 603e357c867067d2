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
    """The primary line of every item whose part number matches a pattern (the first in rule
    order), with the match columns the report's findings are built from (entity_id, alias,
    score, method, reason), or None when no input has part numbers or the rules no patterns.
    Each input is read once: the pattern a line matches is picked in one expression."""
    patterns = ruleset.part_patterns
    if not patterns:
        return None
    which = pl.coalesce(
        [
            pl.when(pl.col("part").str.contains(f"(?i)^(?:{p.pattern})")).then(pl.lit(k))
            for k, p in enumerate(patterns)
        ]
    ).alias("_pattern")
    frames = []
    for i, r in enumerate(results):
        if not has_parts(r):
            continue
        lines = r.lines.lazy().filter(pl.col("primary") & pl.col("part").is_not_null())
        names = lines.collect_schema().names()
        groups = [e.alias(f"_g{k}") for k, e in enumerate(plan.group_exprs(names, results))]
        frames.append(
            lines.with_columns(which)
            .filter(pl.col("_pattern").is_not_null())
            .with_columns(
                pl.lit(i, pl.Int32).alias("_src"), plan.in_period().alias("_in_period"), *groups
            )
        )
    if not frames:
        return None
    hits = pl.concat(frames, how="diagonal_relaxed").collect()
    info = _pattern_frame(patterns, ruleset)
    return (
        hits.join(info, on="_pattern", how="left")
        .with_columns(
            pl.lit("part").alias("field"),
            pl.col("part").alias("name"),
            pl.lit(SCORE).alias("score"),
            pl.lit(METHOD).alias("method"),
            pl.format(
                "by part number: '{}' is a {} model number ({}{}; source {})",
                pl.col("part"),
                pl.col("_maker"),
                pl.col("_pattern_text"),
                pl.col("_products"),
                pl.col("_source"),
            ).alias("reason"),
        )
        .drop("_pattern", "_maker", "_pattern_text", "_products", "_source")
    )


def _pattern_frame(patterns: list[PartPattern], ruleset: RuleSet) -> pl.DataFrame:
    """One row per pattern: its index, entity, alias text and the words of its reason."""
    return pl.DataFrame(
        {
            "_pattern": list(range(len(patterns))),
            "entity_id": [p.entity for p in patterns],
            "alias": [f"{p.pattern} (part number)" for p in patterns],
            "_maker": [ruleset.entities[p.entity].name for p in patterns],
            "_pattern_text": [p.pattern for p in patterns],
            "_products": [f" {p.products}" if p.products else "" for p in patterns],
            "_source": [p.source_url for p in patterns],
        },
        schema_overrides={"_pattern": pl.Int32},
    )
