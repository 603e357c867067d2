"""Input readers: one module per kind of input, each producing the canonical line schema.

``read_input`` detects the kind from the content (not only the extension) and dispatches
through the registry in :mod:`.interface`:

- CycloneDX JSON (``bomFormat``/``specVersion`` in an object) -> :mod:`.cyclonedx_json`
- CycloneDX XML (the ``http://cyclonedx.org/schema/bom/1.x`` namespace) -> :mod:`.cyclonedx_xml`
- Parquet and Excel ledgers -> :mod:`.binary_tables`
- delimited text (CSV/TSV BOMs and spend ledgers) -> :mod:`.tabular`

Everything a reader cannot read becomes an :class:`~bomscan.errors.InputError` naming the file.
"""

from __future__ import annotations

import mmap
import os
import stat

from bomscan.errors import InputError
from bomscan.sources.schema import LINE_SCHEMA, ReadResult

__all__ = ["read_input", "read_inputs", "ReadResult", "LINE_SCHEMA", "detect_kind"]


HEAD = 1 << 20
DEFAULT_MAX_BOM_MB = 256
_UTF16_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def max_bom_bytes() -> int:
    """Largest CycloneDX file bomscan loads (``BOMSCAN_MAX_BOM_MB``, default 256 MB).

    A CycloneDX document is parsed whole (a 50,000-component BOM is about 27 MB), so a file far
    above that is either a mistake or hostile (a 1 GB single-line JSON would need several GB of
    memory); it is refused with one line before anything is loaded. Ledgers have no such limit:
    they are streamed.
    """
    raw = os.environ.get("BOMSCAN_MAX_BOM_MB")
    try:
        mb = float(raw) if raw else DEFAULT_MAX_BOM_MB
    except ValueError:
        mb = DEFAULT_MAX_BOM_MB
    return int(mb * (1 << 20))


MAX_LINE_BYTES = 16 << 20
_CHUNK = 4 << 20


def check_line_lengths(path: str, limit: int = MAX_LINE_BYTES) -> None:
    """Refuse a delimited file with a physical line longer than ``limit`` bytes (one line, exit 3).

    Ledgers are streamed by polars, but polars materialises each field whole: one 1 GB line
    took 4.4 GB of memory and 46 s. No real record is megabytes long, so such a file is refused
    before the body is parsed. One sequential pass in 4 MB windows of a memory map: ``find``
    and ``rfind`` per window touch only the pages around its first and last line break, so a
    0.7 GB ledger costs a few hundred page reads, not a copy of the file (0.1 s with ``read``).
    Every line that crosses a window boundary is measured exactly, and a line inside one
    window is shorter than the limit.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size <= limit:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            line_start = 0  # offset where the current line starts
            for pos in range(0, size, _CHUNK):
                stop = min(pos + _CHUNK, size)
                first = mm.find(b"\n", pos, stop)
                end = stop if first < 0 else first
                if end - line_start > limit:
                    break
                if first >= 0:
                    line_start = mm.rfind(b"\n", pos, stop) + 1
                if hasattr(mmap, "MADV_DONTNEED"):  # not on Windows
                    # drop the pages the finds touched: the kernel maps whole page-cache
                    # folios around each, which added up to 200 MB of the peak memory
                    mm.madvise(mmap.MADV_DONTNEED, pos, stop - pos)
            else:
                return
            line = 1 + sum(
                mm[done : min(done + _CHUNK, line_start)].count(b"\n")
                for done in range(0, line_start, _CHUNK)
            )
    raise InputError(
        f"a line longer than {limit >> 20} MB: not a ledger or BOM record (refused unread)",
        path=path,
        line=line,
    )


def _decoded_start(head: bytes) -> bytes:
    """The first bytes of the text re-encoded as UTF-8 when the file is UTF-16/32 with a BOM."""
    for bom, codec in (
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if head.startswith(bom):
            return head[:4096].decode(codec, errors="ignore").encode("utf-8")
    return head


def sniff(path: str, head: bytes):
    """The :class:`~.interface.Source` whose kind the file's first bytes show; InputError for
    binary data no kind claims."""
    from bomscan.sources.interface import SOURCES, Head, Tabular

    h = Head(head, _decoded_start(head))
    source = next(s for s in SOURCES if s.sniff(h))
    if isinstance(source, Tabular) and b"\x00" in head[:4096] and not head.startswith(_UTF16_32):
        raise InputError("binary data, not a BOM or ledger (JSON, XML or CSV)", path=path)
    return source


def detect_kind(path: str, head: bytes) -> str:
    """'cyclonedx-json', 'cyclonedx-xml', 'parquet', 'xlsx' or 'tabular'; InputError if none."""
    return sniff(path, head).kind


def read_input(path: str, **options) -> ReadResult:
    """Read a file that holds one table or document (see :func:`read_inputs` for the options);
    a workbook with several ledger sheets is refused here, naming them and ``--sheet``."""
    results = read_inputs(path, **options)
    if len(results) > 1:
        sheets = ", ".join(repr(r.meta.sheet) for r in results)
        raise InputError(
            f"several sheets hold a ledger ({sheets}); choose one with --sheet NAME", path=path
        )
    return results[0]


def read_inputs(
    path: str,
    *,
    column_overrides: dict[str, str] | None = None,
    decimal: str | None = None,
    sheet: str | None = None,
    strict: bool = False,
    encoding: str | None = None,
) -> list[ReadResult]:
    """Read one input file: one result per table in it (a workbook may hold several ledger
    sheets of one layout). ``strict``: CycloneDX must validate against its version's schema.

    Only regular files are read: a directory, FIFO, socket or device is refused with one line
    (a FIFO with no writer would block forever, and the readers open a file twice).
    """
    from bomscan.sources.interface import ReadOptions, Tabular

    size = _regular_file_size(path)
    head = _read(path, HEAD)
    if not head.strip():
        raise InputError("empty file", path=path)
    source = sniff(path, head)
    opts = ReadOptions(column_overrides or {}, decimal, sheet, strict, encoding)
    if source.whole_document:
        limit = max_bom_bytes()
        if size > limit:
            raise InputError(
                f"{size / (1 << 20):,.0f} MB is above the {limit / (1 << 20):,.0f} MB "
                "limit for a CycloneDX file (set BOMSCAN_MAX_BOM_MB to raise it)",
                path=path,
            )
        got = source.read(path, _read(path, None), size, opts)
    else:
        if isinstance(source, Tabular) and size > MAX_LINE_BYTES:
            check_line_lengths(path)
        got = source.read(path, head, size, opts)
    return got if isinstance(got, list) else [got]


def _regular_file_size(path: str) -> int:
    """The size of ``path``; a one-line error unless it is a regular file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError("is a dangling symbolic link", path=path) from None
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=path) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory, not a file", path=path)
    if not stat.S_ISREG(st.st_mode):
        what = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
        raise InputError(f"is {what}; save the data to a file and pass that", path=path)
    return st.st_size


def _read(path: str, limit: int | None) -> bytes:
    """The file's first ``limit`` bytes (all of it when None), or a one-line error."""
    try:
        with open(path, "rb") as fh:
            return fh.read() if limit is None else fh.read(limit)
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=path) from None
