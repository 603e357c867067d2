"""What the pass keys and flags lines on, from the report's options: the period, the currency
a line is in, the day whose FX rate converts it, and the ``--group-by`` columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from bomscan.errors import ConfigError
from bomscan.model import TableMeta
from bomscan.sources.lines import currency_from_text
from bomscan.sources.schema import EXTRA_PREFIX, INTERNAL_PREFIX, ReadResult

# canonical columns a role's header maps to, for --group-by on a role column
ROLE_COLUMN = {
    "supplier": "name",
    "manufacturer": "name",
    "currency": "currency",
    "date": "date",
    "part": "part",
    "description": "description",
}


@dataclass
class PassPlan:
    as_of: date
    currency: str | None = None  # reporting currency (with FX) or the assumed one
    fx: bool = False  # FX rates were given: totals are kept per day for conversion
    date_from: date | None = None
    date_to: date | None = None
    group_by: list[str] = field(default_factory=list)

    @property
    def has_period(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def in_period(self) -> pl.Expr:
        """True on lines in ``--from``/``--to``; an undated line is outside a set period."""
        if not self.has_period:
            return pl.lit(True)
        period = pl.lit(True)
        if self.date_from is not None:
            period = period & (pl.col("date") >= self.date_from)
        if self.date_to is not None:
            period = period & (pl.col("date") <= self.date_to)
        return period.fill_null(False)

    def native_currency(self, text: pl.Expr) -> pl.Expr:
        """A line's own currency; the assumed ``--currency`` where it has none (without FX)."""
        cur = currency_from_text(text)
        if self.currency and not self.fx:
            cur = pl.coalesce(cur, pl.lit(self.currency))
        return cur

    def fx_day(self) -> pl.Expr:
        """The day whose rate converts a line: its date, or the as-of date when it has none."""
        return pl.coalesce(pl.col("date"), pl.lit(self.as_of)).alias("_fx_day")

    def group_exprs(self, names: list[str], results: list[ReadResult]) -> list[pl.Expr]:
        """One text expression per ``--group-by``: an input column, a role column, or
        year/month."""
        return [_group_expr(g, names, results) for g in self.group_by]


def _extras(names: list[str]) -> list[str]:
    return [c for c in names if c.startswith(EXTRA_PREFIX) and not c.startswith(INTERNAL_PREFIX)]


def _group_expr(g: str, names: list[str], results: list[ReadResult]) -> pl.Expr:
    from bomscan.sources.columns import compare_form

    cf = compare_form(g)
    extra = [c for c in _extras(names) if compare_form(c[len(EXTRA_PREFIX) :]) == cf]
    if extra:
        return pl.col(extra[0]).cast(pl.String)
    role_col = next(
        (
            ROLE_COLUMN[role]
            for r in results
            for role, hs in _columns(r).items()
            if role in ROLE_COLUMN and any(compare_form(h) == cf for h in hs)
        ),
        None,
    )
    if role_col is not None:
        return pl.col(role_col).cast(pl.String)
    if cf == "year":
        return pl.col("date").dt.year().cast(pl.String)
    if cf == "month":
        return pl.col("date").dt.strftime("%Y-%m")
    available = sorted(
        {c[len(EXTRA_PREFIX) :] for c in _extras(names)}
        | {h for r in results for hs in _columns(r).values() for h in hs}
    )
    raise ConfigError(
        f"--group-by {g!r}: no such column (columns: "
        + ", ".join([*available, "year", "month"])
        + ")"
    )


def _columns(result: ReadResult) -> dict[str, list[str]]:
    """The table's columns by role (a CycloneDX document has none)."""
    return result.meta.columns if isinstance(result.meta, TableMeta) else {}
