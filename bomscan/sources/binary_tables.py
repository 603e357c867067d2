"""Parquet and Excel (.xlsx) ledgers -> canonical lines, through the same path as CSV.

Both end in :func:`bomscan.sources.lines.lines_from_frame`, so roles, money, currencies, dates
and extras behave exactly as for CSV.

- Parquet is scanned lazily (``scan_parquet``); numeric and date columns are used as they are,
  other columns as text. Parquet has no lines: findings point at the 0-based row (``item``).
- Excel: the sheet holding a BOM or ledger header (every such sheet when they share one header,
  each its own input named ``book.xlsx[Sheet]``), or ``--sheet NAME``, read with fastexcel
  (calamine) with every cell as text, so a stray ``n/a`` in an amount column is reported as unparsed rather than silently
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
    return table_lines(path, lf.select(typed_or_text(schema)), "parquet", overrides, decimal)


def typed_or_text(schema: pl.Schema) -> list[pl.Expr]:
    """A typed table's columns as bomscan reads them: numbers, dates and text as they are,
    any other type (booleans, lists, binary) as text. Parquet here, Spark's tables too."""
    return [
        pl.col(h)
        if dt.is_numeric() or dt == pl.Date or isinstance(dt, pl.Datetime) or dt == pl.String
        else pl.col(h).cast(pl.String)
        for h, dt in schema.items()
    ]


def table_lines(path: str, lf: pl.LazyFrame, fmt: str, overrides, decimal):
    """The lines of a typed table with no line numbers (Parquet, a Spark table): its columns
    are its headers, and findings point at the 0-based row (``item``)."""
    return lines.lines_from_frame(
        path,
        lf,
        lf.collect_schema().names(),
        overrides=overrides,
        decimal=decimal,
        line_base=None,
        header_line=None,
        warnings=[],
        meta=TableMeta(format=fmt),
    )


def _read_xlsx(path, overrides, decimal, sheet):
    """The sheet(s) holding a BOM or ledger, each as one input (see _sheets_to_read)."""
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
    notes: list[str] = []
    targets = [sheet] if sheet else _sheets_to_read(path, book, names, overrides, notes)
    if len(targets) == 1:
        results = [_read_sheet(path, path, book, names, targets[0], overrides, decimal)]
    else:
        results = [
            _read_sheet(path, sheet_label(path, t), book, names, t, overrides, decimal)
            for t in targets
        ]
    results[0].warnings[:0] = notes
    return results


def sheet_label(path: str, sheet: str) -> str:
    """How a report names one of several sheets read from a workbook: ``book.xlsx[Sheet]``."""
    return f"{path}[{sheet}]"


def _read_sheet(path, label, book, names, target, overrides, decimal):
    """One sheet as lines; ``label`` is the source the report names (the path, or
    ``path[sheet]`` when a workbook gives several inputs)."""
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
    warnings = [f"{label}:{header_row}: {n}" for n in notes]
    body = raw.slice(idx + 1)
    body.columns = headers
    return lines.lines_from_frame(
        label,
        body.lazy(),
        headers,
        overrides=overrides,
        decimal=decimal,
        line_base=header_row,
        header_line=header_row,
        warnings=warnings,
        meta=TableMeta(format="xlsx", sheet=target, sheets=list(names), header_row=header_row),
        small=True,  # the sheet is in memory already
    )


def _sheets_to_read(path: str, book, names: list[str], overrides, warnings: list[str]) -> list[str]:
    """The sheets whose first rows hold a BOM or ledger header.

    One such sheet is read. Several with the same header (a tab per month or per year) are all
    read, each as its own input, so no month's spend is left out. Several with different
    headers: when the first sheet is one of them, it is read and the others are named in a
    warning (a BOM on Sheet1 and an old paste on Sheet2); otherwise they are ambiguous (a data
    sheet and a summary of it would count spend twice) and the error names them and
    ``--sheet``, as it does when no sheet qualifies."""
    if len(names) == 1:
        return names
    found: dict[str, tuple] = {}
    for name in names:
        try:
            head = book.load_sheet(name, header_row=None, dtypes="string", n_rows=60)
            rows = [list(r) for r in head.to_polars().iter_rows()]
        except Exception:  # an unreadable sheet is not a candidate; reading it says why
            continue
        idx = tabular.find_header(rows, overrides or {}) if rows else None
        if idx is not None:
            cells = [(c or "").strip().casefold() for c in rows[idx]]
            while cells and not cells[-1]:
                cells.pop()
            found[name] = tuple(cells)
    if len(set(found.values())) == 1:
        _no_sheet_repeats_another(path, book, list(found))
        return list(found)
    if names[0] in found:
        others = ", ".join(repr(n) for n in found if n != names[0])
        warnings.append(
            f"{path}: sheet(s) {others} also hold a BOM or ledger header, with other columns, "
            f"and were not read (read one with --sheet NAME)"
        )
        return names[:1]
    if not found:
        listed = ", ".join(repr(n) for n in names)
        raise InputError(
            f"no sheet has a BOM or ledger header in its first rows (sheets: {listed}); "
            "choose one with --sheet NAME and name its columns with --column",
            path=path,
        )
    raise InputError(
        f"several sheets hold a BOM or ledger with different columns "
        f"({', '.join(repr(n) for n in found)}); choose one with --sheet NAME",
        path=path,
    )


def _no_sheet_repeats_another(path: str, book, sheets: list[str]) -> None:
    """Refuse tabs of one header when one holds every row of another (an "All" tab beside the
    months, a copied "Jan (2)"): reading both would count that spend twice."""
    if len(sheets) < 2:
        return
    rows = {}
    for name in sheets:
        frame = book.load_sheet(name, header_row=None, dtypes="string").to_polars()
        rows[name] = {r for r in frame.iter_rows() if any(c not in (None, "") for c in r)}
    for a in sheets:
        for b in sheets:
            if a != b and rows[b] and rows[b] <= rows[a]:
                raise InputError(
                    f"sheet {a!r} holds every row of sheet {b!r}: reading both would count "
                    "that spend twice; choose one with --sheet NAME",
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
