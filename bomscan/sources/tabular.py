"""CSV/TSV BOMs and spend ledgers -> canonical lines, lazily, so a 10M-row ledger streams.

Only the head of the file is read in Python (encoding, delimiter, header row, column roles, and a
check of the first rows' field counts); the body is scanned by polars with every column as text.
Everything after that (roles -> amount, currency, date, extras) is :func:`lines_from_frame`, which
the Parquet and Excel readers (:mod:`.binary_tables`) share, so the three read money and dates
the same way.

Encodings: UTF-8 with or without BOM is scanned in place; UTF-16 (with BOM) and anything that is
not UTF-8 (guessed with charset-normalizer, usually Windows-1252; a warning says so) are
transcoded to a temporary UTF-8 file in chunks, so memory stays flat.

Field counts: a row with more fields than the header is kept (the extra fields are ignored) and
counted and listed by the report (``summary.lines_ragged``; polars marks it through a sentinel
column). A row with fewer fields is read with the missing fields empty; the first MiB is checked
exactly and such rows are listed in a warning.

Line numbers are the physical line of the record, header = line 1 when it is the first line:
``header_line + 1 + item`` when every record is one line; when the file has quoted line breaks
the exact lines of the rows a report shows are recomputed with :mod:`csv` (see ``_relocator``).
"""

from __future__ import annotations

import atexit
import codecs
import csv
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable

import polars as pl

from bomscan.errors import InputError
from bomscan.sources import columns as cols
from bomscan.sources import dates, line_breaks, money
from bomscan.sources.schema import (
    BLANK_HINT,
    EXTRA_PREFIX,
    RAW_NAME,
    PassView,
    ReadResult,
    conform,
    lines_of_items,
)

HEAD_BYTES = 1 << 20
SAMPLE_ROWS = 2000
DELIMITERS = (",", ";", "\t", "|")
SENTINEL = "\x00bomscan-extra-field"
RAGGED = EXTRA_PREFIX + "__ragged"  # true when the row had more fields than the header
RAW_AMOUNT = EXTRA_PREFIX + "__raw_amount"  # the amount text, so unparsed values are listed
RAW_CURRENCY = EXTRA_PREFIX + "__raw_currency"  # the currency text (see currency_from_text)
# true where the money cell holds text that is not an amount (money.with_amount decides it)
UNPARSED = EXTRA_PREFIX + "__unparsed"


def name_text(cell: pl.Expr) -> pl.Expr:
    """A name cell as the ``name`` column holds it: stripped, empty as null."""
    s = cell.cast(pl.String).str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def currency_from_text(text: pl.Expr) -> pl.Expr:
    """The ``currency`` column from the currency as written."""
    return text.str.strip_chars().str.to_uppercase()


