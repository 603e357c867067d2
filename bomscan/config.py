"""Project configuration: option defaults and suppressions, from ``.bomscan.toml`` or ``pyproject.toml``.

Why a file: a pre-merge check needs its exemptions reviewed like code, next to the BOM, with a
reason and an expiry date, so they cannot quietly outlive the decision that justified them.

Where: ``--config PATH`` if given; otherwise the first directory from the working directory
upward that has ``.bomscan.toml`` or a ``pyproject.toml`` with a ``[tool.bomscan]`` table. The
search stops at the git top-level (a directory holding ``.git``) or the filesystem root, so a
config outside the repository never leaks in.

Format (the keys of ``[tool.bomscan]`` are the same)::

    format = "table"            # a --format name: bomscan.formats.FORMAT_NAMES
    fail-on = "prohibited"      # a --fail-on choice: bomscan.levels.FAIL_ON
    rules = ["rules-extra"]     # extra rules directories, relative to this file
    min-score = 0.92
    currency = "USD"

    [[suppress]]
    entity = "hikvision"        # listed entity id or matched entity id
    name = "Hikvision (USA) Inc."   # raw name as written (case-insensitive)
    file = "hardware/*.csv"     # glob on the path relative to this file's directory
    reason = "Legacy camera, replacement tracked in HW-123"   # required
    expires = 2026-12-31        # optional; after this date the entry stops suppressing

Precedence: command-line flags (and ``BOMSCAN_*`` variables) > this file > built-in defaults.
Every problem is a :class:`~bomscan.errors.ConfigError` (exit 2) naming the file and, where it
can be found, the line.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from bomscan.errors import ConfigError
from bomscan.formats import FORMAT_NAMES
from bomscan.levels import FAIL_ON
from bomscan.model import Finding
from bomscan.rules.model import SHARE_RANGE

CONFIG_NAME = ".bomscan.toml"
OPTION_KEYS = {
    "format": "format",
    "fail-on": "fail_on",
    "rules": "rules",
    "min-score": "min_score",
    "currency": "currency",
    "max-age": "max_age",
    "auto-update": "auto_update",
    "ownership": "ownership",
    "affiliates-rule": "affiliates_rule",
    "ownership-review": "ownership_review",
}
MATCH_KEYS = ("entity", "name", "file")
SUPPRESS_KEYS = (*MATCH_KEYS, "reason", "expires")


@dataclass
class Suppression:
    """One ``[[suppress]]`` entry: every key that is set must match (logical AND)."""

    index: int  # 1-based position among the entries
    line: int | None  # line of its ``[[suppress]]`` header, when found
    reason: str
    entity: str | None = None
    name: str | None = None
    file: str | None = None
    expires: date | None = None
    used: int = 0

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    def where(self, path: Path | None) -> str:
        shown = _display(path) if path else "config"
        loc = f"{shown}:{self.line}" if path and self.line else shown
        return f"{loc}: suppress entry {self.index}"

    def matches(self, finding: Finding, rel_source: str) -> bool:
        """Whether this entry suppresses ``finding`` (listed or matched entity, name, file)."""
        if self.entity is not None:
            if self.entity not in {finding.entity.id, finding.matched_entity.id}:
                return False
        if self.name is not None and _fold(self.name) != _fold(finding.value):
            return False
        if self.file is not None and not fnmatch.fnmatchcase(rel_source, self.file):
            return False
        return True

    def describe(self) -> dict:
        return {
            "entity": self.entity,
            "name": self.name,
            "file": self.file,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
        }


@dataclass
class Config:
    path: Path | None = None
    options: dict = field(default_factory=dict)  # python option names -> values
    suppressions: list[Suppression] = field(default_factory=list)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def with_defaults(self, **given) -> dict:
        """Each option as given on the command line, else as this file sets it, else ``None``
        (flags > config file; the built-in defaults are the caller's). ``None``, an empty
        string and an empty tuple (a repeatable option not given) count as not given."""
        return {
            name: value if value not in (None, "", ()) else self.options.get(name)
            for name, value in given.items()
        }


def _display(path: Path) -> str:
    """The path relative to the working directory when it is below it (shorter messages)."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _fold(s) -> str:
    return " ".join(str(s or "").split()).casefold()


def git_toplevel(start: Path | None = None) -> Path | None:
    """The nearest directory from ``start`` upward holding ``.git`` (no subprocess: it is fast)."""
    d = (start or Path.cwd()).resolve()
    for p in (d, *d.parents):
        if (p / ".git").exists():
            return p
    return None


def find_config(start: Path | None = None) -> Path | None:
    """``.bomscan.toml`` or a ``pyproject.toml`` with ``[tool.bomscan]``, from ``start`` upward."""
    d = (start or Path.cwd()).resolve()
    for p in (d, *d.parents):
        cand = p / CONFIG_NAME
        if cand.is_file():
            return cand
        pp = p / "pyproject.toml"
        if pp.is_file() and _has_tool_table(pp):
            return pp
        if (p / ".git").exists():
            return None
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return re.search(r"^\s*\[\[?\s*tool\.bomscan[\].]", text, re.M) is not None


def load(path: str | os.PathLike | None = None, *, explicit: bool = False) -> Config:
    """Read the config at ``path`` (or discover it); an empty :class:`Config` when none exists."""
    if path is None:
        found = find_config()
        if found is None:
            return Config()
        path = found
    p = Path(path)
    if not p.is_file():
        raise ConfigError("config file not found" if explicit else "cannot read", path=_display(p))
    import tomllib

    try:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"cannot read ({exc.strerror})", path=_display(p)) from None
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=_display(p)) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        line = int(m.group(1)) if m else None
        short = re.sub(r" ?\(at line.*", "", msg)
        raise ConfigError(f"not valid TOML: {short}", path=_display(p), line=line) from None
    prefix = ""
    if p.name == "pyproject.toml":
        data = data.get("tool", {}).get("bomscan")
        if data is None:
            if explicit:
                raise ConfigError("has no [tool.bomscan] table", path=_display(p))
            return Config(path=p)
        prefix = "tool.bomscan."
    return _parse(data, p, text, prefix)


