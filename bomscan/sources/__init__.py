"""Input readers: one module per kind of input, each producing the canonical line schema.

``read_input`` detects the kind from the content (not only the extension) and dispatches:

- CycloneDX JSON (``bomFormat``/``specVersion`` in an object) -> :mod:`.cyclonedx_json`
- CycloneDX XML (the ``http://cyclonedx.org/schema/bom/1.x`` namespace) -> :mod:`.cyclonedx_xml`
- delimited text (CSV/TSV BOMs and spend ledgers) -> :mod:`.tabular`

Everything a reader cannot read becomes an :class:`~bomscan.errors.InputError` naming the file.
"""

from __future__ import annotations

import os
import stat

from bomscan.errors import InputError
from bomscan.sources.schema import LINE_SCHEMA, ReadResult

__all__ = ["read_input", "ReadResult", "LINE_SCHEMA", "detect_kind"]

HEAD = 1 << 20


def detect_kind(path: str, head: bytes) -> str:
    """'cyclonedx-json', 'cyclonedx-xml', 'parquet', 'xlsx' or 'tabular'; InputError if none."""
    from bomscan.sources import cyclonedx_json

    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        if cyclonedx_json.looks_like(head) or stripped[:1] == b"{":
            return "cyclonedx-json"
    if stripped[:1] == b"<":
        return "cyclonedx-xml"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary data, not a BOM or ledger (JSON, XML or CSV)", path=path)
    return "tabular"


def read_input(
    path: str,
    *,
    column_overrides: dict[str, str] | None = None,
    decimal: str | None = None,
    sheet: str | None = None,
) -> ReadResult:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=path) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory, not a file", path=path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=path) from None
    if not head.strip():
        raise InputError("empty file", path=path)
    kind = detect_kind(path, head)
    if kind in ("cyclonedx-json", "cyclonedx-xml"):
        with open(path, "rb") as fh:
            data = fh.read()
        if kind == "cyclonedx-json":
            from bomscan.sources import cyclonedx_json

            return cyclonedx_json.read(path, data)
        from bomscan.sources import cyclonedx_xml

        return cyclonedx_xml.read(path, data)
    if kind in ("parquet", "xlsx"):
        from bomscan.sources import binary_tables

        return binary_tables.read(
            path, kind, overrides=column_overrides, decimal=decimal, sheet=sheet
        )
    from bomscan.sources import tabular

    return tabular.read(path, head, overrides=column_overrides, decimal=decimal, size=st.st_size)
