"""Beneficial Ownership Data Standard (BODS) statements read into ownership edges.

A BODS file is a JSON array of statements, or JSON Lines with one statement a line. Two
shapes are read:

- BODS 0.2/0.3: ``statementType`` ``entityStatement`` / ``personStatement`` /
  ``ownershipOrControlStatement``, ids in ``statementID``, a relationship naming its parties
  as ``subject.describedByEntityStatement`` and ``interestedParty.describedBy{Entity,Person}
  Statement``; a statement lists those it supersedes in ``replacesStatements``.
- BODS 0.4: ``recordType`` ``entity`` / ``person`` / ``relationship``, the details under
  ``recordDetails``, parties named by ``recordId``; statements sharing a ``recordId`` are
  versions of one record, and ``recordStatus`` ``closed`` ends it.

The reading, and why:

- **Edge.** One relationship gives ``owner`` = the interested party (an entity's ``name``, or a
  person's full name: a human beneficial owner is an owner like any other), ``owned`` = the
  subject. ``*_id``: the entity's identifier with scheme ``XI-LEI``, if it has one.
- **Which interests count.** ``shareholding`` gives the share it states. ``votingRights`` gives
  its share, or None (control) without one. ``appointmentOfBoard``, ``otherInfluenceOrControl``
  (and 0.2's ``other-influence-or-control-of-trust``), ``controlViaCompanyRulesOrArticles`` and
  ``controlByLegalFramework`` are control: share None, which the rules count as a majority
  holding (the EU's control test names the right to appoint the board). ``unknownInterest`` and
  ``unpublishedInterest`` count only when they state a share. Board seats, senior managing
  officials, trust roles (settlor, trustee, protector, beneficiary), nominee arrangements and
  rights to profits, assets or contracts say nothing about who owns the entity: no edge.
- **Share.** ``exact`` when given. Otherwise a range: both bounds give their midpoint, one bound
  gives that bound, and the edge's source says "share range a-b%" so the reader sees the
  uncertainty. (The UK bands 25-50/50-75/75-100 become 37.5/62.5/87.5: a holder of exactly 50%
  reported in the lowest band reads as 37.5 alone, but two such holders still add up past
  50.) A ``shareholding`` with no figure at all is kept as share None with "share not stated":
  for a screener a missed owner is worse than one to check.
- **One edge per period.** Interests of one relationship with the same start and end make one
  edge (the largest share, None if any is control), so a holder's shares and votes in the same
  company are never added together.
- **Indirect holdings.** A relationship listing its components (``componentRecords``,
  ``componentStatementIDs``) sums up the chain of component relationships. When every one of
  them gave an edge, only its interests marked ``direct`` count (the rest would count the chain
  twice where holdings are added up); when the chain has a gap, all of them count.
- **Dates.** ``startDate``/``endDate`` (the end is the first day the interest no longer exists;
  ``YYYY`` and ``YYYY-MM`` mean the first day of that year or month). An interest of a closed
  0.4 record without an end date ends on the closing statement's ``statementDate``.
- **Updates.** The statements about one relationship (a 0.4 ``recordId``, a 0.2/0.3 chain of
  ``replacesStatements``) are its versions, in file order. Each later version speaks for the
  time from its earliest counted start (else its ``statementDate``) on; earlier versions' edges
  end there ("superseded" in the source). So a confirmation repeats nothing, a new share ends
  the old one where it begins, and the history before it stays (a holding before the as-of
  date still counts for spend dated then).
- **Origin.** ``file:line`` with the line where the statement starts; errors name the statement
  by its 1-based position and id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from bomscan.errors import InputError
from bomscan.rules.ownership import OwnershipEdge, check_window, parse_day, parse_share

_KINDS = {
    "entityStatement": "entity",
    "personStatement": "person",
    "ownershipOrControlStatement": "relationship",
    "entity": "entity",
    "person": "person",
    "relationship": "relationship",
}
SHAREHOLDING = "shareholding"
SHARE_OR_CONTROL = frozenset({"votingrights"})
CONTROL = frozenset(
    {
        "appointmentofboard",
        "otherinfluenceorcontrol",
        "otherinfluenceorcontroloftrust",
        "controlviacompanyrulesorarticles",
        "controlbylegalframework",
    }
)
SHARE_ONLY = frozenset({"unknowninterest", "unpublishedinterest"})
_WS = re.compile(r"[ \t\r\n]*")
_MARKERS = (
    b'"statementType"',
    b'"statementID"',
    b'"recordDetails"',
    b'"declarationSubject"',
    b'"bodsVersion"',
)


def looks_like_bods(first_bytes: bytes) -> bool:
    """Whether the start of a file is BODS JSON: a JSON array or object (or JSON Lines) that
    names a BODS-only key, so the dispatcher can tell it from an SBOM or other JSON."""
    head = first_bytes.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{") and any(m in head for m in _MARKERS)


class _Lines:
    """Line numbers of increasing positions in a text, counted once (files can be large)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:
        """The 1-based line of ``pos`` (not before the last position asked about)."""
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _array_items(text: str, pos: int, lines: _Lines) -> list[tuple[int, Any]]:
    """The elements of the top-level JSON array at ``pos``, each with the line it starts on."""
    dec = json.JSONDecoder()
    items: list[tuple[int, Any]] = []
    pos = _WS.match(text, pos + 1).end()
    if text.startswith("]", pos):
        pos += 1
    else:
        while True:
            value, end = dec.raw_decode(text, pos)
            items.append((lines.at(pos), value))
            pos = _WS.match(text, end).end()
            if text.startswith(",", pos):
                pos = _WS.match(text, pos + 1).end()
            elif text.startswith("]", pos):
                pos += 1
                break
            else:
                raise json.JSONDecodeError("Expecting ',' or ']' after a statement", text, pos)
    pos = _WS.match(text, pos).end()
    if pos != len(text):
        raise json.JSONDecodeError("Extra data after the statement array", text, pos)
    return items


