"""A table's columns -> canonical lines: the path CSV, Parquet and Excel share, so the three read
roles, money, currencies, dates and extras the same way.

:func:`lines_from_frame` decides once per file (column roles, the decimal convention and the
date format from a sample of the body) and returns a :class:`~.schema.ReadResult` whose lines
and pass view are built by :class:`Layout`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from bomscan.errors import InputError
from bomscan.model import TableMeta
from bomscan.sources import columns as cols
from bomscan.sources import dates, money
from bomscan.sources.schema import (
    BLANK_HINT,
    EXTRA_PREFIX,
    RAW_NAME,
    PassView,
    ReadResult,
    Skipped,
    conform,
    lines_of_items,
)

SAMPLE_ROWS = 2000  # records the per-file decisions read
RAW_AMOUNT = EXTRA_PREFIX + "__raw_amount"  # the amount text, so unparsed values are listed
RAW_CURRENCY = EXTRA_PREFIX + "__raw_currency"  # the currency text (see currency_from_text)
RAGGED = EXTRA_PREFIX + "__ragged"  # true when the row had more fields than the header
# true where the money cell holds text that is not an amount (money.with_amount decides it)
UNPARSED = EXTRA_PREFIX + "__unparsed"


def name_text(cell: pl.Expr) -> pl.Expr:
    """A name cell as the ``name`` column holds it: stripped; empty, or a placeholder that
    stands for no name ("Redacted Personal Information", "N/A"), as null."""
    s = cell.cast(pl.String).str.strip_chars()
    return pl.when((s == "") | s.is_in(cols.PLACEHOLDER_NAMES)).then(None).otherwise(s)


def currency_from_text(text: pl.Expr) -> pl.Expr:
    """The ``currency`` column from the currency as written: an ISO 4217 code (a symbol
    becomes its code), or null. Three capitals that are no currency ("GND", "DNP") never
    become one; see :func:`invalid_currency`."""
    t = text.str.strip_chars()
    t = t.replace(cols.SYMBOLS).str.to_uppercase()
    return pl.when(t.is_in(list(cols.CURRENCIES))).then(t)


def invalid_currency(text: pl.Expr) -> pl.Expr:
    """True where a currency is written but is no ISO 4217 code or known symbol."""
    t = text.str.strip_chars()
    return (t.str.len_chars() > 0) & currency_from_text(text).is_null()


def first_line(exc: Exception) -> str:
    """An error's first line, short enough for a one-line message."""
    return str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__


def _roles(path: str, headers: list[str], overrides: dict, header_line) -> dict[str, list[str]]:
    """Column roles from the headers and ``--column`` overrides; one-line errors naming the
    file when an override names a missing header or role, or no name column is found."""
    try:
        roles = cols.detect_roles(headers, overrides)
    except KeyError as exc:
        raise InputError(
            f"--column names header {exc.args[0]!r}, which the file does not have "
            f"(headers: {', '.join(headers[:20])})",
            path=path,
            line=header_line,
        ) from None
    except ValueError as exc:
        raise InputError(
            f"--column names unknown role {exc.args[0]!r} (roles: {', '.join(cols.ROLES)})",
            path=path,
        ) from None
    if not any(roles.get(r) for r in cols.NAME_ROLES) and (
        len([r for r in cols.TABLE_ROLES if roles.get(r)]) < 2
    ):
        raise InputError(
            "no manufacturer, supplier or vendor column (use --column vendor=HEADER)",
            path=path,
            line=header_line,
        )
    return roles


@dataclass
class Decisions:
    decimal: str
    decimal_source: str  # option, detected or default
    date_format: str | None


def _decide(path, sample: pl.DataFrame | None, roles, decimal, warnings) -> Decisions:
    """The decimal convention and date format of the file, from a sample of its body."""
    out = Decisions(decimal or "dot", "option" if decimal else "default", None)
    money_cols = roles.get("amount", []) + roles.get("unit_price", [])
    if decimal is None and sample is not None and money_cols:
        out.decimal = money.detect_decimal(
            pl.concat([sample[c].cast(pl.String) for c in money_cols])
        )
        out.decimal_source = "detected"
    if "date" in roles and sample is not None:
        col = roles["date"][0]
        out.date_format = dates.detect_format(sample[col])
        if out.date_format is None and sample[col].drop_nulls().len():
            warnings.append(f"{path}: column {col!r} has no recognisable dates")
    return out


