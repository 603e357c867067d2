"""Excel workbook for finance: Summary, Exposures, Findings, Unparsed rows and Sources sheets.

With ``--group-by`` the workbook also has two group sheets, each a table whose every row can be
summed without counting anything twice (a pivot or a SUM over a filter gives true figures):

* **Groups**: one row per group (its values, one column per key) and currency, every group of
  the input, exposed or not: its lines, total spend, exposed spend and share exposed.
* **Group exposure**: one row per group, currency and listed entity exposed in it: the entity's
  exposed spend, lines and share of the group's total. The group's total is not repeated here
  (it is on Groups): repeated on each entity's row it was counted once per entity by any sum or
  pivot. The entity's share of the group is a per-row figure, so the shares of a group's rows
  add up to its share exposed. Rows follow the order of Groups.

The Findings sheet then ends with the group values, one column per key, so a pivot on Findings
gives exposure per group.

Amounts are written as numbers (with a number format) and dates as dates, so pivots and sums
work. Every sheet has one frozen header row and an autofilter, and no merged cells.

Vendor names come from untrusted files (CWE-1236): the workbook is created with
``strings_to_formulas``/``strings_to_urls``/``strings_to_numbers`` off and every text cell is
written with ``write_string``, so ``=HYPERLINK(...)`` stays text and is never run as a formula.

Reads the typed report (:class:`bomscan.model.Report`).
"""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter

from bomscan.formats import groups as grouping
from bomscan.model import Report, TableMeta, rules_line

MAX_ROWS = 1_048_575  # Excel's limit, less the header row


