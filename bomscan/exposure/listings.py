"""What the rules say of an entity on the report's date: its listings in force, their level,
the start of its first listing, and the lists a report names. Memoised per entity: a ledger
lists many rows of the same few entities."""

from __future__ import annotations

from datetime import date
from functools import cache

from bomscan.model import EntityRef, Exposure, ListedEntity, ListInfo, Listing
from bomscan.rules.model import LEVELS, RuleSet


class Listings:
    def __init__(self, ruleset: RuleSet, as_of: date):
        self.rules = ruleset
        self.as_of = as_of
        # per instance, not per class: the memo must not outlive the rule set
        self.listings = cache(self._listings)
        self.listing_start = cache(self._listing_start)

    def entity_ref(self, eid: str) -> EntityRef:
        e = self.rules.entities.get(eid)
        return EntityRef(id=eid, name=e.name if e else eid)

    def entity_record(self, eid: str) -> ListedEntity:
        """The entity as an exposure shows it: name, country and listings in force."""
        ent = self.rules.entities[eid]
        return ListedEntity(
            id=eid, name=ent.name, country=ent.country or None, listings=self.listings(eid)
        )

    def _listings(self, eid: str) -> list[Listing]:
        e = self.rules.entities[eid]
        out = []
        for lst in e.active_listings(self.as_of):
            ld = self.rules.lists.get(lst.list)
            out.append(
                Listing(
                    list=lst.list,
                    list_name=ld.name if ld else lst.list,
                    list_short_name=ld.short_name if ld else lst.list,
                    authority=ld.authority if ld else "",
                    level=ld.level if ld else "informational",
                    citation=lst.citation,
                    start=lst.start.isoformat() if lst.start else None,
                    end=lst.end.isoformat() if lst.end else None,
                    source_url=lst.source_url,
                    name_on_list=lst.name_on_list or None,
                    meaning=lst.meaning or (ld.meaning if ld else ""),
                )
            )
        out.sort(key=lambda x: (-LEVELS.index(x.level), x.start or "", x.list))
        return out

    def level(self, eid: str) -> str:
        """The most severe level among the entity's listings in force."""
        ls = self.listings(eid)
        return ls[0].level if ls else "informational"

    def _listing_start(self, eid: str) -> date | None:
        """The start of the entity's first dated listing in force (None: none is dated)."""
        starts = [
            lst.start for lst in self.rules.entities[eid].active_listings(self.as_of) if lst.start
        ]
        return min(starts) if starts else None

    def lists_used(self, exposures: list[Exposure]) -> list[ListInfo]:
        """Every list of the rule set, marked ``used`` when an exposure's entity is on it."""
        used = {lst.list for e in exposures for lst in e.entity.listings}
        return [
            ListInfo(
                id=ld.id,
                name=ld.name,
                short_name=ld.short_name,
                authority=ld.authority,
                level=ld.level,
                url=ld.url,
                legal_basis=ld.legal_basis,
                meaning=ld.meaning,
                used=ld.id in used,
            )
            for ld in sorted(self.rules.lists.values(), key=lambda x: x.id)
        ]
