"""Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

Always written, also with no findings ("screened N lines, 0 exposures"), because a blank summary
reads as "did it even run?". User strings (names, paths, reasons) are escaped so a vendor name
cannot inject Markdown or HTML into the comment, nor @-mention anyone; they are never put in code
spans, where backslash escapes would show. The hidden ``<!-- bomscan -->`` marker lets a workflow
find and update its one comment. At most ``MAX_ROWS`` findings are listed, far below GitHub's
1 MiB step-summary and 64 KB comment limits. Reads the typed report
(:class:`bomscan.model.Report`).
"""

from __future__ import annotations

import re

from bomscan.exposure import spend
from bomscan.formats import groups as grouping
from bomscan.model import Exposure, Finding, Gate, Report, Suppressed, rules_line

MARKER = "<!-- bomscan -->"
MAX_ROWS = 50


def esc(text) -> str:
    s = "" if text is None else str(text)
    s = s.replace("\r", " ").replace("\n", " ")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = re.sub(r"([\\`*_{}\[\]()#+!|~])", r"\\\1", s)
    return s.replace("@", "@\u200b")  # no @-mentions from vendor names


def money(v, cur=None) -> str:
    if v is None:
        return "–"
    return f"{v:,.2f}" + (f" {cur}" if cur else "")


def pct(v) -> str:
    return "–" if v is None else f"{v * 100:.1f}%"


def render(report: Report, ctx) -> str:
    out = [MARKER, "## bomscan exposure report", ""]
    out += _gate(report.gate)
    out += _summary(report)
    out += _exposures(report.exposures, spend.has_dates(report))
    out += _groups(report)
    out += _findings(report.findings)
    if report.possible_matches:
        out.append(
            f"{len(report.possible_matches)} possible match(es) below the threshold or "
            "holding(s) by listed parties under no ownership rule in force are listed in the "
            "JSON report for review."
        )
        out.append("")
    out += _suppressed(report.suppressed or [], getattr(ctx, "show_suppressed", False))
    base = report.baseline
    if base:
        out.append(
            f"Baseline: {base.baselined} finding(s) already in the baseline are not shown "
            f"or gated; {base.resolved} baseline finding(s) are gone."
        )
        out.append("")
    if report.rulesets:
        out += [f"Rules: {esc(rules_line(report.rulesets))}", ""]
    return "\n".join(out) + "\n"


def _gate(gate: Gate | None) -> list[str]:
    if not gate:
        return []
    status = "❌ failed" if gate.failed else "✅ passed"
    return [
        f"**Gate** (`--fail-on {esc(gate.fail_on)}`): {status} "
        f"({gate.gating_findings} gating finding(s))",
        "",
    ]


def _summary(report: Report) -> list[str]:
    s = report.summary
    cur = s.currency
    out = [
        f"Screened **{s.lines_read:,}** lines ({s.names_screened:,} distinct names) "
        f"as of {report.parameters.as_of}: **{s.exposures}** exposed "
        f"entit{'y' if s.exposures == 1 else 'ies'}, {s.findings} finding(s), "
        f"{s.possible_matches} possible match(es) to review."
    ]
    if s.unscreened is not None:
        out.append(f"> **Not screened:** {esc(s.unscreened.reason)}")
    if not s.mixed_currencies:
        out.append(
            f"Total spend {money(s.total_spend, cur)}; exposed {money(s.exposed_spend, cur)}."
        )
    else:
        out.append("Spend is in several currencies and is not summed across them:")
        for b in s.by_currency:
            out.append(
                f"- {esc(b.currency or 'no currency')}: total {money(b.total_spend)}, "
                f"exposed {money(b.exposed_spend)}"
            )
    skipped = s.lines_skipped
    if skipped.total:
        out.append(
            f"Skipped {skipped.total:,} line(s): "
            + "; ".join(f"{esc(r.reason)} ({r.count})" for r in skipped.reasons)
        )
    out.append("")
    return out


