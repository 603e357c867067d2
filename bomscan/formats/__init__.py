"""Output formats: one module per format, each a ``render(report, ctx) -> str | bytes``.

The report is the JSON-ready dict built by :mod:`bomscan.exposure`; formats only present it.
Text formats return ``str``; binary formats (xlsx) return ``bytes`` and need ``-o FILE``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

FORMATS = ("table", "json", "csv", "markdown", "sarif", "xlsx", "html")
BINARY = ("xlsx",)


@dataclass
class RenderContext:
    color: bool = False
    width: int = 100
    show_suppressed: bool = False
    repo_root: str | None = None  # for repository-relative paths (SARIF)


def render(fmt: str, report: dict, ctx: RenderContext) -> str | bytes:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    module = importlib.import_module(f"bomscan.formats.{fmt}_format")
    return module.render(report, ctx)
