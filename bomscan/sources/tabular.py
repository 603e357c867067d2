"""CSV/TSV BOMs and spend ledgers -> canonical lines, lazily, so a 10M-row ledger streams.

Only the head of the file is read in Python (encoding, delimiter, header row, column roles, and a
check of the first rows' field counts); the body is scanned by polars with every column as text.
Everything after that (roles -> amount, currency, date, extras) is
:func:`~bomscan.sources.lines.lines_from_frame`, which the Parquet and Excel readers
(:mod:`.binary_tables`) share, so the three read money and dates the same way.

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
from bomscan.model import TableMeta
from bomscan.sources import columns as cols
from bomscan.sources import line_breaks
from bomscan.sources.lines import SAMPLE_ROWS, lines_from_frame
from bomscan.sources.schema import ReadResult

HEAD_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
SENTINEL = "\x00bomscan-extra-field"


def _given_encoding(path: str, head: bytes, encoding: str) -> tuple[str, str, None]:
    """(the codec's name, the decoded head) for ``--encoding``; an unknown codec is a
    one-line error."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"--encoding {encoding!r} is not a known text encoding", path=path
        ) from None
    if name == "utf-8":
        name = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    return name, head.decode(name, errors="replace"), None


def first_bad_utf8(path: str) -> tuple[int, int] | None:
    """(byte offset, line) of the first byte sequence that is not UTF-8, or None.

    One streaming pass in 4 MiB chunks read into one buffer; a chunk of pure ASCII (most of
    any export) is checked with ``isascii`` at memory speed (0.12 s for a 0.7 GB ledger). The
    line is counted only once a bad byte is found."""
    dec = codecs.getincrementaldecoder("utf-8")()
    buf = bytearray(1 << 22)
    offset = 0
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            chunk = buf if n == len(buf) else buf[:n]
            if not (chunk.isascii() and not dec.getstate()[0]):
                try:
                    dec.decode(bytes(chunk))
                except UnicodeDecodeError as exc:
                    at = offset + max(exc.start - (len(exc.object) - n), 0)
                    return at, _line_at(path, at)
            offset += n
    try:
        dec.decode(b"", final=True)
    except UnicodeDecodeError:  # the file ends inside a multi-byte sequence
        return offset - 1, _line_at(path, offset - 1)
    return None


def _line_at(path: str, offset: int) -> int:
    """The 1-based line holding byte ``offset``."""
    line, done = 1, 0
    with open(path, "rb") as fh:
        while done < offset and (chunk := fh.read(min(1 << 22, offset - done))):
            line += chunk.count(b"\n")
            done += len(chunk)
    return line


def _mostly_utf8_after(path: str, offset: int) -> bool:
    """Whether the bytes from ``offset`` on hold more valid multi-byte UTF-8 characters than
    bytes that are not UTF-8: a UTF-8 export with one Windows-1252 dash must stay UTF-8, or
    its Chinese names would be read as Latin letters and never matched."""
    valid = invalid = 0
    with open(path, "rb") as fh:
        fh.seek(offset)
        while chunk := fh.read(1 << 22):
            if chunk.isascii():
                continue
            text = chunk.decode("utf-8", errors="replace")
            bad = text.count("\ufffd")
            invalid += bad
            valid += sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return valid > invalid


def first_bad_utf8_line(path: str) -> int | None:
    """The line of the first byte sequence that is not UTF-8, or None."""
    bad = first_bad_utf8(path)
    return bad[1] if bad else None


def whole_file_encoding(path: str, head: bytes) -> tuple[str, str | None]:
    """The encoding of a file whose first MiB (``head``) decodes as UTF-8, decided on the
    whole file: a pure-ASCII head followed by bytes that are not UTF-8 (a Windows-1252 dash on
    row 40,000) means a single-byte export, so the code page is guessed from the bytes around
    the first one. A head with UTF-8 characters stays UTF-8 (a mixed file is read with
    replacement characters, and the report names the first bad line)."""
    if not head.isascii():
        return "utf-8", None
    bad = first_bad_utf8(path)
    if bad is None:
        return "utf-8", None
    offset, line = bad
    if _mostly_utf8_after(path, offset):  # one stray byte among UTF-8 names: a mixed file
        return "utf-8", None
    with open(path, "rb") as fh:
        fh.seek(offset - offset % 4096)
        window = fh.read(1 << 20)
    # the lines that hold non-ASCII bytes: the detector weighs those, not the ASCII around them
    sample = b"\n".join(ln for ln in window.split(b"\n") if not ln.isascii())[:65536]
    guess = _guess_single_byte(sample)
    return guess, f"{path}: not UTF-8 from line {line} on; encoding guessed as {guess}"


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
    guess = _guess_single_byte(head[:65536])
    text = head.decode(guess, errors="replace")
    return guess, text, f"{path}: not UTF-8; encoding guessed as {guess}"


