"""The pass over a table's lines on Apache Spark (``--engine spark``): the same
:class:`~bomscan.exposure.engine.PassResult` as the embedded engine, from a cluster.

Spark does the heavy part: one aggregation over every row, keyed exactly as the embedded
pass keys its groups (the name as written, the currency as written, the in-period flag, the
FX day, the ``--group-by`` values), with the same sums. Its result is small (a row per
distinct name and key), so the driver resolves the names through the same
:class:`~bomscan.exposure.names.NameCache`; the matched names go back as a broadcast table and
one more Spark query fetches the rows the report lists, which come back through the table's
canonical form (:attr:`~bomscan.sources.schema.PassView.canonical`). From there the embedded
engine's own code (:meth:`_PolarsPass.finish`) builds the result, so the report cannot tell
the engines apart.

Values Spark cannot read the way bomscan does (amounts written as text, "$1,234.56"; dates
written as text) are read by bomscan's own parsers once per distinct value on the driver and
joined back as a broadcast table.
"""

from __future__ import annotations

import polars as pl

from bomscan.errors import ConfigError
from bomscan.exposure.engine import SUMS, PassResult, _PolarsPass
from bomscan.exposure.names import NameCache
from bomscan.exposure.plan import PassPlan
from bomscan.sources import columns as cols
from bomscan.sources import spark as spark_source
from bomscan.sources.lines import RAW_CURRENCY, UNPARSED, name_text
from bomscan.sources.schema import BLANK_HINT, EXTRA_PREFIX, RAW_NAME, ReadResult

MAX_DISTINCT = 2_000_000  # text amounts or dates parsed on the driver, per distinct value


class SparkEngine:
    """Runs the pass on Spark over the tables ``inputs`` (one per result, in order)."""

    def __init__(self, inputs: list[spark_source.SparkInput]):
        self.inputs = inputs

    def run(self, results: list[ReadResult], cache: NameCache, plan: PassPlan) -> PassResult:
        return _SparkPass(results, cache, plan, self.inputs).run()