def _sample(path, lf, sample_lf, not_blank, roles, headers) -> pl.DataFrame | None:
    """The first records' money, date and part-number columns (every header that may hold
    part numbers), for the per-file decisions."""
    wanted = [
        h
        for r in ("amount", "unit_price", "quantity", "date", "part", "distributor_part")
        for h in roles.get(r, [])
    ] + cols.part_headers(headers)
    sample_cols = list(dict.fromkeys(wanted))
    if not sample_cols:
        return None
    try:
        src = lf if sample_lf is None else sample_lf.filter(not_blank)
        return src.select(sample_cols).head(SAMPLE_ROWS).collect(engine="streaming")
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"cannot be read ({first_line(exc)})", path=path) from None


MIN_NUMERIC_SHARE = 0.5  # of a column's sampled values, for it to be read as a number


def _numbers_by_content(path, sample, roles, decimal: str, warnings: list[str]) -> dict:
    """``roles`` without the quantity, unit price or amount of a column whose sampled values
    are mostly not numbers: a header alone does not make money of component values ("10k",
    "100nF") or part numbers. The column stays in the report as an extra column."""
    if sample is None:
        return roles
    out = dict(roles)
    for role in ("amount", "unit_price", "quantity"):
        col = (roles.get(role) or [None])[0]
        if col is None or sample[col].dtype.is_numeric():
            continue
        text = sample[col].cast(pl.String).str.strip_chars()
        text = text.filter(text.is_not_null() & (text != ""))
        if text.len() < 3:
            continue  # too few values to judge
        parsed = pl.DataFrame({"v": text}).select(
            money.amount_expr("v", "dot" if role == "quantity" else decimal)
        )["v"]
        if parsed.is_not_null().mean() >= MIN_NUMERIC_SHARE:
            continue
        shown = ", ".join(
            repr(v) for v in text.filter(parsed.is_null()).unique(maintain_order=True).head(3)
        )
        warnings.append(
            f"{path}: column {col!r} is not read as {role.replace('_', ' ')}: most of its "
            f"values are not numbers (e.g. {shown})"
        )
        out.pop(role)
    return out


def _distributor_numbers(sample, roles: dict, headers: list[str]) -> dict:
    """Part-number columns of a distributor's own numbers are the distributor's, not the
    maker's: a Digi-Key cart's "Part Number" ("277-8599-ND": Digi-Key ends every one in -ND).
    The best-ranked other part-number column ("Manufacturer Part Number") is the maker's."""
    if sample is None:
        return roles
    if not roles.get("part"):
        return _makers_numbers(sample, roles)
    if roles.get("distributor_part"):
        return roles
    candidates = [h for h in cols.part_headers(headers) if h in sample.columns]
    pattern = cols.DISTRIBUTOR_CODES["digikey"]
    own = [h for h in candidates if _mostly(sample[h], pattern)]
    if not own:
        return roles
    out = {r: hs for r, hs in roles.items() if r != "part"}
    out["distributor_part"] = own
    maker = sorted((h for h in candidates if h not in own), key=cols.part_rank)
    if maker:
        out["part"] = maker[:1]
    return out


# a KiCad symbol (C_Small, R, LED, Conn_01x02) or an Eagle reference designator (R1, C12)
_SYMBOL_OR_REFDES = r"^(?:[A-Za-z]+|[A-Z]{1,3}[0-9]{1,4}|[A-Za-z0-9]+_[A-Za-z0-9_.+-]+)$"


def _eda_symbols(sample, roles: dict, headers: list[str]) -> dict:
    """In an EDA export (a Footprint or Package column) a bare "Part" column whose values are
    mostly symbols or reference designators is not the maker's part number; the next
    part-number column, if any, is. Decided on the values, so a "Part" column of real part
    numbers (DS-2CD2083G2-IU) beside a Package column is still screened."""
    part = (roles.get("part") or [None])[0]
    if sample is None or part is None or cols.compare_form(part) != "part":
        return roles
    if not any(cols.compare_form(h) in cols.FOOTPRINT_HEADERS for h in headers):
        return roles
    if part not in sample.columns or not _mostly(sample[part], _SYMBOL_OR_REFDES, share=0.6):
        return roles
    out = {r: hs for r, hs in roles.items() if r != "part"}
    taken = {h for hs in out.values() for h in hs}
    others = [h for h in cols.part_headers(headers) if h not in taken and h != part]
    if others:
        out["part"] = sorted(others, key=cols.part_rank)[:1]
    return out


