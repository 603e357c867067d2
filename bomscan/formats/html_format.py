"""Self-contained HTML report: one file with inline CSS and inline SVG charts, no scripts.

For finance and compliance readers who would rather look than read. The page has no external
resource of any kind (a Content-Security-Policy meta tag forbids fetching anything and running
any script, as a second line of defence), uses the system font stack, reflows on a phone and
prints cleanly. It only presents the typed report (:class:`bomscan.model.Report`, the same values
``--format json`` writes); the charts' series are derived in :mod:`bomscan.formats.html.series`
and drawn in :mod:`bomscan.formats.html.svg`.

Every string that comes from an input file or a rules directory (vendor names, paths, extra
columns, reasons, warnings, URLs) is escaped with ``html.escape(..., quote=True)`` via
:func:`esc`; a URL becomes a link only if it is ``http(s)://``. Output is deterministic: the same
report renders to the same bytes (the only dates shown are the report's own).
"""

from __future__ import annotations

import itertools
from importlib import resources

import orjson

from bomscan.formats import groups as grouping
from bomscan.formats.html import series as S
from bomscan.formats.html.svg import bar_chart, esc, money, time_chart
from bomscan.model import (
    Finding,
    Gate,
    Listing,
    NotExposed,
    Report,
    SkipReason,
    Summary,
    json_fields,
    rules_line,
)

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
LEVEL_ORDER = ("prohibited", "restricted", "investment", "informational")


def _css() -> str:
    return resources.files("bomscan.formats.html").joinpath("report.css").read_text("utf-8")


def link(url, text) -> str:
    """A link only for http(s) URLs; anything else (javascript:, data:, paths) stays text."""
    if isinstance(url, str) and url.strip().lower().startswith(("https://", "http://")):
        return f'<a href="{esc(url.strip())}" rel="noopener noreferrer">{esc(text)}</a>'
    return esc(text) + (f" <span class='path'>{esc(url)}</span>" if url and url != text else "")


def pct(v) -> str:
    return "–" if v is None else f"{v * 100:.1f}%"


def cur_label(c) -> str:
    return c if c else "no currency"


def amount(v, c) -> str:
    return "–" if v is None else f"{money(v)} {esc(c or '')}".rstrip()


def badge(level) -> str:
    cls = level if level in LEVEL_ORDER else "other"
    return f'<span class="badge {cls}">{esc(level)}</span>'


def path(p) -> str:
    """A file path that may wrap after a slash, never inside a name."""
    return '<span class="path">' + esc(p).replace("/", "/<wbr>") + "</span>"


def where(f: Finding) -> str:
    loc = f.locator
    out = path(f"{f.source}:{loc.line}" if loc.line is not None else f.source)
    if loc.bom_ref:
        out += f'<br><span class="muted">bom-ref {esc(loc.bom_ref)}</span>'
    return out


def table(head: list[str], rows: list[str], num: set[int] = frozenset(), caption="") -> str:
    ths = "".join(
        f'<th scope="col"{" class=num" if i in num else ""}>{h}</th>' for i, h in enumerate(head)
    )
    cap = f"<caption class='muted'>{caption}</caption>" if caption else ""
    return (
        f'<div class="scroll"><table>{cap}<thead><tr>{ths}</tr></thead>'
        f"<tbody>\n{''.join(rows)}</tbody></table></div>"
    )


def tr(cells: list[str], num: set[int] = frozenset()) -> str:
    return (
        "<tr>"
        + "".join(f"<td{' class=num' if i in num else ''}>{c}</td>" for i, c in enumerate(cells))
        + "</tr>\n"
    )


# ------------------------------------------------------------------------------- sections


def _header(r: Report) -> str:
    p = r.parameters
    rules = esc(rules_line(r.rulesets))
    sources = ", ".join(path(i.source) for i in r.inputs)
    return (
        "<header>\n<h1>Supply-chain exposure report</h1>\n"
        f'<p class="meta">Screened as of <strong>{esc(p.as_of)}</strong> by '
        f"{esc(r.tool.name)} {esc(r.tool.version)} · rules: {rules or 'none'}"
        f" · input: {sources or 'none'}</p>\n"
        '<nav class="toc" aria-label="Sections"><a href="#summary">Summary</a>'
        '<a href="#by-parent">By listed parent</a><a href="#over-time">Over time</a>'
        '<a href="#ranked">Ranked exposures</a><a href="#findings">Findings</a>'
        '<a href="#review">To review</a><a href="#lists">Lists and rules</a>'
        '<a href="#inputs">Inputs</a></nav>\n</header>\n'
    )


