"""Convert the U.S. Consolidated Screening List (CSL) into a bomscan rules directory.

The CSL (trade.gov) merges 13 export-control and sanctions lists from Commerce, State and
Treasury. It comes as JSON (``{"results": [...]}``, arrays for aliases and addresses) and as CSV
(multi-valued fields joined by ``"; "``; the 2019 export lacks the leading ``_id`` column). Users
bring it themselves (``bomscan rules fetch`` downloads it) because bomscan's shipped rules are a
small curated set, not a copy of any list.

What the import does, and why:

* one ``[[list]]`` per CSL source, with a level mapped from what the list legally means
  (:data:`SOURCES`; documented in ``rules/README.md``) and the agency URL from the rows;
* one ``[[entity]]`` per organisation: rows that are the same entity are merged (same normalised
  name, or one row's name equal to another row's alias), each row becoming one listing with its
  Federal Register citation (or entry number), start/end dates, URLs and licence texts;
* individuals, vessels and aircraft are skipped (bomscan screens organisations) and counted;
* the CSL's quirks are cleaned: aliases joined by ``"; "`` with a trailing ``"and ..."`` and
  ``"."``, ``"?"`` for apostrophes in BIS names, stray cp1252 bytes (``\\x92`` -> ``’``), leading
  spaces, the ``"and any successor, sub-unit, or subsidiary thereof"`` tail and the
  ``"X. Affiliated Entity: Y"`` wording.

The output is written with :mod:`bomscan.rules.tomlw` and checked with the same validator as
``bomscan rules validate`` before the command reports success.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import orjson

from bomscan.errors import InputError
from bomscan.rules.tomlw import dumps_table, toml_value

CSL_URL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json"


@dataclass(frozen=True)
class SourceDef:
    code: str
    level: str
    meaning: str
    legal_basis: str


# Level per CSL source. "prohibited": the party may not be dealt with (at all, or in the list's
# field); "restricted": dealings need a licence or are limited to some kinds of transaction;
# "investment": securities only; "informational": no direct consequence.
SOURCES: dict[str, SourceDef] = {
    s.code: s
    for s in (
        SourceDef(
            "EL",
            "restricted",
            "Exports, reexports and in-country transfers of items subject to the EAR to this party "
            "need a BIS licence (requirement and review policy per entry). It does not by itself "
            "bar buying from the party.",
            "15 CFR 744.11 and Supplement No. 4 to Part 744 (Entity List)",
        ),
        SourceDef(
            "MEU",
            "restricted",
            "Exports of the items listed in Supplement No. 2 to Part 744 to this military end user "
            "need a BIS licence. It does not by itself bar buying from the party.",
            "15 CFR 744.21 and Supplement No. 7 to Part 744 (Military End-User List)",
        ),
        SourceDef(
            "UVL",
            "restricted",
            "BIS could not verify this party's bona fides: licence exceptions are not available "
            "for exports to it, and exports that need no licence need a UVL statement from it "
            "first.",
            "15 CFR 744.15 and Supplement No. 6 to Part 744 (Unverified List)",
        ),
        SourceDef(
            "DPL",
            "prohibited",
            "A BIS denial order: no one may take part in an export transaction subject to the EAR "
            "with this party, including buying from it items exported from the U.S., while the "
            "order is in force.",
            "15 CFR Part 764 (denial orders; standard terms in Supplement No. 1 to Part 764)",
        ),
        SourceDef(
            "ISN",
            "prohibited",
            "State Department nonproliferation sanctions. The measures depend on the statute "
            "(programs) and usually include a ban on U.S. government procurement from the party "
            "and on export licences to it, for a set period.",
            "Nonproliferation statutes and executive orders named in the entry's programs "
            "(e.g. INKSNA, E.O. 12938)",
        ),
        SourceDef(
            "DTC",
            "prohibited",
            "Debarred under the ITAR: the party may not take part, directly or indirectly, in "
            "exports of defense articles or defense services.",
            "22 CFR 127.7 (ITAR debarment), Arms Export Control Act s.38",
        ),
        SourceDef(
            "SDN",
            "prohibited",
            "Blocked by OFAC: U.S. persons may generally not deal with this party or in its "
            "property or interests in property, unless authorised.",
            "31 CFR Chapter V; the sanctions program(s) of the entry",
        ),
        SourceDef(
            "FSE",
            "prohibited",
            "Foreign sanctions evader: U.S. persons may not engage in transactions with this "
            "party involving goods, services or technology in or intended for the U.S. or "
            "provided by or to U.S. persons. Its property is not blocked.",
            "Executive Order 13608",
        ),
        SourceDef(
            "SSI",
            "restricted",
            "Sectoral sanctions: U.S. persons may not engage in the kinds of transaction named in "
            "the directive(s) for this party (new debt or equity, certain oil-project goods and "
            "services). Other dealings are not blocked.",
            "Executive Order 13662 and the OFAC directives under it",
        ),
        SourceDef(
            "CAP",
            "restricted",
            "U.S. financial institutions may not open or maintain correspondent or payable-through "
            "accounts for this foreign financial institution, or only under strict conditions.",
            "CAPTA list; the OFAC program(s) of the entry (e.g. 31 CFR 561.201)",
        ),
        SourceDef(
            "CMIC",
            "investment",
            "U.S. persons may not buy or sell publicly traded securities (or derivatives of them) "
            "of this company; it is not an export control or a procurement ban.",
            "Executive Order 13959 as amended by Executive Order 14032",
        ),
        SourceDef(
            "MBS",
            "restricted",
            "Menu-based sanctions: OFAC imposed selected measures (listed in the entry's "
            "programs), not full blocking.",
            "The statute(s) of the entry's programs (e.g. CAATSA, Iran Sanctions Act)",
        ),
        SourceDef(
            "PLC",
            "informational",
            "OFAC's Non-SDN Palestinian Legislative Council list: the person is not blocked; the "
            "list exists so that transactions can be reviewed.",
            "31 CFR Part 594 (Global Terrorism Sanctions Regulations); OFAC general licences",
        ),
    )
}
SKIP_TYPES = {"individual": "individuals", "vessel": "vessels", "aircraft": "aircraft"}
_SUCCESSOR = re.compile(
    r"[;,]?\s*(?:and\s+)?any successors?,\s*sub-units?,?\s*or subsidiar(?:y|ies)"
    r" thereof\.?",
    re.I,
)
_AFFILIATED = re.compile(r"^(?P<parent>.+?)\s*\.?\s+Affiliated Entity:\s*(?P<name>.+)$", re.I)
_ABBREV_END = re.compile(
    r"\b(?:co|corp|inc|ltd|llc|plc|s\.a|jsc|ojsc|gmbh|ag|bv|nv|sa|st)\.$", re.I
)


@dataclass
class Row:
    """One CSL record, cleaned. ``n`` is the record's position (1-based) for messages."""

    n: int
    code: str
    source: str
    name: str
    raw_name: str
    aliases: list[str]
    weak: list[str]
    countries: list[str]
    addresses: list[str]
    citation: str
    start: date | None
    end: date | None
    list_url: str
    info_url: str
    license_requirement: str
    license_policy: str
    entity_number: str
    row_id: str
    programs: str
    parent_name: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CslImport:
    """What an import wrote: the number of entities, and the one-line summary the CLI prints."""

    entities: int
    text: str

    def __str__(self) -> str:
        return self.text


