"""``--group-by`` as the formats show it: the group keys, their column names and labels.

The numbers (exposed spend per group and listed entity, each group's total) are the report's
``groups`` and ``group_totals``, computed by the core; each finding carries its group values in
``groups``. Formats only lay them out, with the helpers here so they name things alike.
"""

from __future__ import annotations

from bomscan.model import Finding, GroupExposure, GroupTotal, Report

BLANK = "(blank)"  # a line whose group column is empty


def keys(report: Report) -> list[str]:
    """The ``--group-by`` columns, in the order given; empty without ``--group-by``."""
    return list(report.parameters.group_by)


def title(group_keys: list[str]) -> str:
    return " / ".join(group_keys)


def shown(value) -> str:
    """A group value for a person: the text, or ``(blank)``."""
    return BLANK if value is None or value == "" else str(value)


def values(item: Finding | GroupExposure | GroupTotal, group_keys: list[str]) -> list:
    """The group values of a finding, or of a ``groups`` / ``group_totals`` row, in key order;
    ``None`` where missing."""
    got = item.groups if isinstance(item, Finding) else item.group
    return [(got or {}).get(k) for k in group_keys]


def column_names(group_keys: list[str], taken) -> list[str]:
    """Column headers for the group values beside the columns ``taken``: the key itself, or
    ``group: KEY`` when that header is taken already (compared case-insensitively, as Excel
    compares pivot field names)."""
    used = {str(t).casefold() for t in taken}
    out = []
    for k in group_keys:
        name = k if k.casefold() not in used else f"group: {k}"
        used.add(name.casefold())
        out.append(name)
    return out