def _figure(label: str, value: str, small: str = "") -> str:
    sm = f" <small>{small}</small>" if small else ""
    return f'<div class="figure"><dt>{label}</dt><dd>{value}{sm}</dd></div>'


def _summary(r: Report) -> str:
    """The Summary section: the gate's verdict, the key figures, currency notes and notes."""
    s = r.summary
    out = ['<section id="summary">\n<h2>Summary</h2>']
    if r.gate:
        out.append(_gate_notice(r.gate))
    out.append(f'<dl class="figures">{"".join(_summary_figures(r))}</dl>')
    out += _currency_notes(s)
    notes = _summary_notes(r)
    if notes:
        out.append(
            '<div class="notice"><ul>' + "".join(f"<li>{n}</li>" for n in notes) + "</ul></div>"
        )
    out.append("</section>\n")
    return "\n".join(out)


def _gate_notice(gate: Gate) -> str:
    """Whether the ``--fail-on`` gate passed, and how many findings it counted."""
    ok = not gate.failed
    return (
        f'<p class="notice {"pass" if ok else "fail"}"><strong>Gate '
        f"{'passed' if ok else 'failed'}</strong> (--fail-on {esc(gate.fail_on)}): "
        f"{gate.gating_findings:,} gating finding(s).</p>"
    )


def _summary_figures(r: Report) -> list[str]:
    """The key figures: lines, names, exposures and findings, then the spend figures, summed
    only in one currency (else exposed spend per currency, never added across currencies)."""
    s = r.summary
    skipped = s.lines_skipped.total
    figs = [
        _figure(
            "Lines read",
            f"{s.lines_read:,}",
            f"{skipped:,} skipped" if skipped else "none skipped",
        ),
        _figure("Distinct names screened", f"{s.names_screened:,}"),
        _figure("Exposed listed parents", f"{s.exposures:,}"),
        _figure("Findings", f"{s.findings:,}", f"+ {s.possible_matches:,} possible to review"),
    ]
    cur = s.currency
    if not s.mixed_currencies and s.total_spend is not None:
        undated = sum(e.spend_undated or 0.0 for e in r.exposures)
        figs += [
            _figure("Total spend", amount(s.total_spend, cur)),
            _figure("Exposed spend", amount(s.exposed_spend, cur), pct(s.share_exposed)),
            _figure(
                "Exposed since listing",
                amount(s.exposed_spend_since_listing, cur),
                f"{money(undated)} undated" if undated else "",
            ),
        ]
    else:
        for b in s.by_currency:
            if b.total_spend is None:
                continue
            share = (b.exposed_spend / b.total_spend) if b.total_spend else None
            figs.append(
                _figure(
                    f"Exposed spend in {esc(cur_label(b.currency))}",
                    amount(b.exposed_spend, b.currency),
                    f"of {money(b.total_spend)} ({pct(share)})",
                )
            )
    return figs


def _currency_notes(s: Summary) -> list[str]:
    """What the reader must know about currencies: that nothing is summed across them, the
    FX conversion used, and the totals per currency when there is more than one."""
    out = []
    if s.mixed_currencies:
        curs = ", ".join(esc(cur_label(b.currency)) for b in s.by_currency)
        out.append(
            f'<p class="notice">Amounts are in several currencies ({curs}) and no FX rates were '
            "given: nothing is summed across currencies. Every total, chart and ranking below is "
            "per currency (give <code>--currency</code> and <code>--fx</code> to convert).</p>"
        )
    fx = s.fx
    if fx:
        out.append(
            f"<p>Amounts converted into <strong>{esc(fx.target)}</strong> with rates from "
            f"{path(fx.source)} ({esc(fx.policy)}).</p>"
        )
    rows = [
        tr(
            [
                esc(cur_label(b.currency)),
                f"{b.lines:,}",
                amount(b.total_spend, None),
                amount(b.exposed_spend, None),
            ],
            {1, 2, 3},
        )
        for b in s.by_currency
    ]
    if len(s.by_currency) > 1 or s.mixed_currencies:
        out.append(table(["Currency", "Lines", "Total spend", "Exposed spend"], rows, {1, 2, 3}))
    return out