def _exposures(exposures: list[Exposure], dated: bool = False) -> list[str]:
    if not exposures:
        return []
    out = ["| # | Entity | Lists | Spend | Share | Lines |", "|---:|---|---|---:|---:|---:|"]
    for e in exposures:
        lists = "<br>".join(
            f"{esc(x.list_short_name or x.list_name)} ({x.start or 'undated'})"
            for x in e.entity.listings
        )
        split = ""
        if dated and e.spend is not None:
            split = "<br>" + " · ".join(f"{lbl} {money(v)}" for lbl, v in spend.split_parts(e))
        out.append(
            f"| {e.rank} | **{esc(e.entity.name)}**{split} | {lists} | "
            f"{money(e.spend, e.currency)} | {pct(e.share_of_spend)} | {e.lines} |"
        )
    out.append("")
    return out


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _groups(report: Report) -> list[str]:
    """With ``--group-by``: exposed spend per group and listed entity, and every group's total."""
    keys = grouping.keys(report)
    if not keys:
        return []
    heads = [esc(k) for k in keys]
    out = [f"### Exposure by {esc(grouping.title(keys))}", ""]
    rows = report.groups or []
    if rows:
        out += [
            _row([*heads, "Entity", "Spend", "Share of group", "Lines"]),
            _row(["---"] * (len(keys) + 1) + ["---:"] * 3),
        ]
    for g in rows[:MAX_ROWS]:
        cells = [esc(grouping.shown(v)) for v in grouping.values(g, keys)]
        out.append(
            _row(
                [*cells, esc(g.entity.name), money(g.spend, g.currency)]
                + [pct(g.share_of_group), str(g.lines)]
            )
        )
    if len(rows) > MAX_ROWS:
        out.append(
            _row(["…"] + [""] * (len(keys) - 1) + [f"{len(rows) - MAX_ROWS} more", "", "", ""])
        )
    totals = report.group_totals or []
    out += [
        "",
        f"Spend by {esc(grouping.title(keys))}:",
        "",
        _row([*heads, "Total spend", "Exposed", "Share", "Lines"]),
        _row(["---"] * len(keys) + ["---:"] * 4),
    ]
    for g in totals[:MAX_ROWS]:
        cells = [esc(grouping.shown(v)) for v in grouping.values(g, keys)]
        cur = g.currency
        out.append(
            _row(
                [*cells, money(g.total_spend, cur), money(g.exposed_spend, cur)]
                + [pct(g.share_exposed), f"{g.lines:,}"]
            )
        )
    if len(totals) > MAX_ROWS:
        out.append(
            _row(["…"] + [""] * (len(keys) - 1) + [f"{len(totals) - MAX_ROWS} more", "", "", ""])
        )
    return [*out, ""]


def _findings(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    out = [
        "<details><summary>Findings</summary>",
        "",
        "| Where | Field | Name | Entity | Level | Score |",
        "|---|---|---|---|---|---:|",
    ]
    for f in findings[:MAX_ROWS]:
        line = f.locator.line
        where = esc(f.source) + (f":{line}" if line else "")
        via = (" via " + " › ".join(esc(_step(v)) for v in f.via)) if f.via else ""
        out.append(
            f"| {where} | {'by part number' if f.method == 'part-number' else esc(f.field)} | "
            f"{esc(f.value)} | "
            f"{esc(f.entity.name)}{via} | {esc(f.level)} | {f.score:.2f} |"
        )
    if len(findings) > MAX_ROWS:
        out.append(f"| … | | {len(findings) - MAX_ROWS} more | | | |")
    return [*out, "", "</details>", ""]


def _suppressed(sup: list[Suppressed], show: bool) -> list[str]:
    if not sup:
        return []
    if not show:
        return [f"{len(sup)} finding(s) suppressed by configuration (not counted, not gated).", ""]
    out = [
        f"<details><summary>Suppressed ({len(sup)})</summary>",
        "",
        "| Where | Name | Entity | Reason | Expires |",
        "|---|---|---|---|---|",
    ]
    for x in sup[:MAX_ROWS]:
        where = esc(x.source) + (f":{x.line}" if x.line else "")
        out.append(
            f"| {where} | {esc(x.value)} | {esc(x.entity.name)} | "
            f"{esc(x.reason)} | {esc(x.expires or 'never')} |"
        )
    if len(sup) > MAX_ROWS:
        out.append(f"| … | {len(sup) - MAX_ROWS} more | | | |")
    return [*out, "", "</details>", ""]


def _step(v) -> str:
    """One link of a ``via`` chain: the company, and the share held of it when known."""
    return f"{v.name} ({v.share:g}%)" if v.share is not None else v.name
