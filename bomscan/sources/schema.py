"""The canonical line schema every reader produces.

One row is one *name occurrence* on one *item* (a BOM component or a ledger row): a component
that names both a manufacturer and a supplier yields two rows with the same ``item``. An item
that names no organisation at all still yields one row with ``name`` null, so that its spend
counts in the totals. Spend is therefore summed over distinct ``(source, item)``, never over rows.

Columns (all readers produce exactly these, in this order; extra columns a ledger carries, such
as PO number or cost center, follow them with an ``x:`` prefix and their original header):

=============  =========  ===================================================================
column         dtype      meaning
=============  =========  ===================================================================
source         String     the input path as the user gave it
kind           String     ``cyclonedx-json``, ``cyclonedx-xml``, ``csv-bom`` or ``ledger``
item           Int64      0-based index of the item (component / data row) within its source
line           Int64      1-based physical line of the name in the file (CSV: the record's
                          first line, header = line 1; CycloneDX: the line of the name), or null
bom_ref        String     CycloneDX ``bom-ref`` of the component, or null
field          String     where the name came from: ``manufacturer``, ``supplier``,
                          ``publisher``, ``author``, ``authors``, ``product-manufacturer``,
                          ``vendor`` ... (null when the item names nobody)
name           String     the raw organisation name, as written (stripped of outer spaces)
part           String     part number / MPN / component name
description    String     free-text description
quantity       Float64    quantity (null when unknown)
unit_price     Float64    unit price (null when unknown)
amount         Float64    spend of the item: extended price, or quantity x unit price, or the
                          ledger amount (negative for credits); null when unknown
currency       String     ISO 4217 code, upper case, or null
date           Date       the item's date (ledger posting/invoice date), or null
primary        Boolean    true on exactly one row per item: the row whose amount counts in
                          totals (so spend is summed over rows with ``primary``, cheaply)
=============  =========  ===================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from bomscan.model import CycloneDxMeta, TableMeta

LINE_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "kind": pl.String(),
    "item": pl.Int64(),
    "line": pl.Int64(),
    "bom_ref": pl.String(),
    "field": pl.String(),
    "name": pl.String(),
    "part": pl.String(),
    "description": pl.String(),
    "quantity": pl.Float64(),
    "unit_price": pl.Float64(),
    "amount": pl.Float64(),
    "currency": pl.String(),
    "date": pl.Date(),
    "primary": pl.Boolean(),
}

COLUMNS = list(LINE_SCHEMA)
EXTRA_PREFIX = "x:"
INTERNAL_PREFIX = EXTRA_PREFIX + "__"  # reader-internal columns: never shown as extras


def empty_lines() -> pl.DataFrame:
    return pl.DataFrame(schema=LINE_SCHEMA)


def conform(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """Cast/complete a reader's frame to the canonical schema, keeping ``x:`` extras last."""
    names = frame.collect_schema().names()
    exprs = []
    for col, dtype in LINE_SCHEMA.items():
        if col in names:
            exprs.append(pl.col(col).cast(dtype))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(col))
    # a table's extra columns are text; reader-internal ones (``x:__``) keep their type (flags
    # are booleans, so a pass over millions of rows never builds a text column for them)
    extras = [
        pl.col(c) if c.startswith(INTERNAL_PREFIX) else pl.col(c).cast(pl.String)
        for c in names
        if c.startswith(EXTRA_PREFIX)
    ]
    return frame.select(exprs + extras)


def lines_of_items(lines: pl.DataFrame | pl.LazyFrame, items: list[int]) -> pl.DataFrame:
    """The lines of these items, filtered from a (lazy) scan of all of them: how a pass view
    fetches kept rows when it cannot read them directly."""
    wanted = pl.Series(items, dtype=pl.Int64).implode()
    return lines.lazy().filter(pl.col("item").is_in(wanted)).collect(engine="streaming")


@dataclass
class Skipped:
    """Rows (or components) a reader read but could not use, with the reason."""

    reason: str
    count: int = 1
    lines: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)  # the records' item numbers, when known


@dataclass
class PassView:
    """How the report's one pass over a large table reads it, and how it gets rows back.

    Why: a 10M-row ledger's pass only needs a few columns of each row (the name as written,
    the amount, the currency, a flag or two); materialising every column of every row so that
    the ~1,000 rows it lists have them cost as much as the scan itself. So the pass reads
    ``lines`` (projection pushdown drops what it does not reference) and asks ``fetch`` for
    the full canonical rows of the items it keeps.

    ``lines``: the canonical lines of *every* record, blank ones included (the pass cannot see
    a whole record without reading every column), plus :data:`RAW_NAME` (the name cell as
    written, so no per-row strip runs) and :data:`BLANK_HINT` (Boolean, true where every cell
    the pass reads is empty: the only rows that may be blank records; the pass keeps them,
    and ``fetch`` says which are).
    ``fetch(items, records)``: the canonical lines (as ``ReadResult.lines`` has them: blank
    records left out) of those items, all columns; ``records``: how many records the pass saw
    (a CSV reads the items at their lines only when that equals its line count).
    """

    lines: pl.LazyFrame
    fetch: Callable[[list[int], int | None], pl.DataFrame]
    one_row_per_item: bool = False  # every row is its item's ``primary`` row (one name column)
    # raw rows of the table (its columns plus ``item``) -> their canonical lines, as ``fetch``
    # gives them: for an engine that reads the rows itself (Spark); None where not offered
    canonical: Callable[[pl.DataFrame], pl.DataFrame] | None = None


RAW_NAME = INTERNAL_PREFIX + "raw_name"  # the name cell as written (see PassView)
# the records whose names the report resolves before its pass (see exposure._warm_up)
WARM_UP_ROWS = 500_000
BLANK_HINT = INTERNAL_PREFIX + "blank_hint"  # true: every cell the pass reads is empty


@dataclass
class ReadResult:
    """What one reader hands to the pipeline: the lines plus an account of what it read."""

    source: str
    kind: str
    lines: pl.DataFrame | pl.LazyFrame
    items_read: int | None = None  # None: not known until the lazy frame is collected
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta: TableMeta | CycloneDxMeta | None = None  # how it was read (spec version, encoding...)
    pass_view: PassView | None = None  # large tables: see PassView; None: the pass uses lines
    # exact physical lines of some items (items, records) -> {item: line}, for CSV files whose
    # records are not one line each; None: ``line`` is right
    relocate: Callable[[list[int], int], dict[int, int] | None] | None = None