def import_csl(
    path: str | Path,
    out_dir: str | Path,
    *,
    name: str = "csl-import",
    version: str | None = None,
    updated: date | None = None,
) -> CslImport:
    """Read a CSL file (JSON or CSV) and write ``lists.toml`` and ``entities.toml`` into
    ``out_dir``. ``name`` and ``updated`` go into the rule set's header, which every report
    names (default: ``csl-import``, ``csl-`` and the file's hash, its modification date)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=str(path)) from None
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    warnings: list[str] = []
    if stripped[:1] in (b"{", b"["):
        records = _read_json(data, path)
    else:
        records = _read_csv(data, path, warnings)
    stats: Counter = Counter()
    rows: list[Row] = []
    for n, rec in enumerate(records, start=1):
        row = _row(n, rec, stats)
        if row is not None:
            rows.append(row)
    entities = _merge(rows)
    stats["merged"] = len(rows) - len(entities)
    digest = hashlib.sha256(data).hexdigest()
    if updated is None:
        updated = datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        header = (name, version or f"csl-{digest[:12]}", updated)
        _write(out, path, digest, header, rows, entities)
    except OSError as exc:
        raise InputError(f"cannot write rules ({exc.strerror})", path=str(out)) from None
    from bomscan.rules.loader import collect

    _, problems = collect([out])
    if problems:  # our own output must validate; if not, that is a bug in this module
        raise RuntimeError(f"imported rules do not validate: {problems[0]}")
    skipped = sum(v for k, v in stats.items() if k.startswith("skip:"))
    reasons = ", ".join(f"{v} {k[5:]}" for k, v in sorted(stats.items()) if k.startswith("skip:"))
    summary = (
        f"read {len(records)} rows from {path}: wrote {len(entities)} entities "
        f"({len(rows)} listings on {len({r.code for r in rows})} lists) to {out}; "
        f"merged {stats['merged']} rows into entities of other rows; "
        f"skipped {skipped} rows" + (f" ({reasons})" if reasons else "")
    )
    if stats["untyped"]:
        summary += (
            f"; {stats['untyped']} rows had no type (the CSL leaves it empty for BIS and State "
            "rows) and were kept as organisations"
        )
    return CslImport(len(entities), summary + "".join(f"; {w}" for w in warnings))


# ------------------------------------------------------------------------------------- reading


def _read_json(data: bytes, path: Path) -> list[dict]:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc})", path=str(path)) from None
    results = doc.get("results") if isinstance(doc, dict) else doc
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise InputError(
            'not CSL JSON: expected {"results": [...]} with one object per record', path=str(path)
        )
    return results


def _read_csv(data: bytes, path: Path, warnings: list[str]) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        warnings.append("the file is not UTF-8 and was read as Windows-1252")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "name" not in header or "source" not in header:
        raise InputError(
            "not a CSL file: the CSV header needs 'source' and 'name' columns "
            "(and JSON needs a 'results' array)",
            path=str(path),
            line=1,
        )
    reader.fieldnames = header
    out = []
    try:
        for rec in reader:
            out.append({k: v for k, v in rec.items() if k is not None})
    except csv.Error as exc:
        raise InputError(f"bad CSV ({exc})", path=str(path), line=reader.line_num) from None
    return out


# ------------------------------------------------------------------------------------ cleaning


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(_text(x) for x in v if x not in (None, ""))
    return _fix(str(v)).strip()


def _fix(s: str) -> str:
    """Undo the CSL's encoding defects: C1 control characters are cp1252 bytes read as Latin-1
    (``\\x92`` is a right single quote); other control characters become spaces."""
    if any("\x80" <= c <= "\x9f" for c in s):
        s = "".join(_c1(c) for c in s)
    s = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", s)
    return unicodedata.normalize("NFC", s)


def _c1(c: str) -> str:
    if "\x80" <= c <= "\x9f":
        try:
            return bytes([ord(c)]).decode("cp1252")
        except UnicodeDecodeError:
            return " "
    return c


def _split(v) -> list[str]:
    if isinstance(v, list):
        items = [_text(x) for x in v]
    else:
        items = _text(v).split(";")
    return [x.strip() for x in items if x and x.strip()]


def _clean_name(s: str, bis: bool) -> str:
    s = _SUCCESSOR.sub("", s)
    if bis:  # BIS exports turn apostrophes into '?'
        s = s.replace("?s ", "'s ")
        s = re.sub(r"(?<=[A-Za-z])\?(?=[A-Za-z])", "'", s)
    s = re.sub(r"\s+", " ", s).strip(" ;,")
    return s


def _clean_aliases(items: list[str], bis: bool) -> list[str]:
    out = []
    for i, a in enumerate(items):
        a = re.sub(r"^(?:and|&)\s+", "", a.strip(), flags=re.I)
        if i == len(items) - 1 and a.endswith(".") and not _ABBREV_END.search(a):
            a = a[:-1]  # the full stop that ends the list, not an abbreviation's
        a = _clean_name(a, bis)
        if a:
            out.append(a)
    return out


def _acronym(name: str) -> tuple[str, str]:
    """``'Long Name (LN 13)'`` -> ``('Long Name', 'LN 13')``; else ``('', '')``."""
    m = re.match(r"^(.{6,}?)\s*\(([^()]{2,20})\)$", name)
    if not m or not re.search(r"[A-Z]", m.group(2)):
        return "", ""
    return m.group(1).strip(), m.group(2).strip()


def _date(v) -> date | None:
    s = _text(v)[:10]
    try:
        return date.fromisoformat(s) if s else None
    except ValueError:
        return None


def _code(source: str) -> str:
    m = re.search(r"\((?:NS-)?([A-Z]+)(?: List)?\)", source)
    return m.group(1) if m else re.sub(r"[^A-Z]", "", source.upper())[:12] or "UNKNOWN"


def _addresses(v) -> tuple[list[str], list[str]]:
    """Address strings and their ISO-2 country codes (CSV: the last ', XX' of each address)."""
    texts, countries = [], []
    if isinstance(v, list):
        for a in v:
            if isinstance(a, dict):
                parts = [
                    _text(a.get(k)) for k in ("address", "city", "state", "postal_code", "country")
                ]
                texts.append(", ".join(p for p in parts if p))
                c = _text(a.get("country")).upper()
                if re.fullmatch(r"[A-Z]{2}", c):
                    countries.append(c)
            elif a:
                texts.append(_text(a))
    else:
        for a in re.split(r";\s*(?:and\s+)?(?=\S)", _text(v)):
            a = a.strip()
            if not a:
                continue
            texts.append(a)
            m = re.search(r"(?:^|,\s*)([A-Z]{2})$", a)
            if m:
                countries.append(m.group(1))
    return texts, countries


def _row(n: int, rec: dict, stats: Counter) -> Row | None:
    source = _text(rec.get("source"))
    kind = _text(rec.get("type")).lower()
    if kind in SKIP_TYPES:
        stats[f"skip:{SKIP_TYPES[kind]}"] += 1
        return None
    code = _code(source)
    bis = "Bureau of Industry and Security" in source
    raw = _text(rec.get("name"))
    name = _clean_name(raw, bis)
    if not name:
        stats["skip:without a name"] += 1
        return None
    if not kind:
        stats["untyped"] += 1
    notes = []
    if _SUCCESSOR.search(raw):
        notes.append("The entry covers any successor, sub-unit or subsidiary of the party.")
    parent_name = ""
    m = _AFFILIATED.match(name)
    if m:
        parent_name = m.group("parent").strip(" .")
        name = m.group("name").strip()
        notes.append(f"Listed as an affiliated entity of {parent_name}.")
    aliases = _clean_aliases(_split(rec.get("alt_names")), bis)
    weak = []
    for full in [name, *aliases]:
        base, acro = _acronym(full)
        if base:  # 'Long Name (LN)': the long name alone is an alias, the short one a weak one
            aliases.append(base)
            weak.append(acro)
    addresses, countries = _addresses(rec.get("addresses"))
    fr = " ".join(_text(rec.get("federal_register_notice")).split())
    number = _text(rec.get("entity_number"))
    row_id = _text(rec.get("_id") or rec.get("id"))
    if number:
        citation = fr or f"{code} entry {number}"
    else:
        citation = fr or (
            f"{code} (no citation in the CSL; record {row_id})"
            if row_id
            else f"{code} (no citation in the CSL)"
        )
    start, end = _date(rec.get("start_date")), _date(rec.get("end_date"))
    if start and end and end <= start:
        notes.append(f"The CSL gives end date {end} on or before start date {start}; end ignored.")
        end = None
    list_url = _text(rec.get("source_list_url"))
    info_url = _text(rec.get("source_information_url"))
    return Row(
        n=n,
        code=code,
        source=source,
        name=name,
        raw_name=raw,
        aliases=aliases,
        weak=weak,
        countries=countries,
        addresses=addresses,
        citation=citation,
        start=start,
        end=end,
        list_url=list_url or info_url or CSL_URL,
        info_url=info_url,
        license_requirement=_text(rec.get("license_requirement")),
        license_policy=_text(rec.get("license_policy")),
        entity_number=number,
        row_id=row_id,
        programs=_text(rec.get("programs")),
        parent_name=parent_name,
        notes=notes,
    )


# ------------------------------------------------------------------------------------- merging


def norm(s: str) -> str:
    """Merge key: case, width, accents, punctuation and spacing do not matter."""
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def _merge(rows: list[Row]) -> list[list[Row]]:
    """Group rows that are one entity: equal normalised names, or one row's name equal to
    another row's alias. Alias-to-alias equality alone does not merge (a short alias such as
    "CHINA TELECOM" can belong to several different entities)."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_name: dict[str, int] = {}
    for i, r in enumerate(rows):
        k = norm(r.name)
        if k in by_name:
            parent[find(i)] = find(by_name[k])
        else:
            by_name[k] = i
    for i, r in enumerate(rows):
        for a in r.aliases:
            j = by_name.get(norm(a))
            if j is not None:
                parent[find(i)] = find(j)
    groups: dict[int, list[Row]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(find(i), []).append(r)
    return [sorted(g, key=lambda r: r.n) for g in groups.values()]


# ------------------------------------------------------------------------------------- writing


def list_id(code: str) -> str:
    return "csl-" + re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


def entity_id(name: str) -> str:
    """Deterministic: ASCII slug of the name (at most 40 characters) plus 8 hex digits of the
    SHA-256 of its normalised form, so re-importing a newer CSL keeps ids stable."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:40].strip("-") or "csl"
    return f"{slug}-{hashlib.sha256(norm(name).encode()).hexdigest()[:8]}"


def _write(
    out: Path,
    src: Path,
    digest: str,
    header: tuple[str, str, date],
    rows: list[Row],
    groups: list[list[Row]],
) -> None:
    name, version, updated = header
    parts = [
        "# Generated by `bomscan rules import-csl` - edit the source, not this file.\n",
        dumps_table(
            "ruleset",
            {
                "name": name,
                "version": version,
                "updated": updated,
                "description": f"Consolidated Screening List (trade.gov), imported from "
                f"{src.name} (sha256 {digest}); 'updated' is when it was downloaded, or the "
                "file's modification date.",
            },
        ),
    ]
    first: dict[str, Row] = {}
    for r in rows:
        first.setdefault(r.code, r)
    for code in sorted(first):
        r = first[code]
        sd = SOURCES.get(code)
        parts.append(
            dumps_table(
                "list",
                {
                    "id": list_id(code),
                    "name": r.source or code,
                    "short_name": code,
                    "authority": r.source.rpartition(" - ")[2] or "U.S. Government (CSL)",
                    "legal_basis": sd.legal_basis if sd else "",
                    "url": r.list_url,
                    "level": sd.level if sd else "informational",
                    "meaning": sd.meaning
                    if sd
                    else "A list in the Consolidated Screening List that bomscan does not know; "
                    "read the source before relying on it.",
                },
                array=True,
            )
        )
    (out / "lists.toml").write_text("\n".join(parts), encoding="utf-8")

    ents = []
    ids: dict[str, str] = {}  # any name or alias of an entity -> its id (first one wins)
    for g in groups:
        for r in g:
            for n in (r.name, *r.aliases):
                ids.setdefault(norm(n), entity_id(g[0].name))
    for g in sorted(groups, key=lambda g: entity_id(g[0].name)):
        ents.append(_entity_toml(g, ids))
    (out / "entities.toml").write_text(
        "# Generated by `bomscan rules import-csl` from the Consolidated Screening List.\n\n"
        + "\n".join(ents),
        encoding="utf-8",
    )


def _entity_toml(g: list[Row], ids: dict[str, str]) -> str:
    """One ``[[entity]]`` of ``entities.toml`` from a group of CSL rows naming the same entity
    (the first row's name is the entity's name): the entity table, one listing per row, and
    an affiliation for each row whose parent is another imported entity."""
    eid = entity_id(g[0].name)
    text = dumps_table("entity", _entity_body(g, eid), array=True)
    for r in g:
        text += "\n" + dumps_table("entity.listing", _listing_body(r), array=True, indent="  ")
    for r in g:
        pid = _parent_id(r, ids)
        if pid and pid != eid:
            text += "\n" + dumps_table(
                "entity.affiliation",
                {"parent": pid, "relation": "affiliate", "source_url": r.list_url},
                array=True,
                indent="  ",
            )
    return text


def _entity_body(g: list[Row], eid: str) -> dict:
    """The ``[[entity]]`` table's keys for a group of rows: id and name, the country when the
    addresses agree on one, the other names (strong, then weak), every record as a source,
    and the notes."""
    head = g[0]
    aliases, weak = _other_names(g)
    countries = sorted({c for r in g for c in r.countries})
    sources = list(
        dict.fromkeys(
            f"{r.info_url or r.list_url} (CSL {r.code} record {r.row_id or r.n})" for r in g
        )
    )
    notes = _entity_notes(g, countries)
    body: dict = {"id": eid, "name": head.name}
    if len(countries) == 1:
        body["country"] = countries[0]
    if aliases:
        body["aliases"] = aliases
    if weak:
        body["weak_aliases"] = weak
    body["sources"] = sources
    if notes:
        body["notes"] = " ".join(dict.fromkeys(notes))
    return body


def _other_names(g: list[Row]) -> tuple[list[str], list[str]]:
    """The group's names other than the entity's own, each once by normalised form: strong
    aliases (every row's name and aliases) first, then weak aliases not already taken."""
    seen = {norm(g[0].name)}
    aliases: list[str] = []
    weak: list[str] = []
    for r in g:
        for a in [r.name, *r.aliases]:
            if norm(a) and norm(a) not in seen:
                seen.add(norm(a))
                aliases.append(a)
    for r in g:
        for a in r.weak:
            if norm(a) and norm(a) not in seen:
                seen.add(norm(a))
                weak.append(a)
    return aliases, weak


def _entity_notes(g: list[Row], countries: list[str]) -> list[str]:
    """The rows' notes, then the first five addresses on the list and, when the addresses are
    in several countries, those countries (a single one becomes the entity's country)."""
    notes = [n for r in g for n in r.notes]
    addrs = list(dict.fromkeys(a for r in g for a in r.addresses))
    if addrs:
        notes.append(
            "Addresses on the list: " + " | ".join(addrs[:5]) + (" | ..." if len(addrs) > 5 else "")
        )
    if len(countries) > 1:
        notes.append("Addresses in several countries: " + ", ".join(countries) + ".")
    return notes


def _listing_body(r: Row) -> dict:
    """The ``[[entity.listing]]`` table's keys for one CSL row; optional keys only when the
    row has them, and the row's programs ahead of the list's meaning."""
    lst: dict = {"list": list_id(r.code), "name_on_list": r.raw_name, "citation": r.citation}
    if r.start:
        lst["start"] = r.start
    if r.end:
        lst["end"] = r.end
    lst["source_url"] = r.list_url
    if r.license_requirement:
        lst["license_requirement"] = r.license_requirement
    if r.license_policy:
        lst["license_policy"] = r.license_policy
    if r.programs:
        lst["meaning"] = f"Programs: {r.programs}. " + (
            SOURCES[r.code].meaning if r.code in SOURCES else ""
        )
    return lst


def _parent_id(r: Row, ids: dict[str, str]) -> str | None:
    """The id of the imported entity that row ``r`` names as its parent (by its name, else by
    the name without its bracketed acronym), or None."""
    if not r.parent_name:
        return None
    base, _ = _acronym(r.parent_name)
    return ids.get(norm(r.parent_name)) or (ids.get(norm(base)) if base else None)


__all__ = ["CSL_URL", "SOURCES", "entity_id", "import_csl", "list_id", "norm", "toml_value"]
