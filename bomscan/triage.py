"""Apply suppressions and a baseline to a built report, before the gate.

Why here and not in a format: a suppressed or baselined finding must neither gate nor count in
the exposure totals, and every format must agree on that. The report is rebuilt from the kept
findings with :mod:`bomscan.exposure`'s own aggregation (no second copy of the spend logic), and
records what it took out: ``suppressed`` (each with the entry and its reason), ``baseline``
(counts and ids), ``summary.suppressed`` / ``summary.baselined``. Warnings name expired and unused
suppression entries with their file and line.
"""

from __future__ import annotations

from datetime import date

from bomscan.config import Config, relative_source


def apply(
    report: dict,
    *,
    ruleset,
    opts,
    config: Config | None = None,
    baseline=None,
    today: date | None = None,
) -> dict:
    today = today or date.today()
    config = config or Config()
    base = config.base_dir
    active = []
    for s in config.suppressions:
        if s.expired(today):
            report["warnings"].append(
                f"{s.where(config.path)} expired on {s.expires.isoformat()} and no longer "
                f"suppresses ({s.reason}); renew or remove it"
            )
        else:
            active.append(s)

    rel_cache: dict[str, str] = {}
    suppressed: list[dict] = []
    baselined: list[str] = []
    kept: dict[str, list[dict]] = {"findings": [], "possible_matches": []}
    for key in ("findings", "possible_matches"):
        for f in report[key]:
            src = f["source"]
            if active:
                rel = rel_cache.get(src)
                if rel is None:
                    rel = rel_cache[src] = relative_source(src, base)
                hit = next((s for s in active if s.matches(f, rel)), None)
                if hit is not None:
                    hit.used += 1
                    suppressed.append(_suppressed_entry(f, hit, config, key))
                    continue
            if baseline is not None and f["id"] in baseline.ids:
                baselined.append(f["id"])
                continue
            kept[key].append(f)

    for s in active:
        if not s.used:
            report["warnings"].append(
                f"{s.where(config.path)} matched no finding ({s.reason}); remove it if it is stale"
            )

    removed = (
        len(report["findings"])
        + len(report["possible_matches"])
        - sum(len(v) for v in kept.values())
    )
    if removed:
        _rebuild(report, kept["findings"], kept["possible_matches"], ruleset, opts)
    report["suppressed"] = suppressed
    report["summary"]["suppressed"] = len(suppressed)
    if baseline is not None:
        current = {f["id"] for k in ("findings", "possible_matches") for f in report[k]}
        current.update(x["id"] for x in suppressed)
        current.update(baselined)
        report["baseline"] = {
            "path": baseline.path,
            "known": len(baseline.ids),
            "baselined": len(baselined),
            "resolved": len(baseline.ids - current),
            "ids": sorted(baselined),
        }
        report["summary"]["baselined"] = len(baselined)
    return report


def _suppressed_entry(f: dict, s, config: Config, key: str) -> dict:
    return {
        "id": f["id"],
        "source": f["source"],
        "line": f["locator"].get("line"),
        "field": f["field"],
        "value": f["value"],
        "entity": f["entity"],
        "matched_entity": f["matched_entity"],
        "level": f["level"],
        "lists": f["lists"],
        "possible_match": key == "possible_matches",
        "reason": s.reason,
        "expires": s.expires.isoformat() if s.expires else None,
        "rule": {**s.describe(), "where": s.where(config.path)},
    }


def _rebuild(report: dict, findings: list[dict], possible: list[dict], ruleset, opts) -> None:
    """Exposures, lists, groups and summary sums from the kept findings only."""
    from bomscan.exposure import _Context, _money

    ctx = _Context(ruleset, opts)
    s = report["summary"]
    totals_rows = [
        {"_cur": b["currency"], "total": b["total_spend"], "priced": b["total_spend"] is not None}
        for b in s["by_currency"]
    ]
    exposures = ctx.exposures(findings, totals_rows)
    by_cur: dict = {}
    for e in exposures:
        by_cur[e["currency"]] = by_cur.get(e["currency"], 0.0) + (e["spend"] or 0.0)
    for b in s["by_currency"]:
        if b["total_spend"] is not None:
            b["exposed_spend"] = _money(by_cur.get(b["currency"], 0.0))
    if not s["mixed_currencies"] and s["total_spend"] is not None:
        exposed = _money(sum(b["exposed_spend"] or 0.0 for b in s["by_currency"]))
        s["exposed_spend"] = exposed
        s["share_exposed"] = exposed / s["total_spend"] if s["total_spend"] else None
    if not s["mixed_currencies"]:
        s["exposed_spend_since_listing"] = _money(
            sum(e["spend_since_listing"] or 0.0 for e in exposures)
        )
    s["exposures"] = len(exposures)
    s["findings"] = len(findings)
    s["possible_matches"] = len(possible)
    report["exposures"] = exposures
    report["findings"] = findings
    report["possible_matches"] = possible
    report["lists"] = ctx.lists_used(exposures)
    if "groups" in report:
        report["groups"] = ctx.groups(findings, opts.group_by)