def _load(path: Path) -> list[tuple[int, Any]]:
    """The statements of a BODS file with the line each starts on: the elements of a JSON
    array, or the values of a JSON Lines (or single-object) file. Bad JSON is an InputError at
    the line the JSON decoder stopped on."""
    where = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"BODS file is not UTF-8 text ({exc.reason})", path=where) from None
    lines = _Lines(text)
    pos = _WS.match(text).end()
    if pos == len(text):
        raise InputError("BODS file is empty", path=where)
    try:
        if text.startswith("[", pos):
            return _array_items(text, pos, lines)
        dec = json.JSONDecoder()
        items: list[tuple[int, Any]] = []
        while pos < len(text):
            value, end = dec.raw_decode(text, pos)
            items.append((lines.at(pos), value))
            pos = _WS.match(text, end).end()
        return items
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} (column {exc.colno})", path=where, line=exc.lineno
        ) from None


@dataclass(frozen=True)
class _Statement:
    """One statement in a version-neutral form: ``kind`` entity/person/relationship (blank for
    others, e.g. annotations), ``key`` the id other statements refer to it by, ``details`` the
    object holding its fields (0.4's ``recordDetails``, else the statement itself)."""

    line: int
    label: str
    kind: str
    key: str
    raw: dict
    details: dict


def _statement(raw: Any, line: int, index: int, where: str) -> _Statement:
    """Normalise one BODS 0.2/0.3/0.4 statement; anything that is not one is an error."""
    if not isinstance(raw, dict):
        raise InputError(f"statement {index} is not a JSON object", path=where, line=line)
    sid = raw.get("statementId") or raw.get("statementID")
    label = f"statement {index}" + (f" ({sid})" if sid else "")
    if "recordType" in raw:
        kind, key, details = raw.get("recordType"), raw.get("recordId"), raw.get("recordDetails")
    elif "statementType" in raw:
        kind, key, details = raw.get("statementType"), sid, raw
    else:
        raise InputError(
            f"{label} has neither statementType (BODS 0.2/0.3) nor recordType (BODS 0.4)",
            path=where,
            line=line,
        )
    kind = _KINDS.get(str(kind), "")
    if kind and not (isinstance(key, str) and key.strip()):
        raise InputError(f"{label} has no recordId or statementID", path=where, line=line)
    if kind and not isinstance(details, dict):
        raise InputError(f"{label} has no recordDetails object", path=where, line=line)
    return _Statement(line, label, kind, (key or "").strip(), raw, details or {})