def _summary_notes(r: Report) -> list[str]:
    """The summary's notes, as HTML list items: lines skipped (by reason, with their first
    line numbers), lines without a name or amount, unreadable amounts, and the warnings."""
    s = r.summary
    notes = [_skipped_note(reason) for reason in s.lines_skipped.reasons]
    if s.unscreened is not None:
        notes.insert(0, "<strong>Not screened:</strong> " + esc(s.unscreened.reason))
    if s.lines_without_name:
        notes.append(f"{s.lines_without_name:,} line(s) without a name to screen")
    if s.lines_without_amount:
        notes.append(f"{s.lines_without_amount:,} line(s) without an amount")
    if r.unparsed_amounts:
        notes.append(
            f"{len(r.unparsed_amounts):,} amount(s) could not be read "
            '(see <a href="#unparsed">unreadable amounts</a>)'
        )
    for w in r.warnings:
        notes.append("warning: " + esc(w))
    return notes


def _skipped_note(reason: SkipReason) -> str:
    """One reason lines were skipped: how many, from which file, and the first ten lines."""
    lines = reason.lines or []
    at = (
        (
            " (lines "
            + ", ".join(esc(x) for x in lines[:10])
            + ("…" if len(lines) > 10 else "")
            + ")"
        )
        if lines
        else ""
    )
    return f"{reason.count:,} line(s) of {path(reason.source)} skipped: {esc(reason.reason)}{at}"


def _by_parent(r: Report, ids) -> str:
    out = ['<section id="by-parent">\n<h2>Exposure by listed parent</h2>']
    charts = S.exposure_bars(r)
    if not charts and r.summary.unscreened is None:
        out.append("<p>No exposure found: no screened name matched a listed entity.</p>")
    elif not charts:
        out.append("<p>Not screened: " + esc(r.summary.unscreened.reason) + "</p>")
    for c in charts:
        unit = cur_label(c.currency) if c.measure == "spend" else "matched lines"
        if len(charts) > 1:
            out.append(f"<h3>In {esc(unit)}</h3>")
        what = "spend" if c.measure == "spend" else "matched lines (the inputs carry no amounts)"
        out.append(
            f'<figure class="chart-box">{bar_chart(c, next(ids))}'
            f"<figcaption>Each bar is one listed parent, ranked; its segments are {what} with the "
            "parent directly and with each affiliate attributed to it (named, with values, under "
            "the bar).</figcaption></figure>"
        )
    out.append("</section>\n")
    return "\n".join(out)


def _over_time(r: Report, ids) -> str:
    out = ['<section id="over-time">\n<h2>Spend over time</h2>']
    timelines = S.spend_over_time(r)
    if not timelines:
        out.append(
            "<p>No dated amounts among the findings (a BOM, or a ledger without a date column): "
            "no time series.</p>"
        )
    for tl in timelines:
        unit = cur_label(tl.currency)
        out.append(
            f"<h3>In {esc(unit)}, per {tl.granularity}, {esc(tl.periods[0].label)} to "
            f"{esc(tl.periods[-1].label)}</h3>"
        )
        out.append(
            "<p class='muted'>Columns split spend dated before the entity's first listing from "
            "spend since; dashed lines mark listing dates inside the period. Each chart has its "
            "own scale.</p>"
        )
        out.append('<div class="multiples">')
        for s in tl.entities:
            notes = []
            if s.outside:
                notes.append("Also: " + "; ".join(esc(o) for o in s.outside) + ".")
            if s.undated_lines:
                notes.append(
                    f"{s.undated_lines:,} line(s) undated or of a listing with no start date, "
                    f"{money(s.undated_spend)} {esc(unit)}, not charted."
                )
            rows = [
                tr(
                    [esc(p.label), money(b), money(si)],
                    {1, 2},
                )
                for p, b, si in zip(tl.periods, s.before, s.since, strict=True)
                if b or si
            ]
            data = table(
                [esc(tl.granularity.title()), "Before listing", "Since listing"], rows, {1, 2}
            )
            out.append(
                f'<figure class="chart-box"><h4 class="name">{s.rank}. {esc(s.name)}</h4>'
                f"{time_chart(tl, s, next(ids))}"
                f"<figcaption>{' '.join(notes)}</figcaption>"
                f'<details class="data"><summary>Data</summary>{data}</details></figure>'
            )
        out.append("</div>")
    out.append("</section>\n")
    return "\n".join(out)


