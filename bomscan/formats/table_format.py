"""The terminal report (default): summary, the ranked exposure table, findings, possible matches.

Built with rich and readable in an 80-column terminal; colour only when the CLI says so (a TTY,
no ``NO_COLOR``, or ``--color``). Reads the typed report (:class:`bomscan.model.Report`).
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bomscan.exposure import spend
from bomscan.formats import groups as grouping
from bomscan.model import Exposure, Finding, Report, rules_line

MAX_FINDINGS = 40
MAX_GROUP_ROWS = 40

LEVEL_STYLE = {
    "prohibited": "bold red",
    "restricted": "red",
    "investment": "yellow",
    "informational": "cyan",
}


def money(v: float | None, cur: str | None = None) -> str:
    if v is None:
        return "-"
    s = f"{v:,.2f}"
    return f"{s} {cur}" if cur else s


def pct(v: float | None) -> str:
    return "-" if v is None else f"{v * 100:.1f}%"


def render(report: Report, ctx) -> str:
    buf = io.StringIO()
    con = Console(
        file=buf,
        width=max(60, ctx.width),
        force_terminal=ctx.color,
        no_color=not ctx.color,
        color_system="standard" if ctx.color else None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
    con.print(Text(f"bomscan exposure report (as of {report.parameters.as_of})", style="bold"))
    for ln in _summary_lines(report):
        con.print(ln)
    con.print()
    if report.summary.unscreened is not None:
        con.print(Text(f"NOT SCREENED: {report.summary.unscreened.reason}", style="bold red"))
    _exposures(con, report.exposures, spend.has_dates(report), report.summary.unscreened is None)
    _groups(con, report)
    _findings(con, report.findings)
    _possible_matches(con, report)
    _notes(con, report, ctx.show_suppressed)
    return buf.getvalue()


def _summary_lines(report: Report) -> list[str]:
    s = report.summary
    cur = s.currency
    lines = [
        f"Lines read: {s.lines_read:,}   skipped: {s.lines_skipped.total:,}   "
        f"names screened: {s.names_screened:,}",
    ]
    if s.mixed_currencies:
        for b in s.by_currency:
            lines.append(
                f"Spend {b.currency or '(no currency)'}: total {money(b.total_spend)}, "
                f"exposed {money(b.exposed_spend)}"
            )
        lines.append("Currencies are not summed: no --fx rates were given.")
    else:
        share = f" ({pct(s.share_exposed)})" if s.share_exposed is not None else ""
        lines.append(
            f"Total spend: {money(s.total_spend, cur)}   "
            f"exposed: {money(s.exposed_spend, cur)}{share}"
        )
    for reason in s.lines_skipped.reasons:
        where = f"{reason.source}: " if reason.source else ""
        lines.append(f"  skipped {reason.count:,}: {where}{reason.reason}")
    if report.unparsed_amounts:
        lines.append(
            f"  {len(report.unparsed_amounts):,} line(s) with an amount that could not be parsed "
            "(kept, spend unknown)"
        )
    return lines


def _table(title: str) -> Table:
    return Table(
        title=title, box=box.SIMPLE_HEAD, title_justify="left", expand=False, pad_edge=False
    )


def _exposures(
    con: Console, exps: list[Exposure], dated: bool = False, screened: bool = True
) -> None:
    if not exps:
        if screened:  # an input that could not be screened is never called clean
            con.print(Text("No exposure: no name matched a listed entity.", style="green"))
        return
    t = _table("Exposure by listed entity, ranked by spend")
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("Entity", overflow="fold", ratio=3)
    t.add_column("Lists", overflow="fold", ratio=3)
    t.add_column("Spend", justify="right", no_wrap=True)
    t.add_column("Share", justify="right", no_wrap=True)
    t.add_column("Lines", justify="right", no_wrap=True)
    for e in exps:
        ent = Text(e.entity.name, style="bold")
        names = ", ".join(e.names[:4]) + (" ..." if len(e.names) > 4 else "")
        ent.append(f"\nmatched: {names}", style="dim")
        for a in e.affiliates:
            ent.append(f"\nvia {a.entity.name}", style="dim")
        if dated and e.spend is not None:
            parts = " · ".join(f"{label} {money(v)}" for label, v in spend.split_parts(e))
            ent.append(f"\n{parts}", style="dim")
        lists = Text()
        for i, lst in enumerate(e.entity.listings):
            if i:
                lists.append("\n")
            lists.append(lst.list_short_name, style=LEVEL_STYLE.get(lst.level, ""))
            lists.append(f" {lst.start or 'undated'}", style="dim")
        t.add_row(
            str(e.rank),
            ent,
            lists,
            money(e.spend, e.currency),
            pct(e.share_of_spend),
            str(e.lines),
        )
    con.print(t)


def _groups(con: Console, report: Report) -> None:
    """With ``--group-by``: exposed spend per group and listed entity, then every group's total."""
    keys = grouping.keys(report)
    if not keys:
        return
    label = grouping.title(keys)
    rows = report.groups or []
    t = _table(f"Exposure by {label}")
    for k in keys:
        t.add_column(k, overflow="fold", ratio=2)
    t.add_column("Entity", overflow="fold", ratio=3)
    t.add_column("Spend", justify="right", no_wrap=True)
    t.add_column("Share of group", justify="right", no_wrap=True)
    t.add_column("Lines", justify="right", no_wrap=True)
    for g in rows[:MAX_GROUP_ROWS]:
        t.add_row(
            *(grouping.shown(v) for v in grouping.values(g, keys)),
            g.entity.name,
            money(g.spend, g.currency),
            pct(g.share_of_group),
            str(g.lines),
        )
    if rows:
        con.print(t)
        _more(con, len(rows), "group rows")
    else:
        con.print(Text(f"No exposure in any {label}.", style="green"))
    totals = report.group_totals or []
    t = _table(f"Spend by {label}")
    for k in keys:
        t.add_column(k, overflow="fold", ratio=2)
    t.add_column("Total spend", justify="right", no_wrap=True)
    t.add_column("Exposed", justify="right", no_wrap=True)
    t.add_column("Share", justify="right", no_wrap=True)
    t.add_column("Lines", justify="right", no_wrap=True)
    for g in totals[:MAX_GROUP_ROWS]:
        t.add_row(
            *(grouping.shown(v) for v in grouping.values(g, keys)),
            money(g.total_spend, g.currency),
            money(g.exposed_spend, g.currency),
            pct(g.share_exposed),
            f"{g.lines:,}",
        )
    con.print(t)
    _more(con, len(totals), "groups")


