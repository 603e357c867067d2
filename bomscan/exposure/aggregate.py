"""From the findings that count to the report's exposures, lists, groups and exposed totals.

Used twice with the same rules (:mod:`bomscan.exposure.spend`): by the report, on every
finding, and by triage, on the findings left after suppressions and a baseline. The input's own
totals (``summary.by_currency[*].total_spend``, ``group_totals[*].total_spend``) are set by the
pass and never change here.
"""

from __future__ import annotations

from bomscan.exposure import spend
from bomscan.exposure.listings import Listings
from bomscan.model import Affiliate, Exposure, Finding, Report


def exposures(findings: list[Finding], listings: Listings, total_by_cur: dict) -> list[Exposure]:
    """Exposure per (listed entity, currency), ranked by spend, with affiliates' shares."""
    counted = list(spend.first_per_item(findings, spend.exposure_key))
    tallies = spend.tally(counted, spend.exposure_key)
    # an item counts for the entity it was first found under (one amount per item)
    by_matched = spend.tally(counted, lambda f: (*spend.exposure_key(f), f.matched_entity.id))
    names: dict[tuple, set] = {}
    sources: dict[tuple, set] = {}
    firsts: dict[tuple, Finding] = {}
    for f in findings:
        k = spend.exposure_key(f)
        names.setdefault(k, set()).add(f.value)
        sources.setdefault(k, set()).add(f.source)
        firsts.setdefault((*k, f.matched_entity.id), f)
    out = []
    for (eid, cur), t in tallies.items():
        figures = t.figures()
        affiliates = [
            Affiliate(
                entity=firsts[mk].matched_entity,
                via=firsts[mk].via,
                spend=spend.money(mt.spend),
                lines=mt.lines,
            )
            for mk, mt in by_matched.items()
            if mk[:2] == (eid, cur) and mk[2] != eid
        ]
        affiliates.sort(key=lambda a: (-(a.spend or 0), a.entity.id))
        out.append(
            Exposure(
                entity=listings.entity_record(eid),
                level=listings.level(eid),
                currency=cur,
                **figures,
                lines=t.lines,
                names=sorted(names[(eid, cur)]),
                sources=sorted(sources[(eid, cur)]),
                share_of_spend=spend.share(figures["spend"], total_by_cur.get(cur)),
                affiliates=affiliates,
                rank=0,
                exact_spend=t.spend if t.priced else None,
            )
        )
    return rank(out)


def rank(out: list[Exposure]) -> list[Exposure]:
    """Spend descending, then entity id; per currency first when there are several."""
    out.sort(key=lambda g: (g.currency or "", -(g.spend or 0.0), g.entity.id))
    if len({g.currency for g in out}) <= 1:
        out.sort(key=lambda g: (-(g.spend or 0.0), g.entity.id))
    for i, g in enumerate(out, start=1):
        g.rank = i
    return out


def settle(
    report: Report,
    findings: list[Finding],
    possible: list[Finding],
    listings: Listings,
    fx_target: str | None,
) -> None:
    """Set the report's findings and everything computed from them."""
    s = report.summary
    total_by_cur = {b.currency: b.total_spend for b in s.by_currency}
    exps = exposures(findings, listings, total_by_cur)
    spend.summary_exposed(s, exps, fx_target)
    s.exposures = len(exps)
    s.findings = len(findings)
    s.possible_matches = len(possible)
    report.exposures = exps
    report.findings = findings
    report.possible_matches = possible
    report.lists = listings.lists_used(exps)
    group_by = report.parameters.group_by
    if group_by:
        totals = spend.group_total_map(report.group_totals or [], group_by)
        report.groups = spend.group_rows(findings, group_by, totals)
        report.group_totals = spend.group_totals(totals, group_by, report.groups)