def _listings(listings: list[Listing]) -> str:
    items = []
    for x in listings:
        name = x.list_short_name or x.list_name or x.list
        when = f"listed {esc(x.start)}" if x.start else "listing date unknown"
        if x.end:
            when += f", until {esc(x.end)}"
        items.append(
            f'<li><span class="cite">{link(x.source_url, name)}</span> '
            f"{badge(x.level)} {when}"
            f'<div class="extra">{esc(x.citation)}</div></li>'
        )
    return "<ul>" + "".join(items) + "</ul>"


def _ranked(r: Report) -> str:
    out = ['<section id="ranked">\n<h2>Ranked exposures</h2>']
    if not r.exposures:
        out.append("<p>None.</p></section>\n")
        return "\n".join(out)
    show_undated = any(e.spend_undated for e in r.exposures)
    # one currency: say it once in the headers instead of after every figure
    curs = {e.currency for e in r.exposures}
    single = next(iter(curs)) if len(curs) == 1 else None
    unit = f" ({esc(single)})" if single else ""
    rows = []
    for e in r.exposures:
        c = None if single else e.currency
        parent = f"<strong>{esc(e.entity.name)}</strong>"
        if e.entity.country:
            parent += f' <span class="muted">({esc(e.entity.country)})</span>'
        if e.affiliates:
            parent += (
                "<ul>"
                + "".join(
                    f"<li>via {esc(a.entity.name)}"
                    + (f" ({esc(a.via[0].relation)})" if a.via else "")
                    + f": {amount(a.spend, c)}, {a.lines:,} line(s)</li>"
                    for a in e.affiliates
                )
                + "</ul>"
            )
        names = "; ".join(esc(n) for n in e.names)
        sources = ", ".join(path(s) for s in e.sources)
        parent += f'<div class="extra">names in input: {names}<br>in: {sources}</div>'
        cells = [
            str(e.rank),
            parent,
            badge(e.level),
            amount(e.spend, c),
            pct(e.share_of_spend),
            amount(e.spend_since_listing, c),
            amount(e.spend_before_listing, c),
        ]
        if show_undated:
            cells.append(amount(e.spend_undated, c))
        cells += [f"{e.lines:,}", _listings(e.entity.listings)]
        rows.append(tr(cells, set(range(3, len(cells) - 1)) | {0}))
    head = ["#", "Listed parent", "Level", f"Spend{unit}", "Share", f"Since listing{unit}"]
    head.append(f"Before listing{unit}")
    if show_undated:
        head.append(f"Undated{unit}")
    head += ["Lines", "Listings (citation, date)"]
    out.append(table(head, rows, set(range(3, len(head) - 1)) | {0}))
    out.append("</section>\n")
    return "\n".join(out)


def _finding_row(f: Finding, counted: bool) -> str:
    matched = esc(f.matched_entity.name)
    if f.via:
        chain = " › ".join(esc(v.note or f"{v.relation or 'affiliate'} {v.name}") for v in f.via)
        matched += f'<br><span class="muted">{chain}</span>'
    spend = amount(f.spend, f.currency)
    if f.currency_original and f.currency_original != f.currency:
        original = amount(f.amount_original, f.currency_original)
        spend += f'<br><span class="muted">{original}</span>'
    if not counted and f.spend is not None:
        spend = (
            f'<span class="muted" title="same input item as the finding above: counted once">'
            f"{spend} (counted once)</span>"
        )
    extra = "; ".join(f"{esc(k)}: {esc(v)}" for k, v in (f.extra or {}).items())
    part = " · ".join(esc(x) for x in (f.part, f.description) if x)
    value = esc(f.value)
    if part:
        value += f'<div class="extra">{part}</div>'
    if extra:
        value += f'<div class="extra">{extra}</div>'
    return tr(
        [
            where(f),
            esc(f.field),
            value,
            matched,
            f"{f.score:.2f}<br><span class='muted'>{esc(f.method)}</span>",
            f'<span class="date">{esc(f.date or "–")}</span>',
            spend,
        ],
        {4, 6},
    )


