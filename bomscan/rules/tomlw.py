"""A small TOML writer for generated rules files (strings, dates, booleans, numbers, string lists).

Only what rules files need, so no dependency: every string is written as a basic string with
TOML's escapes (quote, backslash, control characters), so any text - list names with quotes,
stray control bytes, hostile input - round-trips through :mod:`tomllib` unchanged.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESC = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_NEEDS = re.compile(r'[\x00-\x1f"\\\x7f]')


def toml_string(s: str) -> str:
    def rep(m: re.Match) -> str:
        c = m.group(0)
        return _ESC.get(c) or f"\\u{ord(c):04x}"

    return '"' + _NEEDS.sub(rep, s) + '"'


def toml_key(k: str) -> str:
    return k if _BARE_KEY.match(k) else toml_string(k)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, datetime):
        raise TypeError("datetimes are not used in rules files")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list | tuple):
        if not v:
            return "[]"
        items = [toml_value(x) for x in v]
        one = "[" + ", ".join(items) + "]"
        if len(one) <= 88:
            return one
        return "[\n" + "".join(f"    {i},\n" for i in items) + "]"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def dumps_table(name: str, body: dict, *, array: bool = False, indent: str = "") -> str:
    """``[name]`` (or ``[[name]]``) followed by ``key = value`` lines."""
    head = f"[[{name}]]" if array else f"[{name}]"
    lines = [indent + head]
    for k, v in body.items():
        if v is None:
            continue
        lines.append(f"{indent}{toml_key(k)} = {toml_value(v)}")
    return "\n".join(lines) + "\n"