def _guess_single_byte(sample: bytes) -> str:
    """The code page of bytes that are not UTF-8: the detector's guess, with Windows-1252
    preferred over the Latin pages a detector confuses with it (see _latin_single_byte)."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        guess = best.encoding if best is not None else "cp1252"
    except Exception:  # pragma: no cover - the detector is best effort
        guess = "cp1252"
    if guess in ("ascii", "utf_8", "utf-8") or _latin_single_byte(sample, guess):
        return "cp1252"
    if sum(b > 127 for b in sample[:4096]) < MIN_SCRIPT_EVIDENCE and _decodes(sample, "cp1252"):
        return "cp1252"  # one dash or accent says nothing of a script: the common page
    return guess


# fewer non-ASCII bytes than this do not let a detector tell Cyrillic from a Windows-1252 dash
MIN_SCRIPT_EVIDENCE = 8


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


# single-byte Latin-script code pages a detector confuses with Windows-1252
_LATIN_PAGES = frozenset(
    [
        "cp1250",
        "cp1254",
        "cp1257",
        "iso8859-1",
        "iso8859-2",
        "iso8859-9",
        "iso8859-13",
        "iso8859-15",
    ]
)


def _latin_single_byte(head: bytes, guess: str) -> bool:
    """Whether a detector's Latin single-byte guess (cp1250, latin-1, ...) should give way
    to Windows-1252, the code page of most Latin-script exports: when the head decodes as
    cp1252 (a detector tells a 0x96 dash apart poorly on short text). Cyrillic, Greek and
    multi-byte guesses are kept."""
    try:
        return codecs.lookup(guess).name in _LATIN_PAGES and _decodes(head, "cp1252")
    except LookupError:
        return False


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
        if roles & set(cols.NAME_ROLES) and (len(roles) >= 2 or sum(map(bool, forms)) >= 2):
            return i
        if len(roles & set(cols.TABLE_ROLES)) >= 2:
            return i  # a table naming no organisation: read, and reported as unscreened
    return None


def unique_headers(
    raw: list[str | None], body: list[list] | None = None
) -> tuple[list[str], list[str]]:
    """Headers made unique and non-empty, with a warning for each repair. Unnamed trailing
    columns that are empty in ``body`` (the first rows after the header) are named quietly:
    spreadsheets export them by the dozen."""
    seen: dict[str, int] = {}
    out, notes = [], []
    named = [i for i, h in enumerate(raw) if (h or "").strip()]
    last = named[-1] if named else -1

    def empty(i: int) -> bool:
        return body is not None and all(
            i >= len(r) or r[i] is None or not str(r[i]).strip() for r in body
        )

    for i, h in enumerate(raw):
        h = (h or "").strip()
        if i == 0:  # a byte-order mark left on the first name, raw or decoded twice ("ï»¿")
            h = h.removeprefix("\ufeff").removeprefix("\u00ef\u00bb\u00bf").strip()
        if not h:
            if i < last or not empty(i):  # an empty trailing column is not worth a word
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


def _header(
    path: str, text: str, delimiter: str, overrides: dict, warnings: list[str]
) -> tuple[int, list[str]]:
    """(the physical line on which the header row ends, its unique headers), from the first
    rows of the decoded head; notes on renamed duplicate headers go to ``warnings``."""
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
            "no BOM or ledger header found in the first rows: no manufacturer, supplier, "
            "vendor, part number, quantity or amount column (name one with "
            "--column vendor=HEADER)",
            path=path,
            line=1,
        )
    header_line = line_ends[header_idx]
    headers, notes = unique_headers(rows[header_idx], rows[header_idx + 1 :])
    warnings += [f"{path}:{header_line}: {n}" for n in notes]
    return header_line, headers


class OffsetRows:
    """A CSV's records read back at their byte offsets (through its :class:`LineIndex`)."""

    def __init__(self, index: LineIndex, header_line: int, scan_options: dict):
        self.index, self.header_line, self.scan_options = index, header_line, scan_options

    def __call__(self, items: list[int], records: int | None) -> pl.DataFrame | None:
        """The raw records of ``items``, or None when the file's records are not one line
        each (or it is too small to have been indexed)."""
        if records is None or self.index.lines() - self.header_line != records:
            return None
        found = self.index.read_lines([self.header_line + 1 + i for i in items])
        if found is None:
            return None
        body = b"\n".join(found) + b"\n"
        raw = pl.read_csv(io.BytesIO(body), **{**self.scan_options, "skip_lines": 0})
        if raw.height != len(items):  # not the records the pass numbered: use the scan
            return None
        return raw.with_columns(pl.Series("item", items, dtype=pl.UInt32))


