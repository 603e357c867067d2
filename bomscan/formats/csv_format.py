"""CSV of findings, one row per matched name on an input line (for spreadsheets and audits).

With ``--group-by``, each row ends with the finding's group values, one column per group key
(headed by the key, or ``group: KEY`` where the key is a column name already), so a pivot on
them gives exposed spend per group.

Every cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) is prefixed with ``'`` (CWE-1236): vendor names are untrusted input.
Numbers are written as numbers, so negative amounts stay numeric. Reads the typed report
(:class:`bomscan.model.Report`).
"""

from __future__ import annotations

import csv
import io

from bomscan.formats import groups as grouping
from bomscan.model import Report, rules_line

COLUMNS = (
    "rank",
    "entity_id",
    "entity_name",
    "level",
    "lists",
    "source",
    "line",
    "bom_ref",
    "field",
    "value",
    "part",
    "matched_entity",
    "via",
    "score",
    "method",
    "alias",
    "spend",
    "currency",
    "date",
    "since_listing",
    "finding_id",
    "rules",
)

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe(value) -> object:
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def rows(report: Report):
    """One dict per finding, keyed by :data:`COLUMNS` and then the group columns."""
    rank = {(e.entity.id, e.currency): e.rank for e in report.exposures}
    keys = grouping.keys(report)
    rules = rules_line(report.rulesets)  # the lists every row was screened against
    names = grouping.column_names(keys, COLUMNS)
    for f in report.findings:
        row = {
            "rank": rank.get((f.entity.id, f.currency)),
            "entity_id": f.entity.id,
            "entity_name": f.entity.name,
            "level": f.level,
            "lists": ";".join(f.lists),
            "source": f.source,
            "line": f.locator.line,
            "bom_ref": f.locator.bom_ref,
            "field": f.field,
            "value": f.value,
            "part": f.part,
            "matched_entity": f.matched_entity.id,
            "via": " > ".join(v.id for v in f.via),
            "score": f.score,
            "method": f.method,
            "alias": f.alias,
            "spend": f.spend,
            "currency": f.currency,
            "date": f.date,
            "since_listing": f.since_listing,
            "finding_id": f.id,
            "rules": rules,
        }
        row.update(zip(names, grouping.values(f, keys), strict=True))
        yield row


def render(report: Report, ctx) -> str:
    buf = io.StringIO()
    names = grouping.column_names(grouping.keys(report), COLUMNS)
    w = csv.DictWriter(buf, fieldnames=[*COLUMNS, *names], lineterminator="\n")
    w.writeheader()
    for row in rows(report):
        w.writerow({k: safe("" if v is None else v) for k, v in row.items()})
    return buf.getvalue()
