"""The entity rules as Python objects: lists, entities, their listings and affiliations.

The data lives in TOML files (``rules/*.toml`` at the top of the repository, shipped inside the
package as ``bomscan/_shipped_rules``). The format is entity-centric: one entity once, with every
listing it has and every affiliation to a parent, each with its source and dates. See
``rules/README.md`` for the format and the sources of the shipped data.

Time matters twice:

* a listing counts on a date when ``start <= date`` and (no ``end`` or ``date < end``); a listing
  without ``start`` (the source gives no date, as for OFAC rows in the CSL) counts on every date
  before its ``end``;
* an affiliation counts for a line when it held on the line's date (``valid_from <= date`` and
  (no ``valid_to`` or ``date < valid_to``)); a missing ``valid_from`` means "since before any
  date we screen".
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from bomscan.packed import Packed

LEVELS = ("informational", "investment", "restricted", "prohibited")
RELATIONS = ("subsidiary", "brand", "former-subsidiary", "affiliate")
RULE_STATUSES = ("in-force", "suspended", "unsettled")
# A share held (of an affiliation, an ownership edge or a review bound) is a percentage in
# this range, wherever it is read: the rules, an ownership CSV, GLEIF or BODS.
SHARE_RANGE = (0.0, 100.0)
SHARE_SPAN = f"{SHARE_RANGE[0]:g}-{SHARE_RANGE[1]:g}"  # as messages name it: "0-100"


def is_share(v: float) -> bool:
    """Whether ``v`` is a percentage held (in ``SHARE_RANGE``; never NaN)."""
    return SHARE_RANGE[0] <= v <= SHARE_RANGE[1]


@dataclass(frozen=True, slots=True)
class AliasRecord:
    """One name an entity is known by, as the resolver indexes it. ``weak``: matched only
    when equal (exactly or after normalisation), never fuzzily (see ``RuleSet.alias_records``)."""

    entity_id: str
    alias: str
    weak: bool = False


@dataclass(frozen=True)
class ListDef:
    id: str
    name: str
    authority: str
    url: str
    level: str
    meaning: str
    legal_basis: str = ""
    origin: str = ""  # file:line where it was defined
    short_name: str = ""  # for narrow displays; falls back to name

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)


@dataclass(frozen=True)
class Listing:
    list: str
    citation: str
    start: date | None
    source_url: str
    end: date | None = None
    name_on_list: str = ""
    license_requirement: str = ""
    license_policy: str = ""
    meaning: str = ""

    def active_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Affiliation:
    parent: str
    relation: str
    source_url: str
    valid_from: date | None = None
    valid_to: date | None = None
    share: float | None = None  # percent held by the parent, where a source gives it
    share_source: str = ""

    def holds_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )

    def describe(self, parent_name: str) -> str:
        rel = self.relation.replace("-", " ")
        text = f"{rel} of {parent_name}"
        if self.valid_from and self.valid_to:
            text += f" from {self.valid_from} until {self.valid_to}"
        elif self.valid_to:
            text += f" until {self.valid_to}"
        elif self.valid_from:
            text += f" since {self.valid_from}"
        return text


@dataclass(frozen=True)
class RulePeriod:
    """A dated stretch of an ownership rule's life: ``in-force``, ``suspended``, or
    ``unsettled`` (the sources found do not say whether it applies: the user decides)."""

    status: str
    start: date | None
    end: date | None  # exclusive
    citation: str
    source_url: str
    note: str = ""

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class OwnershipRule:
    """A list's ownership rule as written (``[[ownership_rule]]``): an entity owned
    ``threshold`` percent or more, directly or indirectly, individually or in the aggregate, by
    parties on ``lists`` is treated as listed, in the periods the rule is in force."""

    id: str
    name: str
    lists: tuple[str, ...]
    threshold: float
    wording: str
    citation: str
    source_url: str
    periods: tuple[RulePeriod, ...]
    origin: str = ""
    control: bool = False  # control without a stated share counts (an affiliate by control)

    def period_on(self, day: date) -> RulePeriod | None:
        return next((p for p in self.periods if p.covers(day)), None)

    def dates(self) -> list[date]:
        return [d for p in self.periods for d in (p.start, p.end) if d is not None]


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    country: str = ""
    aliases: tuple[str, ...] = ()
    weak_aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    notes: str = ""
    listings: tuple[Listing, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()
    ruleset: str = ""
    origin: str = ""

    def active_listings(self, day: date) -> list[Listing]:
        return [lst for lst in self.listings if lst.active_on(day)]


@dataclass(frozen=True)
class RuleSetInfo:
    name: str
    version: str
    updated: date | None
    description: str
    path: str


@dataclass(frozen=True)
class PartPattern:
    """A model-number pattern of a listed maker's products (``[[part_pattern]]``): a regular
    expression matched at the start of a part number, case-insensitively, with the source
    that shows the maker uses it."""

    entity: str
    pattern: str
    products: str
    examples: tuple[str, ...]
    source_url: str
    source_note: str
    origin: str  # file:line


@dataclass
class RuleSet:
    """All rules in force for a run: shipped ones plus any ``--rules DIR`` on top."""

    lists: dict[str, ListDef] = field(default_factory=dict)
    entities: Mapping[str, Entity] = field(default_factory=dict)  # loaded: LazyEntities
    infos: list[RuleSetInfo] = field(default_factory=list)
    part_patterns: list[PartPattern] = field(default_factory=list)
    ownership_rules: dict[str, OwnershipRule] = field(default_factory=dict)

    def ownership_rule_of(self, list_id: str) -> OwnershipRule | None:
        """The ownership rule that governs ``list_id``, if the rules give one."""
        return next((r for r in self.ownership_rules.values() if list_id in r.lists), None)

    def alias_records(self) -> list[AliasRecord]:
        """Every name an entity is known by, for the resolver (legal name first; parents of
        affiliates before the others).

        A name listed under ``weak_aliases`` is weak even when it is also the legal name: a
        name made of common words (``Pacific Networks Corp``) then matches only when equal
        after normalisation, never fuzzily, so "Pacific Industrial GmbH" is not a candidate.
        """
        out = []
        # parents (entities others are affiliated to) first: when an affiliate's name ties
        # with its parent's (a place dropped), rule order gives the parent
        parents = {a.parent for e in self.entities.values() for a in e.affiliations}
        ordered = sorted(self.entities.values(), key=lambda e: e.id not in parents)
        for ent in ordered:
            seen = set(ent.weak_aliases)
            for alias in (ent.name, *ent.aliases):
                if alias not in seen:
                    seen.add(alias)
                    out.append(AliasRecord(ent.id, alias, False))
            for alias in dict.fromkeys(ent.weak_aliases):
                out.append(AliasRecord(ent.id, alias, True))
        return out

    def descendants(self, eid: str) -> set[str]:
        """``eid`` and every entity affiliated to it, at any depth and on any date (a name
        labelled with a parent is right when it resolves to a listed subsidiary it names)."""
        return self._walk(eid, lambda x: [e.id for e, _ in self.children(x)])

    def ancestors(self, eid: str) -> set[str]:
        """``eid`` and every entity it is affiliated to, at any depth and on any date."""
        return self._walk(eid, lambda x: [a.parent for a in self.entities[x].affiliations])

    @staticmethod
    def _walk(start: str, step) -> set[str]:
        out, todo = {start}, [start]
        while todo:
            for nxt in step(todo.pop()):
                if nxt not in out:
                    out.add(nxt)
                    todo.append(nxt)
        return out

    def children(self, parent_id: str) -> list[tuple[Entity, Affiliation]]:
        return [
            (e, a) for e in self.entities.values() for a in e.affiliations if a.parent == parent_id
        ]

    # bomscan/cache.py pickles the loaded rules. Stored, each entity is its own pickled
    # string, unpickled when first read: a report reads the few entities its names matched,
    # and unpickling the 20,000 entities of a CSL-sized rule set (with their listings and
    # sources) was a third of the example BOM's cached run with that list (docs/perf.md,
    # scenario 5). Only at pickle protocol 5 (the cache's): a copy (protocol 4) keeps a dict.
    # Deleting __reduce_ex__ (and its test) leaves the plain path: the entities pickled as
    # objects.
    def __reduce_ex__(self, protocol):
        if protocol < 5 or isinstance(self.entities, LazyEntities):
            return super().__reduce_ex__(protocol)
        state = {**self.__dict__, "entities": LazyEntities.of(self.entities)}
        return _stored_ruleset, (state,)


def _stored_ruleset(state: dict) -> RuleSet:
    out = RuleSet.__new__(RuleSet)
    out.__dict__.update(state)
    return out


class LazyEntities(Mapping[str, Entity]):
    """A loaded rule set's entities by id: each stored as its own pickled string (in one
    buffer, ``bomscan/packed.py``, which the cache maps from its file) and unpickled the
    first time it is read."""

    __slots__ = ("_blobs", "_at", "_got")

    def __init__(self, ids: list[str], blobs: Packed) -> None:
        self._blobs = blobs
        self._at = {eid: i for i, eid in enumerate(ids)}  # each id's blob, in rule order
        self._got: dict[str, Entity] = {}

    @classmethod
    def of(cls, entities: Mapping[str, Entity]) -> LazyEntities:
        blobs = (pickle.dumps(e, pickle.HIGHEST_PROTOCOL) for e in entities.values())
        return cls(list(entities), Packed(blobs))

    def __getitem__(self, eid: str) -> Entity:
        got = self._got.get(eid)
        if got is None:
            got = self._got[eid] = pickle.loads(self._blobs[self._at[eid]])
        return got

    def __contains__(self, eid: object) -> bool:
        return eid in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def __getstate__(self) -> tuple:
        return list(self._at), self._blobs

    def __setstate__(self, state: tuple) -> None:
        self.__init__(*state)