class _SparkPass(_PolarsPass):
    """The embedded pass's bookkeeping (keys, flags, the final totals) over Spark's rows."""

    def __init__(self, results, cache, plan, inputs):
        super().__init__(results, cache, plan)
        self.inputs = inputs
        self._columns: dict[int, object] = {}

    def run(self) -> PassResult:
        """Spark's totals, the names resolved on the driver, the listed rows fetched back,
        then the embedded engine's ``finish``."""
        parts = pl.concat(
            [self.aggregate(i, inp) for i, inp in enumerate(self.inputs)], how="diagonal_relaxed"
        )
        parts = parts.with_columns(
            name_text(pl.col(RAW_NAME)).alias("name"),
            self.plan.native_currency(pl.col("_cur_key")).alias("_cur_native"),
        )
        records = {
            int(r["_src"]): int(r["n"])
            for r in parts.group_by("_src").agg(pl.col("_lines").sum().alias("n")).to_dicts()
            if r["n"]
        }
        self.cache.rows_seen = int(parts["_lines"].sum() or 0)
        self.cache.learn(parts["name"])
        matched = parts.filter(
            pl.col("name").is_in(self.cache.matched_names.implode()) | (pl.col("_unparsed") > 0)
        )
        rows = [
            self.listed_rows(i, inp, matched.filter(pl.col("_src") == i))
            for i, inp in enumerate(self.inputs)
        ]
        rows = [r for r in rows if r is not None]
        if rows:
            frame = pl.concat(rows, how="diagonal_relaxed")
        else:
            frame = self.lines.head(0).drop(RAW_NAME, BLANK_HINT, strict=False).collect()
        return self.finish(parts.drop("_unparsed"), frame, records)

    # -- on Spark --------------------------------------------------------------------------

    def columns(self, inp: spark_source.SparkInput):
        """The Spark frame with the pass's columns: the name and currency as written, the
        amount, the date, and whether the amount could not be read (built once per input:
        text amounts and dates cost a distinct-value query each)."""
        if id(inp) not in self._columns:
            self._columns[id(inp)] = self._pass_columns(inp)
        return self._columns[id(inp)]

    def _pass_columns(self, inp: spark_source.SparkInput):
        """See :meth:`columns` (blank records left out, as the readers leave them out)."""
        from pyspark.sql import functions as F

        frame = inp.frame
        not_blank = F.coalesce(*[F.col(f"`{h}`").cast("string") for h in inp.headers])
        frame = frame.filter(not_blank.isNotNull())
        name = inp.meta.name_columns[0] if inp.meta.name_columns else None
        raw_name = F.col(f"`{name}`").cast("string") if name else F.lit(None).cast("string")
        frame, amount, cell_cur, unparsed = self.amount(frame, inp)
        frame, day = spark_date(frame, inp)
        cur = inp.role("currency")
        stated = cols.header_currency(inp.meta.columns)
        raw_cur = F.coalesce(
            F.col(f"`{cur}`").cast("string") if cur else F.lit(None).cast("string"),
            cell_cur,
            F.lit(stated).cast("string"),
        )
        return frame.select(
            "*",
            raw_name.alias(RAW_NAME),
            raw_cur.alias("_cur_key"),
            amount.alias("_amount"),
            unparsed.alias("_unparsed"),
            day.alias("_date"),
        )

    def amount(self, frame, inp):
        """(frame, amount, currency in the cell, unparsed): a numeric column as it is; text
        read by bomscan's money parser per distinct value (a broadcast join)."""
        from pyspark.sql import functions as F

        col = inp.meta.money_column
        if col is None:
            none = F.lit(None)
            return frame, none.cast("double"), none.cast("string"), F.lit(False)
        if inp.role("amount") is None:  # a unit price: the amount is unit x quantity
            return frame, self.extended(inp), F.lit(None).cast("string"), F.lit(False)
        if inp.schema[col].is_numeric():
            return frame, F.col(f"`{col}`").cast("double"), F.lit(None).cast("string"), F.lit(False)
        values = distinct(frame, col, inp)
        probe = pl.DataFrame(
            {h: pl.Series(h, [None] * values.len(), dtype=inp.schema[h]) for h in inp.headers}
        ).with_columns(
            values.cast(inp.schema[col]).alias(col), pl.int_range(values.len()).alias("item")
        )
        got = inp.view.canonical(probe).sort("item")
        table = pl.DataFrame(
            {
                "_raw_amount": values,
                "_m_amount": got["amount"],
                "_m_cur": got[RAW_CURRENCY] if RAW_CURRENCY in got.columns else None,
                "_m_bad": got[UNPARSED] if UNPARSED in got.columns else False,
            }
        )
        frame = frame.join(
            F.broadcast(frame.sparkSession.createDataFrame(table.to_arrow())),
            F.col(f"`{col}`").cast("string") == F.col("_raw_amount"),
            "left",
        )
        return (
            frame.drop("_raw_amount"),
            F.col("_m_amount"),
            F.col("_m_cur"),
            F.coalesce(F.col("_m_bad"), F.lit(False)),
        )

    @staticmethod
    def extended(inp):
        """unit price x quantity (1 where no quantity), as the embedded engine computes it,
        for numeric columns."""
        from pyspark.sql import functions as F

        unit, qty = inp.role("unit_price"), inp.role("quantity")
        for col in filter(None, (unit, qty)):
            if not inp.schema[col].is_numeric():
                raise ConfigError(
                    f"{inp.source}: with --engine spark a table without an amount column needs "
                    f"a numeric unit price and quantity; {col!r} is text"
                )
        q = F.col(f"`{qty}`").cast("double") if qty else F.lit(None).cast("double")
        return F.col(f"`{unit}`").cast("double") * F.coalesce(q, F.lit(1.0))

    def keys(self, inp):
        """The pass's group keys as Spark columns: in period, FX day, ``--group-by``."""
        from pyspark.sql import functions as F

        plan, day = self.plan, F.col("_date")
        period = F.lit(True)
        if plan.date_from is not None:
            period = period & (day >= F.lit(plan.date_from))
        if plan.date_to is not None:
            period = period & (day <= F.lit(plan.date_to))
        out = [F.coalesce(period, F.lit(False)).alias("_in_period")]
        if plan.fx:
            out.append(F.coalesce(day, F.lit(plan.as_of)).alias("_fx_day"))
        out += [self.group(g, inp).alias(f"_g{i}") for i, g in enumerate(plan.group_by)]
        return out

    def group(self, g: str, inp):
        """One ``--group-by`` in Spark: an extra column of the table, or year / month."""
        from pyspark.sql import functions as F

        from bomscan.sources.columns import compare_form

        cf = compare_form(g)
        extra = [h for h in inp.meta.extra_columns if compare_form(h) == cf]
        if extra:
            kind = inp.schema[extra[0]]
            if kind.is_float() or isinstance(kind, pl.Datetime):
                # Spark and polars write such values differently ("1.0E7", fractions of a
                # second): the totals and the findings' groups would not meet
                raise ConfigError(
                    f"--group-by {g!r}: with --engine spark, group by a text, integer or "
                    "date column"
                )
            return F.col(f"`{extra[0]}`").cast("string")
        if cf == "year":
            return F.year("_date").cast("string")
        if cf == "month":
            return F.date_format("_date", "yyyy-MM")
        raise ConfigError(
            f"--group-by {g!r}: with --engine spark, group by a column that is no role of the "
            "table (e.g. a cost center), or year or month"
        )

    def aggregate(self, i: int, inp) -> pl.DataFrame:
        """The embedded pass's groups and sums, computed by Spark, as polars."""
        from pyspark.sql import functions as F

        frame = self.columns(inp)
        amount = F.col("_amount")
        got = frame.groupBy(RAW_NAME, "_cur_key", *self.keys(inp)).agg(
            F.count(F.lit(1)).alias("_lines"),
            F.sum(amount).alias("_sum"),
            F.count(amount).alias("_priced"),
            F.count(F.when(amount < 0, 1)).alias("_credit_lines"),
            F.sum(F.when(amount < 0, amount)).alias("_credit_sum"),
            F.count(F.when(F.col("_unparsed"), 1)).alias("_unparsed"),
        )
        out = spark_source.to_polars(got)
        return out.with_columns(
            pl.lit(i, pl.Int32).alias("_src"),
            pl.lit(None, pl.Int64).alias("_kept"),
            *[pl.col(c).cast(pl.Float64).fill_null(0.0) for c in ("_sum", "_credit_sum")],
            *[pl.col(c).cast(pl.UInt32) for c in ("_lines", "_priced", "_credit_lines")],
        )

    def listed_rows(self, i: int, inp, matched: pl.DataFrame) -> pl.DataFrame | None:
        """The rows of input ``i`` the report may list (a matched name, or an amount that
        could not be read), fetched by Spark and read back through the canonical form."""
        from pyspark.sql import functions as F

        names = matched.filter(pl.col("name").is_not_null())[RAW_NAME].unique().drop_nulls()
        unparsed = bool((matched["_unparsed"] > 0).any()) if matched.height else False
        if names.len() == 0 and not unparsed:
            return None
        frame = self.columns(inp)
        spark = frame.sparkSession
        table = spark.createDataFrame(pl.DataFrame({"_hit": names}).to_arrow())
        frame = frame.join(F.broadcast(table), F.col(RAW_NAME) == F.col("_hit"), "left")
        keep = F.col("_hit").isNotNull() | F.col("_unparsed")
        picked = frame.filter(keep).select(
            *[f"`{h}`" for h in inp.headers],
            F.col(spark_source.ITEM).alias("item"),
            spark_source.FILE,
            spark_source.ROW,
        )
        raw = spark_source.to_polars(picked, table=True)
        located = raw.select("item", spark_source.FILE, spark_source.ROW)
        raw = raw.drop(spark_source.FILE, spark_source.ROW).with_columns(
            pl.col(h).cast(inp.schema[h]) for h in inp.headers
        )
        rows = inp.view.canonical(raw)
        if inp.located:
            rows = (
                rows.join(located, on="item", how="left")
                .rename(
                    {
                        spark_source.FILE: EXTRA_PREFIX + "file",
                        spark_source.ROW: EXTRA_PREFIX + "row",
                    }
                )
                .with_columns(pl.col(EXTRA_PREFIX + "row").cast(pl.String))
            )
        return rows.with_columns(pl.lit(i, pl.Int32).alias("_src"))