class _Party(NamedTuple):
    """An entity or person as edges name it: its kind, display name and LEI (if any)."""

    kind: str
    name: str
    lei: str | None


def _person_name(names: Any) -> str | None:
    """A person's full name: an ``individual`` (or ``legal``) name first, else any other."""
    found = [n for n in names or [] if isinstance(n, dict)]
    found.sort(key=lambda n: n.get("type") not in ("individual", "legal"))
    for n in found:
        full = n.get("fullName") or " ".join(
            str(part) for part in (n.get("givenName"), n.get("familyName")) if part
        )
        if full:
            return str(full)
    return None


def _party(st: _Statement) -> _Party:
    """The name and LEI of an entity or person statement."""
    d = st.details
    name = d.get("name") if st.kind == "entity" else _person_name(d.get("names"))
    name = " ".join(str(name).split()) if name else f"unnamed {st.kind} {st.key}"
    lei = None
    for ident in d.get("identifiers") or []:
        if isinstance(ident, dict) and str(ident.get("scheme", "")).upper() == "XI-LEI":
            if str(ident.get("id") or "").strip():
                lei = str(ident["id"]).strip().upper()
                break
    return _Party(st.kind, name, lei)


def _chains(statements: list[_Statement]) -> tuple[dict[str, list[_Statement]], dict[str, str]]:
    """The relationship statements grouped into the successive versions of one relationship,
    in file order: 0.4 statements sharing a ``recordId``, or 0.2/0.3 statements linked by
    ``replacesStatements``. Also each relationship statement's id -> its chain."""
    chain_of: dict[str, str] = {}
    chains: dict[str, list[_Statement]] = {}
    for st in statements:
        if st.kind != "relationship":
            continue
        chain = st.key
        for old in st.raw.get("replacesStatements") or []:
            chain = chain_of.get(str(old), chain)
        chain_of[st.key] = chain
        chains.setdefault(chain, []).append(st)
    return chains, chain_of


def _party_of(st: _Statement, field: str, parties: dict[str, _Party], where: str) -> _Party | None:
    """The party a relationship names as ``field`` (subject / interestedParty); None when the
    statement says it is unspecified; an error when it names an id no statement describes."""
    ref = st.details.get(field)
    if isinstance(ref, dict):
        keys = ("describedByEntityStatement", "describedByPersonStatement")
        ref = next((ref[k] for k in keys if isinstance(ref.get(k), str)), None)
        if ref is None:
            return None  # {"unspecified": ...} or an 0.4 unspecified record: no party to name
    if not isinstance(ref, str) or not ref.strip():
        raise InputError(f"{st.label} has no {field}", path=where, line=st.line)
    party = parties.get(ref.strip())
    if party is None:
        raise InputError(
            f"{st.label} names {ref!r} as its {field}, but no entity or person statement in "
            "the file has that id",
            path=where,
            line=st.line,
        )
    if field == "subject" and party.kind != "entity":
        raise InputError(f"{st.label} has a person as its subject", path=where, line=st.line)
    return party


