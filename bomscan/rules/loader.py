"""Load and validate rules directories into a :class:`~bomscan.rules.model.RuleSet`.

Rules files are data, never code: they are parsed with :mod:`tomllib` only, nothing in them is
evaluated, imported or followed (no includes, no paths), so a hostile rules file can at worst be
rejected. Every problem is reported with its file and line, all at once, so ``bomscan rules
validate`` can list them together.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bomscan.errors import RulesError
from bomscan.rules.model import (
    LEVELS,
    RELATIONS,
    RULE_STATUSES,
    SHARE_SPAN,
    Affiliation,
    Entity,
    ListDef,
    Listing,
    OwnershipRule,
    PartPattern,
    RulePeriod,
    RuleSet,
    RuleSetInfo,
    is_share,
)

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_RULES_FILE = 32 << 20
MAX_ID = 120
MAX_NAME = 1_000  # a name or alias longer than this is not a name (and would slow matching)
MAX_TEXT = 20_000  # notes, meanings, licence texts


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.message}"
            if self.line
            else f"{self.path}: {self.message}"
        )


def shipped_rules_dir() -> Path:
    """The rules shipped with the package (wheel), or the repository's ``rules/`` (checkout)."""
    # a plain path, not importlib.resources: bomscan is installed as files (wheel or checkout),
    # and importlib.resources would pull in importlib.metadata at every start
    packaged = Path(__file__).resolve().parents[1] / "_shipped_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


def load_default_ruleset() -> RuleSet:
    return load_rulesets([shipped_rules_dir()])


def load_rulesets(dirs: list[Path | str]) -> RuleSet:
    """Load several rules directories, later ones on top; raise RulesError on any problem."""
    ruleset, problems = collect(dirs)
    if problems:
        first = problems[0]
        more = (
            f" (and {len(problems) - 1} more problems; run 'bomscan rules validate')"
            if len(problems) > 1
            else ""
        )
        raise RulesError(first.message + more, path=first.path, line=first.line)
    return ruleset


def collect(dirs: list[Path | str]) -> tuple[RuleSet, list[Problem]]:
    """Load every ``*.toml`` in ``dirs`` (later directories override earlier ones by id) and
    return the rule set with every problem found, each with its file and line."""
    ruleset = RuleSet()
    problems: list[Problem] = []
    raw_entities: list[tuple[dict, dict, str, int | None, Path]] = []
    dir_names: dict[Path, str] = {}
    for d in dirs:
        d = Path(d)
        if _load_dir(d, ruleset, raw_entities, problems):
            dir_names[d] = ruleset.infos[-1].name
    # Entities after all lists are known, so listings can refer to lists in other files.
    for doc, lines, path, line, d in raw_entities:
        ent = _entity(doc, lines, path, line, dir_names.get(d, d.name), ruleset, problems)
        if ent is not None:
            _add_entity(ent, d, path, line, ruleset, problems)
    _check_parents(ruleset, problems)
    _check_cycles(ruleset, problems)
    for pat in ruleset.part_patterns:
        if pat.entity not in ruleset.entities:
            problems.append(
                Problem(*_split(pat.origin), f"part_pattern: unknown entity {pat.entity!r}")
            )
    return ruleset, problems


def _load_dir(d: Path, ruleset: RuleSet, raw_entities: list, problems: list[Problem]) -> bool:
    """Load the lists and rule-set info of every ``*.toml`` in ``d`` into ``ruleset`` and queue
    its entities in ``raw_entities`` (they are built once every list is known). A directory
    without a ``[ruleset]`` table is named after itself. Returns False (with a problem) when
    ``d`` is not a directory or has no rules file."""
    if not d.is_dir():
        problems.append(Problem(str(d), None, "not a rules directory"))
        return False
    files = sorted(d.glob("*.toml"))
    if not files:
        problems.append(Problem(str(d), None, "no *.toml rules files"))
        return False
    n_infos = len(ruleset.infos)
    for f in files:
        _load_file(f, ruleset, raw_entities, problems)
    if len(ruleset.infos) == n_infos:  # no [ruleset] table: name the set after its directory
        ruleset.infos.append(RuleSetInfo(d.name, "", None, "", str(d)))
    return True