def spark_date(frame, inp):
    """(frame, date column): a date or timestamp column as it is (a session bomscan starts runs
    in UTC, as polars reads Parquet timestamps); text parsed per distinct value in the table's
    date format (as the embedded engine reads it), joined back as a broadcast table."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DateType, TimestampNTZType, TimestampType

    col = inp.role("date")
    if col is None:
        return frame, F.lit(None).cast("date")
    kind = frame.schema[col].dataType
    if isinstance(kind, DateType):
        return frame, F.col(f"`{col}`")
    if isinstance(kind, TimestampType | TimestampNTZType):
        return frame, F.to_date(F.col(f"`{col}`"))
    from bomscan.sources import dates

    values = distinct(frame, col, inp)
    parsed = pl.DataFrame({col: values.cast(inp.schema[col])}).select(
        pl.col(col).cast(pl.String).alias("_raw_date"),
        dates.date_expr(col, inp.meta.date_format).alias("_date_v"),
    )
    frame = frame.join(
        F.broadcast(frame.sparkSession.createDataFrame(parsed.to_arrow())),
        F.col(f"`{col}`").cast("string") == F.col("_raw_date"),
        "left",
    )
    return frame.drop("_raw_date"), F.col("_date_v")


def distinct(frame, col: str, inp) -> pl.Series:
    """The distinct values of a text column, as text (few: amounts or dates)."""
    from pyspark.sql import functions as F

    got = (
        frame.select(F.col(f"`{col}`").cast("string").alias("v")).distinct().limit(MAX_DISTINCT + 1)
    )
    values = spark_source.to_polars(got)["v"].drop_nulls()
    if values.len() > MAX_DISTINCT:
        raise ConfigError(
            f"{inp.source}: column {col!r} holds more than {MAX_DISTINCT:,} distinct text "
            "values; give it a numeric or date type for --engine spark"
        )
    return values


__all__ = ["SUMS", "SparkEngine", "spark_date"]