def _percent(value: Any, where: str, line: int) -> float | None:
    """A BODS share figure as a checked 0-100 percentage (None when blank)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"share {value!r} is not a percentage", path=where, line=line)
    return parse_share(str(value), where, line)


def _bound(share: dict, keys: tuple[str, str], where: str, line: int) -> float | None:
    """The first numeric bound under ``keys`` (0.2/0.3 use the exclusive keys as flags)."""
    for key in keys:
        value = share.get(key)
        if value is not None and not isinstance(value, bool):
            return _percent(value, where, line)
    return None


def _share(share: Any, where: str, line: int) -> tuple[float | None, str | None]:
    """``(share, note)`` from a BODS share object: ``exact``, else the midpoint of a range, else
    its one bound; ``(None, None)`` when it states no figure."""
    if not isinstance(share, dict):
        return None, None
    exact = share.get("exact")
    if exact is not None and (value := _percent(exact, where, line)) is not None:
        return value, f"{value:g}%"
    low = _bound(share, ("minimum", "exclusiveMinimum"), where, line)
    high = _bound(share, ("maximum", "exclusiveMaximum"), where, line)
    if low is not None and high is not None:
        if low > high:
            raise InputError(f"share range {low:g}-{high:g}% is upside down", path=where, line=line)
        mid = (low + high) / 2
        return mid, f"share range {low:g}-{high:g}%, midpoint {mid:g}% used"
    if low is not None:
        return low, f"share range from {low:g}%, lower bound used"
    if high is not None:
        return high, f"share range up to {high:g}%, upper bound used"
    return None, None


def _day(text: Any, what: str, where: str, line: int) -> date | None:
    """A BODS date; ``YYYY`` and ``YYYY-MM`` are the first day of that year or month."""
    t = str(text or "").strip()
    if re.fullmatch(r"\d{4}", t):
        t += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", t):
        t += "-01"
    return parse_day(t, what, where, line)


Counted = tuple[float | None, str, date | None, date | None]


def _interest(item: Any, where: str, line: int, direct_only: bool) -> Counted | None:
    """``(share, note, start, end)`` for an interest that speaks of ownership or control, None
    for one that does not (see the module docstring for which count). ``direct_only``: the
    relationship's components are in the file, so only its direct interests are new."""
    if not isinstance(item, dict):
        raise InputError("an interest is not a JSON object", path=where, line=line)
    level = item.get("directOrIndirect") or item.get("interestLevel")
    if direct_only and str(level).lower() != "direct":
        return None
    kind = str(item.get("type") or "")
    norm = kind.replace("-", "").replace("_", "").lower()
    share, figure = _share(item.get("share"), where, line)
    if norm in CONTROL:
        share, note = None, f"{kind} (control)"
    elif figure is not None and (norm == SHAREHOLDING or norm in SHARE_OR_CONTROL | SHARE_ONLY):
        note = f"{kind} {figure}" if figure.endswith("%") else f"{kind}, {figure}"
    elif norm in SHARE_OR_CONTROL:
        note = f"{kind}, share not stated (control)"
    elif norm == SHAREHOLDING:
        note = f"{kind}, share not stated (kept as control)"
    else:
        return None
    start = _day(item.get("startDate"), "interest start date", where, line)
    end = _day(item.get("endDate"), "interest end date", where, line)
    return share, note, start, end


def _counted(st: _Statement, where: str, direct_only: bool) -> list[Counted]:
    """The interests of one relationship statement that count; those of a closed 0.4 record
    without an end date end on the closing statement's date."""
    closed_on = None
    if st.raw.get("recordStatus") == "closed":
        closed_on = _day(st.raw.get("statementDate"), "statementDate", where, st.line)
        if closed_on is None:
            raise InputError(
                f"{st.label} is closed but has no statementDate", path=where, line=st.line
            )
    found = []
    for item in st.details.get("interests") or []:
        counted = _interest(item, where, st.line, direct_only)
        if counted is not None:
            share, note, start, end = counted
            if end is None and closed_on is not None:
                end, note = closed_on, f"{note}; record closed {closed_on}"
            found.append((share, note, start, end))
    return found


