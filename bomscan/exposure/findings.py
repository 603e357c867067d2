"""Findings: each listed line of the input as the report shows it, with its entity after the
roll-up along affiliations, the path it took (``via``), a stable id, and its spend; and the
matched names that did not count (``not_exposed``)."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import polars as pl

from bomscan.exposure.listings import Listings
from bomscan.exposure.spend import money, since_listing
from bomscan.model import Finding, Locator, NotExposed, Via
from bomscan.rules.model import LEVELS
from bomscan.sources.schema import EXTRA_PREFIX, INTERNAL_PREFIX


@lru_cache(maxsize=256)
def stable_path(source: str) -> str:
    """The input's path as the fingerprint sees it: relative to its git top-level (else to the
    working directory, else absolute), with forward slashes. ``bom.csv``, ``./bom.csv`` and
    ``/repo/bom.csv`` are one file, so finding ids, SARIF fingerprints and baselines agree however
    the path was typed or wherever in the repository bomscan was run."""
    from bomscan.config import git_toplevel

    real = Path(os.path.realpath(source))
    for root in (git_toplevel(real.parent), Path.cwd().resolve()):
        if root is None:
            continue
        try:
            return real.relative_to(root).as_posix()
        except ValueError:
            continue
    return real.as_posix()


class Findings:
    """Builds finding records from the rolled-up matched rows (``best``)."""

    def __init__(self, listings: Listings, group_by: list[str], ownership=None):
        self.listings = listings
        self.rules = listings.rules
        self.group_by = group_by
        self.outcomes = ownership.outcomes if ownership is not None else []
        self._vias: dict[tuple, list[Via]] = {}

    def build(self, best: pl.DataFrame) -> list[Finding]:
        if best.height == 0:
            return []
        extra_cols = [
            c
            for c in best.columns
            if c.startswith(EXTRA_PREFIX) and not c.startswith(INTERNAL_PREFIX)
        ]
        occurrences: dict[tuple, int] = {}
        out = []
        rows = best.sort(["source", "item", "line", "field", "name"], nulls_last=True).to_dicts()
        for r in rows:
            root = r["root_id"]
            key = (
                stable_path(r["source"]),
                root,
                r["field"],
                r["name"],
                r["bom_ref"] or r["part"] or "",
            )
            occurrences[key] = occurrences.get(key, 0) + 1
            fp = hashlib.sha256("\x1f".join(str(k) for k in key).encode()).hexdigest()[:32]
            rec = self._record(r, root, extra_cols, f"{fp}:{occurrences[key]}")
            if r.get("_o") is not None:
                self._through_ownership(rec, self.outcomes[r["_o"]])
            out.append(rec)
        return out

    def _through_ownership(self, rec: Finding, outcome) -> None:
        """A finding through ownership: the chain of holdings as ``via``, the lists the
        rule that applied makes it count under (and their level), and why."""
        rec.via = outcome.via
        rec.ownership = outcome.ownership
        rec.lists = outcome.lists
        levels = [self.rules.lists[x].rank for x in outcome.lists if x in self.rules.lists]
        rec.level = LEVELS[max(levels)] if levels else rec.level
        main = max(outcome.ownership.rules, key=lambda s: (s.outcome == "finding", s.share))
        rec.reason = f"{rec.reason}; through ownership: {main.note}"

    def _record(self, r: dict, root: str, extra_cols: list[str], fid: str) -> Finding:
        d = r["date"]
        amount = r.get("_amt")
        return Finding(
            id=fid,
            source=r["source"],
            kind=r["kind"],
            locator=Locator(line=r["line"], bom_ref=r["bom_ref"], item=r["item"]),
            field=r["field"],
            value=r["name"],
            part=r["part"],
            description=r["description"],
            entity=self.listings.entity_ref(root),
            matched_entity=self.listings.entity_ref(r["entity_id"]),
            via=self._via(tuple(r["via_ids"] or []), tuple(r["via_relations"] or [])),
            alias=r["alias"],
            score=round(float(r["score"]), 4),
            method=r["method"],
            reason=r["reason"],
            level=self.listings.level(root),
            lists=[x.list for x in self.listings.listings(root)],
            spend=money(amount),
            currency=r.get("_cur"),
            amount_original=money(r["amount"]),
            currency_original=r["currency"],
            date=d.isoformat() if d else None,
            since_listing=since_listing(d, self.listings.listing_start(root)),
            primary=bool(r["primary"]),
            extra={c[len(EXTRA_PREFIX) :]: r[c] for c in extra_cols if r.get(c) is not None},
            fx_rate=r.get("_fx_rate"),
            fx_rate_date=r["_fx_rate_date"].isoformat() if r.get("_fx_rate_date") else None,
            groups=(
                {g: r.get(f"_g{i}") for i, g in enumerate(self.group_by)} if self.group_by else None
            ),
            exact_spend=amount,
        )

    def _via(self, ids: tuple, relations: tuple) -> list[Via]:
        """The affiliation path of a finding, entity by entity (shared between findings with
        the same path: the records are read, never edited)."""
        key = (ids, relations)
        if key not in self._vias:
            self._vias[key] = [
                self._step(vid, rel) for vid, rel in zip(ids, relations, strict=False)
            ]
        return self._vias[key]

    def _step(self, vid: str, rel: str) -> Via:
        ent = self.rules.entities[vid]
        aff = next((a for a in ent.affiliations if a.relation == rel), None)
        return Via(
            id=vid,
            name=ent.name,
            relation=rel,
            valid_from=aff.valid_from.isoformat() if aff and aff.valid_from else None,
            valid_to=aff.valid_to.isoformat() if aff and aff.valid_to else None,
            source_url=aff.source_url if aff else None,
            note=aff.describe(self._name(aff.parent)) if aff else "",
            share=aff.share if aff else None,
        )

    def _name(self, eid: str) -> str:
        ent = self.rules.entities.get(eid)
        return ent.name if ent else eid

    def not_exposed(self, unrolled: pl.DataFrame, threshold: float) -> list[NotExposed]:
        """Matched names that did not count: no listing in force, or affiliation not held then."""
        out: dict[tuple, NotExposed] = {}
        spent: dict[tuple, float] = {}
        dates: dict[tuple, set[str]] = {}
        for r in unrolled.filter(pl.col("score") >= threshold).to_dicts():
            key = (r["entity_id"], r["name"], r.get("_cur"))
            if key not in out:
                out[key] = self._unexposed(r)
                spent[key], dates[key] = 0.0, set()
            out[key].lines += 1
            if r["primary"] and r.get("_amt") is not None:
                spent[key] += r["_amt"]
            if r["date"]:
                dates[key].add(r["date"].isoformat())
        for key, o in out.items():
            ds = sorted(dates[key])
            o.first_date, o.last_date = (ds[0], ds[-1]) if ds else (None, None)
            o.spend = money(spent[key])
        return sorted(out.values(), key=lambda o: (-(o.spend or 0), o.entity.id, o.value))

    def _unexposed(self, r: dict) -> NotExposed:
        eid = r["entity_id"]
        ent = self.rules.entities.get(eid)
        reason = "no listing in force on " + self.listings.as_of.isoformat()
        if ent is not None and ent.ruleset == "ownership":
            reason = "named in the ownership files; not held by listed parties on the line's date"
        elif ent is not None and ent.affiliations:
            held = "; ".join(a.describe(self._name(a.parent)) for a in ent.affiliations)
            reason = held + ": not affiliated on the line's date"
        return NotExposed(
            entity=self.listings.entity_ref(eid),
            value=r["name"],
            reason=reason,
            lines=0,
            spend=0.0,
            currency=r.get("_cur"),
            first_date=None,
            last_date=None,
        )