def _findings(r: Report) -> str:
    out = ['<section id="findings">\n<h2>Findings</h2>']
    if not r.findings:
        out.append("<p>None.</p></section>\n")
        return "\n".join(out)
    out.append(
        "<p class='muted'>Every input line whose name matched, by listed parent in rank order, "
        "with its source file and line.</p>"
    )
    groups: dict[tuple, list[Finding]] = {}
    for f in r.findings:
        groups.setdefault((f.entity.id, f.currency), []).append(f)
    head = ["Source:line", "Field", "Name in input", "Matched entity", "Score", "Date", "Spend"]
    for e in r.exposures:
        fs = groups.get((e.entity.id, e.currency), [])
        seen: set = set()
        rows = []
        for f in fs:
            item = (f.source, f.locator.item)
            rows.append(_finding_row(f, item not in seen))
            seen.add(item)
        label = f" ({esc(cur_label(e.currency))})" if e.currency or len(r.exposures) > 1 else ""
        out.append(f"<h3>{e.rank}. {esc(e.entity.name)}{label}</h3>")
        out.append(table(head, rows, {4, 6}))
    out.append("</section>\n")
    return "\n".join(out)


def _review(r: Report) -> str:
    """The To review section: what a person should look at that the figures above leave out."""
    out = ['<section id="review">\n<h2>To review</h2>']
    out += _possible_matches(r.possible_matches)
    out += _not_exposed(r.not_exposed)
    ua = r.unparsed_amounts
    if ua:
        out.append(f'<h3 id="unparsed">Unreadable amounts ({len(ua):,})</h3>')
        rows = [tr([path(f"{u.source}:{u.line}"), esc(u.value)]) for u in ua]
        out.append(table(["Source:line", "Value as written"], rows))
    if r.groups:
        out += _groups(r)
    if r.suppressed:
        out.append(f"<p>{len(r.suppressed):,} finding(s) suppressed by configuration.</p>")
    out.append("</section>\n")
    return "\n".join(out)


def _possible_matches(pm: list[Finding]) -> list[str]:
    """The possible matches (below the threshold, counted nowhere) for a person to confirm or
    dismiss: heading, then a table of them or 'None.'."""
    out = [f"<h3>Possible matches ({len(pm):,})</h3>"]
    if not pm:
        out.append("<p>None.</p>")
        return out
    out.append(
        "<p class='muted'>Below the match threshold: not counted in any figure above, listed "
        "so a person can confirm or dismiss them.</p>"
    )
    rows = [
        tr(
            [
                where(f),
                esc(f.value),
                esc(f.matched_entity.name),
                f"{f.score:.2f}",
                esc(f.reason),
                amount(f.spend, f.currency),
            ],
            {3, 5},
        )
        for f in pm
    ]
    out.append(
        table(["Source:line", "Name in input", "Candidate", "Score", "Why", "Spend"], rows, {3, 5})
    )
    return out


def _not_exposed(ne: list[NotExposed]) -> list[str]:
    """Names that matched a listed entity but count in no exposure, each with why (no listing
    in force on the as-of date, or not affiliated on the line's date): heading, then a table
    of them or 'None.'."""
    out = [f"<h3>Matched but not exposed ({len(ne):,})</h3>"]
    if not ne:
        out.append("<p>None.</p>")
        return out
    rows = [
        tr(
            [
                esc(n.value),
                esc(n.entity.name),
                esc(n.reason),
                f"{n.lines:,}",
                amount(n.spend, n.currency),
                esc(" to ".join(x for x in (n.first_date, n.last_date) if x) or "–"),
            ],
            {3, 4},
        )
        for n in ne
    ]
    out.append(
        table(
            ["Name in input", "Entity", "Why not counted", "Lines", "Spend", "Dates"],
            rows,
            {3, 4},
        )
    )
    return out


