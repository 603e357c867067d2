"""Ledgers in a lakehouse, read by Apache Spark (``--engine spark``; ``pip install
'bomscan[spark]'``): Parquet files and directories of them, Delta tables, and tables of the
session's catalog (``spark:TABLE``).

The table never comes to this machine whole. What bomscan must decide about it (which column
is the vendor, the amount, the currency, the date; the decimal convention; the date format) is
decided by the same code as for every other table (:func:`bomscan.sources.lines.lines_from_frame`)
on a sample of its first rows, and the rows the report lists come back through the same
canonical form (:attr:`PassView.canonical`), so both engines read a row the same way.
:mod:`bomscan.exposure.spark_engine` runs the pass itself.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from bomscan.errors import ConfigError, InputError
from bomscan.model import TableMeta
from bomscan.sources import binary_tables
from bomscan.sources.schema import PassView, ReadResult

SAMPLE_ROWS = 10_000  # rows the column roles and per-table decisions are taken from
TABLE_PREFIX = "spark:"
ITEM = "_bomscan_item"  # the row's item number, made in Spark (see SparkInput)
FILE = "_bomscan_file"
ROW = "_bomscan_row"


@dataclass
class SparkInput:
    """One table as Spark reads it, and how bomscan reads its columns.

    ``frame``: the table's columns plus ``ITEM`` (the row within its file for a single file;
    a unique id otherwise), and ``FILE`` / ``ROW`` (file and row within it) where Spark can
    give them (Parquet and Delta files; not a view)."""

    source: str
    frame: Any  # pyspark.sql.DataFrame
    headers: list[str]
    schema: pl.Schema  # the sample's columns as polars reads them
    meta: TableMeta
    view: PassView
    located: bool  # FILE and ROW are real

    def role(self, role: str) -> str | None:
        hs = self.meta.columns.get(role)
        return hs[0] if hs else None


def session(master: str | None = None):
    """The Spark session to run on: the active one (``spark-submit``, a notebook), else Spark
    Connect at ``SPARK_REMOTE``, else a new one on ``master`` (default ``local[*]``). A local
    session binds to loopback only and runs without its web UI or console progress bars
    (stdout is the report's; progress is bomscan's own, on stderr)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError(
            "--engine spark needs pyspark: pip install 'bomscan[spark]' (and Java 17+)"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    remote = os.environ.get("SPARK_REMOTE")
    if remote and not master:
        return SparkSession.builder.remote(remote).getOrCreate()
    master = master or "local[*]"
    builder = SparkSession.builder.master(master).appName("bomscan")
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    log4j = Path(__file__).parent / "data" / "spark-log4j2.properties"
    spark = (
        builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j}")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC")  # timestamps to dates as polars does
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def load(spec: str, spark):
    """The table ``spec`` names: ``spark:TABLE`` (the catalog), a Delta table directory (it
    holds ``_delta_log``), or Parquet files and directories. One line on failure."""
    from pyspark.errors import PySparkException

    try:
        if spec.startswith(TABLE_PREFIX):
            return spark.table(spec[len(TABLE_PREFIX) :]), "table"
        path = Path(spec)
        if not path.exists() and "://" not in spec:
            raise InputError("no such file or directory", path=spec)
        if path.is_file() and path.suffix.lower() not in (".parquet", ".parq", ".pq"):
            raise InputError(
                "--engine spark reads Parquet files and directories, Delta tables and "
                "spark:TABLE; for this file leave out --engine spark",
                path=spec,
            )
        if (path / "_delta_log").is_dir():
            return spark.read.format("delta").load(spec), "delta"
        return spark.read.parquet(spec), "parquet"
    except PySparkException as exc:
        msg = str(exc).strip().splitlines()[0][:200]
        if "delta" in msg.lower() and "data source" in msg.lower():
            msg = "Delta tables need delta-spark on the cluster (" + msg + ")"
        raise InputError(f"cannot be read by Spark ({msg})", path=spec) from None


def located(frame, spark, positional: bool = True) -> tuple[Any, bool]:
    """``frame`` with ``ITEM``, ``FILE`` and ``ROW``: from the files' own row numbers where
    Spark has them (a single file read as it is, ``positional``: the item is the row), else a
    unique id per row (a DataFrame handed in may repeat a file's rows: a join, a union)."""
    from pyspark.errors import PySparkException
    from pyspark.sql import functions as F

    try:
        files = frame.inputFiles()
        out = frame.select(
            "*",
            F.col("_metadata.file_path").alias(FILE),
            F.col("_metadata.row_index").cast("long").alias(ROW),
        )
        out.schema  # noqa: B018 - resolves the metadata columns now (a view has none)
    except PySparkException:
        files, out = [], None
    if out is None:
        out = frame.select(
            "*", F.lit(None).cast("string").alias(FILE), F.lit(None).cast("long").alias(ROW)
        )
        return out.withColumn(ITEM, F.monotonically_increasing_id()), False
    item = F.col(ROW) if positional and len(files) == 1 else F.monotonically_increasing_id()
    return out.withColumn(ITEM, item), True


def to_polars(frame, table: bool = False) -> pl.DataFrame:
    """A (small) Spark frame as polars, through Arrow. ``table``: rows of the user's table,
    whose columns of other types than numbers, dates and text are read as text (as the
    Parquet reader reads them)."""
    df = pl.from_arrow(frame.toArrow())
    if not isinstance(df, pl.DataFrame):  # a single column comes back as a Series
        df = df.to_frame()
    return df.select(binary_tables.typed_or_text(df.schema)) if table else df


def read(
    spec: str, spark, *, overrides: dict[str, str] | None = None, decimal: str | None = None
) -> tuple[ReadResult, SparkInput]:
    """The report's account of table ``spec`` (its roles and decisions, from a sample) and the
    table as the Spark engine reads it. The result's lines are empty: the engine reads Spark."""
    frame, fmt = load(spec, spark)
    return from_frame(spec, frame, spark, fmt, overrides=overrides, decimal=decimal)


def from_frame(
    spec: str, frame, spark, fmt: str, *, overrides=None, decimal=None
) -> tuple[ReadResult, SparkInput]:
    """As :func:`read`, for a Spark DataFrame already in hand (``bomscan.spark``)."""
    headers = [c for c in frame.columns if c not in (ITEM, FILE, ROW)]
    sample = to_polars(frame.select(*[f"`{h}`" for h in headers]).limit(SAMPLE_ROWS), table=True)
    result = binary_tables.table_lines(spec, sample.lazy(), fmt, overrides, decimal)
    view = result.pass_view
    if view is None or view.canonical is None:  # lines_from_frame always gives both
        raise InputError("cannot be read by Spark (no pass view)", path=spec)
    if len(result.meta.name_columns) > 1:
        raise InputError(
            "--engine spark reads tables with one vendor column; this one has "
            + ", ".join(result.meta.name_columns)
            + " (give --column supplier=HEADER)",
            path=spec,
        )
    empty = dataclasses.replace(view, lines=view.lines.head(0))
    result = dataclasses.replace(result, lines=result.lines.head(0), pass_view=empty)
    framed, is_located = located(frame, spark, positional=fmt in ("parquet", "delta", "table"))
    return result, SparkInput(spec, framed, headers, sample.schema, result.meta, view, is_located)