def _mostly(column: pl.Series, pattern: str, share: float = MIN_NUMERIC_SHARE) -> bool:
    """Whether more than ``share`` of a sampled column's values (at least 3) match."""
    text = column.cast(pl.String).str.strip_chars().drop_nulls()
    return text.len() >= 3 and text.str.contains(pattern).mean() > share


def _makers_numbers(sample: pl.DataFrame, roles: dict) -> dict:
    """With no part-number column, a column named for a distributor whose values are mostly
    not that distributor's codes holds the makers' numbers: a Mouser cart upload's "Mouser
    Part Number" column of INA226AIDGSR, not 595-INA226AIDGSR (Mouser takes either). It is
    then read as the part number, so the part-number rules screen it."""
    for h in roles.get("distributor_part", []):
        pattern = cols.distributor_code(h)
        text = sample[h].cast(pl.String).str.strip_chars().drop_nulls()
        if pattern is None or text.len() < 3:
            continue
        if not _mostly(text, pattern):
            out = dict(roles)
            out["distributor_part"] = [x for x in roles["distributor_part"] if x != h]
            out["part"] = [h]
            return {r: hs for r, hs in out.items() if hs}
    return roles


@dataclass
class Layout:
    """Which column plays which role, and how each is read: builds the canonical lines."""

    path: str
    kind: str
    headers: list[str]
    roles: dict[str, list[str]]
    schema: pl.Schema
    decisions: Decisions
    line_base: int | None
    sentinel: str | None

    def one(self, role: str) -> str | None:
        hs = self.roles.get(role)
        return hs[0] if hs else None

    @property
    def name_cols(self) -> list[str]:
        return [h for r in cols.NAME_ROLES for h in self.roles.get(r, [])]

    @property
    def money_col(self) -> str | None:
        return self.one("amount") or self.one("unit_price")

    @property
    def extra_cols(self) -> list[str]:
        roles = ("part", "description", "quantity", "unit_price", "amount", "currency", "date")
        used = set(self.name_cols) | {c for c in map(self.one, roles) if c}
        return [h for h in self.headers if h not in used]

    def with_money(self, src: pl.LazyFrame) -> pl.LazyFrame:
        """``src`` plus the parsed quantity, unit price and amount (see money.with_amount)."""
        qty, unit, amount = self.one("quantity"), self.one("unit_price"), self.one("amount")
        dec, money_col = self.decisions.decimal, self.money_col
        if qty:
            src = money.with_amount(src, qty, "dot", self.schema[qty], "\x00qty")
        if unit:
            own = money_col == unit
            src = money.with_amount(
                src,
                unit,
                dec,
                self.schema[unit],
                "\x00unit",
                "\x00cur" if own else None,
                UNPARSED if own else None,
            )
        if amount:
            src = money.with_amount(
                src, amount, dec, self.schema[amount], "\x00amount", "\x00cur", UNPARSED
            )
        return src

    def money_exprs(self) -> list[pl.Expr]:
        """quantity, unit_price, amount (an extended amount, else quantity x unit price)."""
        qty, unit, amount = self.one("quantity"), self.one("unit_price"), self.one("amount")
        q = pl.col("\x00qty") if qty else pl.lit(None, pl.Float64)
        u = pl.col("\x00unit") if unit else pl.lit(None, pl.Float64)
        if amount:
            a = pl.col("\x00amount")
        elif unit:
            a = u * pl.coalesce(q, pl.lit(1.0))
        else:
            a = pl.lit(None, pl.Float64)
        return [q.alias("quantity"), u.alias("unit_price"), a.alias("amount")]

    def raw_currency(self) -> pl.Expr:
        """The currency as written, else a code found inside the amount cell, else the one
        the money column's header states ("Extended Price CAD")."""
        cur = self.one("currency")
        raw = pl.col(cur).cast(pl.String) if cur else pl.lit(None, pl.String)
        if not self.money_col:
            return raw
        stated = cols.header_currency(self.roles)
        return pl.coalesce(raw, pl.col("\x00cur"), pl.lit(stated, pl.String))

    def text_col(self, role: str, alias: str) -> pl.Expr:
        col = self.one(role)
        return (
            pl.col(col).cast(pl.String).alias(alias)
            if col
            else pl.lit(None, pl.String).alias(alias)
        )

    def base_exprs(self) -> list[pl.Expr]:
        """Every canonical column but the name's: where, what, money, currency, date."""
        line = (
            (pl.col("item").cast(pl.Int64) + self.line_base + 1)
            if self.line_base is not None
            else pl.lit(None, pl.Int64)
        )
        date = self.one("date")
        return [
            pl.lit(self.path).alias("source"),
            pl.lit(self.kind).alias("kind"),
            pl.col("item").cast(pl.Int64),
            line.alias("line"),
            pl.lit(None, dtype=pl.String).alias("bom_ref"),
            self.text_col("part", "part"),
            self.text_col("description", "description"),
            *self.money_exprs(),
            # ``currency`` is the text stripped and upper-cased; a ledger pass does that after
            # grouping, on a few distinct values, instead of on every row (see RAW_CURRENCY)
            currency_from_text(self.raw_currency()).alias("currency"),
            dates.date_expr(date, self.decisions.date_format).alias("date")
            if date
            else pl.lit(None, pl.Date).alias("date"),
        ]

    def internal_exprs(self) -> list[pl.Expr]:
        """Reader-internal columns: the amount and currency as written, the flags."""
        out = []
        if self.money_col:
            out.append(pl.col(self.money_col).cast(pl.String).alias(RAW_AMOUNT))
            out.append(pl.col(UNPARSED).fill_null(False))
        out.append(self.raw_currency().alias(RAW_CURRENCY))
        if self.sentinel is not None:
            out.append(pl.col(self.sentinel).is_not_null().alias(RAGGED))
        return out

    def named(self, src: pl.LazyFrame, for_pass: bool) -> tuple[pl.LazyFrame, list[pl.Expr]]:
        """One row per name (``field``, ``name``, ``primary``) and, for the pass, the name as
        written and the blank-record hint (see PassView)."""
        names = self.name_cols
        if not names:  # a table naming no organisation: one unnamed line per record
            named = src.with_columns(
                pl.lit(None, pl.String).alias("field"),
                pl.lit(None, pl.String).alias("name"),
                pl.lit(True).alias("primary"),
            )
            if not for_pass:
                return named, []
            return named, [pl.lit(None, pl.String).alias(RAW_NAME), pl.lit(False).alias(BLANK_HINT)]
        if len(names) == 1:
            named = src.with_columns(
                pl.lit(names[0]).alias("field"),
                name_text(pl.col(names[0])).alias("name"),
                pl.lit(True).alias("primary"),
            )
            if not for_pass:
                return named, []
            # the cells the pass reads; a blank record has all of them empty
            read = [names[0], *filter(None, [self.money_col, self.one("currency"), self.sentinel])]
            hint = pl.all_horizontal([pl.col(c).is_null() for c in read])
            return named, [pl.col(names[0]).cast(pl.String).alias(RAW_NAME), hint.alias(BLANK_HINT)]
        keep = [c for c in src.collect_schema().names() if c not in names]
        named = (
            src.with_columns([pl.col(c).cast(pl.String) for c in names])
            .unpivot(on=names, index=keep, variable_name="field", value_name="name")
            .with_columns(name_text(pl.col("name")).alias("name"))
            .sort("item", maintain_order=True)
        )
        # keep the named rows of an item, or one row if it names nobody
        has_name = pl.col("name").is_not_null().any().over("item")
        named = named.filter(pl.col("name").is_not_null() | ~has_name)
        named = named.with_columns((pl.int_range(pl.len()).over("item") == 0).alias("primary"))
        named = named.filter(pl.col("primary") | pl.col("name").is_not_null())
        if not for_pass:  # the pass reads the blank-free lines (see pass_view): no hint
            return named, []
        return named, [pl.col("name").alias(RAW_NAME), pl.lit(False).alias(BLANK_HINT)]

    def canonical(self, src: pl.LazyFrame, for_pass: bool = False) -> pl.LazyFrame:
        """``src`` (the table's columns plus ``item``) as canonical lines; ``for_pass``: plus
        the pass view's RAW_NAME and BLANK_HINT (see PassView)."""
        src = self.with_money(src)
        exprs, internal = self.base_exprs(), self.internal_exprs()
        named, pass_cols = self.named(src, for_pass)
        extras = [pl.col(h).cast(pl.String).alias(EXTRA_PREFIX + h) for h in self.extra_cols]
        frame = named.select(
            [*exprs, pl.col("field"), pl.col("name"), pl.col("primary"), *extras, *internal]
            + pass_cols
        )
        return conform(frame)


