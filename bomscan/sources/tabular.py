"""CSV/TSV BOMs and spend ledgers -> canonical lines, lazily, so a 10M-row ledger streams.

Only the head of the file is read in Python (encoding, delimiter, header row, column roles,
decimal convention, date format); the body is scanned by polars with every column as text and
parsed column-wise. One row per data record and name column (``unpivot``), so a BOM with both a
Manufacturer and a Supplier column screens both.

Line numbers are the physical line of the record, header = line 1 when it is the first line:
``header_line + 1 + item`` when every record is one line; when the file has blank lines or quoted
line breaks the exact lines of the findings are recomputed with :mod:`csv` (see ``relocate``).
"""

from __future__ import annotations

import codecs
import csv
import io
import os

import polars as pl

from bomscan.errors import InputError
from bomscan.sources import columns as cols
from bomscan.sources import dates, money
from bomscan.sources.schema import EXTRA_PREFIX, ReadResult, conform

HEAD_BYTES = 1 << 20
SAMPLE_ROWS = 2000
DELIMITERS = (",", ";", "\t", "|")


def decode_head(path: str, head: bytes) -> tuple[str, str, str | None]:
    """(encoding for polars/python, decoded head text, warning or None)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", head[3:].decode("utf-8", errors="replace"), None
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", head.decode("utf-16", errors="replace"), None
    try:
        return "utf-8", head.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the head boundary
            return "utf-8", head[: exc.start].decode("utf-8"), None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(head[:65536]).best()
        guess = best.encoding if best is not None else "cp1252"
    except Exception:  # pragma: no cover - the detector is best effort
        guess = "cp1252"
    if guess in ("ascii", "utf_8"):
        guess = "cp1252"
    text = head.decode(guess, errors="replace")
    return guess, text, f"{path}: not UTF-8; encoding guessed as {guess}"


def sniff_delimiter(text: str) -> str:
    # at most 64 KB of each line: csv refuses fields over 128 KB, and a count needs no more
    lines = [ln[:65536] for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ",", -1.0
    for d in DELIMITERS:
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines[:50]]
        if not counts or max(counts) < 2:
            continue
        # the most frequent field count among lines that are split at all (title lines above a
        # header have one field whatever the delimiter); ties go to the wider split
        multi = [c for c in counts if c >= 2]
        common = max(sorted(set(multi)), key=lambda c: (multi.count(c), c))
        score = multi.count(common) * common
        if score > best_score:
            best, best_score = d, score
    return best


def find_header(rows: list[list[str]], overrides: dict[str, str]) -> int | None:
    wanted = {cols.compare_form(h) for h in overrides.values()}
    for i, row in enumerate(rows[:50]):
        forms = [cols.compare_form(c) for c in row]
        if wanted and wanted <= set(forms):
            return i
        roles = {cols.role_of(c) for c in row} - {None}
        if roles & set(cols.NAME_ROLES) and (len(roles) >= 2 or len(row) <= 2):
            return i
    return None


def unique_headers(raw: list[str]) -> tuple[list[str], list[str]]:
    """Headers made unique and non-empty, with a warning for each repair."""
    seen: dict[str, int] = {}
    out, notes = [], []
    for i, h in enumerate(raw):
        h = h.strip()
        if not h:
            notes.append(f"column {i + 1} has no header; called 'column {i + 1}'")
            h = f"column {i + 1}"
        if h in seen:
            seen[h] += 1
            new = f"{h} ({seen[h]})"
            notes.append(f"duplicate header {h!r}; column {i + 1} called {new!r}")
            h = new
        else:
            seen[h] = 1
        out.append(h)
    return out, notes


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
    try:
        roles = cols.detect_roles(headers, overrides)
    except KeyError as exc:
        raise InputError(
            f"--column names header {exc.args[0]!r}, which the file does not have",
            path=path,
            line=header_line,
        ) from None
    except ValueError as exc:
        raise InputError(f"--column names unknown role {exc.args[0]!r}", path=path) from None
    name_cols = [h for r in cols.NAME_ROLES for h in roles.get(r, [])]
    if not name_cols:
        raise InputError(
            "no manufacturer, supplier or vendor column (use --column vendor=HEADER)",
            path=path,
            line=header_line,
        )
    kind = "ledger" if cols.is_ledger(headers, roles) else "csv-bom"

    # The body: polars reads it with every column as text, from the path when it is UTF-8.
    if encoding in ("utf-8", "utf-8-sig"):
        source: object = path
        pl_encoding = "utf8"
    else:
        with open(path, "rb") as fh:
            raw = fh.read()
        source = io.BytesIO(raw.decode(encoding, errors="replace").encode("utf-8"))
        pl_encoding = "utf8"
        if encoding == "utf-16":
            warnings.append(f"{path}: read as UTF-16")
    lf = pl.scan_csv(
        source,
        has_header=False,
        separator=delimiter,
        skip_lines=header_line,
        infer_schema=False,
        new_columns=headers,
        encoding=pl_encoding,
        truncate_ragged_lines=True,
        missing_columns="insert",
        raise_if_empty=False,
        quote_char='"',
    ).with_row_index("item")

    # Per-file decisions from a sample of the body.
    sample_cols = [
        c
        for c in (roles.get("amount", []) + roles.get("unit_price", []) + roles.get("date", []))
        if c
    ]
    sample = None
    if sample_cols:
        try:
            sample = lf.select(sample_cols).head(SAMPLE_ROWS).collect()
        except pl.exceptions.PolarsError as exc:
            raise InputError(f"cannot be read as CSV ({_first_line(exc)})", path=path) from None
    dec = decimal or "dot"
    if decimal is None and sample is not None:
        money_cols = roles.get("amount", []) + roles.get("unit_price", [])
        if money_cols:
            dec = money.detect_decimal(pl.concat([sample[c] for c in money_cols]))
    date_fmt = None
    if "date" in roles and sample is not None:
        date_fmt = dates.detect_format(sample[roles["date"][0]])
        if date_fmt is None:
            warnings.append(f"{path}: column {roles['date'][0]!r} has no recognisable dates")

    def one(role: str) -> str | None:
        hs = roles.get(role)
        return hs[0] if hs else None

    exprs: list[pl.Expr] = [
        pl.lit(path).alias("source"),
        pl.lit(kind).alias("kind"),
        pl.col("item").cast(pl.Int64),
        (pl.col("item").cast(pl.Int64) + header_line + 1).alias("line"),
        pl.lit(None, dtype=pl.String).alias("bom_ref"),
    ]
    part, desc = one("part"), one("description")
    exprs.append(pl.col(part).alias("part") if part else pl.lit(None, pl.String).alias("part"))
    exprs.append(
        pl.col(desc).alias("description") if desc else pl.lit(None, pl.String).alias("description")
    )
    qty, unit, amount, cur, date = (
        one(r) for r in ("quantity", "unit_price", "amount", "currency", "date")
    )
    q = money.amount_expr(qty, "dot") if qty else pl.lit(None, pl.Float64)
    u = money.amount_expr(unit, dec) if unit else pl.lit(None, pl.Float64)
    exprs.append(q.alias("quantity"))
    exprs.append(u.alias("unit_price"))
    if amount:
        a = money.amount_expr(amount, dec)
    elif unit:
        a = u * pl.coalesce(q, pl.lit(1.0))
    else:
        a = pl.lit(None, pl.Float64)
    exprs.append(a.alias("amount"))
    cur_expr = pl.col(cur).str.strip_chars().str.to_uppercase() if cur else pl.lit(None, pl.String)
    money_col = amount or unit
    if money_col:
        cur_expr = pl.coalesce(cur_expr, money.currency_in_amount_expr(money_col))
    exprs.append(cur_expr.alias("currency"))
    exprs.append(
        dates.date_expr(date, date_fmt).alias("date")
        if date
        else pl.lit(None, pl.Date).alias("date")
    )
    used = set(name_cols) | {c for c in (part, desc, qty, unit, amount, cur, date) if c}
    extras = [pl.col(h).alias(EXTRA_PREFIX + h) for h in headers if h not in used]
    # raw amount text, kept so unparsed amounts can be listed verbatim
    raw_amount = [pl.col(money_col).alias("x:__raw_amount")] if money_col else []

    if len(name_cols) == 1:
        named = lf.with_columns(
            pl.lit(name_cols[0]).alias("field"),
            pl.col(name_cols[0]).str.strip_chars().alias("name"),
            pl.lit(True).alias("primary"),
        )
    else:
        named = (
            lf.unpivot(
                on=name_cols,
                index=[c for c in ["item", *headers] if c not in name_cols],
                variable_name="field",
                value_name="name",
            )
            .with_columns(pl.col("name").str.strip_chars())
            .sort("item", maintain_order=True)
        )
        # keep the named rows of an item, or one row if it names nobody
        has_name = pl.col("name").is_not_null().any().over("item")
        named = named.filter(pl.col("name").is_not_null() | ~has_name)
        named = named.with_columns((pl.int_range(pl.len()).over("item") == 0).alias("primary"))
        named = named.filter(pl.col("primary") | pl.col("name").is_not_null())
    frame = named.select(
        [*exprs, pl.col("field"), pl.col("name"), pl.col("primary"), *extras, *raw_amount]
    )
    frame = conform(frame)
    meta = {
        "delimiter": delimiter,
        "encoding": encoding,
        "decimal": dec,
        "date_format": date_fmt,
        "header_line": header_line,
        "columns": {r: hs for r, hs in roles.items()},
        "money_column": money_col,
        "name_columns": name_cols,
        "relocate": _relocator(path, encoding, delimiter, header_line),
    }
    return ReadResult(
        source=path, kind=kind, lines=frame, items_read=None, warnings=warnings, meta=meta
    )


def _relocator(path: str, encoding: str, delimiter: str, header_line: int):
    """Exact physical lines for some items, for files whose records are not one line each."""

    def relocate(items: list[int], total_items: int) -> dict[int, int] | None:
        if not items:
            return {}
        if _simple_layout(path, header_line, total_items):
            return None  # header_line + 1 + item is right
        wanted = set(items)
        found: dict[int, int] = {}
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            start_line = 0
            idx = -1
            for _row in reader:
                line_started = start_line + 1
                start_line = reader.line_num
                if line_started <= header_line:
                    continue
                if not _row:
                    continue
                idx += 1
                if idx in wanted:
                    found[idx] = line_started
                    if len(found) == len(wanted):
                        break
        return found

    return relocate


def _simple_layout(path: str, header_line: int, total_items: int) -> bool:
    """True when the file has exactly one physical line per record after the header."""
    n = 0
    last = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    lines = n + (0 if last in (b"\n", b"") else 1)
    return lines - header_line == total_items


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__


def file_size(path: str) -> int:
    return os.path.getsize(path)
