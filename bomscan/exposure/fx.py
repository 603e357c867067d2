"""Currency conversion with a user's rates file: the rate of a line's day, or the nearest
earlier one; a line with no usable rate stays in its own currency (reported, never summed in).
"""

from __future__ import annotations

import warnings

import polars as pl

from bomscan.errors import InputError
from bomscan.model import FxNote


def load_rates(path: str) -> pl.DataFrame:
    """Rates file: CSV with columns date, currency, rate (1 unit of currency in the target)."""
    try:
        fx = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(
            f"cannot read FX rates ({str(exc).splitlines()[0][:120]})", path=path
        ) from None
    cols = {c.strip().lower(): c for c in fx.columns}
    missing = [c for c in ("date", "currency", "rate") if c not in cols]
    if missing:
        raise InputError(
            f"FX rates file needs columns date, currency, rate (missing {', '.join(missing)})",
            path=path,
            line=1,
        )
    fx = fx.select(
        pl.col(cols["date"]).str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias("date"),
        pl.col(cols["currency"]).str.strip_chars().str.to_uppercase().alias("currency"),
        pl.col(cols["rate"]).str.strip_chars().cast(pl.Float64, strict=False).alias("rate"),
    ).with_row_index("_i")
    bad = fx.filter(pl.col("date").is_null() | pl.col("rate").is_null() | (pl.col("rate") <= 0))
    if bad.height:
        line = int(bad["_i"][0]) + 2
        raise InputError("FX rate row has a bad date (YYYY-MM-DD) or rate", path=path, line=line)
    return fx.drop("_i")


def convert(
    frame: pl.DataFrame,
    rates: pl.DataFrame | None,
    target: str | None,
    amounts: dict[str, str],
    source: str | None = None,
) -> tuple[pl.DataFrame, dict | None]:
    """Add ``_cur``, ``_fx_rate``, ``_fx_rate_date`` and each converted ``amounts`` column
    (output name -> input column) to ``frame`` (the totals, or the rows the report lists).

    Conversion happens after aggregation: the pass groups by (currency, day), so each group's
    sum is multiplied by the rate of its day (or the nearest earlier one). That equals
    converting every line, without sorting or joining millions of rows.
    """
    if rates is None or not target:
        return frame.with_columns(
            pl.col("_cur_native").alias("_cur"),
            *[pl.col(src).alias(out) for out, src in amounts.items()],
            pl.lit(None, pl.Float64).alias("_fx_rate"),
            pl.lit(None, pl.Date).alias("_fx_rate_date"),
        ), None
    rates = rates.select(
        pl.col("date").alias("_rate_date"),
        pl.col("currency").alias("_cur_native"),
        pl.col("rate").cast(pl.Float64).alias("_rate"),
    ).sort("_cur_native", "_rate_date")
    with warnings.catch_warnings():  # polars warns that it cannot check the sortedness by key
        warnings.simplefilter("ignore")
        frame = frame.sort("_fx_day").join_asof(
            rates, left_on="_fx_day", right_on="_rate_date", by="_cur_native", strategy="backward"
        )
    same = pl.col("_cur_native") == target
    rate = pl.when(same).then(pl.lit(1.0)).otherwise(pl.col("_rate"))
    frame = frame.with_columns(
        *[pl.coalesce(pl.col(src) * rate, pl.col(src)).alias(out) for out, src in amounts.items()],
        pl.when(rate.is_not_null())
        .then(pl.lit(target))
        .otherwise(pl.col("_cur_native"))
        .alias("_cur"),
        rate.alias("_fx_rate"),
        pl.when(same).then(None).otherwise(pl.col("_rate_date")).alias("_fx_rate_date"),
    )
    note = FxNote(
        target=target,
        source=source,
        policy="rate on the line's date or the nearest earlier one",
        unconverted=None,
    )
    return frame, note