def _add_entity(
    ent: Entity, d: Path, path: str, line, ruleset: RuleSet, problems: list[Problem]
) -> None:
    """Add ``ent`` (read from directory ``d``) to the rule set: an id already defined in the
    same directory is a problem; one from an earlier directory is overridden."""
    if ent.id in ruleset.entities:
        prev = ruleset.entities[ent.id]
        if Path(_split(prev.origin)[0]).parent == d:
            problems.append(
                Problem(path, line, f"entity {ent.id!r} defined twice (first at {prev.origin})")
            )
            return
    ruleset.entities[ent.id] = ent  # a later rules directory overrides an earlier one


def _check_parents(ruleset: RuleSet, problems: list[Problem]) -> None:
    """Every affiliation must name a known entity other than the affiliate itself."""
    for ent in ruleset.entities.values():
        for aff in ent.affiliations:
            if aff.parent not in ruleset.entities:
                problems.append(
                    Problem(
                        *_split(ent.origin), f"entity {ent.id!r}: unknown parent {aff.parent!r}"
                    )
                )
            elif aff.parent == ent.id:
                problems.append(
                    Problem(*_split(ent.origin), f"entity {ent.id!r} is its own parent")
                )


def _id_ok(v: str) -> bool:
    return len(v) <= MAX_ID and bool(ID_RE.match(v))


def _split(origin: str) -> tuple[str, int | None]:
    path, _, line = origin.rpartition(":")
    return (path, int(line)) if line.isdigit() else (origin, None)


def _load_file(f: Path, ruleset: RuleSet, raw_entities: list, problems: list[Problem]) -> None:
    """Read one rules file: its ``[ruleset]`` info and ``[[list]]`` tables go into
    ``ruleset``; its ``[[entity]]`` tables are queued in ``raw_entities`` with the lines of
    their headers."""
    path = str(f)
    read = _read_toml(f, problems)
    if read is None:
        return
    text, doc = read
    headers = _table_lines(text)
    known = {"ruleset", "list", "entity", "part_pattern", "ownership_rule"}
    for key in doc:
        if key not in known:
            problems.append(
                Problem(
                    path,
                    _key_line(text, key),
                    f"unknown top-level key {key!r} (expected ruleset, list, entity, "
                    "part_pattern, ownership_rule)",
                )
            )
    info = doc.get("ruleset")
    if info is not None:
        if not isinstance(info, dict):
            problems.append(Problem(path, _key_line(text, "ruleset"), "'ruleset' must be a table"))
        else:
            ruleset.infos.append(_ruleset_info(info, f, headers.get(("ruleset", 0)), problems))
    for i, item in enumerate(_array(doc, "list", path, text, problems)):
        _add_list(item, f, headers.get(("list", i)), ruleset, problems)
    for i, item in enumerate(_array(doc, "entity", path, text, problems)):
        line = headers.get(("entity", i))
        if not isinstance(item, dict):
            problems.append(Problem(path, line, "each [[entity]] must be a table"))
            continue
        sub = {
            kind: [
                headers.get((f"entity.{kind}", i, j))
                for j in range(len(item[kind]) if isinstance(item.get(kind), list) else 0)
            ]
            for kind in ("listing", "affiliation")
        }
        raw_entities.append((item, sub, path, line, f.parent))
    _add_patterns_and_rules(doc, path, text, headers, ruleset, problems)


def _add_patterns_and_rules(doc, path, text, headers, ruleset: RuleSet, problems) -> None:
    """A file's ``[[part_pattern]]`` and ``[[ownership_rule]]`` tables, into ``ruleset``."""
    for i, item in enumerate(_array(doc, "part_pattern", path, text, problems)):
        pat = _part_pattern(item, path, headers.get(("part_pattern", i)), problems)
        if pat is not None:
            ruleset.part_patterns.append(pat)
    k = 0  # the periods' headers are counted across the file's rules
    for i, item in enumerate(_array(doc, "ownership_rule", path, text, problems)):
        n = len(item.get("period", [])) if isinstance(item, dict) else 0
        n = n if isinstance(n, int) else 0
        lines = [headers.get(("ownership_rule.period", k + j)) for j in range(n)]
        k += n
        rule = ownership_rule(item, path, headers.get(("ownership_rule", i)), problems, lines)
        if rule is not None:
            ruleset.ownership_rules[rule.id] = rule


