"""How wide and how colourful text output may be: decided here once, for every command.

Width: a terminal gives its own; ``COLUMNS`` overrides it (shells export it, and a user sets it
for ``| less``); with neither, 80 columns, the width ``ls``, ``git`` and ``pip`` assume.
Colour: ``--color/--no-color`` wins; otherwise ``NO_COLOR`` (https://no-color.org) turns it off;
otherwise colour only when the output is a terminal.

Only the standard library is used (``shutil.get_terminal_size``), so no dependency's removed API
can break a terminal session again (Click 8.2 dropped ``click.get_terminal_size``).
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TextIO

DEFAULT_WIDTH = 80
MIN_WIDTH = 60  # narrower than this, the tables cannot hold their fixed columns


def is_terminal(stream: TextIO | None = None) -> bool:
    """True when ``stream`` (stdout by default) is a terminal; False for pipes, files, closed
    or replaced streams."""
    stream = sys.stdout if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def width() -> int:
    """Columns for the text report: ``COLUMNS``, else the terminal's, else 80 (never below 60)."""
    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def color_wanted(flag: bool | None) -> bool | None:
    """The user's colour choice: the flag when given, False under ``NO_COLOR``, else None
    (auto: colour only on a terminal)."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return None


def use_color(choice: bool | None, to_terminal: bool) -> bool:
    """Resolve an auto choice (None) against where the output goes."""
    return to_terminal if choice is None else bool(choice)


def wrap(text: str, width: int, indent: str = "", hang: str = "") -> list[str]:
    """Greedy word wrap measured in terminal cells (a CJK character takes two), so Chinese names
    fit as Latin ones do. Words are never broken: a URL longer than the width stays whole and
    copyable on a line of its own."""
    from rich.cells import cell_len

    lines: list[str] = []
    line, used = indent, cell_len(indent)
    fresh = True  # nothing but the indent on this line yet
    for word in text.split():
        w = cell_len(word)
        if not fresh and used + 1 + w > width:
            lines.append(line)
            line, used, fresh = hang, cell_len(hang), True
        if not fresh:
            line, used = line + " ", used + 1
        line, used, fresh = line + word, used + w, False
    if not fresh or not lines:
        lines.append(line.rstrip() if fresh else line)
    return lines