def _version_edges(
    st: _Statement, counted: list[Counted], parties: dict[str, _Party], path: Path
) -> list[OwnershipEdge]:
    """The edges one relationship statement gives: one per distinct (start, end) of its
    counted interests, with the largest share of that period (None if any is control)."""
    where = str(path)
    subject = _party_of(st, "subject", parties, where)
    owner = _party_of(st, "interestedParty", parties, where)
    if subject is None or owner is None:
        return []
    periods: dict[tuple[date | None, date | None], list[tuple[float | None, str]]] = {}
    for share, note, start, end in counted:
        periods.setdefault((start, end), []).append((share, note))
    edges = []
    for (start, end), found in periods.items():
        shares = [s for s, _ in found if s is not None]
        edge = OwnershipEdge(
            owner=owner.name,
            owned=subject.name,
            share=max(shares) if len(shares) == len(found) else None,
            valid_from=start,
            valid_to=end,
            source=f"BODS {st.label}: {'; '.join(n for _, n in found)} ({path.name})",
            origin=f"{where}:{st.line}",
            owner_id=owner.lei,
            owned_id=subject.lei,
        )
        check_window(edge, where, st.line)
        edges.append(edge)
    return edges


def _chain_edges(
    versions: list[_Statement], parties: dict[str, _Party], path: Path, direct_only: bool
) -> list[OwnershipEdge]:
    """The edges of one relationship's successive statements. A later statement speaks for
    the time from its earliest counted start (else its statementDate) on, so an earlier
    statement's edges are cut off there: a confirmation repeats nothing, a change ends the
    old share where the new one begins, a correction overrides the past it describes."""
    where = str(path)
    cutoff: date | None = None
    edges: list[OwnershipEdge] = []
    for st in reversed(versions):
        counted = _counted(st, where, direct_only)
        mine = _version_edges(st, counted, parties, path)
        if cutoff is not None:
            mine = [e for e in (_cut(e, cutoff, path.name) for e in mine) if e is not None]
        edges[:0] = mine
        starts = [start for _, _, start, _ in counted if start is not None]
        stated = _day(st.raw.get("statementDate"), "statementDate", where, st.line)
        speaks_from = min(starts) if starts else stated
        if speaks_from is not None:
            cutoff = speaks_from if cutoff is None else min(cutoff, speaks_from)
    return edges


def _cut(edge: OwnershipEdge, cutoff: date, file_name: str) -> OwnershipEdge | None:
    """``edge`` ended by ``cutoff`` (a later statement's start), None if nothing is left."""
    if edge.valid_to is not None and edge.valid_to <= cutoff:
        return edge
    if edge.valid_from is not None and edge.valid_from >= cutoff:
        return None
    tail = f" ({file_name})"
    source = f"{edge.source.removesuffix(tail)}; superseded {cutoff}{tail}"
    return replace(edge, valid_to=cutoff, source=source)


def _chain_is_complete(
    st: _Statement,
    chain: str,
    chain_of: dict[str, str],
    parties: dict[str, _Party],
    first: dict[str, list[OwnershipEdge]],
) -> bool:
    """Whether a relationship lists components (0.4 ``componentRecords``, 0.3
    ``componentStatementIDs``) and every relationship among them is in the file and gave an
    edge. Entity and person records in the list are part of the chain, not links of it."""
    listed = st.details.get("componentRecords") or st.details.get("componentStatementIDs") or []
    links: set[str] = set()
    for ref in map(str, listed):
        if ref in chain_of:
            if chain_of[ref] != chain:
                links.add(chain_of[ref])
        elif ref not in parties:
            return False  # a component the file does not hold: a gap
    return bool(links) and all(first[link] for link in links)


def read_bods(path: Path) -> list[OwnershipEdge]:
    """Ownership edges from a BODS 0.2/0.3/0.4 file (JSON array or JSON Lines). See the module
    docstring for which statements and interests give edges, and why."""
    where = str(path)
    statements = [
        _statement(raw, line, index, where) for index, (line, raw) in enumerate(_load(path), 1)
    ]
    parties = {st.key: _party(st) for st in statements if st.kind in ("entity", "person")}
    chains, chain_of = _chains(statements)
    first = {c: _chain_edges(v, parties, path, direct_only=False) for c, v in chains.items()}
    edges: list[OwnershipEdge] = []
    for chain, versions in chains.items():
        if _chain_is_complete(versions[-1], chain, chain_of, parties, first):
            edges.extend(_chain_edges(versions, parties, path, direct_only=True))
        else:
            edges.extend(first[chain])
    return edges