def _filled(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).str.strip_chars().fill_null("") != ""


def _total_label(col: str) -> pl.Expr:
    """True where the cell labels a totals row ("Total", "Grand Total:", "Summe")."""
    text = pl.col(col).cast(pl.String).str.strip_chars().str.strip_chars_end(":").str.strip_chars()
    return text.str.to_lowercase().is_in(list(cols.TOTAL_LABELS)).fill_null(False)


def footer(frame: pl.DataFrame, roles: dict[str, list[str]], line_base) -> list[Skipped]:
    """The records below a table's last line that are no lines, as skip reasons with items.

    A totals row (a total label, no date, part or reference, and no name but the label)
    repeats the sum of the lines, so counting it would double the spend; below it, and below
    the last line, a row with nothing a line is made of (a note such as "See Wiki for
    Details", "Prepared by ...", KiCost's rows of a lone 0) is not a line either. Rows inside
    the table stay lines, whatever they hold. Why here: a reader knows the roles, and the rows
    are listed, never dropped silently."""
    headers = [c for c in frame.columns if c != "item"]
    names = [h for r in cols.NAME_ROLES for h in roles.get(r, [])]
    data = [h for r in cols.LINE_ROLES for h in roles.get(r, []) if h not in names]
    items = [h for r in cols.ITEM_ROLES for h in roles.get(r, [])]
    if not data or frame.height == 0:
        return []

    def anyof(cells: list[pl.Expr]) -> pl.Expr:
        return pl.any_horizontal(cells) if cells else pl.lit(False)

    other_name = anyof([_filled(c) & ~_total_label(c) for c in names])
    total = anyof([_total_label(h) for h in headers]) & ~anyof([_filled(c) for c in items])
    total = total & ~other_name
    flags = frame.select(
        "item",
        total.alias("total"),
        (anyof([_filled(c) for c in data]) & ~total).alias("data"),
        anyof([_filled(c) for c in names]).alias("named"),
    )
    last = flags.filter(pl.col("data"))["item"].max()
    if last is None:
        return []
    tail = flags.filter(pl.col("item") > last)
    first_total = tail.filter(pl.col("total"))["item"].min()
    # below the last line: a named row is still a line (a vendor with no amount) until a
    # totals row; from the totals row on, every row is footer
    after = pl.lit(False) if first_total is None else pl.col("item") >= first_total
    tail = tail.filter(after | ~pl.col("named"))
    return _skips(tail, line_base)


