"""From read lines and name matches to the exposure report (a plain, JSON-ready dict).

The pipeline is one-way: sources -> resolve -> exposure -> formats. This module:

1. concatenates every source's lines (lazily: a ledger may have millions of rows);
2. resolves each **distinct** name once (a 10M-row ledger has a few thousand vendors);
3. joins the matches back, applies the period filter and currency conversion;
4. rolls matched entities up to their nearest listed parent along affiliations valid on each
   line's date (an entity that is listed itself stays itself; its parents are named in ``via``
   only when it is attributed through them);
5. aggregates spend per listed parent (and per currency when currencies cannot be summed);
6. returns the report dict whose shape is the versioned JSON contract (``SCHEMA_VERSION``).

Spend is summed over items (rows flagged ``primary``, or distinct ``(source, item)`` among
findings), never over name rows, so a component whose manufacturer and supplier both match counts
once. Ties in every ranking are broken by a documented key: spend descending, then entity id,
then source path and line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from bomscan import __version__
from bomscan.resolve.affiliates import paths_frame
from bomscan.rules.model import LEVELS, RuleSet
from bomscan.sources.schema import EXTRA_PREFIX, ReadResult, Skipped

SCHEMA_VERSION = "1.0"
RAW_AMOUNT = "x:__raw_amount"


@dataclass
class Options:
    as_of: date
    threshold: float
    review_threshold: float
    currency: str | None = None  # reporting currency (with fx) or the assumed one
    fx: pl.DataFrame | None = None  # columns date, currency, rate (1 unit of currency in reporting)
    fx_source: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    group_by: list[str] = field(default_factory=list)


def build_report(results: list[ReadResult], ruleset: RuleSet, resolver, opts: Options) -> dict:
    warnings: list[str] = [w for r in results for w in r.warnings]
    frames = [r.lines.lazy() if isinstance(r.lines, pl.DataFrame) else r.lines for r in results]
    lines = pl.concat(frames, how="diagonal_relaxed") if frames else None

    # 2. distinct names -> matches
    names = lines.select(pl.col("name").drop_nulls().unique()).collect()["name"].to_list()
    matches = resolver.match_names(names, min_score=opts.review_threshold)
    mframe = pl.DataFrame(
        {
            "name": [m.name for m in matches],
            "entity_id": [m.entity_id for m in matches],
            "alias": [m.alias for m in matches],
            "score": [float(m.score) for m in matches],
            "method": [m.method for m in matches],
            "reason": [m.reason for m in matches],
        },
        schema={
            "name": pl.String,
            "entity_id": pl.String,
            "alias": pl.String,
            "score": pl.Float64,
            "method": pl.String,
            "reason": pl.String,
        },
    )

    # 3. period and currency
    dated = lines
    period = pl.lit(True)
    if opts.date_from is not None:
        period = period & (pl.col("date") >= opts.date_from)
    if opts.date_to is not None:
        period = period & (pl.col("date") <= opts.date_to)
    in_period = period.fill_null(False) if (opts.date_from or opts.date_to) else pl.lit(True)
    dated = dated.with_columns(in_period.alias("_in_period"))
    dated, fx_note = _convert(dated, opts)

    # 4./5. collect what the report needs in one go (polars shares the scan between queries)
    primary = pl.col("primary") & pl.col("_in_period")
    totals_q = (
        dated.filter(primary)
        .group_by("_cur")
        .agg(
            pl.len().alias("lines"),
            pl.col("_amt").sum().alias("total"),
            pl.col("_amt").is_not_null().sum().alias("priced"),
        )
    )
    counts_q = dated.select(
        pl.col("primary").sum().alias("lines_read"),
        (pl.col("primary") & ~pl.col("_in_period")).sum().alias("out_of_period"),
        (pl.col("primary") & pl.col("_in_period") & pl.col("name").is_null())
        .sum()
        .alias("no_name"),
        (primary & pl.col("_amt").is_null()).sum().alias("no_amount"),
        pl.col("name").drop_nulls().n_unique().alias("names"),
    )
    schema_names = dated.collect_schema().names()
    has_raw = RAW_AMOUNT in schema_names
    unparsed_q = None
    if has_raw:
        unparsed_q = dated.filter(
            pl.col("primary") & pl.col("amount").is_null() & pl.col(RAW_AMOUNT).is_not_null()
        ).select("source", "item", "line", pl.col(RAW_AMOUNT).alias("value"))
    found_q = dated.filter(pl.col("_in_period")).join(mframe.lazy(), on="name", how="inner")
    queries = [totals_q, counts_q, found_q] + ([unparsed_q] if unparsed_q is not None else [])
    collected = pl.collect_all(queries)
    totals, counts, found = collected[0], collected[1], collected[2]
    unparsed = collected[3] if unparsed_q is not None else None

    found = _relocate(found, results)
    if unparsed is not None and unparsed.height:
        unparsed = _relocate(unparsed, results)

    # 4. roll up along affiliations valid on each line's date
    matched_ids = sorted(set(found["entity_id"].to_list()))
    paths = paths_frame(ruleset, matched_ids, opts.as_of)
    found = found.with_row_index("_row").with_columns(
        pl.coalesce(pl.col("date"), pl.lit(opts.as_of)).alias("_eff_date")
    )
    joined = found.join(paths, on="entity_id", how="left").filter(
        pl.col("root_id").is_not_null()
        & (pl.col("path_from").is_null() | (pl.col("_eff_date") >= pl.col("path_from")))
        & (pl.col("path_to").is_null() | (pl.col("_eff_date") < pl.col("path_to")))
    )
    # the entity itself when it is listed, else its nearest listed parent
    best = joined.sort(["_row", "depth"]).unique(subset="_row", keep="first", maintain_order=True)
    unrolled = found.join(best.select("_row"), on="_row", how="anti")

    ctx = _Context(ruleset, opts)
    findings = ctx.findings(best)
    confident = [f for f in findings if f["score"] >= opts.threshold]
    possible = [f for f in findings if f["score"] < opts.threshold]
    not_exposed = ctx.not_exposed(unrolled)

    totals_rows = sorted(totals.to_dicts(), key=lambda r: (r["_cur"] is None, r["_cur"] or ""))
    currencies = [r["_cur"] for r in totals_rows if r["priced"]]
    single = (
        opts.currency if opts.fx is not None else (currencies[0] if len(currencies) == 1 else None)
    )
    mixed = len(currencies) > 1 and opts.fx is None
    if mixed:
        warnings.append(
            "amounts are in several currencies ("
            + ", ".join(c or "unknown" for c in currencies)
            + ") and no --fx rates were given: totals and exposures are ranked per currency, "
            "never summed across currencies"
        )
    exposures = ctx.exposures(confident, totals_rows)

    skipped: list[dict] = []
    for r in results:
        for s in r.skipped:
            skipped.append(_skip_dict(r.source, s))
    c = counts.row(0, named=True) if counts.height else {}
    if c.get("out_of_period"):
        skipped.append(
            {
                "source": None,
                "reason": "dated outside --from/--to, or undated while a period is set",
                "count": int(c["out_of_period"]),
                "lines": [],
            }
        )

    exposed_by_cur: dict[str | None, float] = {}
    for e in exposures:
        exposed_by_cur[e["currency"]] = exposed_by_cur.get(e["currency"], 0.0) + (e["spend"] or 0.0)
    by_currency = [
        {
            "currency": r["_cur"],
            "lines": int(r["lines"]),
            "total_spend": _money(r["total"]) if r["priced"] else None,
            "exposed_spend": _money(exposed_by_cur.get(r["_cur"], 0.0)) if r["priced"] else None,
        }
        for r in totals_rows
    ]
    total = exposed = None
    if not mixed and by_currency:
        priced = [b for b in by_currency if b["total_spend"] is not None]
        if priced:
            total = _money(sum(b["total_spend"] for b in priced))
            exposed = _money(sum(b["exposed_spend"] or 0.0 for b in priced))
    since = sum(e["spend_since_listing"] or 0.0 for e in exposures) if not mixed else None

    report = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bomscan", "version": __version__},
        "parameters": {
            "as_of": opts.as_of.isoformat(),
            "threshold": opts.threshold,
            "review_threshold": opts.review_threshold,
            "currency": opts.currency,
            "fx_source": opts.fx_source,
            "from": opts.date_from.isoformat() if opts.date_from else None,
            "to": opts.date_to.isoformat() if opts.date_to else None,
            "group_by": opts.group_by,
        },
        "rulesets": [
            {
                "name": i.name,
                "version": i.version,
                "updated": i.updated.isoformat() if i.updated else None,
                "path": i.path,
            }
            for i in ruleset.infos
        ],
        "lists": ctx.lists_used(exposures),
        "inputs": [
            {
                "source": r.source,
                "kind": r.kind,
                "meta": {k: v for k, v in r.meta.items() if not callable(v)},
            }
            for r in results
        ],
        "summary": {
            "lines_read": int(c.get("lines_read") or 0),
            "lines_skipped": {"total": sum(s["count"] for s in skipped), "reasons": skipped},
            "lines_without_name": int(c.get("no_name") or 0),
            "lines_without_amount": int(c.get("no_amount") or 0),
            "names_screened": int(c.get("names") or 0),
            "currency": single if not mixed else None,
            "mixed_currencies": mixed,
            "total_spend": total,
            "exposed_spend": exposed,
            "exposed_spend_since_listing": _money(since) if since is not None else None,
            "share_exposed": (exposed / total) if (total and exposed is not None) else None,
            "by_currency": by_currency,
            "exposures": len(exposures),
            "findings": len(confident),
            "possible_matches": len(possible),
            "fx": fx_note,
        },
        "exposures": exposures,
        "findings": confident,
        "possible_matches": possible,
        "not_exposed": not_exposed,
        "unparsed_amounts": []
        if unparsed is None
        else [
            {"source": r["source"], "line": r["line"], "value": r["value"]}
            for r in unparsed.sort(["source", "item"]).to_dicts()
        ],
        "warnings": warnings,
    }
    if opts.group_by:
        report["groups"] = ctx.groups(confident, opts.group_by)
    return report


def _skip_dict(source: str, s: Skipped) -> dict:
    return {"source": source, "reason": s.reason, "count": s.count, "lines": s.lines[:100]}


def _money(v: float | None) -> float | None:
    return None if v is None else round(float(v), 2)


def _convert(lf: pl.LazyFrame, opts: Options) -> tuple[pl.LazyFrame, dict | None]:
    """Add ``_amt``/``_cur``: the amount in the reporting currency when rates allow, else native."""
    cur = pl.col("currency")
    if opts.currency and opts.fx is None:
        # one currency assumed for lines that do not say theirs
        cur = pl.coalesce(cur, pl.lit(opts.currency))
    lf = lf.with_columns(cur.alias("_cur_native"))
    if opts.fx is None or not opts.currency:
        return lf.with_columns(
            pl.col("amount").alias("_amt"), pl.col("_cur_native").alias("_cur")
        ), None
    rates = (
        opts.fx.lazy()
        .select(
            pl.col("date").alias("_rate_date"),
            pl.col("currency").alias("_cur_native"),
            pl.col("rate").cast(pl.Float64).alias("_rate"),
        )
        .sort("_rate_date")
    )
    target = opts.currency
    lf = (
        lf.with_columns(pl.coalesce(pl.col("date"), pl.lit(opts.as_of)).alias("_fx_day"))
        .sort("_fx_day")
        .join_asof(
            rates, left_on="_fx_day", right_on="_rate_date", by="_cur_native", strategy="backward"
        )
    )
    same = pl.col("_cur_native") == target
    rate = pl.when(same).then(pl.lit(1.0)).otherwise(pl.col("_rate"))
    converted = pl.col("amount") * rate
    lf = lf.with_columns(
        converted.alias("_amt"),
        pl.when(rate.is_not_null())
        .then(pl.lit(target))
        .otherwise(pl.col("_cur_native"))
        .alias("_cur"),
        rate.alias("_fx_rate"),
        pl.when(same).then(None).otherwise(pl.col("_rate_date")).alias("_fx_rate_date"),
    )
    return lf, {
        "target": target,
        "source": opts.fx_source,
        "policy": "rate on the line's date or the nearest earlier one",
    }


def _relocate(frame: pl.DataFrame, results: list[ReadResult]) -> pl.DataFrame:
    """Exact physical lines for the rows that need them (CSV files with multi-line records)."""
    if frame.height == 0:
        return frame
    fixes = []
    for r in results:
        relocate = r.meta.get("relocate")
        if relocate is None:
            continue
        sub = frame.filter(pl.col("source") == r.source)
        if sub.height == 0:
            continue
        total = r.meta.get("_items")
        if total is None:
            total = r.lines.lazy().select(pl.col("item").max()).collect().item()
            total = 0 if total is None else int(total) + 1
        mapping = relocate(sorted(set(sub["item"].to_list())), total)
        if mapping:
            fixes.append(
                pl.DataFrame(
                    {
                        "source": [r.source] * len(mapping),
                        "item": list(mapping),
                        "_line": list(mapping.values()),
                    },
                    schema={"source": pl.String, "item": pl.Int64, "_line": pl.Int64},
                )
            )
    if not fixes:
        return frame
    fix = pl.concat(fixes)
    return (
        frame.join(fix, on=["source", "item"], how="left")
        .with_columns(pl.coalesce(pl.col("_line"), pl.col("line")).alias("line"))
        .drop("_line")
    )


class _Context:
    def __init__(self, ruleset: RuleSet, opts: Options):
        self.rules = ruleset
        self.opts = opts

    def entity_ref(self, eid: str) -> dict:
        e = self.rules.entities.get(eid)
        return {"id": eid, "name": e.name if e else eid}

    def listings(self, eid: str) -> list[dict]:
        e = self.rules.entities[eid]
        out = []
        for lst in e.active_listings(self.opts.as_of):
            ld = self.rules.lists.get(lst.list)
            out.append(
                {
                    "list": lst.list,
                    "list_name": ld.name if ld else lst.list,
                    "list_short_name": ld.short_name if ld else lst.list,
                    "authority": ld.authority if ld else "",
                    "level": ld.level if ld else "informational",
                    "citation": lst.citation,
                    "start": lst.start.isoformat() if lst.start else None,
                    "end": lst.end.isoformat() if lst.end else None,
                    "source_url": lst.source_url,
                    "name_on_list": lst.name_on_list or None,
                    "meaning": lst.meaning or (ld.meaning if ld else ""),
                }
            )
        out.sort(key=lambda x: (-LEVELS.index(x["level"]), x["start"] or "", x["list"]))
        return out

    def level(self, eid: str) -> str:
        ls = self.listings(eid)
        return ls[0]["level"] if ls else "informational"

    def listing_start(self, eid: str) -> date | None:
        starts = [
            lst.start for lst in self.rules.entities[eid].active_listings(self.opts.as_of) if lst.start
        ]
        return min(starts) if starts else None

    def findings(self, best: pl.DataFrame) -> list[dict]:
        out = []
        if best.height == 0:
            return out
        extra_cols = [c for c in best.columns if c.startswith(EXTRA_PREFIX) and c != RAW_AMOUNT]
        occurrences: dict[tuple, int] = {}
        rows = best.sort(["source", "item", "line", "field", "name"], nulls_last=True).to_dicts()
        for r in rows:
            root = r["root_id"]
            start = self.listing_start(root)
            d = r["date"]
            via = []
            for vid, rel in zip(r["via_ids"] or [], r["via_relations"] or [], strict=False):
                ent = self.rules.entities[vid]
                aff = next((a for a in ent.affiliations if a.relation == rel), None)
                via.append(
                    {
                        "id": vid,
                        "name": ent.name,
                        "relation": rel,
                        "valid_from": aff.valid_from.isoformat()
                        if aff and aff.valid_from
                        else None,
                        "valid_to": aff.valid_to.isoformat() if aff and aff.valid_to else None,
                        "source_url": aff.source_url if aff else None,
                        "note": aff.describe(self._parent_name(ent, rel)) if aff else "",
                    }
                )
            key_item = r["bom_ref"] or r["part"] or ""
            key = (r["source"], root, r["field"], r["name"], key_item)
            occurrences[key] = occurrences.get(key, 0) + 1
            fp = hashlib.sha256("\x1f".join(str(k) for k in key).encode()).hexdigest()[:32]
            amount = r.get("_amt")
            out.append(
                {
                    "id": f"{fp}:{occurrences[key]}",
                    "source": r["source"],
                    "kind": r["kind"],
                    "locator": {"line": r["line"], "bom_ref": r["bom_ref"], "item": r["item"]},
                    "field": r["field"],
                    "value": r["name"],
                    "part": r["part"],
                    "description": r["description"],
                    "entity": self.entity_ref(root),
                    "matched_entity": self.entity_ref(r["entity_id"]),
                    "via": via,
                    "alias": r["alias"],
                    "score": round(float(r["score"]), 4),
                    "method": r["method"],
                    "reason": r["reason"],
                    "level": self.level(root),
                    "lists": [x["list"] for x in self.listings(root)],
                    "spend": _money(amount) if amount is not None else None,
                    "currency": r.get("_cur"),
                    "amount_original": _money(r["amount"]) if r["amount"] is not None else None,
                    "currency_original": r["currency"],
                    "date": d.isoformat() if d else None,
                    "since_listing": (d >= start) if (d and start) else None,
                    "primary": bool(r["primary"]),
                    "extra": {
                        c[len(EXTRA_PREFIX) :]: r[c] for c in extra_cols if r.get(c) is not None
                    },
                }
            )
        return out

    def _parent_name(self, ent, rel) -> str:
        aff = next((a for a in ent.affiliations if a.relation == rel), None)
        if aff and aff.parent in self.rules.entities:
            return self.rules.entities[aff.parent].name
        return aff.parent if aff else ""

    def not_exposed(self, unrolled: pl.DataFrame) -> list[dict]:
        """Matched names that did not count: no listing in force, or affiliation not held then."""
        out: dict[tuple, dict] = {}
        for r in unrolled.filter(pl.col("score") >= self.opts.threshold).to_dicts():
            eid = r["entity_id"]
            ent = self.rules.entities.get(eid)
            key = (eid, r["name"], r.get("_cur"))
            if key not in out:
                reason = "no listing in force on " + self.opts.as_of.isoformat()
                if ent is not None and ent.affiliations:
                    reason = (
                        "; ".join(
                            a.describe(
                                self.rules.entities[a.parent].name
                                if a.parent in self.rules.entities
                                else a.parent
                            )
                            for a in ent.affiliations
                        )
                        + ": not affiliated on the line's date"
                    )
                out[key] = {
                    "entity": self.entity_ref(eid),
                    "value": r["name"],
                    "reason": reason,
                    "lines": 0,
                    "spend": 0.0,
                    "currency": r.get("_cur"),
                    "dates": set(),
                }
            o = out[key]
            o["lines"] += 1
            if r["primary"] and r.get("_amt") is not None:
                o["spend"] += r["_amt"]
            if r["date"]:
                o["dates"].add(r["date"].isoformat())
        res = []
        for o in out.values():
            ds = sorted(o.pop("dates"))
            o["first_date"], o["last_date"] = (ds[0], ds[-1]) if ds else (None, None)
            o["spend"] = _money(o["spend"])
            res.append(o)
        res.sort(key=lambda o: (-(o["spend"] or 0), o["entity"]["id"], o["value"]))
        return res

    def exposures(self, findings: list[dict], totals_rows: list[dict]) -> list[dict]:
        total_by_cur = {r["_cur"]: (r["total"] if r["priced"] else None) for r in totals_rows}
        groups: dict[tuple, dict] = {}
        seen_items: dict[tuple, set] = {}
        for f in findings:
            key = (f["entity"]["id"], f["currency"])
            g = groups.get(key)
            if g is None:
                eid = f["entity"]["id"]
                ent = self.rules.entities[eid]
                g = groups[key] = {
                    "entity": {
                        "id": eid,
                        "name": ent.name,
                        "country": ent.country or None,
                        "listings": self.listings(eid),
                    },
                    "level": self.level(eid),
                    "currency": f["currency"],
                    "spend": 0.0,
                    "spend_since_listing": 0.0,
                    "spend_before_listing": 0.0,
                    "spend_undated": 0.0,
                    "lines": 0,
                    "names": set(),
                    "sources": set(),
                    "by_matched": {},
                    "_priced": False,
                }
                seen_items[key] = set()
            g["names"].add(f["value"])
            g["sources"].add(f["source"])
            item_key = (f["source"], f["locator"]["item"])
            if item_key in seen_items[key]:
                continue
            seen_items[key].add(item_key)
            g["lines"] += 1
            spend = f["spend"]
            m = f["matched_entity"]["id"]
            bm = g["by_matched"].setdefault(
                m, {"entity": f["matched_entity"], "via": f["via"], "spend": 0.0, "lines": 0}
            )
            bm["lines"] += 1
            if spend is None:
                continue
            g["_priced"] = True
            g["spend"] += spend
            bm["spend"] += spend
            if f["since_listing"] is None:
                g["spend_undated"] += spend
            elif f["since_listing"]:
                g["spend_since_listing"] += spend
            else:
                g["spend_before_listing"] += spend
        out = []
        for (eid, cur), g in groups.items():
            total = total_by_cur.get(cur)
            priced = g.pop("_priced")
            for k in ("spend", "spend_since_listing", "spend_before_listing", "spend_undated"):
                g[k] = _money(g[k]) if priced else None
            g["share_of_spend"] = (g["spend"] / total) if (priced and total) else None
            g["names"] = sorted(g["names"])
            g["sources"] = sorted(g["sources"])
            affiliates = [
                {**v, "spend": _money(v["spend"])}
                for k, v in g.pop("by_matched").items()
                if k != eid
            ]
            affiliates.sort(key=lambda a: (-(a["spend"] or 0), a["entity"]["id"]))
            g["affiliates"] = affiliates
            out.append(g)
        out.sort(key=lambda g: (g["currency"] or "", -(g["spend"] or 0.0), g["entity"]["id"]))
        if len({g["currency"] for g in out}) <= 1:
            out.sort(key=lambda g: (-(g["spend"] or 0.0), g["entity"]["id"]))
        for i, g in enumerate(out, start=1):
            g["rank"] = i
        return out

    def lists_used(self, exposures: list[dict]) -> list[dict]:
        used = {lst["list"] for e in exposures for lst in e["entity"]["listings"]}
        return [
            {
                "id": ld.id,
                "name": ld.name,
                "short_name": ld.short_name,
                "authority": ld.authority,
                "level": ld.level,
                "url": ld.url,
                "legal_basis": ld.legal_basis,
                "meaning": ld.meaning,
                "used": ld.id in used,
            }
            for ld in sorted(self.rules.lists.values(), key=lambda x: x.id)
        ]

    def groups(self, findings: list[dict], group_by: list[str]) -> list[dict]:
        agg: dict[tuple, dict] = {}
        seen: set = set()
        for f in findings:
            key = tuple(f["extra"].get(g) for g in group_by) + (f["entity"]["id"], f["currency"])
            item_key = (key, f["source"], f["locator"]["item"])
            a = agg.setdefault(
                key,
                {
                    "group": dict(zip(group_by, key[:-2], strict=True)),
                    "entity": f["entity"],
                    "currency": f["currency"],
                    "spend": 0.0,
                    "lines": 0,
                },
            )
            if item_key in seen:
                continue
            seen.add(item_key)
            a["lines"] += 1
            a["spend"] += f["spend"] or 0.0
        out = list(agg.values())
        for a in out:
            a["spend"] = _money(a["spend"])
        out.sort(key=lambda a: (-(a["spend"] or 0), a["entity"]["id"], str(a["group"])))
        return out