def decode_head(path: str, head: bytes) -> tuple[str, str, str | None]:
    """(encoding for python, decoded head text, warning when the encoding was guessed)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", head[3:].decode("utf-8", errors="replace"), None
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", head.decode("utf-16", errors="replace"), None
    try:
        return "utf-8", head.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4 and len(head) >= HEAD_BYTES:  # cut by the head boundary
            return "utf-8", head[: exc.start].decode("utf-8"), None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(head[:65536]).best()
        guess = best.encoding if best is not None else "cp1252"
    except Exception:  # pragma: no cover - the detector is best effort
        guess = "cp1252"
    if guess in ("ascii", "utf_8", "utf-8"):
        guess = "cp1252"
    text = head.decode(guess, errors="replace")
    return guess, text, f"{path}: not UTF-8; encoding guessed as {guess}"


_TEMP_DIRS: list[str] = []


def _cleanup_temp() -> None:
    for d in _TEMP_DIRS:
        shutil.rmtree(d, ignore_errors=True)


atexit.register(_cleanup_temp)


def transcode(path: str, encoding: str) -> str:
    """A temporary UTF-8 copy of ``path`` (chunked; deleted at exit) for polars to scan."""
    tmp = tempfile.mkdtemp(prefix="bomscan-")
    _TEMP_DIRS.append(tmp)
    out = os.path.join(tmp, "input.utf8.csv")
    dec = codecs.getincrementaldecoder(encoding)(errors="replace")
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(1 << 22):
            dst.write(dec.decode(chunk))
        dst.write(dec.decode(b"", final=True))
    return out


def sniff_delimiter(text: str) -> str:
    # at most 64 KB of each line: csv refuses fields over 128 KB, and a count needs no more
    lines = [ln[:65536] for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ",", -1.0
    for d in DELIMITERS:
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines[:50]]
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=lambda c: (counts.count(c), c))  # ties: more fields
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = d, score
    return best


def find_header(rows: list[list[str]], overrides: dict[str, str]) -> int | None:
    wanted = {cols.compare_form(h) for h in overrides.values()}
    for i, row in enumerate(rows[:50]):
        row = [c for c in row if c is not None]
        forms = [cols.compare_form(c) for c in row]
        if wanted and wanted <= set(forms):
            return i
        roles = {cols.role_of(c) for c in row} - {None}
        if roles & set(cols.NAME_ROLES) and (len(roles) >= 2 or len(row) <= 2):
            return i
    return None


def unique_headers(raw: list[str | None]) -> tuple[list[str], list[str]]:
    """Headers made unique and non-empty, with a warning for each repair."""
    seen: dict[str, int] = {}
    out, notes = [], []
    for i, h in enumerate(raw):
        h = (h or "").strip()
        if not h:
            notes.append(f"column {i + 1} has no header; called 'column {i + 1}'")
            h = f"column {i + 1}"
        if h in seen:
            seen[h] += 1
            new = f"{h} ({seen[h]})"
            while new in seen:
                seen[h] += 1
                new = f"{h} ({seen[h]})"
            notes.append(f"duplicate header {h!r}; column {i + 1} called {new!r}")
            h = new
        seen.setdefault(h, 1)
        out.append(h)
    return out, notes


def _head_field_counts(
    text: str, delimiter: str, header_line: int, n_fields: int, complete: bool
) -> tuple[list[int], list[int]]:
    """(lines with fewer fields, lines with more fields) among the records in the head text."""
    if text.count("\r") == text.count("\r\n") and (
        '"' not in text or all(line.count('"') % 2 == 0 for line in text.split("\n"))
    ):
        return _plain_field_counts(text, delimiter, header_line, n_fields, complete)
    return _csv_field_counts(text, delimiter, header_line, n_fields, complete)


def _plain_field_counts(
    text: str, delimiter: str, header_line: int, n_fields: int, complete: bool
) -> tuple[list[int], list[int]]:
    """:func:`_head_field_counts` of a text whose every line has an even number of quotes (and
    no lone CR). No line then ends inside a quoted field (each quote toggles in and out of
    one, a doubled quote twice), so a line is a record; a line without quotes has its
    delimiters + 1 fields, and only the lines whose count is off, or that have quotes, are
    split (the csv module over the whole head took 35-50 ms on a 1 MiB head)."""
    lines = text.split("\n")
    if not complete or lines[-1] == "":
        lines.pop()  # cut by the head boundary, or after the final line break

    def rows():
        for number, line in enumerate(lines, 1):
            line = line.removesuffix("\r")
            quoted = '"' in line
            if number <= header_line or not line:
                continue
            if quoted:
                yield number, next(csv.reader([line], delimiter=delimiter))
            elif line.count(delimiter) != n_fields - 1:
                yield number, line.split(delimiter)

    return _short_and_long(rows(), n_fields)


def _csv_field_counts(
    text: str, delimiter: str, header_line: int, n_fields: int, complete: bool
) -> tuple[list[int], list[int]]:
    """:func:`_head_field_counts` by the csv module (quoted fields may hold delimiters and
    line breaks)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 0
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            first = start + 1
            start = reader.line_num
            if first <= header_line or not row:
                continue
            rows.append((first, row))
    except csv.Error:
        pass
    if not complete and rows:
        rows.pop()  # the last record may be cut by the head boundary
    return _short_and_long(rows, n_fields)


def _short_and_long(
    rows: Iterable[tuple[int, list[str]]], n_fields: int
) -> tuple[list[int], list[int]]:
    """(lines of the rows with fewer fields than the header, lines of those with more), from
    (line, fields) pairs; empty extra or missing fields do not count."""
    short: list[int] = []
    long: list[int] = []
    for line, row in rows:
        if len(row) < n_fields and any(f.strip() for f in row):
            short.append(line)
        elif len(row) > n_fields and any(f.strip() for f in row[n_fields:]):
            long.append(line)
    return short, long


