"""The one small interface every input kind implements, and the registry that picks one.

Each kind says whether a file's first bytes are its own (:meth:`Source.sniff`, content over
extension) and reads the file into a :class:`~bomscan.sources.schema.ReadResult`
(:meth:`Source.read`). :data:`SOURCES` lists them in the order they are asked; delimited text
is last, as the kind that takes what no other claims. Adding a kind is one class here (its
reader in its own module) and one entry in the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

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
    encoding: str | None = None  # --encoding: a CSV's text encoding, not guessed


@dataclass(frozen=True)
class Head:
    """A file's first bytes, and its start as UTF-8 text without a byte-order mark or leading
    white space (UTF-16/32 files re-encoded), for sniffing."""

    raw: bytes
    text: bytes

    @property
    def first(self) -> bytes:
        """The first character of the text, as bytes."""
        return self.text.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]


class Source:
    """One kind of input."""

    kind: ClassVar[str]
    whole_document: ClassVar[bool] = False  # read whole (and refused above a size limit)

    def sniff(self, head: Head) -> bool:
        raise NotImplementedError

    def read(
        self, path: str, data: bytes, size: int, opts: ReadOptions
    ) -> ReadResult | list[ReadResult]:
        """``data``: the whole file for a whole document, else its head. A file holding several
        tables (a workbook's ledger sheets) gives one result per table."""
        raise NotImplementedError


class Parquet(Source):
    kind = "parquet"

    def sniff(self, head: Head) -> bool:
        return head.raw.startswith(b"PAR1")

    def read(self, path, data, size, opts):
        from bomscan.sources import binary_tables

        return binary_tables.read(
            path, "parquet", overrides=opts.column_overrides, decimal=opts.decimal
        )


class Xlsx(Source):
    kind = "xlsx"

    def sniff(self, head: Head) -> bool:
        return head.raw.startswith(b"PK\x03\x04")

    def read(self, path, data, size, opts):
        from bomscan.sources import binary_tables

        return binary_tables.read(
            path, "xlsx", overrides=opts.column_overrides, decimal=opts.decimal, sheet=opts.sheet
        )


class CycloneDxJson(Source):
    kind = "cyclonedx-json"
    whole_document = True

    def sniff(self, head: Head) -> bool:
        from bomscan.sources import cyclonedx_json

        # an object is read as CycloneDX (and refused if it is not); an array only when it
        # looks like one, else it may be a CSV whose first cell starts with '['
        return head.first == b"{" or (head.first == b"[" and cyclonedx_json.looks_like(head.text))

    def read(self, path, data, size, opts):
        from bomscan.sources import cyclonedx_json

        return cyclonedx_json.read(path, data, strict=opts.strict)


class CycloneDxXml(Source):
    kind = "cyclonedx-xml"
    whole_document = True

    def sniff(self, head: Head) -> bool:
        return head.first == b"<"

    def read(self, path, data, size, opts):
        from bomscan.sources import cyclonedx_xml

        return cyclonedx_xml.read(path, data, strict=opts.strict)


class Tabular(Source):
    kind = "tabular"

    def sniff(self, head: Head) -> bool:
        return True  # delimited text takes what no other kind claims

    def read(self, path, data, size, opts):
        from bomscan.sources import tabular

        return tabular.read(
            path,
            data,
            overrides=opts.column_overrides,
            decimal=opts.decimal,
            size=size,
            encoding=opts.encoding,
        )


SOURCES: tuple[Source, ...] = (Parquet(), Xlsx(), CycloneDxJson(), CycloneDxXml(), Tabular())