def read(
    path: str,
    head: bytes,
    *,
    overrides: dict[str, str] | None = None,
    decimal: str | None = None,
    size: int | None = None,
    encoding: str | None = None,
) -> ReadResult:
    overrides = overrides or {}
    if encoding is not None:  # --encoding: the user knows; nothing is guessed
        encoding, text, enc_warning = _given_encoding(path, head, encoding)
    else:
        encoding, text, enc_warning = decode_head(path, head)
        if encoding == "utf-8" and size is not None and size > len(head):
            encoding, enc_warning = whole_file_encoding(path, head)
    warnings = [enc_warning] if enc_warning else []
    delimiter = sniff_delimiter(text)
    header_line, headers = _header(path, text, delimiter, overrides, warnings)

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
    meta = TableMeta(
        format="tsv" if delimiter == "\t" else "csv",
        delimiter=delimiter,
        encoding=encoding,
        encoding_guessed=enc_warning is not None,
        header_line=header_line,
    )
    index = LineIndex(scan_path)

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
        rows_at=OffsetRows(index, header_line, scan_options),
        small=complete,  # the whole file is in the head: its footer is cheap to look at
        tail=lambda: tail_records(scan_path, headers, delimiter, header_line, index),
    )
    result.relocate = _relocator(scan_path, delimiter, header_line, index)
    return result


TAIL_BYTES = 1 << 16  # the end of a large CSV looked at for a totals row or notes
TAIL_RECORDS = 50


def tail_records(
    path: str, headers, delimiter: str, header_line: int, index
) -> tuple[pl.DataFrame, Callable[[list[int]], list[int] | None]] | None:
    """A large CSV's last records (at most 64 KiB, 50 records) as text columns, for the
    footer rule, numbered ``-n .. -1`` from the end, and how to turn those into item numbers
    (counting the file's lines, done only when a footer was found); None when a record there
    spans lines (its item could not be told). Item ``i`` is line ``header_line + 1 + i``."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        fh.seek(max(0, size - TAIL_BYTES))
        text = fh.read().decode("utf-8", errors="replace")
    lines = text.split("\n")[1 if size > TAIL_BYTES else 0 :]
    if lines and lines[-1] == "":
        lines.pop()
    lines = [ln.rstrip("\r") for ln in lines[-TAIL_RECORDS:]]
    rows = list(csv.reader(lines, delimiter=delimiter))
    if not lines or len(rows) != len(lines):
        return None
    n = len(lines)
    cells = [
        [(r[i].strip() or None) if i < len(r) else None for r in rows] for i in range(len(headers))
    ]
    frame = pl.DataFrame(
        {h: c for h, c in zip(headers, cells, strict=True)},
        schema=dict.fromkeys(headers, pl.String),
    ).with_columns(pl.int_range(-n, 0).alias("item"))
    frame = frame.filter(pl.any_horizontal([pl.col(h).is_not_null() for h in headers]))

    def items(relative: list[int]) -> list[int] | None:
        total = index.lines()
        if total < header_line + n:
            return None
        return [total - header_line + r for r in relative]

    return frame, items


def csv_scan_options(headers: list[str], delimiter: str, header_line: int) -> dict:
    """How polars reads a CSV body: every column as text, after ``header_line`` lines, plus
    the sentinel column that catches a row's extra fields (see RAGGED)."""
    return dict(
        has_header=False,
        separator=delimiter,
        skip_lines=header_line,
        schema={**{h: pl.String for h in headers}, SENTINEL: pl.String},
        # a byte past the sniffed head that is not UTF-8 (one Windows-1252 dash in a 4 MB
        # council file) becomes U+FFFD instead of failing the whole file; the report then
        # names the first bad line and --encoding (see exposure.summary)
        encoding="utf8-lossy",
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