def _line_of(text: str, pattern: str, nth: int = 0) -> int | None:
    hits = [m.start() for m in re.finditer(pattern, text, re.M)]
    if len(hits) > nth:
        return text.count("\n", 0, hits[nth]) + 1
    return None


def _key_line(text: str, key: str) -> int | None:
    return _line_of(text, rf"^[ \t]*{re.escape(key)}[ \t]*=")


def _parse(data: dict, path: Path, text: str, prefix: str) -> Config:
    cfg = Config(path=path)
    for key, value in data.items():
        if key == "suppress":
            continue
        if key not in OPTION_KEYS:
            raise ConfigError(
                f"unknown key {prefix}{key!r} (known: {', '.join([*OPTION_KEYS, 'suppress'])})",
                path=_display(path),
                line=_key_line(text, key),
            )
        cfg.options[OPTION_KEYS[key]] = _option(key, value, path, text)
    entries = data.get("suppress", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(
            f"{prefix}suppress must be an array of tables ([[{prefix}suppress]])",
            path=_display(path),
            line=_key_line(text, "suppress"),
        )
    header = rf"^[ \t]*\[\[[ \t]*{re.escape(prefix)}suppress[ \t]*\]\]"
    for i, e in enumerate(entries):
        cfg.suppressions.append(_suppression(i, e, path, _line_of(text, header, i)))
    return cfg


def _one_of(choices: tuple[str, ...]):
    def check(value, path: Path):
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    return check


def _relative(one: str, many: str):
    """The check of a key naming one or more directories or files (``one``/``many`` in its
    message), each relative to the config file unless absolute."""

    def check(value, path: Path) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ValueError(f"must be a {one} or a list of {many}")
        return [str(path.parent / v) if not os.path.isabs(v) else v for v in value]

    return check


def _min_score(value, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"must be a number from 0 to 1, not {value!r}")
    return float(value)


def _currency(value, path: Path) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value):
        raise ValueError(f"must be an ISO 4217 code such as USD, not {value!r}")
    return value.upper()


def _max_age(value, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"must be a number of days above 0, not {value!r}")
    return float(value)


def _flag(value, path: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    return value


def _percent(value, path: Path) -> float:
    low, high = SHARE_RANGE
    if isinstance(value, bool) or not isinstance(value, int | float) or not low < value <= high:
        raise ValueError(f"must be a percentage above {low:g} and at most {high:g}, not {value!r}")
    return float(value)


# each key of OPTION_KEYS: its check, returning the value the CLI uses (ValueError: why not)
CHECKS = {
    "format": _one_of(FORMAT_NAMES),
    "fail-on": _one_of(FAIL_ON),
    "rules": _relative("directory", "directories"),
    "min-score": _min_score,
    "currency": _currency,
    "max-age": _max_age,
    "auto-update": _flag,
    "ownership": _relative("file", "files"),
    "affiliates-rule": _one_of(("in-force", "suspended")),
    "ownership-review": _percent,
}


def _option(key: str, value, path: Path, text: str):
    try:
        return CHECKS[key](value, path)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}", path=_display(path), line=_key_line(text, key)) from None


def _suppression(i: int, e: dict, path: Path, line: int | None) -> Suppression:
    where = f"suppress entry {i + 1}"

    def bad(msg: str):
        return ConfigError(f"{where}: {msg}", path=_display(path), line=line)

    unknown = sorted(set(e) - set(SUPPRESS_KEYS))
    if unknown:
        raise bad(f"unknown key {unknown[0]!r} (known: {', '.join(SUPPRESS_KEYS)})")
    for k in (*MATCH_KEYS, "reason"):
        if k in e and (not isinstance(e[k], str) or not e[k].strip()):
            raise bad(f"{k} must be a non-empty string")
    if not any(k in e for k in MATCH_KEYS):
        raise bad("needs at least one of entity, name, file to match on")
    if not e.get("reason", "").strip():
        raise bad("needs a non-empty reason (why is this acceptable, who decided)")
    expires = e.get("expires")
    if expires is not None:
        if isinstance(expires, datetime):
            expires = expires.date()
        elif isinstance(expires, str):
            try:
                expires = date.fromisoformat(expires.strip())
            except ValueError:
                raise bad(f"expires must be a date (YYYY-MM-DD), not {expires!r}") from None
        elif not isinstance(expires, date):
            raise bad(f"expires must be a date (YYYY-MM-DD), not {expires!r}")
    return Suppression(
        index=i + 1,
        line=line,
        reason=e["reason"].strip(),
        entity=e.get("entity", "").strip() or None,
        name=e.get("name"),
        file=e.get("file", "").strip().replace("\\", "/") or None,
        expires=expires,
    )


def relative_source(source: str, base: Path) -> str:
    """``source`` as a forward-slash path relative to ``base`` (the config's directory) if inside."""
    try:
        ap = Path(os.path.realpath(source))
        return ap.relative_to(base.resolve()).as_posix()
    except (ValueError, OSError):
        return Path(source).as_posix()
