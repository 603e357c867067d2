"""Parquet and Excel (.xlsx) ledgers -> canonical lines, through the same path as CSV.

Both end in :func:`bomscan.sources.lines.lines_from_frame`, so roles, money, currencies, dates
and extras behave exactly as for CSV.

- Parquet is scanned lazily (``scan_parquet``); numeric and date columns are used as they are,
  other columns as text. Parquet has no lines: findings point at the 0-based row (``item``).
- Excel: the first sheet, or ``--sheet NAME``, read with fastexcel (calamine) with every cell as
  text, so a stray ``n/a`` in an amount column is reported as unparsed rather than silently
  nulled by type inference. The header row is found like CSV's (a title row above it is fine);
  line numbers are the spreadsheet's row numbers.
"""

from __future__ import annotations

import re
import zipfile

import polars as pl

from bomscan.errors import InputError
from bomscan.model import TableMeta
from bomscan.sources import lines, tabular


def read(
    path: str,
    kind: str,
    *,
    overrides: dict[str, str] | None = None,
    decimal: str | None = None,
    sheet: str | None = None,
):
    if kind == "parquet":
        return _read_parquet(path, overrides, decimal)
    return _read_xlsx(path, overrides, decimal, sheet)


def _read_parquet(path, overrides, decimal):
    try:
        lf = pl.scan_parquet(path)
        schema = lf.collect_schema()
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(
            f"cannot be read as Parquet ({lines.first_line(exc)})", path=path
        ) from None
    headers = list(schema.names())
    casts = []
    for h, dt in schema.items():
        keep = dt.is_numeric() or dt == pl.Date or isinstance(dt, pl.Datetime) or dt == pl.String
        casts.append(pl.col(h) if keep else pl.col(h).cast(pl.String))
    lf = lf.select(casts)
    return lines.lines_from_frame(
        path,
        lf,
        headers,
        overrides=overrides,
        decimal=decimal,
        line_base=None,
        header_line=None,
        warnings=[],
        meta=TableMeta(format="parquet"),
    )


def _read_xlsx(path, overrides, decimal, sheet):
    import fastexcel

    try:
        book = fastexcel.read_excel(path)
        names = book.sheet_names
    except Exception as exc:  # fastexcel raises its own error types
        raise InputError(
            f"cannot be read as an Excel workbook ({lines.first_line(exc)})", path=path
        ) from None
    if not names:
        raise InputError("the workbook has no sheets", path=path)
    if sheet is not None and sheet not in names:
        raise InputError(
            f"no sheet {sheet!r} (sheets: {', '.join(repr(n) for n in names)})", path=path
        )
    warnings: list[str] = []
    target = sheet if sheet is not None else _bom_sheet(path, book, names, overrides, warnings)
    try:
        raw = book.load_sheet(target, header_row=None, dtypes="string").to_polars()
    except Exception as exc:
        raise InputError(
            f"sheet {target!r} cannot be read ({lines.first_line(exc)})", path=path
        ) from None
    if raw.height == 0:
        raise InputError(f"sheet {target!r} is empty", path=path)
    first_row = _first_used_row(path, names.index(target))
    rows = [list(r) for r in raw.head(60).iter_rows()]
    idx = tabular.find_header(rows, overrides or {})
    if idx is None:
        raise InputError(
            f"sheet {target!r}: no manufacturer, supplier or vendor column found in the first "
            "rows (name it with --column vendor=HEADER)",
            path=path,
            line=first_row,
        )
    header_row = first_row + idx  # the spreadsheet row number of the header
    headers, notes = tabular.unique_headers(rows[idx])
    warnings += [f"{path}:{header_row}: {n}" for n in notes]
    body = raw.slice(idx + 1)
    body.columns = headers
    return lines.lines_from_frame(
        path,
        body.lazy(),
        headers,
        overrides=overrides,
        decimal=decimal,
        line_base=header_row,
        header_line=header_row,
        warnings=warnings,
        meta=TableMeta(format="xlsx", sheet=target, sheets=list(names), header_row=header_row),
    )


def _bom_sheet(path: str, book, names: list[str], overrides, warnings: list[str]) -> str:
    """The sheet to read: the first one when its first rows hold a BOM or ledger header (the
    other qualifying sheets are named in a warning, not read), else the one later sheet that
    does (a workbook whose first sheet is notes). When several later sheets do, or none does,
    the error names the sheets and ``--sheet``."""
    if len(names) == 1:
        return names[0]
    found = []
    for name in names:
        try:
            head = book.load_sheet(name, header_row=None, dtypes="string", n_rows=60)
            rows = [list(r) for r in head.to_polars().iter_rows()]
        except Exception:  # an unreadable sheet is not a candidate; reading it says why
            continue
        if rows and tabular.find_header(rows, overrides or {}) is not None:
            found.append(name)
    listed = ", ".join(repr(n) for n in names)
    if found and (found[0] == names[0] or len(found) == 1):
        others = ", ".join(repr(n) for n in found[1:])
        if others:
            warnings.append(
                f"{path}: sheet(s) {others} also hold a BOM or ledger header and were not "
                f"read (read one with --sheet NAME)"
            )
        return found[0]
    if not found:
        raise InputError(
            f"no sheet has a BOM or ledger header in its first rows (sheets: {listed}); "
            "choose one with --sheet NAME and name its columns with --column",
            path=path,
        )
    raise InputError(
        f"several sheets hold a BOM or ledger ({', '.join(repr(n) for n in found)}); "
        "choose one with --sheet NAME",
        path=path,
    )


def _first_used_row(path: str, sheet_index: int) -> int:
    """The row number where the sheet's used range starts (calamine skips empty top rows)."""
    try:
        with zipfile.ZipFile(path) as z:
            wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rids = re.findall(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", wb)
            if sheet_index >= len(rids):
                return 1
            m = re.search(
                r"<Relationship\b[^>]*?Id=\"" + re.escape(rids[sheet_index]) + r"\"[^>]*?/>", rels
            )
            target = re.search(r"Target=\"([^\"]+)\"", m.group(0)).group(1) if m else None
            if not target:
                return 1
            target = target.lstrip("/")
            member = target if target.startswith("xl/") else "xl/" + target
            with z.open(member) as fh:
                head = fh.read(65536).decode("utf-8", "replace")
        dim = re.search(r"<(?:\w+:)?dimension\s+ref=\"[A-Z]+(\d+)", head)
        if dim:
            return int(dim.group(1))
        row = re.search(r"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"", head)
        return int(row.group(1)) if row else 1
    except (KeyError, OSError, zipfile.BadZipFile, AttributeError):
        return 1