def _groups(r: Report) -> list[str]:
    """Exposure per ``--group-by`` group and listed parent: one column per group key."""
    keys = grouping.keys(r)
    rows = [
        tr(
            [esc(v) for v in grouping.values(g, keys)]
            + [esc(g.entity.name), amount(g.spend, g.currency), f"{g.lines:,}"],
            {len(keys) + 1, len(keys) + 2},
        )
        for g in r.groups or []
    ]
    return [
        "<h3>By group</h3>",
        table(
            [esc(k) for k in keys] + ["Listed parent", "Spend", "Lines"],
            rows,
            {len(keys) + 1, len(keys) + 2},
        ),
    ]


def _lists(r: Report) -> str:
    out = ['<section id="lists">\n<h2>Lists and rule sets used</h2>']
    rows = []
    for x in sorted(r.lists, key=lambda x: (not x.used, x.id)):
        name = esc(x.name)
        if x.short_name and x.short_name != x.name:
            name = f"<strong>{esc(x.short_name)}</strong><br>{name}"
        rows.append(
            tr(
                [
                    name,
                    badge(x.level),
                    esc(x.authority),
                    esc(x.legal_basis),
                    esc(x.meaning),
                    f'<span class="cite">{link(x.url, "source")}</span>',
                    "yes" if x.used else "no",
                ]
            )
        )
    out.append(
        table(
            [
                "List",
                "Level",
                "Authority",
                "Legal basis",
                "What a listing means",
                "Source",
                "Matched here",
            ],
            rows,
        )
    )
    out.append("<h3>Rule sets</h3>")
    rows = [
        tr(
            [
                esc(x.name),
                esc(x.version),
                esc(x.updated or "–"),
                path(x.path),
            ]
        )
        for x in r.rulesets
    ]
    out.append(table(["Rule set", "Version", "Updated", "Path"], rows))
    out.append("</section>\n")
    return "\n".join(out)


def _meta_value(v) -> str:
    if isinstance(v, str):
        return esc(v)
    return esc(orjson.dumps(v, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS).decode())


def _inputs(r: Report) -> str:
    out = ['<section id="inputs">\n<h2>Inputs and parameters</h2>']
    rows = []
    for i in r.inputs:
        items = json_fields(i.meta).items() if i.meta is not None else []
        meta = "; ".join(f"{esc(k)}: {_meta_value(v)}" for k, v in items)
        rows.append(tr([path(i.source), esc(i.kind), f'<span class="extra">{meta}</span>']))
    out.append(table(["Source", "Kind", "How it was read"], rows))
    params = "".join(
        f"<tr><th scope='row'>{esc(k)}</th><td>{_meta_value(v) if v not in (None, []) else '–'}</td></tr>"
        for k, v in json_fields(r.parameters).items()
    )
    out.append(f'<div class="scroll"><table><tbody>{params}</tbody></table></div>')
    out.append("</section>\n")
    return "\n".join(out)


def render(report: Report, ctx=None) -> str:
    """The page for ``report``: ``ctx`` (colour, width) does not apply to HTML."""
    r = report
    ids = (f"chart-{i}" for i in itertools.count(1))
    title = f"bomscan exposure report, as of {r.parameters.as_of}"
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<meta name="generator" content="bomscan {esc(r.tool.version)}">\n'
        f"<title>{esc(title)}</title>\n<style>\n{_css()}</style>\n</head>\n<body>\n",
        _header(r),
        "<main>\n",
        _summary(r),
        _by_parent(r, ids),
        _over_time(r, ids),
        _ranked(r),
        _findings(r),
        _review(r),
        _lists(r),
        _inputs(r),
        '</main>\n<footer><p class="muted">Generated by bomscan '
        f"{esc(r.tool.version)} (report schema {esc(r.schema_version)}). "
        "The same report is available as JSON with <code>--format json</code>. This page uses no "
        "scripts and loads nothing from the network.</p></footer>\n</body>\n</html>\n",
    ]
    return "".join(parts)
