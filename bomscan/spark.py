"""bomscan where the ledger lives: screen a Spark DataFrame from a notebook or a job.

    from bomscan import spark as bs

    hits = bs.screen(df, vendor="Vendor Name", date="Posting Date")   # a Spark DataFrame
    rep = bs.report(df, vendor="Vendor Name", amount="Amount", currency="Currency",
                    date="Posting Date", group_by=["Cost Center"])      # bomscan.model.Report

:func:`report` is ``bomscan report --engine spark`` on a DataFrame: the same pipeline, the same
:class:`~bomscan.model.Report` the CLI writes (``bomscan.formats`` renders it).
:func:`screen` returns the matched rows themselves, every one of them, as a Spark DataFrame
(nothing but the distinct names comes to the driver): each row of ``df`` whose vendor name
resolves to a listed entity, or to an affiliate rolling up to one on the row's date, with
``bomscan_entity_id``, ``bomscan_entity``, ``bomscan_lists``, ``bomscan_level``,
``bomscan_score``, ``bomscan_method``, ``bomscan_reason`` and ``bomscan_via`` added.
Requires ``pip install 'bomscan[spark]'``; see docs/spark.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from bomscan.errors import InputError
from bomscan.model import Report

PREFIX = "bomscan_"


def _overrides(df, name: str, **roles: str | None) -> dict[str, str]:
    """``--column`` overrides from the keyword arguments; a column the frame lacks is an
    error naming the table and the column."""
    out = {}
    for role, col in roles.items():
        if col is None:
            continue
        if col not in df.columns:
            raise InputError(
                f"table has no column {col!r} for {role} (columns: {', '.join(df.columns)})",
                path=name,
            )
        out[role] = col
    return out


def report(
    df,
    *,
    vendor: str,
    amount: str | None = None,
    currency: str | None = None,
    date: str | None = None,
    group_by: Sequence[str] = (),
    name: str = "dataframe",
    as_of: date | None = None,
    min_score: float | None = None,
    rules: Sequence[str] = (),
    ownership: Sequence[str] = (),
    fail_on: str | None = None,
) -> Report:
    """The report of ``df`` (its ``vendor`` column screened; ``amount``, ``currency`` and
    ``date`` as named, else detected from the headers), as ``bomscan report`` makes it."""
    from bomscan.pipeline import ReportRequest, run

    req = ReportRequest(
        inputs=[name],
        engine="spark",
        spark_frames=[df],
        column_overrides=_overrides(
            df, name, supplier=vendor, amount=amount, currency=currency, date=date
        ),
        group_by=list(group_by),
        as_of=as_of,
        min_score=min_score,
        rules_dirs=list(rules),
        ownership=list(ownership),
        fail_on=fail_on,
    )
    return run(req)


def screen(
    df,
    *,
    vendor: str,
    date: str | None = None,
    as_of: date | None = None,
    min_score: float | None = None,
    rules: Sequence[str] = (),
):
    """Every row of ``df`` whose ``vendor`` resolves to a listed entity (itself, or along an
    affiliation held on the row's ``date``; undated rows: ``as_of``, default today), with the
    match's columns added. A Spark DataFrame: the rows stay on the cluster."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from bomscan.exposure.spark_engine import spark_date
    from bomscan.pipeline import ReportRequest, load_rules_and_resolver
    from bomscan.resolve import DEFAULT_THRESHOLD
    from bomscan.sources import spark as spark_source

    roles = _overrides(df, "dataframe", supplier=vendor, date=date)
    as_of = as_of or date_today()
    threshold = DEFAULT_THRESHOLD if min_score is None else min_score
    ruleset, resolver = load_rules_and_resolver(ReportRequest(inputs=[], rules_dirs=list(rules)))
    raw = df.select(F.col(f"`{vendor}`").cast("string").alias("v")).distinct()
    table = match_table(raw.toArrow().column("v").to_pylist(), ruleset, resolver, threshold, as_of)
    spark = df.sparkSession
    hits = F.broadcast(spark.createDataFrame(table.to_arrow()))
    # the row's date read as the report reads it (a text date in the table's format)
    _, inp = spark_source.from_frame("dataframe", df, spark, "dataframe", overrides=roles)
    rid = PREFIX + "row"
    frame, parsed = spark_date(df.withColumn(rid, F.monotonically_increasing_id()), inp)
    day = F.coalesce(parsed, F.lit(as_of))
    out = frame.join(hits, F.col(f"`{vendor}`").cast("string") == F.col(PREFIX + "raw")).filter(
        (F.col(PREFIX + "from").isNull() | (day >= F.col(PREFIX + "from")))
        & (F.col(PREFIX + "to").isNull() | (day < F.col(PREFIX + "to")))
    )
    first = Window.partitionBy(rid).orderBy(PREFIX + "depth")
    out = out.withColumn(PREFIX + "n", F.row_number().over(first)).filter(F.col(PREFIX + "n") == 1)
    helpers = [rid, PREFIX + "raw", PREFIX + "from", PREFIX + "to", PREFIX + "depth", PREFIX + "n"]
    return out.drop(*helpers, "_date_v")


def date_today() -> date:
    return date.today()


def match_table(raw: list, ruleset, resolver, threshold: float, as_of: date) -> pl.DataFrame:
    """Per distinct vendor cell that matched: each listed entity it can roll up to, with the
    dates the roll-up holds (for the join's date filter) and the columns :func:`screen` adds."""
    from bomscan.exposure.listings import Listings
    from bomscan.exposure.names import NameCache
    from bomscan.resolve.affiliates import paths_frame
    from bomscan.sources.lines import name_text

    cells = pl.DataFrame({"raw": raw}, schema={"raw": pl.String}).with_columns(
        name_text(pl.col("raw")).alias("name")
    )
    cache = NameCache(resolver, threshold)
    cache.learn(cells["name"])
    matched = cells.join(cache.known, on="name").filter(pl.col("_m") >= 0)
    matched = matched.join(cache.match_frame(), on="_m")
    paths = paths_frame(ruleset, sorted(set(matched["entity_id"].to_list())), as_of)
    joined = matched.join(paths, on="entity_id")
    listings = Listings(ruleset, as_of)

    def via(ids: list[str]) -> str:
        return " > ".join(ruleset.entities[i].name for i in ids or [])

    rows = joined.to_dicts()
    return pl.DataFrame(
        {
            PREFIX + "raw": [r["raw"] for r in rows],
            PREFIX + "entity_id": [r["root_id"] for r in rows],
            PREFIX + "entity": [ruleset.entities[r["root_id"]].name for r in rows],
            PREFIX + "matched_entity_id": [r["entity_id"] for r in rows],
            PREFIX + "lists": [[x.list for x in listings.listings(r["root_id"])] for r in rows],
            PREFIX + "level": [listings.level(r["root_id"]) for r in rows],
            PREFIX + "score": [float(r["score"]) for r in rows],
            PREFIX + "method": [r["method"] for r in rows],
            PREFIX + "reason": [r["reason"] for r in rows],
            PREFIX + "via": [via(r["via_ids"]) for r in rows],
            PREFIX + "from": [r["path_from"] for r in rows],
            PREFIX + "to": [r["path_to"] for r in rows],
            PREFIX + "depth": [r["depth"] for r in rows],
        },
        schema={
            PREFIX + "raw": pl.String,
            PREFIX + "entity_id": pl.String,
            PREFIX + "entity": pl.String,
            PREFIX + "matched_entity_id": pl.String,
            PREFIX + "lists": pl.List(pl.String),
            PREFIX + "level": pl.String,
            PREFIX + "score": pl.Float64,
            PREFIX + "method": pl.String,
            PREFIX + "reason": pl.String,
            PREFIX + "via": pl.String,
            PREFIX + "from": pl.Date,
            PREFIX + "to": pl.Date,
            PREFIX + "depth": pl.Int32,
        },
    )
