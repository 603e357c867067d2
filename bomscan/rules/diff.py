"""What changed between two list snapshots: entities, aliases and listings added, removed and
changed. Pure functions over two :class:`~bomscan.rules.model.RuleSet`; the exposure a change
creates or removes is computed by the pipeline (``pipeline.diff``), which reads the inputs.

A snapshot is a CSL file (JSON or CSV, imported into a temporary directory), a rules directory,
or a stored version (``csl``, ``csl@previous``, ``csl@2026-12-07-1a2b3c4d5e6f``): see
:func:`snapshot_dir`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bomscan.errors import InputError
from bomscan.rules.model import Entity, Listing, RuleSet


@dataclass(frozen=True)
class ListingKey:
    """A listing as a diff compares it: which list, under which citation, from when."""

    list: str
    citation: str
    start: str | None
    end: str | None

    @classmethod
    def of(cls, lst: Listing) -> ListingKey:
        return cls(
            lst.list,
            lst.citation,
            lst.start.isoformat() if lst.start else None,
            lst.end.isoformat() if lst.end else None,
        )

    def describe(self) -> str:
        dates = f" from {self.start}" if self.start else ""
        dates += f" until {self.end}" if self.end else ""
        return f"{self.list}: {self.citation or 'no citation'}{dates}"


@dataclass
class EntityChange:
    """One entity in both snapshots whose names or listings differ."""

    id: str
    name: str
    aliases_added: list[str] = field(default_factory=list)
    aliases_removed: list[str] = field(default_factory=list)
    listings_added: list[ListingKey] = field(default_factory=list)
    listings_removed: list[ListingKey] = field(default_factory=list)
    renamed_from: str | None = None


@dataclass
class EntityRef:
    id: str
    name: str
    lists: list[str]


@dataclass
class CurrencyDelta:
    currency: str | None
    lines: int
    spend: float | None  # None: no line had an amount


@dataclass
class ExposureDelta:
    """Lines matched under one snapshot and not the other: the first finding of each line,
    and their spend per currency (one amount per line, summed by ``exposure.spend``)."""

    findings: list = field(default_factory=list)  # bomscan.model.Finding
    by_currency: list[CurrencyDelta] = field(default_factory=list)


@dataclass
class RulesDiff:
    old: str  # how the snapshots were named on the command line
    new: str
    added: list[EntityRef] = field(default_factory=list)
    removed: list[EntityRef] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    created: ExposureDelta | None = None  # with inputs: lines that match only under NEW
    ended: ExposureDelta | None = None  # with inputs: lines that match only under OLD
    altered: ExposureDelta | None = None  # matched under both, as another entity/list/level
    warnings: list[str] = field(default_factory=list)  # what the runs said of the inputs
    unscreened: list[str] = field(default_factory=list)  # inputs nothing could be screened in

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _ref(e: Entity) -> EntityRef:
    return EntityRef(e.id, e.name, sorted({lst.list for lst in e.listings}))


def _change(old: Entity, new: Entity) -> EntityChange | None:
    """How ``new`` differs from ``old`` (the same id), or None when it does not."""
    names_old = {old.name, *old.aliases, *old.weak_aliases}
    names_new = {new.name, *new.aliases, *new.weak_aliases}
    keys_old = {ListingKey.of(x) for x in old.listings}
    keys_new = {ListingKey.of(x) for x in new.listings}
    ch = EntityChange(
        id=new.id,
        name=new.name,
        aliases_added=sorted(names_new - names_old),
        aliases_removed=sorted(names_old - names_new),
        listings_added=sorted(keys_new - keys_old, key=ListingKey.describe),
        listings_removed=sorted(keys_old - keys_new, key=ListingKey.describe),
        renamed_from=old.name if old.name != new.name else None,
    )
    touched = ch.aliases_added or ch.aliases_removed or ch.listings_added or ch.listings_removed
    return ch if touched or ch.renamed_from else None


def diff_rulesets(old: RuleSet, new: RuleSet, old_label: str, new_label: str) -> RulesDiff:
    """Entities added, removed and changed from ``old`` to ``new``, by entity id."""
    out = RulesDiff(old_label, new_label)
    a, b = old.entities, new.entities
    out.added = [_ref(b[i]) for i in sorted(b.keys() - a.keys())]
    out.removed = [_ref(a[i]) for i in sorted(a.keys() - b.keys())]
    for i in sorted(a.keys() & b.keys()):
        ch = _change(a[i], b[i])
        if ch is not None:
            out.changed.append(ch)
    return out


def snapshot_dir(spec: str, scratch: Path) -> Path:
    """The rules directory a snapshot names: a stored version, a rules directory, or a CSL
    file imported into ``scratch``; a one-line error when it names none of these."""
    from bomscan.rules import store

    stored = store.find(spec)
    if stored is not None:
        return stored.path
    path = Path(spec)
    if spec.partition("@")[0] in store.SETS and not path.exists():
        raise InputError(
            "no such stored list version (stored: "
            + (", ".join(v.version for v in store.versions(spec.partition("@")[0])) or "none")
            + "); 'bomscan rules update' stores one",
            path=spec,
        )
    if path.is_dir():
        return path
    if path.is_file():
        from bomscan.rules.csl import import_csl

        out = scratch / f"snapshot-{len(list(scratch.iterdir()))}"
        import_csl(path, out, name=path.name)
        return out
    raise InputError(
        "not a stored list version (csl, csl@previous, csl@VERSION), a rules directory or a "
        "CSL file",
        path=spec,
    )
