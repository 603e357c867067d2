"""Dates as exports write them: one format chosen per column from a sample, parsed in polars.

Day-first and month-first slash dates (``03/04/2024``) are ambiguous; the column decides: if any
sampled value has a first part above 12 the column is day-first, if any has a second part above
12 it is month-first, otherwise ISO and month-first (US ERP default) are tried in that order.
"""

from __future__ import annotations

import polars as pl

FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y%m%d",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%y",
)


def _prepared(expr: pl.Expr) -> pl.Expr:
    # "2024-03-01T10:00:00Z", "2024-03-01 10:00", "5/19/2006 0:00:00" -> the date part only
    s = expr.cast(pl.String).str.strip_chars()
    return s.str.replace(
        r"^(?:(\d{4}-\d{2}-\d{2})[T ].*|([0-9./-]+) \d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)$",
        "${1}${2}",
    )


TYPED = "typed"  # the column already holds dates (Parquet, Excel): no format needed


def detect_format(sample: pl.Series) -> str | None:
    """The format that parses the most sampled values (ties: earlier in FORMATS), or None.

    A column that already holds dates or datetimes (Parquet, Excel) gives ``TYPED``.
    """
    if sample.dtype in (pl.Date,) or isinstance(sample.dtype, pl.Datetime):
        return TYPED
    s = sample.drop_nulls().cast(pl.String)
    if s.len() == 0:
        return None
    # each distinct value counted with its weight; every format tried in one select (one
    # polars call, not one per format: this runs on the report's critical path)
    counts = s.alias("v").value_counts(name="n")
    v = _prepared(pl.col("v"))
    hits = counts.select(
        pl.col("n").filter(v.str.to_date(fmt, strict=False).is_not_null()).sum().alias(str(i))
        for i, fmt in enumerate(FORMATS)
    ).row(0)
    best, best_n = None, 0
    for fmt, n in zip(FORMATS, hits, strict=True):
        if n > best_n:
            best, best_n = fmt, n
    return best


def date_expr(col: str, fmt: str | None) -> pl.Expr:
    """The column as dates in ``fmt`` (null where a value does not parse). Parsed row by row:
    parsing once per distinct value instead saved nothing measurable on the 10M-row ledger
    with ``--from`` (docs/perf.md), so the plain path is the only one."""
    if fmt is None:
        return pl.lit(None, dtype=pl.Date)
    if fmt == TYPED:
        return pl.col(col).cast(pl.Date)
    return _prepared(pl.col(col)).str.to_date(fmt, strict=False)
