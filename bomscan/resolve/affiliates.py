"""Affiliates and brands: from a matched entity up to the listed parent it rolls up to.

Section 889 and the FCC Covered List cover "any subsidiary or affiliate" of the named makers, and
name matching cannot find that: EZVIZ does not look like Hikvision. The rules encode affiliations
as data (parent, relation, valid_from/valid_to, source); this module turns them into *paths*:
for every entity, each chain of affiliations up through its ancestors, with the interval in which
every link of the chain held. A line is attributed along a path only if its date (or, undated,
the ``--as-of`` date) falls in that interval, so Lorex purchases in 2021 roll up to Dahua and
2024 purchases do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from bomscan.rules.model import RuleSet


@dataclass(frozen=True)
class Path:
    entity_id: str
    root_id: str
    via: tuple[
        tuple[str, str], ...
    ]  # ((entity_id, relation), ...) from the entity upwards, excluding root
    valid_from: date | None
    valid_to: date | None

    @property
    def depth(self) -> int:
        return len(self.via)


def paths_for(ruleset: RuleSet, entity_ids: list[str], max_depth: int = 8) -> list[Path]:
    """Every path (including the trivial one) from each entity up its affiliation chains."""
    out: list[Path] = []
    for eid in dict.fromkeys(entity_ids):
        if eid not in ruleset.entities:
            continue
        stack = [(eid, (), None, None)]
        while stack:
            cur, via, vf, vt = stack.pop()
            out.append(Path(eid, cur, via, vf, vt))
            if len(via) >= max_depth:
                continue
            for aff in ruleset.entities[cur].affiliations:
                if aff.parent not in ruleset.entities or any(v[0] == aff.parent for v in via):
                    continue
                nf = _max(vf, aff.valid_from)
                nt = _min(vt, aff.valid_to)
                if nf and nt and nt <= nf:
                    continue
                stack.append((aff.parent, via + ((cur, aff.relation),), nf, nt))
    return out


def paths_frame(ruleset: RuleSet, entity_ids: list[str], as_of: date) -> pl.DataFrame:
    """Paths whose root has a listing in force on ``as_of`` as a frame for joining to lines."""
    rows = {
        "entity_id": [],
        "root_id": [],
        "depth": [],
        "via_ids": [],
        "via_relations": [],
        "path_from": [],
        "path_to": [],
    }
    for p in paths_for(ruleset, entity_ids):
        if not ruleset.entities[p.root_id].active_listings(as_of):
            continue
        rows["entity_id"].append(p.entity_id)
        rows["root_id"].append(p.root_id)
        rows["depth"].append(p.depth)
        rows["via_ids"].append([v[0] for v in p.via])
        rows["via_relations"].append([v[1] for v in p.via])
        rows["path_from"].append(p.valid_from)
        rows["path_to"].append(p.valid_to)
    return pl.DataFrame(
        rows,
        schema={
            "entity_id": pl.String,
            "root_id": pl.String,
            "depth": pl.Int32,
            "via_ids": pl.List(pl.String),
            "via_relations": pl.List(pl.String),
            "path_from": pl.Date,
            "path_to": pl.Date,
        },
    )


def _max(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _min(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