def read(
    path: str,
    head: bytes,
    *,
    overrides: dict[str, str] | None = None,
    decimal: str | None = None,
    size: int | None = None,
) -> ReadResult:
    overrides = overrides or {}
    encoding, text, enc_warning = decode_head(path, head)
    warnings = [enc_warning] if enc_warning else []
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    line_ends: list[int] = []
    try:
        for row in reader:
            rows.append(row)
            line_ends.append(reader.line_num)
            if len(rows) >= 60:
                break
    except csv.Error as exc:
        raise InputError(
            f"cannot be read as CSV ({exc})", path=path, line=reader.line_num
        ) from None
    if not rows:
        raise InputError("empty file: no header and no rows", path=path)
    header_idx = find_header(rows, overrides)
    if header_idx is None:
        raise InputError(
            "no manufacturer, supplier or vendor column found in the first rows "
            "(name it with --column vendor=HEADER)",
            path=path,
            line=1,
        )
    header_line = line_ends[header_idx]  # physical line on which the header ends
    headers, notes = unique_headers(rows[header_idx])
    warnings += [f"{path}:{header_line}: {n}" for n in notes]

    complete = size is None or size <= len(head)
    short, _long = _head_field_counts(text, delimiter, header_line, len(headers), complete)
    if short:
        shown = ", ".join(str(x) for x in short[:10]) + (" ..." if len(short) > 10 else "")
        warnings.append(
            f"{path}: {len(short)} row(s) in the first MiB have fewer fields than the header "
            f"({len(headers)}); the missing fields are read as empty: line(s) {shown}"
        )

    # The body: polars reads it with every column as text, from a UTF-8 file.
    scan_path = path
    if encoding not in ("utf-8", "utf-8-sig"):
        scan_path = transcode(path, encoding)
    if encoding == "utf-16":
        warnings.append(f"{path}: read as UTF-16 (byte order mark)")
    scan_options = csv_scan_options(headers, delimiter, header_line)
    lf = pl.scan_csv(scan_path, **scan_options)
    # the per-file decisions read a sample: the first records, parsed from the head already in
    # memory when it holds them all (about 10 ms), else from a scan that stops early (a head()
    # of the full scan cost ~0.12 s at any file size, most of a small CSV's run)
    sample_lf = None
    if scan_path == path:
        sample_lf = _head_sample(head, complete, scan_options)
    if sample_lf is None:
        sample_lf = pl.scan_csv(scan_path, n_rows=2 * SAMPLE_ROWS, **scan_options)
    meta = {
        "format": "tsv" if delimiter == "\t" else "csv",
        "delimiter": delimiter,
        "encoding": encoding,
        "encoding_guessed": enc_warning is not None,
        "header_line": header_line,
    }
    index = LineIndex(scan_path)

    def rows_at(items: list[int], records: int | None) -> pl.DataFrame | None:
        """The raw records of ``items`` read at their byte offsets, or None when the file's
        records are not one line each (or it is too small to have been indexed)."""
        if records is None or index.lines() - header_line != records:
            return None
        found = index.read_lines([header_line + 1 + i for i in items])
        if found is None:
            return None
        body = b"\n".join(found) + b"\n"
        raw = pl.read_csv(io.BytesIO(body), **{**scan_options, "skip_lines": 0})
        if raw.height != len(items):  # not the records the pass numbered: use the scan
            return None
        return raw.with_columns(pl.Series("item", items, dtype=pl.UInt32))

    result = lines_from_frame(
        path,
        lf,
        headers,
        overrides=overrides,
        decimal=decimal,
        line_base=header_line,
        header_line=header_line,
        warnings=warnings,
        meta=meta,
        sentinel=SENTINEL,
        sample_lf=sample_lf,
        rows_at=rows_at,
    )
    result.meta["relocate"] = _relocator(scan_path, delimiter, header_line, index)
    return result


def csv_scan_options(headers: list[str], delimiter: str, header_line: int) -> dict:
    """How polars reads a CSV body: every column as text, after ``header_line`` lines, plus
    the sentinel column that catches a row's extra fields (see RAGGED)."""
    return dict(
        has_header=False,
        separator=delimiter,
        skip_lines=header_line,
        schema={**{h: pl.String for h in headers}, SENTINEL: pl.String},
        encoding="utf8",
        truncate_ragged_lines=True,
        missing_columns="insert",
        raise_if_empty=False,
        quote_char='"',
    )


