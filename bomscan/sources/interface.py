"""The one small interface every input kind implements, and the registry that picks one.

A reader is sniffed from the file's first bytes (:func:`bomscan.sources.detect_kind`, content
over extension) and then reads the whole input into a :class:`~bomscan.sources.schema.ReadResult`.
Adding a kind is one module with a :class:`Source` and one entry in :data:`SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bomscan.sources.schema import ReadResult


@dataclass(frozen=True)
class ReadOptions:
    """What the user said about the inputs (``--column``, ``--decimal``, ``--sheet``,
    ``--strict``); each reader takes what applies to it."""

    column_overrides: dict[str, str] = field(default_factory=dict)
    decimal: str | None = None
    sheet: str | None = None
    strict: bool = False


@dataclass(frozen=True)
class Source:
    """One kind of input: its name (the report's ``inputs[].kind`` family), whether it is a
    document read whole (CycloneDX: refused above a size limit), and its reader."""

    kind: str
    whole_document: bool
    read: Callable[[str, bytes, int, ReadOptions], ReadResult]


def _cyclonedx_json(path: str, data: bytes, size: int, opts: ReadOptions) -> ReadResult:
    from bomscan.sources import cyclonedx_json

    return cyclonedx_json.read(path, data, strict=opts.strict)


def _cyclonedx_xml(path: str, data: bytes, size: int, opts: ReadOptions) -> ReadResult:
    from bomscan.sources import cyclonedx_xml

    return cyclonedx_xml.read(path, data, strict=opts.strict)


def _binary_table(kind: str):
    def read(path: str, head: bytes, size: int, opts: ReadOptions) -> ReadResult:
        from bomscan.sources import binary_tables

        return binary_tables.read(
            path, kind, overrides=opts.column_overrides, decimal=opts.decimal, sheet=opts.sheet
        )

    return read


def _tabular(path: str, head: bytes, size: int, opts: ReadOptions) -> ReadResult:
    from bomscan.sources import tabular

    return tabular.read(
        path, head, overrides=opts.column_overrides, decimal=opts.decimal, size=size
    )


SOURCES: dict[str, Source] = {
    s.kind: s
    for s in (
        Source("cyclonedx-json", True, _cyclonedx_json),
        Source("cyclonedx-xml", True, _cyclonedx_xml),
        Source("parquet", False, _binary_table("parquet")),
        Source("xlsx", False, _binary_table("xlsx")),
        Source("tabular", False, _tabular),
    )
}
