"""GLEIF Level 2 relationship records (who consolidates whom) read into ownership edges.

GLEIF publishes, under CC0, a "golden copy" of the Level 2 relationship records (RR-CDF) as a
CSV with one row per record and flattened column names (``Relationship.StartNode.NodeID``,
``Relationship.Period.1.startDate``, ``Relationship.Quantifiers.1.QuantifierAmount``, ...), and
the Level 1 records (LEI-CDF) with the legal names (``LEI``, ``Entity.LegalName``, ...).

The reading, and why:

- **Direction.** A record says "StartNode IS_..._CONSOLIDATED_BY EndNode": the start node is the
  child, the end node the parent. The edge is ``owner`` = parent, ``owned`` = child.
- **Which records.** Only the accounting-consolidation types: a parent consolidates a child in
  its accounts because it controls it, which is what the ownership rules ask about. Branches
  (``IS_INTERNATIONAL_BRANCH_OF``), fund management (``IS_FUND-MANAGED_BY``), sub-funds and
  feeder funds say nothing about who owns the legal entity and are left out.
- **Direct over ultimate.** An ``IS_ULTIMATELY_CONSOLIDATED_BY`` record repeats what a chain of
  direct ones already says; used as well, it would count the ultimate parent twice where holdings
  are added up. So an ultimate record becomes an edge only when the ultimate parent cannot be
  reached from the child through the direct records in the same file (a file of ultimate
  records only, or a chain with a gap).
- **Share.** The first quantifier whose units are ``PERCENTAGE``; otherwise None, which the
  rules count as control without a stated share (consolidation means control).
- **Dates.** From the period of type ``RELATIONSHIP_PERIOD`` only (earliest start, latest end;
  the end is taken as the first day the relationship no longer holds). ``ACCOUNTING_PERIOD``
  is the financial year the accounts cover, not the life of the relationship: its end would
  make every current parent look gone at the year end, so it is never used.
- **Inactive records.** ``RelationshipStatus`` INACTIVE means the relationship has ended. With a
  relationship-period end date, that date ends the edge. Without one, the record's
  ``Registration.LastUpdateDate`` (the day GLEIF last heard the relationship's state, so a late
  bound: a screener would rather over- than under-state a past holding) ends it, and the source
  text says so. With neither, the row is an error: keeping it open would claim a control that
  has ended, dropping it would lose a past one without a word.
- **Void records.** Registration status ``ANNULLED`` (GLEIF found the record wrong) or
  ``DUPLICATE`` (another record says the same) gives no edge.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator
from datetime import date
from pathlib import Path

from bomscan.errors import InputError
from bomscan.rules.ownership import OwnershipEdge, check_window, parse_day, parse_share

START = "Relationship.StartNode.NodeID"
END = "Relationship.EndNode.NodeID"
TYPE = "Relationship.RelationshipType"
STATUS = "Relationship.RelationshipStatus"
LAST_UPDATE = "Registration.LastUpdateDate"
REG_STATUS = "Registration.RegistrationStatus"
RR_REQUIRED = (START, END, TYPE)

LEI = "LEI"
LEGAL_NAME = "Entity.LegalName"
NAMES_REQUIRED = (LEI, LEGAL_NAME)

DIRECT = "IS_DIRECTLY_CONSOLIDATED_BY"
ULTIMATE = "IS_ULTIMATELY_CONSOLIDATED_BY"
VOID_REGISTRATIONS = frozenset({"ANNULLED", "DUPLICATE"})
_MAX_SLOTS = 20  # the golden copy has 5 period and 5 quantifier slots; allow more


def _clean(header: list[str]) -> list[str]:
    """Column names without surrounding blanks or a byte-order mark."""
    return [h.strip().lstrip("\ufeff").strip() for h in header]


def looks_like_gleif(header: list[str]) -> bool:
    """Whether a CSV header is a GLEIF Level 2 relationship record file (start node, end node
    and relationship type columns), so the dispatcher can pick this reader."""
    return set(RR_REQUIRED) <= set(_clean(header))


def looks_like_gleif_names(header: list[str]) -> bool:
    """Whether a CSV header is a GLEIF Level 1 (LEI-CDF) file: ``LEI`` and ``Entity.LegalName``."""
    return set(NAMES_REQUIRED) <= set(_clean(header))


def _csv_rows(path: Path, required: tuple[str, ...], what: str) -> Iterator[tuple[int, dict]]:
    """Rows of a CSV as ``(physical line where the row starts, {column: value})``, after
    checking the header holds ``required``. Line 1 is the header."""
    where = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = _clean(next(reader, []))
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(f"{what} lacks the column {missing[0]!r}", path=where, line=1)
            start = reader.line_num + 1
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield start, dict(zip(header, row, strict=False))
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 text ({exc.reason})", path=where) from None
    except csv.Error as exc:
        raise InputError(f"{what} is not readable CSV: {exc}", path=where) from None


def read_gleif_names(path: Path, *, only: Collection[str] | None = None) -> dict[str, str]:
    """LEI -> legal name from a GLEIF Level 1 (LEI-CDF golden copy) CSV, so edges can carry the
    names the rules and the report match on. ``only``: keep just these LEIs (the full Level 1
    file has millions of rows; the relationship file names a small part of them)."""
    wanted = set(only) if only is not None else None
    names: dict[str, str] = {}
    for _line, row in _csv_rows(path, NAMES_REQUIRED, "GLEIF Level 1 file"):
        lei = (row.get(LEI) or "").strip().upper()
        name = " ".join((row.get(LEGAL_NAME) or "").split())
        if lei and name and (wanted is None or lei in wanted):
            names[lei] = name
    return names


def _slots(row: dict, pattern: str, fields: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """The numbered groups of a flattened record (``Relationship.Period.{n}.startDate`` ...),
    each as ``{field: value}``, skipping empty ones."""
    for n in range(1, _MAX_SLOTS + 1):
        cols = [pattern.format(n=n, field=f) for f in fields]
        if not any(c in row for c in cols):
            return
        slot = {f: (row.get(c) or "").strip() for f, c in zip(fields, cols, strict=True)}
        if any(slot.values()):
            yield slot


def _relationship_window(row: dict, where: str, line: int) -> tuple[date | None, date | None, bool]:
    """``(valid_from, valid_to, open_end)`` from the RELATIONSHIP_PERIOD slots: the earliest
    start, the latest end; ``open_end`` when some relationship period has no end date."""
    starts: list[date] = []
    ends: list[date] = []
    open_end = False
    periods = _slots(row, "Relationship.Period.{n}.{field}", ("startDate", "endDate", "periodType"))
    for p in periods:
        if p["periodType"].upper() != "RELATIONSHIP_PERIOD":
            continue
        start = parse_day(p["startDate"], "relationship start date", where, line)
        end = parse_day(p["endDate"], "relationship end date", where, line)
        if start:
            starts.append(start)
        if end:
            ends.append(end)
        else:
            open_end = True
    return (min(starts) if starts else None), (max(ends) if ends else None), open_end


def _share(row: dict, where: str, line: int) -> float | None:
    """The first quantifier given as a PERCENTAGE, checked to lie in 0-100; None otherwise."""
    fields = ("MeasurementMethod", "QuantifierAmount", "QuantifierUnits")
    for q in _slots(row, "Relationship.Quantifiers.{n}.{field}", fields):
        if q["QuantifierUnits"].upper() == "PERCENTAGE" and q["QuantifierAmount"]:
            return parse_share(q["QuantifierAmount"], where, line)
    return None


def _edge(row: dict, path: Path, line: int, names: dict[str, str]) -> OwnershipEdge | None:
    """The edge one consolidation record gives, or None for a void (annulled or duplicate) one."""
    where = str(path)
    child = (row.get(START) or "").strip().upper()
    parent = (row.get(END) or "").strip().upper()
    kind = (row.get(TYPE) or "").strip().upper()
    if not child or not parent:
        raise InputError(f"{kind} record without a start or end node LEI", path=where, line=line)
    if (row.get(REG_STATUS) or "").strip().upper() in VOID_REGISTRATIONS:
        return None
    valid_from, valid_to, open_end = _relationship_window(row, where, line)
    note = ""
    if (row.get(STATUS) or "").strip().upper() == "INACTIVE" and (valid_to is None or open_end):
        valid_to = parse_day(row.get(LAST_UPDATE) or "", "last update date", where, line)
        if valid_to is None:
            raise InputError(
                f"INACTIVE relationship {child} -> {parent} has no end date and no "
                f"{LAST_UPDATE}: cannot tell when it ended",
                path=where,
                line=line,
            )
        note = f"; INACTIVE, ended by {valid_to} (last update)"
    elif open_end:
        valid_to = None
    edge = OwnershipEdge(
        owner=names.get(parent, parent),
        owned=names.get(child, child),
        share=_share(row, where, line),
        valid_from=valid_from,
        valid_to=valid_to,
        source=f"GLEIF relationship record {child} -> {parent} ({kind}{note}; {path.name})",
        origin=f"{where}:{line}",
        owner_id=parent,
        owned_id=child,
    )
    check_window(edge, where, line)
    return edge


def _reaches(parents: dict[str, set[str]], start: str, goal: str) -> bool:
    """Whether ``goal`` is an ancestor of ``start`` through direct records (cycles allowed)."""
    seen: set[str] = set()
    todo = list(parents.get(start, ()))
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(parents.get(node, ()))
    return False


def read_gleif(path: Path, names: dict[str, str] | None = None) -> list[OwnershipEdge]:
    """Ownership edges from a GLEIF Level 2 relationship record CSV (RR-CDF golden copy
    layout), named with ``names`` (LEI -> legal name, from :func:`read_gleif_names`) where
    known and by LEI otherwise. See the module docstring for what is kept and why."""
    names = {k.upper(): v for k, v in (names or {}).items()}
    direct: list[OwnershipEdge] = []
    ultimate: list[OwnershipEdge] = []
    for line, row in _csv_rows(path, RR_REQUIRED, "GLEIF relationship file"):
        kind = (row.get(TYPE) or "").strip().upper()
        if kind not in (DIRECT, ULTIMATE):
            continue
        edge = _edge(row, path, line, names)
        if edge is not None:
            (direct if kind == DIRECT else ultimate).append(edge)
    parents: dict[str, set[str]] = {}
    for e in direct:
        parents.setdefault(e.owned_id or "", set()).add(e.owner_id or "")
    gaps = [e for e in ultimate if not _reaches(parents, e.owned_id or "", e.owner_id or "")]
    return direct + gaps