def render(report: Report, ctx) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    fmt = {
        "head": wb.add_format({"bold": True, "bg_color": "#DDDDDD"}),
        "money": wb.add_format({"num_format": "#,##0.00"}),
        "pct": wb.add_format({"num_format": "0.0%"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "num": wb.add_format({}),
    }
    keys = grouping.keys(report)
    _summary(wb, report, fmt)
    _table(wb, "Exposures", EXPOSURE_COLS, _exposure_rows(report), fmt)
    if keys:
        group_cols = _group_columns(keys, GROUP_TOTAL_COLS + GROUP_ENTITY_COLS)
        totals = _group_total_rows(report, keys)
        _table(wb, "Groups", group_cols + GROUP_TOTAL_COLS, totals, fmt)
        exposed = _group_exposure_rows(report, keys)
        _table(wb, "Group exposure", group_cols + GROUP_ENTITY_COLS, exposed, fmt)
    finding_cols = FINDING_COLS + _group_columns(keys, FINDING_COLS)
    _table(wb, "Findings", finding_cols, _finding_rows(report, keys), fmt)
    _table(wb, "Unparsed rows", UNPARSED_COLS, _unparsed_rows(report), fmt)
    _table(wb, "Sources", SOURCE_COLS, _source_rows(report), fmt)
    wb.close()
    return buf.getvalue()


# (header, kind) with kind one of: text, money, pct, date, num
EXPOSURE_COLS = [
    ("Rank", "num"),
    ("Entity ID", "text"),
    ("Entity", "text"),
    ("Country", "text"),
    ("Level", "text"),
    ("Lists", "text"),
    ("Currency", "text"),
    ("Spend", "money"),
    ("Share of spend", "pct"),
    ("Spend since listing", "money"),
    ("Spend before listing", "money"),
    ("Spend undated", "money"),
    ("Lines", "num"),
    ("Names as written", "text"),
    ("Affiliates", "text"),
]
FINDING_COLS = [
    ("Finding ID", "text"),
    ("Entity ID", "text"),
    ("Entity", "text"),
    ("Matched entity", "text"),
    ("Via", "text"),
    ("Level", "text"),
    ("Lists", "text"),
    ("Source", "text"),
    ("Line", "num"),
    ("Field", "text"),
    ("Name as written", "text"),
    ("Score", "num"),
    ("Method", "text"),
    ("Alias", "text"),
    ("Date", "date"),
    ("Since listing", "text"),
    ("Spend", "money"),
    ("Currency", "text"),
    ("Amount original", "money"),
    ("Currency original", "text"),
    ("FX rate", "num"),
    ("FX rate date", "date"),
    ("Counted in totals", "text"),
    ("Part", "text"),
    ("Extra", "text"),
]
GROUP_TOTAL_COLS = [  # Groups sheet, after one column per group key
    ("Currency", "text"),
    ("Group lines", "num"),
    ("Group total spend", "money"),
    ("Group exposed spend", "money"),
    ("Group share exposed", "pct"),
]
GROUP_ENTITY_COLS = [  # Group exposure sheet, after one column per group key
    ("Currency", "text"),
    ("Entity ID", "text"),
    ("Entity", "text"),
    ("Spend", "money"),
    ("Share of group", "pct"),
    ("Lines", "num"),
]
UNPARSED_COLS = [("Source", "text"), ("Line", "num"), ("Amount as written", "text")]
SOURCE_COLS = [
    ("Source", "text"),
    ("Kind", "text"),
    ("Format", "text"),
    ("Encoding", "text"),
    ("Decimal", "text"),
    ("Date format", "text"),
    ("Columns", "text"),
]


def _exposure_rows(report: Report):
    for e in report.exposures:
        yield [
            e.rank,
            e.entity.id,
            e.entity.name,
            e.entity.country,
            e.level,
            "; ".join(x.list_short_name for x in e.entity.listings),
            e.currency,
            e.spend,
            e.share_of_spend,
            e.spend_since_listing,
            e.spend_before_listing,
            e.spend_undated,
            e.lines,
            "; ".join(e.names),
            "; ".join(f"{a.entity.name} ({a.spend or 0:,.2f})" for a in e.affiliates),
        ]


def _group_columns(keys: list[str], beside: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One text column per group key, named alike on both group sheets (``beside`` is the
    columns of both, so a key clashing with either is renamed on both)."""
    return [(n, "text") for n in grouping.column_names(keys, [h for h, _ in beside])]


def _group_total_rows(report: Report, keys: list[str]):
    """Groups sheet: one row per group and currency, in the report's order (most exposed
    first), groups without exposure included."""
    for t in report.group_totals or []:
        yield [
            *grouping.values(t, keys),
            t.currency,
            t.lines,
            t.total_spend,
            t.exposed_spend,
            t.share_exposed,
        ]


def _group_exposure_rows(report: Report, keys: list[str]):
    """Group exposure sheet: the listed entities exposed in each group (same currency), groups
    in the order of the Groups sheet, then any group without a total (none expected); the
    entities of a group in the report's order."""
    order = {
        (*grouping.values(t, keys), t.currency): i for i, t in enumerate(report.group_totals or [])
    }
    exposed: dict[tuple, list] = {}
    for g in report.groups or []:
        exposed.setdefault((*grouping.values(g, keys), g.currency), []).append(g)
    for k in sorted(exposed, key=lambda k: order.get(k, len(order))):  # stable: orphans last
        for g in exposed[k]:
            yield [*k, g.entity.id, g.entity.name, g.spend, g.share_of_group, g.lines]


def _finding_rows(report: Report, keys: list[str] = ()):
    for f in report.findings:
        yield [
            f.id,
            f.entity.id,
            f.entity.name,
            f.matched_entity.name,
            " > ".join(v.name for v in f.via),
            f.level,
            "; ".join(f.lists),
            f.source,
            f.locator.line,
            f.field,
            f.value,
            f.score,
            f.method,
            f.alias,
            f.date,
            "" if f.since_listing is None else ("yes" if f.since_listing else "no"),
            f.spend if f.primary else None,
            f.currency,
            f.amount_original,
            f.currency_original,
            f.fx_rate,
            f.fx_rate_date,
            "yes" if f.primary else "no (same line counted once)",
            f.part,
            "; ".join(f"{k}={v}" for k, v in (f.extra or {}).items()),
            *grouping.values(f, list(keys)),
        ]


def _unparsed_rows(report: Report):
    for u in report.unparsed_amounts:
        yield [u.source, u.line, u.value]


def _source_rows(report: Report):
    """One row per input; the reading details (format, encoding, ...) are a table's only."""
    for i in report.inputs:
        m = i.meta
        if not isinstance(m, TableMeta):  # a CycloneDX document: nothing of a table to show
            yield [i.source, i.kind, None, None, None, None, None]
            continue
        yield [
            i.source,
            i.kind,
            m.format,
            m.encoding,
            m.decimal,
            m.date_format,
            "; ".join(f"{r}={', '.join(h)}" for r, h in (m.columns or {}).items()),
        ]


def _write(ws, row, col, value, kind, fmt):
    if value is None or value == "":
        ws.write_blank(row, col, None)
    elif (
        kind in ("money", "pct", "num")
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        ws.write_number(row, col, value, fmt.get(kind) if kind != "num" else None)
    elif kind == "date" and isinstance(value, str):
        try:
            ws.write_datetime(row, col, date.fromisoformat(value[:10]), fmt["date"])
        except ValueError:
            ws.write_string(row, col, value)
    else:
        ws.write_string(row, col, str(value))


def _table(wb, name, columns, rows, fmt):
    ws = wb.add_worksheet(name)
    for c, (h, _) in enumerate(columns):
        ws.write_string(0, c, h, fmt["head"])
    n = 0
    for n, values in enumerate(rows, start=1):
        if n > MAX_ROWS:
            break
        for c, ((_, kind), v) in enumerate(zip(columns, values, strict=True)):
            _write(ws, n, c, v, kind, fmt)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    for c, (h, kind) in enumerate(columns):
        ws.set_column(c, c, max(12, min(40, len(h) + 4)) if kind == "text" else 14)
    return ws


def _summary(wb, report: Report, fmt):
    s = report.summary
    p = report.parameters
    ws = wb.add_worksheet("Summary")
    ws.write_string(0, 0, "Item", fmt["head"])
    ws.write_string(0, 1, "Value", fmt["head"])
    ws.write_string(0, 2, "Currency", fmt["head"])
    rows: list[tuple[str, object, str, str | None]] = [
        ("Tool", f"bomscan {report.tool.version}", "text", None),
        ("Rules and lists", rules_line(report.rulesets), "text", None),
        ("As of", p.as_of, "date", None),
        ("Period from", p.from_, "date", None),
        ("Period to", p.to, "date", None),
        ("Reporting currency", s.currency, "text", None),
        ("FX rates", p.fx_source, "text", None),
        ("Lines read", s.lines_read, "num", None),
        ("Lines skipped", s.lines_skipped.total, "num", None),
        ("Lines without a name", s.lines_without_name, "num", None),
        ("Lines without an amount", s.lines_without_amount, "num", None),
        ("Amounts not parsed (see Unparsed rows)", s.lines_unparsed_amount, "num", None),
        ("Lines without an FX rate", s.lines_without_rate, "num", None),
        ("Names screened", s.names_screened, "num", None),
        ("Not screened", s.unscreened.reason if s.unscreened else None, "text", None),
        ("Findings", s.findings, "num", None),
        ("Possible matches (not counted)", s.possible_matches, "num", None),
        ("Mixed currencies, not summed", "yes" if s.mixed_currencies else "no", "text", None),
    ]
    if p.group_by:
        rows.append(("Grouped by (see Groups)", ", ".join(p.group_by), "text", None))
    for b in s.by_currency:
        cur = b.currency or "unknown"
        rows += [
            ("Total spend", b.total_spend, "money", cur),
            ("Exposed spend", b.exposed_spend, "money", cur),
            ("Credits (negative amounts)", b.credits, "money", cur),
        ]
    if s.total_spend is not None:
        rows += [
            ("Share exposed", s.share_exposed, "pct", s.currency),
            ("Exposed spend since listing", s.exposed_spend_since_listing, "money", s.currency),
        ]
    for i, (label, value, kind, cur) in enumerate(rows, start=1):
        ws.write_string(i, 0, label)
        _write(ws, i, 1, value, kind, fmt)
        if cur:
            ws.write_string(i, 2, cur)
    base = len(rows) + 2
    for j, w in enumerate(report.warnings):
        ws.write_string(base + j, 0, "Warning")
        ws.write_string(base + j, 1, w)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), 2)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 22)