def _head_sample(head: bytes, complete: bool, scan_options: dict) -> pl.LazyFrame | None:
    """The first ``2 * SAMPLE_ROWS`` records as the scan reads them, parsed from the head
    bytes; None when the head does not hold that many whole records (or does not parse)."""
    want = 2 * SAMPLE_ROWS
    body = head if complete else head[: head.rfind(b"\n") + 1]
    try:
        frame = pl.read_csv(io.BytesIO(body), n_rows=want + 1, **scan_options)
    except pl.exceptions.PolarsError:
        return None
    if not complete:
        if frame.height <= want:  # the last record may be cut by the head's end: not enough
            return None
    return frame.head(want).lazy()


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
    meta: dict,
    sentinel: str | None = None,
    sample_lf: pl.LazyFrame | None = None,
    rows_at: Callable[[list[int], int | None], pl.DataFrame | None] | None = None,
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
    """
    overrides = overrides or {}
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
    name_cols = [h for r in cols.NAME_ROLES for h in roles.get(r, [])]
    if not name_cols:
        raise InputError(
            "no manufacturer, supplier or vendor column (use --column vendor=HEADER)",
            path=path,
            line=header_line,
        )
    kind = "ledger" if cols.is_ledger(headers, roles) else "csv-bom"
    schema = lf.collect_schema()

    # every data record gets an item number; records with no field at all (blank lines) go
    not_blank = pl.any_horizontal([pl.col(h).is_not_null() for h in headers])
    indexed = lf.with_row_index("item")
    lf = indexed.filter(not_blank)

    # Per-file decisions from a sample of the body.
    sample_cols = list(
        dict.fromkeys(roles.get("amount", []) + roles.get("unit_price", []) + roles.get("date", []))
    )
    sample = None
    if sample_cols:
        try:
            src = lf
            if sample_lf is not None:  # the same rows, from a scan of the first ones only
                src = sample_lf.filter(not_blank)
            sample = src.select(sample_cols).head(SAMPLE_ROWS).collect(engine="streaming")
        except pl.exceptions.PolarsError as exc:
            raise InputError(f"cannot be read ({_first_line(exc)})", path=path) from None
    dec = decimal or "dot"
    dec_source = "option" if decimal else "default"
    money_cols = roles.get("amount", []) + roles.get("unit_price", [])
    if decimal is None and sample is not None and money_cols:
        dec = money.detect_decimal(pl.concat([sample[c].cast(pl.String) for c in money_cols]))
        dec_source = "detected"
    date_fmt = None
    if "date" in roles and sample is not None:
        date_fmt = dates.detect_format(sample[roles["date"][0]])
        if date_fmt is None and sample[roles["date"][0]].drop_nulls().len():
            warnings.append(f"{path}: column {roles['date'][0]!r} has no recognisable dates")

    def one(role: str) -> str | None:
        hs = roles.get(role)
        return hs[0] if hs else None

    part, desc = one("part"), one("description")
    qty, unit, amount, cur, date = (
        one(r) for r in ("quantity", "unit_price", "amount", "currency", "date")
    )
    money_col = amount or unit
    used = set(name_cols) | {c for c in (part, desc, qty, unit, amount, cur, date) if c}
    extra_cols = [h for h in headers if h not in used]

    def canonical(src: pl.LazyFrame, for_pass: bool = False) -> pl.LazyFrame:
        """``src`` (the table's columns plus ``item``) as canonical lines, with every decision
        above; ``for_pass``: plus the pass view's RAW_NAME and BLANK_HINT (see PassView)."""
        line_expr = (
            (pl.col("item").cast(pl.Int64) + line_base + 1)
            if line_base is not None
            else pl.lit(None, pl.Int64)
        )
        exprs: list[pl.Expr] = [
            pl.lit(path).alias("source"),
            pl.lit(kind).alias("kind"),
            pl.col("item").cast(pl.Int64),
            line_expr.alias("line"),
            pl.lit(None, dtype=pl.String).alias("bom_ref"),
        ]
        exprs.append(
            pl.col(part).cast(pl.String).alias("part")
            if part
            else pl.lit(None, pl.String).alias("part")
        )
        exprs.append(
            pl.col(desc).cast(pl.String).alias("description")
            if desc
            else pl.lit(None, pl.String).alias("description")
        )
        # parsed money columns, added in stages (see money.with_amount)
        if qty:
            src = money.with_amount(src, qty, "dot", schema[qty], "\x00qty")
        if unit:
            src = money.with_amount(
                src,
                unit,
                dec,
                schema[unit],
                "\x00unit",
                "\x00cur" if money_col == unit else None,
                UNPARSED if money_col == unit else None,
            )
        if amount:
            src = money.with_amount(
                src,
                amount,
                dec,
                schema[amount],
                "\x00amount",
                "\x00cur",
                UNPARSED,
            )
        q = pl.col("\x00qty") if qty else pl.lit(None, pl.Float64)
        u = pl.col("\x00unit") if unit else pl.lit(None, pl.Float64)
        exprs.append(q.alias("quantity"))
        exprs.append(u.alias("unit_price"))
        if amount:
            a = pl.col("\x00amount")
        elif unit:
            a = u * pl.coalesce(q, pl.lit(1.0))
        else:
            a = pl.lit(None, pl.Float64)
        exprs.append(a.alias("amount"))
        # the currency as written (or a code inside the amount cell); ``currency`` is it
        # stripped and upper-cased (codes found in amounts already are), which a ledger pass
        # does after grouping, on a few distinct values, instead of on every row (see
        # RAW_CURRENCY)
        raw_cur = pl.col(cur).cast(pl.String) if cur else pl.lit(None, pl.String)
        if money_col:
            raw_cur = pl.coalesce(raw_cur, pl.col("\x00cur"))
        exprs.append(currency_from_text(raw_cur).alias("currency"))
        exprs.append(
            dates.date_expr(date, date_fmt).alias("date")
            if date
            else pl.lit(None, pl.Date).alias("date")
        )
        extras = [pl.col(h).cast(pl.String).alias(EXTRA_PREFIX + h) for h in extra_cols]
        internal = []
        if money_col:
            internal.append(pl.col(money_col).cast(pl.String).alias(RAW_AMOUNT))
            internal.append(pl.col(UNPARSED).fill_null(False))
        internal.append(raw_cur.alias(RAW_CURRENCY))
        if sentinel is not None:
            internal.append(pl.col(sentinel).is_not_null().alias(RAGGED))
        if len(name_cols) == 1:
            named = src.with_columns(
                pl.lit(name_cols[0]).alias("field"),
                name_text(pl.col(name_cols[0])).alias("name"),
                pl.lit(True).alias("primary"),
            )
            if for_pass:
                # the cells the pass reads; a blank record has all of them empty
                read = [name_cols[0], *([money_col] if money_col else []), *([cur] if cur else [])]
                read += [sentinel] if sentinel is not None else []
                internal.append(pl.col(name_cols[0]).cast(pl.String).alias(RAW_NAME))
                hint = pl.all_horizontal([pl.col(c).is_null() for c in read])
                internal.append(hint.alias(BLANK_HINT))
        else:
            keep = [c for c in src.collect_schema().names() if c not in name_cols]
            named = (
                src.with_columns([pl.col(c).cast(pl.String) for c in name_cols])
                .unpivot(on=name_cols, index=keep, variable_name="field", value_name="name")
                .with_columns(pl.col("name").str.strip_chars())
                .sort("item", maintain_order=True)
            )
            # keep the named rows of an item, or one row if it names nobody
            has_name = pl.col("name").is_not_null().any().over("item")
            named = named.filter(pl.col("name").is_not_null() | ~has_name)
            named = named.with_columns((pl.int_range(pl.len()).over("item") == 0).alias("primary"))
            named = named.filter(pl.col("primary") | pl.col("name").is_not_null())
            named = named.with_columns(
                pl.when(pl.col("name") == "").then(None).otherwise(pl.col("name")).alias("name")
            )
            if for_pass:  # read from the blank-free lines (see pass_view below): no hint
                internal.append(pl.col("name").alias(RAW_NAME))
                internal.append(pl.lit(False).alias(BLANK_HINT))
        frame = named.select(
            [*exprs, pl.col("field"), pl.col("name"), pl.col("primary"), *extras, *internal]
        )
        return conform(frame)

    frame = canonical(lf)

    def fetch(items: list[int], records: int | None = None) -> pl.DataFrame:
        """The canonical lines of ``items`` (blank records left out): read directly when the
        reader can (``rows_at``), else filtered from a scan of the whole table."""
        raw = rows_at(items, records) if rows_at is not None else None
        if raw is None:
            return lines_of_items(frame, items)
        return canonical(raw.lazy().filter(not_blank)).collect()

    # the pass reads every record, blank ones too, when the hint can find them (one name
    # column); with several name columns the records are unpivoted, so it reads the lines
    pass_lines = canonical(indexed if len(name_cols) == 1 else lf, for_pass=True)
    meta = {
        **meta,
        "decimal": dec,
        "decimal_source": dec_source,
        "date_format": date_fmt,
        "columns": {r: hs for r, hs in roles.items()},
        "money_column": money_col,
        "name_columns": name_cols,
        "extra_columns": extra_cols,
    }
    return ReadResult(
        source=path,
        kind=kind,
        lines=frame,
        items_read=None,
        warnings=warnings,
        meta=meta,
        pass_view=PassView(
            lines=pass_lines,
            fetch=fetch,
            one_row_per_item=len(name_cols) == 1,
        ),
    )


def _relocator(path: str, delimiter: str, header_line: int, index: LineIndex):
    """Exact physical lines for some items, for files whose records are not one line each.

    ``path`` is the UTF-8 file polars scanned (the original, or its transcoded copy: same lines).
    Items are numbered like polars numbers records: every record after the header, blank
    lines included. The line count comes from ``index`` (``read`` starts a large file's in the
    background; a small file is counted when first asked).
    """

    def relocate(items: list[int], total_items: int) -> dict[int, int] | None:
        if not items:
            return {}
        if index.lines() - header_line == total_items:
            return None  # header_line + 1 + item is right
        wanted = set(items)
        found: dict[int, int] = {}
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            start_line = 0
            idx = -1
            for _row in reader:
                line_started = start_line + 1
                start_line = reader.line_num
                if line_started <= header_line:
                    continue
                idx += 1
                if idx in wanted:
                    found[idx] = line_started
                    if len(found) == len(wanted):
                        break
        return found

    return relocate


NUMPY_COUNT_MIN = line_breaks.NUMPY_COUNT_MIN  # from which the count keeps offsets (numpy)


class LineIndex:
    """The file's line count and, for large files, how many line breaks each ``BLOCK`` bytes
    hold; counted once, when the report first needs it.

    Why: the pass reads a few columns of every row and keeps only the item numbers of the rows
    the report lists; when every record is one line, item ``i`` is line
    ``header_line + 1 + i``, and ``read_lines`` reads those lines back (one ``BLOCK`` read to
    find where each starts) instead of a second scan of the whole file (see docs/perf.md).

    Counted with numpy over a memory map, 1 MiB at a time, one count per block
    (:func:`~bomscan.sources.line_breaks.count_breaks`), each window's pages dropped once
    counted, so the peak memory holds one window, not the file. Small files are counted with
    ``bytes.count`` and not indexed (their fetch filters a scan instead).
    """

    BLOCK = line_breaks.BLOCK  # bytes per counted block: 255 words

    def __init__(self, path: str) -> None:
        self.path = path
        self._count: int | None = None
        self._ends = None  # line breaks up to the end of each block (cumulative), or None

    def lines(self) -> int:
        """Lines in the file (a last line without a newline counts); -1 when unreadable."""
        if self._count is None:
            try:
                self._count, self._ends = line_breaks.count_breaks(
                    self.path, self.BLOCK, NUMPY_COUNT_MIN
                )
            except (OSError, ValueError):
                # unreadable meanwhile: no count and no index; the report then reads rows
                # through the scan, which names the file in its one-line error
                self._count, self._ends = -1, None
        return self._count

    def read_lines(self, numbers: list[int]) -> list[bytes] | None:
        """The bytes of these 1-based lines (ascending), without their ``\\n``; None when the
        file was not indexed."""
        self.lines()
        ends = self._ends
        if ends is None:
            return None
        block = self.BLOCK
        out: list[bytes] = []
        with open(self.path, "rb") as fh:
            seen, parts = -1, []
            for number in numbers:
                brk = number - 1  # the line break before the line (line 1 has none)
                if brk == 0:
                    fh.seek(0)
                    b, parts, m = -1, fh.read(block).split(b"\n"), 0
                else:
                    b = line_breaks.block_of(ends, brk)  # the block holding that break
                    if b != seen:  # the block and a little more, cut at its line breaks
                        fh.seek(b * block)
                        parts = fh.read(block + 4096).split(b"\n")
                    m = brk - (ends[b - 1] if b else 0)  # the m-th break in the block
                seen = b
                text = parts[m]
                if m == len(parts) - 1:  # no line break after it in what was read
                    fh.seek(b * block + sum(len(p) + 1 for p in parts[:m]) if b >= 0 else 0)
                    text = fh.readline()
                out.append(text.removesuffix(b"\n"))
        return out


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