def _part_pattern(item, path: str, line, problems: list[Problem]) -> PartPattern | None:
    """One ``[[part_pattern]]``: entity, a regular expression that compiles, and its source;
    each example must match the pattern (the entity is checked once all are loaded)."""
    what = "part_pattern"
    if not isinstance(item, dict):
        problems.append(Problem(path, line, "each [[part_pattern]] must be a table"))
        return None
    entity = _req_str(item, "entity", what, path, line, problems)
    pattern = _req_str(item, "pattern", what, path, line, problems)
    source = _req_str(item, "source_url", what, path, line, problems)
    if entity is None or pattern is None or source is None:
        return None
    try:
        rx = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        problems.append(Problem(path, line, f"{what}: pattern {pattern!r} is not valid ({exc})"))
        return None
    examples = tuple(str(x) for x in item.get("examples", []))
    for ex in examples:
        if not rx.match(ex):
            problems.append(
                Problem(path, line, f"{what}: example {ex!r} does not match {pattern!r}")
            )
    return PartPattern(
        entity,
        pattern,
        str(item.get("products", "")),
        examples,
        source,
        str(item.get("source_note", "")),
        f"{path}:{line}",
    )


def _read_toml(f: Path, problems: list[Problem]) -> tuple[str, dict] | None:
    """The text of a rules file and its parsed TOML, or None with a problem when it is too
    large, unreadable, not UTF-8 or not valid TOML (never an exception: a hostile file is
    rejected, not crashed on)."""
    path = str(f)
    try:
        if f.stat().st_size > MAX_RULES_FILE:
            problems.append(Problem(path, None, "rules file larger than 32 MiB"))
            return None
        text = f.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(path, None, "not UTF-8 text"))
        return None
    except OSError as exc:
        problems.append(Problem(path, None, f"cannot read ({exc.strerror})"))
        return None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        problems.append(
            Problem(
                path, int(m.group(1)) if m else None, f"not valid TOML: {str(exc).split(' (at')[0]}"
            )
        )
        return None
    except RecursionError:  # absurdly deep nesting: reject, never crash
        problems.append(Problem(path, None, "not valid TOML: nested too deeply"))
        return None
    return text, doc


def _ruleset_info(info: dict, f: Path, line, problems: list[Problem]) -> RuleSetInfo:
    """The ``[ruleset]`` table of file ``f`` (at ``line``); its name defaults to the
    directory's, and an ``updated`` that is not a date is reported and left out."""
    upd = info.get("updated")
    if upd is not None and not isinstance(upd, date):
        problems.append(Problem(str(f), line, "ruleset.updated must be a date (YYYY-MM-DD)"))
        upd = None
    return RuleSetInfo(
        str(info.get("name", f.parent.name)),
        str(info.get("version", "")),
        upd,
        str(info.get("description", "")),
        str(f.parent),
    )


def _add_list(item, f: Path, line, ruleset: RuleSet, problems: list[Problem]) -> None:
    """Validate one ``[[list]]`` table of file ``f`` and add it to the rule set: an id already
    defined in the same directory is a problem; one from an earlier directory is overridden."""
    path = str(f)
    lst = _list(item, path, line, problems)
    if lst is None:
        return
    prev = ruleset.lists.get(lst.id)
    if prev is not None and Path(_split(prev.origin)[0]).parent == f.parent:
        problems.append(
            Problem(
                path,
                line,
                f"list {lst.id!r} defined twice (first at {ruleset.lists[lst.id].origin})",
            )
        )
        return
    ruleset.lists[lst.id] = lst


