"""Output formats: one registry of formats, each a module with ``render(report, ctx)``.

The report is the typed :class:`bomscan.model.Report` built by :mod:`bomscan.exposure` (and
settled again by triage); formats only present it, reading its attributes.
Text formats return ``str``; binary formats (xlsx) return ``bytes`` and need ``-o FILE``.

:data:`FORMATS` is the one list of formats: the CLI's ``--format`` choices, the config file's
``format`` check and :func:`render` all read it. A format's module is imported only when that
format is rendered, so the command line starts without loading rich, xlsxwriter or the HTML page.
Adding a format: write ``bomscan/formats/<name>_format.py`` with a :class:`Renderer`'s
``render`` and add one :class:`Format` line here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bomscan.model import Report


@dataclass
class RenderContext:
    color: bool = False
    width: int = 100
    show_suppressed: bool = False
    repo_root: str | None = None  # for repository-relative paths (SARIF)


class Renderer(Protocol):
    """What a format module provides."""

    def render(self, report: Report, ctx: RenderContext) -> str | bytes: ...


@dataclass(frozen=True)
class Format:
    """One output format: its ``--format`` name, module, file extension and kind."""

    name: str
    module: str  # under bomscan.formats
    extension: str  # with the dot, for a suggested output file name
    binary: bool = False  # bytes: written only to a file (-o FILE)

    def renderer(self) -> Renderer:
        return importlib.import_module(f"bomscan.formats.{self.module}")  # type: ignore[return-value]

    def render(self, report: Report, ctx: RenderContext) -> str | bytes:
        return self.renderer().render(report, ctx)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "table_format", ".txt"),
        Format("json", "json_format", ".json"),
        Format("csv", "csv_format", ".csv"),
        Format("markdown", "markdown_format", ".md"),
        Format("sarif", "sarif_format", ".sarif"),
        Format("xlsx", "xlsx_format", ".xlsx", binary=True),
        Format("html", "html_format", ".html"),
    )
}
FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)
DEFAULT_FORMAT = "table"


def get(name: str) -> Format:
    """The format called ``name``; ``ValueError`` naming the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r} (known: {', '.join(FORMAT_NAMES)})") from None


def render(fmt: str, report: Report, ctx: RenderContext) -> str | bytes:
    return get(fmt).render(report, ctx)


def write(text: str | bytes, output: str) -> None:
    """Write a rendered report to ``output``: bytes as they are, text as UTF-8 with the line
    endings the format chose (no newline translation)."""
    if isinstance(text, bytes):
        with open(output, "wb") as fh:
            fh.write(text)
    else:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