def _more(con: Console, n: int, what: str) -> None:
    if n > MAX_GROUP_ROWS:
        con.print(f"... and {n - MAX_GROUP_ROWS} more {what} (see --format csv, xlsx or json)")


def _findings(con: Console, finds: list[Finding]) -> None:
    if not finds:
        return
    t = Table(
        title=f"Findings ({len(finds)})", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False
    )
    t.add_column("Where", overflow="fold", ratio=2)
    t.add_column("Name", overflow="fold", ratio=3)
    t.add_column("Entity", overflow="fold", ratio=2)
    t.add_column("Score", justify="right", no_wrap=True)
    for f in finds[:MAX_FINDINGS]:
        line = f.locator.line
        where = f"{f.source}:{line}" if line else f.source
        name = Text(f"{f.value}")
        if f.method == "part-number":  # found by its part number, not by a name
            name.append("\nby part number", style="dim")
        else:
            name.append(f"\n{f.field}" + (f", {f.part}" if f.part else ""), style="dim")
        ent = Text(f.entity.name)
        if f.via:
            ent.append("\nvia " + " > ".join(_step(v) for v in f.via), style="dim")
        t.add_row(where, name, ent, f"{f.score:.2f}")
    con.print(t)
    if len(finds) > MAX_FINDINGS:
        con.print(f"... and {len(finds) - MAX_FINDINGS} more findings (see --format json or csv)")


def _step(v) -> str:
    """One link of a ``via`` chain: the company, and the share held of it when known."""
    return f"{v.name} ({v.share:g}%)" if v.share is not None else v.name


def _possible_matches(con: Console, report: Report) -> None:
    poss = report.possible_matches
    if not poss:
        return
    con.print()
    con.print(
        Text(
            f"Possible matches to review ({len(poss)}; below the threshold "
            f"{report.parameters.threshold:.2f}, or held by listed parties under no rule in "
            "force; not counted):",
            style="yellow",
        )
    )
    seen = set()
    for f in poss:
        key = (f.value, f.entity.id)
        if key in seen:
            continue
        seen.add(key)
        if f.ownership is not None:
            why = "; ".join(f"{r.name}: {r.status}" for r in f.ownership.rules)
            owners = ", ".join(o.name for o in f.ownership.owners)
            con.print(f"  {f.value!s}: owned {f.ownership.share:g}% by {owners} ({why})")
            continue
        con.print(f"  {f.value!s} ~ {f.entity.name} (score {f.score:.2f})")
        if len(seen) >= 15:
            break


def _notes(con: Console, report: Report, show_suppressed: bool) -> None:
    """Not counted, suppressed, baselined, and the rules used."""
    for ne in report.not_exposed[:10]:
        con.print(Text(f"Not counted: {ne.value} ({ne.entity.name}): {ne.reason}", style="dim"))
    sup = report.suppressed or []
    if sup and show_suppressed:
        con.print(Text(f"Suppressed by configuration ({len(sup)}):", style="dim"))
        for x in sup:
            where = f"{x.source}:{x.line}" if x.line else x.source
            until = f" (until {x.expires})" if x.expires else ""
            con.print(Text(f"  {where} {x.value} ({x.entity.name}): {x.reason}{until}"))
    elif sup:
        con.print(Text(f"{len(sup)} finding(s) suppressed (--show-suppressed lists them)."))
    base = report.baseline
    if base:
        con.print(
            Text(
                f"Baseline {base.path}: {base.baselined} known finding(s) not shown, "
                f"{base.resolved} resolved since.",
                style="dim",
            )
        )
    rs = rules_line(report.rulesets)
    if rs:
        con.print(Text(f"Rules: {rs}", style="dim"))