def _array(doc: dict, key: str, path: str, text: str, problems: list[Problem]) -> list:
    value = doc.get(key, [])
    if not isinstance(value, list):
        problems.append(
            Problem(path, _key_line(text, key), f"'{key}' must be an array of tables ([[{key}]])")
        )
        return []
    return value


def _table_lines(text: str) -> dict[tuple, int]:
    """Line of each [[list]] / [[entity]] / [[entity.listing]] header, by occurrence."""
    out: dict[tuple, int] = {}
    counts: dict[str, int] = {}
    entity_idx = -1
    sub_counts: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        m = re.match(r"^\[\[\s*([A-Za-z_.]+)\s*\]\]", s) or re.match(r"^\[\s*([A-Za-z_.]+)\s*\]", s)
        if not m:
            continue
        name = m.group(1)
        if name == "entity":
            entity_idx += 1
            sub_counts = {}
            out[("entity", entity_idx)] = n
        elif name.startswith("entity."):
            j = sub_counts.get(name, 0)
            sub_counts[name] = j + 1
            out[(name, entity_idx, j)] = n
        else:
            i = counts.get(name, 0)
            counts[name] = i + 1
            out[(name, i)] = n
    return out


def _key_line(text: str, key: str) -> int | None:
    for n, raw in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*\[*\s*{re.escape(key)}\b", raw):
            return n
    return None


def _req_str(
    d: dict, key: str, what: str, path: str, line, problems, *, empty_ok=False
) -> str | None:
    v = d.get(key)
    if v is None:
        problems.append(Problem(path, line, f"{what}: missing required key {key!r}"))
        return None
    if not isinstance(v, str) or (not empty_ok and not v.strip()):
        problems.append(Problem(path, line, f"{what}: {key!r} must be a non-empty string"))
        return None
    if len(v) > MAX_TEXT:
        problems.append(
            Problem(path, line, f"{what}: {key!r} is longer than {MAX_TEXT} characters")
        )
        return None
    return v


def _opt_str(d: dict, key: str, what: str, path: str, line, problems) -> str:
    v = d.get(key, "")
    if not isinstance(v, str):
        problems.append(Problem(path, line, f"{what}: {key!r} must be a string"))
        return ""
    if len(v) > MAX_TEXT:
        problems.append(
            Problem(path, line, f"{what}: {key!r} is longer than {MAX_TEXT} characters")
        )
        return ""
    return v


def _opt_date(d: dict, key: str, what: str, path: str, line, problems) -> date | None:
    v = d.get(key)
    if v is None:
        return None
    if isinstance(v, date) and not hasattr(v, "hour"):
        return v
    problems.append(Problem(path, line, f"{what}: {key!r} must be a date (YYYY-MM-DD, unquoted)"))
    return None


def _unknown(d: dict, allowed: set[str], what: str, path: str, line, problems) -> None:
    for k in d:
        if k not in allowed:
            problems.append(Problem(path, line, f"{what}: unknown key {k!r}"))


def _url_ok(v: str) -> bool:
    return v.startswith(("https://", "http://")) or bool(v.strip())


def _sub_line(lines: dict, key: str, j: int, fallback):
    """Line of the j-th ``[[entity.<key>]]`` header, else the entity's own line."""
    found = lines.get(key, [])
    return found[j] if j < len(found) and found[j] else fallback


def _sub_tables(d: dict, key: str, what: str, path: str, line, lines: dict, problems):
    """Each ``[[entity.<key>]]`` table of an entity, as (table, its line, its label for
    messages); a value that is not an array of tables is reported and skipped."""
    raw = d.get(key, [])
    if not isinstance(raw, list):
        problems.append(Problem(path, line, f"{what}: '{key}' must be an array of tables"))
        return
    for j, table in enumerate(raw):
        tline = _sub_line(lines, key, j, line)
        label = f"{what} {key} {j + 1}"
        if not isinstance(table, dict):
            problems.append(Problem(path, tline, f"{label}: must be a table"))
            continue
        yield table, tline, label


def _req_id(d: dict, what: str, path: str, line, problems) -> str | None:
    """The required ``id`` of a list or entity: a string in lowercase kebab-case."""
    ident = _req_str(d, "id", what, path, line, problems)
    if ident is not None and not _id_ok(ident):
        problems.append(
            Problem(
                path,
                line,
                f"{what}: id must be lowercase kebab-case (a-z, 0-9, '-'; at most 120 characters)",
            )
        )
    return ident


def _list(d, path, line, problems) -> ListDef | None:
    if not isinstance(d, dict):
        problems.append(Problem(path, line, "each [[list]] must be a table"))
        return None
    what = f"list {str(d.get('id', '?'))[:80]!r}"
    _unknown(
        d,
        {"id", "name", "short_name", "authority", "url", "level", "meaning", "legal_basis"},
        what,
        path,
        line,
        problems,
    )
    n = len(problems)
    lid = _req_id(d, what, path, line, problems)
    name = _req_str(d, "name", what, path, line, problems)
    authority = _req_str(d, "authority", what, path, line, problems)
    url = _req_str(d, "url", what, path, line, problems)
    level = _req_str(d, "level", what, path, line, problems)
    if level is not None and level not in LEVELS:
        problems.append(
            Problem(path, line, f"{what}: level {level!r} is not one of {', '.join(LEVELS)}")
        )
    meaning = _req_str(d, "meaning", what, path, line, problems)
    legal = _opt_str(d, "legal_basis", what, path, line, problems)
    short = _opt_str(d, "short_name", what, path, line, problems)
    if len(problems) > n:
        return None
    return ListDef(
        lid, name, authority, url, level, meaning, legal, f"{path}:{line}", short or name
    )


def _str_list(d, key, what, path, line, problems) -> tuple[str, ...]:
    v = d.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        problems.append(Problem(path, line, f"{what}: {key!r} must be a list of non-empty strings"))
        return ()
    if any(len(x) > MAX_NAME for x in v):
        problems.append(
            Problem(path, line, f"{what}: {key!r} has an entry longer than {MAX_NAME} characters")
        )
        return ()
    return tuple(v)


ENTITY_KEYS = {
    "id",
    "name",
    "country",
    "aliases",
    "weak_aliases",
    "sources",
    "notes",
    "listing",
    "affiliation",
}
LISTING_KEYS = {
    "list",
    "citation",
    "start",
    "end",
    "source_url",
    "name_on_list",
    "license_requirement",
    "license_policy",
    "meaning",
}
AFFILIATION_KEYS = {
    "parent",
    "relation",
    "valid_from",
    "valid_to",
    "source_url",
    "share",
    "share_source",
}


def _entity(
    d: dict, lines: dict, path: str, line, setname: str, ruleset: RuleSet, problems
) -> Entity | None:
    """One ``[[entity]]`` table (at ``line``; ``lines`` holds the lines of its listing and
    affiliation headers), or None when it or any of its listings or affiliations has a
    problem (each one is reported)."""
    what = f"entity {str(d.get('id', '?'))[:80]!r}"
    _unknown(d, ENTITY_KEYS, what, path, line, problems)
    n = len(problems)
    eid = _req_id(d, what, path, line, problems)
    name = _req_str(d, "name", what, path, line, problems)
    if name is not None and len(name) > MAX_NAME:
        problems.append(Problem(path, line, f"{what}: 'name' is longer than {MAX_NAME} characters"))
    country = _opt_str(d, "country", what, path, line, problems)
    if country and not re.match(r"^[A-Z]{2}$", country):
        problems.append(Problem(path, line, f"{what}: country must be an ISO 3166-1 alpha-2 code"))
    aliases = _str_list(d, "aliases", what, path, line, problems)
    weak = _str_list(d, "weak_aliases", what, path, line, problems)
    sources = _str_list(d, "sources", what, path, line, problems)
    if (aliases or weak) and not sources:
        problems.append(Problem(path, line, f"{what}: has aliases but no 'sources' backing them"))
    notes = _opt_str(d, "notes", what, path, line, problems)
    listings = [
        x
        for lst, lline, lw in _sub_tables(d, "listing", what, path, line, lines, problems)
        if (x := _listing(lst, lw, path, lline, ruleset, problems)) is not None
    ]
    affs = [
        x
        for a, aline, aw in _sub_tables(d, "affiliation", what, path, line, lines, problems)
        if (x := _affiliation(a, aw, path, aline, problems)) is not None
    ]
    if len(problems) > n:
        return None
    return Entity(
        eid,
        name,
        country,
        aliases,
        weak,
        sources,
        notes,
        tuple(listings),
        tuple(affs),
        setname,
        f"{path}:{line}",
    )


def _listing(lst: dict, lw: str, path: str, lline, ruleset: RuleSet, problems) -> Listing | None:
    """One ``[[entity.listing]]`` table (labelled ``lw`` in messages), or None when it has a
    problem: it must name a known list, a citation and a source URL, with dates in order."""
    _unknown(lst, LISTING_KEYS, lw, path, lline, problems)
    m = len(problems)
    list_id = _req_str(lst, "list", lw, path, lline, problems)
    if list_id is not None and list_id not in ruleset.lists:
        problems.append(Problem(path, lline, f"{lw}: unknown list {list_id!r}"))
    citation = _req_str(lst, "citation", lw, path, lline, problems)
    # ``start`` may be left out only when the source gives no date (e.g. OFAC rows in the
    # CSL); such a listing counts on every date. See rules/README.md.
    start = _opt_date(lst, "start", lw, path, lline, problems)
    end = _opt_date(lst, "end", lw, path, lline, problems)
    if start and end and end < start:
        problems.append(Problem(path, lline, f"{lw}: end {end} is before start {start}"))
    src = _req_str(lst, "source_url", lw, path, lline, problems)
    extra = {
        k: _opt_str(lst, k, lw, path, lline, problems)
        for k in ("name_on_list", "license_requirement", "license_policy", "meaning")
    }
    if len(problems) > m:
        return None
    return Listing(list_id, citation, start, src, end, **extra)


def _affiliation(a: dict, aw: str, path: str, aline, problems) -> Affiliation | None:
    """One ``[[entity.affiliation]]`` table (labelled ``aw`` in messages), or None when it has
    a problem: a parent, a known relation and a source URL, with validity dates in order."""
    _unknown(a, AFFILIATION_KEYS, aw, path, aline, problems)
    m = len(problems)
    parent = _req_str(a, "parent", aw, path, aline, problems)
    relation = _req_str(a, "relation", aw, path, aline, problems)
    if relation is not None and relation not in RELATIONS:
        problems.append(
            Problem(
                path, aline, f"{aw}: relation {relation!r} is not one of {', '.join(RELATIONS)}"
            )
        )
    vf = _opt_date(a, "valid_from", aw, path, aline, problems)
    vt = _opt_date(a, "valid_to", aw, path, aline, problems)
    if vf and vt and vt < vf:
        problems.append(Problem(path, aline, f"{aw}: valid_to {vt} is before valid_from {vf}"))
    src = _req_str(a, "source_url", aw, path, aline, problems)
    share = opt_share(a, "share", aw, path, aline, problems)
    share_source = _opt_str(a, "share_source", aw, path, aline, problems)
    if share is not None and not share_source:
        problems.append(Problem(path, aline, f"{aw}: share needs its share_source"))
    if len(problems) > m:
        return None
    return Affiliation(parent, relation, src, vf, vt, share, share_source)


def opt_share(d: dict, key: str, what: str, path: str, line, problems) -> float | None:
    """An optional percentage in 0-100 (``share = 60.0``)."""
    v = d.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not is_share(v):
        problems.append(Problem(path, line, f"{what}: {key!r} must be a number in {SHARE_SPAN}"))
        return None
    return float(v)


def _check_cycles(ruleset: RuleSet, problems: list[Problem]) -> None:
    for start in ruleset.entities:
        seen = {start}
        frontier = [start]
        while frontier:
            cur = frontier.pop()
            ent = ruleset.entities.get(cur)
            if ent is None:
                continue
            for a in ent.affiliations:
                if a.parent == start:
                    problems.append(
                        Problem(
                            *_split(ruleset.entities[start].origin),
                            f"entity {start!r}: affiliation cycle through {cur!r}",
                        )
                    )
                    frontier = []
                    break
                if a.parent not in seen:
                    seen.add(a.parent)
                    frontier.append(a.parent)


RULE_KEYS = {
    "id", "name", "lists", "threshold", "wording", "citation", "source_url", "period", "control",
}  # fmt: skip
PERIOD_KEYS = {"status", "start", "end", "citation", "source_url", "note"}


def ownership_rule(
    item, path: str, line, problems: list[Problem], period_lines: list | None = None
) -> OwnershipRule | None:
    """One ``[[ownership_rule]]``: the lists it governs, its threshold and wording with their
    source, and its dated periods (each in force, suspended or unsettled, with its own
    source); periods must not overlap. A list id not loaded is allowed (a stored CSL set may
    bring it)."""
    if not isinstance(item, dict):
        problems.append(Problem(path, line, "each [[ownership_rule]] must be a table"))
        return None
    what = f"ownership_rule {str(item.get('id', '?'))[:80]!r}"
    _unknown(item, RULE_KEYS, what, path, line, problems)
    n = len(problems)
    rid = _req_id(item, what, path, line, problems)
    texts = {
        k: _req_str(item, k, what, path, line, problems)
        for k in ("name", "wording", "citation", "source_url")
    }
    lists = _str_list(item, "lists", what, path, line, problems)
    threshold = opt_share(item, "threshold", what, path, line, problems)
    if "threshold" not in item:
        problems.append(Problem(path, line, f"{what}: missing required key 'threshold'"))
    periods = []
    for j, p in enumerate(item.get("period", []) if isinstance(item.get("period"), list) else []):
        pline = (period_lines or [])[j] if j < len(period_lines or []) else None
        got = _rule_period(p, f"{what} period {j + 1}", path, pline or line, problems)
        if got is not None:
            periods.append(got)
    periods.sort(key=lambda p: p.start or date.min)
    for a, b in zip(periods, periods[1:], strict=False):
        if a.end is None or (b.start is not None and b.start < a.end):
            problems.append(Problem(path, line, f"{what}: periods overlap ({a.start}, {b.start})"))
    control = item.get("control", False)
    if not isinstance(control, bool):
        problems.append(Problem(path, line, f"{what}: 'control' must be true or false"))
    if len(problems) > n or rid is None or threshold is None:
        return None
    return OwnershipRule(
        rid, texts["name"], lists, threshold, texts["wording"], texts["citation"],
        texts["source_url"], tuple(periods), f"{path}:{line}", control,
    )  # fmt: skip


def _rule_period(p, what: str, path: str, line, problems: list[Problem]) -> RulePeriod | None:
    """One ``[[ownership_rule.period]]``: a known status, dates in order, its own source."""
    if not isinstance(p, dict):
        problems.append(Problem(path, line, f"{what}: must be a table"))
        return None
    _unknown(p, PERIOD_KEYS, what, path, line, problems)
    n = len(problems)
    status = _req_str(p, "status", what, path, line, problems)
    if status is not None and status not in RULE_STATUSES:
        problems.append(
            Problem(path, line, f"{what}: status {status!r} is not one of "
                    + ", ".join(RULE_STATUSES))
        )  # fmt: skip
    start = _opt_date(p, "start", what, path, line, problems)
    end = _opt_date(p, "end", what, path, line, problems)
    if start and end and end <= start:
        problems.append(Problem(path, line, f"{what}: end {end} is not after start {start}"))
    citation = _req_str(p, "citation", what, path, line, problems)
    url = _req_str(p, "source_url", what, path, line, problems)
    note = _opt_str(p, "note", what, path, line, problems)
    if len(problems) > n:
        return None
    return RulePeriod(status, start, end, citation, url, note)
