"""Apply suppressions and a baseline to a built report, before the gate.

Why here and not in a format: a suppressed or baselined finding must neither gate nor count in
the exposure totals, and every format must agree on that. The report is rebuilt from the kept
findings with :mod:`bomscan.exposure.aggregate` (no second copy of the spend rules), and
records what it took out: ``suppressed`` (each with the entry and its reason), ``baseline``
(counts and ids), ``summary.suppressed`` / ``summary.baselined``. Warnings name expired and unused
suppression entries with their file and line.
"""

from __future__ import annotations

from datetime import date

from bomscan.config import Config, relative_source
from bomscan.model import Baseline, EntityRef, Finding, Report, Suppressed


def apply(
    report: Report,
    *,
    ruleset,
    opts,
    config: Config | None = None,
    baseline=None,
    today: date | None = None,
) -> Report:
    """``report`` with suppressed and baselined findings taken out and its totals settled
    again from what is kept."""
    today = today or date.today()
    config = config or Config()
    active = _active_suppressions(config, today, report.warnings)
    kept, suppressed, baselined = _sort_out(report, active, config, baseline)
    for s in active:
        if not s.used:
            report.warnings.append(
                f"{s.where(config.path)} matched no finding ({s.reason}); remove it if it is stale"
            )

    removed = (
        len(report.findings) + len(report.possible_matches) - sum(len(v) for v in kept.values())
    )
    if removed:
        _rebuild(report, kept["findings"], kept["possible_matches"], ruleset, opts)
    report.suppressed = suppressed
    report.summary.suppressed = len(suppressed)
    if baseline is not None:
        report.baseline = _baseline_record(report, baseline, suppressed, baselined)
        report.summary.baselined = len(baselined)
    return report


def _active_suppressions(config: Config, today: date, warnings: list[str]) -> list:
    """The configuration's suppressions that have not expired by ``today``; each expired one
    gets a warning (with its file and line) so it is renewed or removed, not silently kept."""
    active = []
    for s in config.suppressions:
        if s.expired(today):
            warnings.append(
                f"{s.where(config.path)} expired on {s.expires.isoformat()} and no longer "
                f"suppresses ({s.reason}); renew or remove it"
            )
        else:
            active.append(s)
    return active


def _sort_out(
    report: Report, active: list, config: Config, baseline
) -> tuple[dict[str, list[Finding]], list[Suppressed], list[str]]:
    """Split the findings and possible matches into those kept, those suppressed (the first
    matching active entry wins, and counts as used) and the ids known to the baseline.
    Suppression is checked first, so a suppressed finding is recorded as suppressed even when
    the baseline knows it."""
    base = config.base_dir
    rel_cache: dict[str, str] = {}
    suppressed: list[Suppressed] = []
    baselined: list[str] = []
    kept: dict[str, list[Finding]] = {"findings": [], "possible_matches": []}
    for key, found in (
        ("findings", report.findings),
        ("possible_matches", report.possible_matches),
    ):
        for f in found:
            src = f.source
            if active:
                rel = rel_cache.get(src)
                if rel is None:
                    rel = rel_cache[src] = relative_source(src, base)
                hit = next((s for s in active if s.matches(f, rel)), None)
                if hit is not None:
                    hit.used += 1
                    suppressed.append(_suppressed_entry(f, hit, config, key))
                    continue
            if baseline is not None and f.id in baseline.ids:
                baselined.append(f.id)
                continue
            kept[key].append(f)
    return kept, suppressed, baselined


def _baseline_record(
    report: Report, baseline, suppressed: list[Suppressed], baselined: list[str]
) -> Baseline:
    """The report's ``baseline`` entry: how many ids the baseline knows, how many findings it
    took out, and how many of its ids no longer occur at all (resolved since)."""
    current = {f.id for f in (*report.findings, *report.possible_matches)}
    current.update(x.id for x in suppressed)
    current.update(baselined)
    return Baseline(
        path=baseline.path,
        known=len(baseline.ids),
        baselined=len(baselined),
        resolved=len(baseline.ids - current),
        ids=sorted(baselined),
    )


def _suppressed_entry(f: Finding, s, config: Config, key: str) -> Suppressed:
    return Suppressed(
        id=f.id,
        source=f.source,
        line=f.locator.line,
        field=f.field,
        value=f.value,
        entity=EntityRef(id=f.entity.id, name=f.entity.name),
        matched_entity=EntityRef(id=f.matched_entity.id, name=f.matched_entity.name),
        level=f.level,
        lists=list(f.lists),
        possible_match=key == "possible_matches",
        reason=s.reason,
        expires=s.expires.isoformat() if s.expires else None,
        rule={**s.describe(), "where": s.where(config.path)},
    )


def _rebuild(
    report: Report, findings: list[Finding], possible: list[Finding], ruleset, opts
) -> None:
    """Exposures, lists, groups and summary sums from the kept findings only, by the same
    rules and code as the report (exposure.aggregate)."""
    from bomscan.exposure.aggregate import settle
    from bomscan.exposure.listings import Listings

    settle(report, findings, possible, Listings(ruleset, opts.as_of), opts.fx_target)