def _tail_footer(tail, roles: dict, line_base) -> list[Skipped]:
    """The footer of a table too large to hold, from its last records (see tabular's
    ``tail_records``): found on rows numbered from the end, then given their item numbers."""
    got = tail() if tail is not None else None
    if got is None:
        return []
    frame, to_items = got
    found = footer(frame, roles, None)
    out = []
    for s in found:
        items = to_items(s.items)
        if items is None:  # the file could not be counted: leave its rows as they are
            return []
        lines = [line_base + 1 + i for i in items] if line_base is not None else []
        out.append(Skipped(reason=s.reason, count=s.count, lines=lines, items=items))
    return out


def _skips(tail: pl.DataFrame, line_base) -> list[Skipped]:
    out = []
    for is_total, reason in (
        (True, "a totals row below the table (it sums the lines; not counted as spend)"),
        (False, "below the table with no name, part, reference, quantity or amount (a note)"),
    ):
        items = tail.filter(pl.col("total") == is_total)["item"].to_list()
        if items:
            lines = [line_base + 1 + i for i in items] if line_base is not None else []
            out.append(Skipped(reason=reason, count=len(items), lines=lines, items=items))
    return out


def lines_from_frame(
    path: str,
    lf: pl.LazyFrame,
    headers: list[str],
    *,
    overrides: dict[str, str] | None,
    decimal: str | None,
    line_base: int | None,
    header_line: int | None,
    warnings: list[str],
    meta: TableMeta,
    sentinel: str | None = None,
    sample_lf: pl.LazyFrame | None = None,
    rows_at: Callable[[list[int], int | None], pl.DataFrame | None] | None = None,
    small: bool = False,
    tail: Callable[[], tuple | None] | None = None,
) -> ReadResult:
    """The shared path for CSV, Parquet and Excel: a frame of the table's columns -> lines.

    ``lf`` has one column per header (text, or already typed for Parquet/Excel numbers and
    dates) and optionally ``sentinel`` (non-null on rows with more fields than the header).
    ``line_base``: the line/row number of the header, so row ``item`` is on
    ``line_base + 1 + item``; None when the format has no lines (Parquet).
    ``sample_lf``: the same table read only as far as its first rows, for the per-file
    decisions (decimal convention, date format); default ``lf``.
    ``rows_at(items, records)``: those records of ``lf`` (with ``item``) read directly (a CSV
    by byte offset), or None; the pass view's ``fetch`` then filters a scan of ``lf``.
    ``small``: the whole table is cheap to hold (a workbook sheet, a CSV within its head), so
    the rows below the table that are no lines are found and listed (see :func:`footer`);
    ``tail()``: else the table's last records (with ``item``) for the same, or None.
    """
    roles = _roles(path, headers, overrides or {}, header_line)
    # every data record gets an item number; records with no field at all (blank lines) go
    not_blank = pl.any_horizontal([pl.col(h).is_not_null() for h in headers])
    indexed = lf.with_row_index("item")
    lf = indexed.filter(not_blank)
    sample = _sample(path, lf, sample_lf, not_blank, roles, headers)
    decisions = _decide(path, sample, roles, decimal, warnings)
    roles = _numbers_by_content(path, sample, roles, decisions.decimal, warnings)
    roles = _distributor_numbers(sample, roles, headers)
    roles = _eda_symbols(sample, roles, headers)
    kind = "ledger" if cols.is_ledger(headers, roles) else "csv-bom"
    skipped = (
        footer(lf.collect(), roles, line_base) if small else _tail_footer(tail, roles, line_base)
    )
    if skipped:  # the rows below the table that are no lines: listed, not read
        keep = ~pl.col("item").is_in([i for s in skipped for i in s.items])
        lf, indexed = lf.filter(keep), indexed.filter(keep)
    layout = Layout(
        path, kind, headers, roles, indexed.collect_schema(), decisions, line_base, sentinel
    )
    frame = layout.canonical(lf)

    def fetch(items: list[int], records: int | None = None) -> pl.DataFrame:
        """The canonical lines of ``items`` (blank records left out): read directly when the
        reader can (``rows_at``), else filtered from a scan of the whole table."""
        raw = rows_at(items, records) if rows_at is not None else None
        if raw is None:
            return lines_of_items(frame, items)
        return layout.canonical(raw.lazy().filter(not_blank)).collect()

    one_name = len(layout.name_cols) == 1
    # the pass reads every record, blank ones too, when the hint can find them (one name
    # column); with several name columns the records are unpivoted, so it reads the lines
    pass_lines = layout.canonical(indexed if one_name else lf, for_pass=True)
    meta = dataclasses.replace(
        meta,
        decimal=decisions.decimal,
        decimal_source=decisions.decimal_source,
        date_format=decisions.date_format,
        columns=dict(roles.items()),
        money_column=layout.money_col,
        name_columns=layout.name_cols,
        extra_columns=layout.extra_cols,
    )
    return ReadResult(
        source=path,
        kind=kind,
        lines=frame,
        items_read=None,
        skipped=skipped,
        warnings=warnings,
        meta=meta,
        pass_view=PassView(
            lines=pass_lines,
            fetch=fetch,
            one_row_per_item=one_name,
            canonical=lambda raw: layout.canonical(raw.lazy().filter(not_blank)).collect(),
        ),
    )
