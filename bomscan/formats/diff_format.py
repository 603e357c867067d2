"""``bomscan rules diff`` as text, Markdown or JSON: what changed between two list snapshots
and, with inputs, the lines and spend the change touches. Reads the typed
:class:`~bomscan.rules.diff.RulesDiff`; the spend figures were summed by ``exposure.spend``."""

from __future__ import annotations

import json

from bomscan.model import json_fields
from bomscan.rules.diff import ExposureDelta, RulesDiff

FORMATS = ("table", "json", "markdown")
SHOWN = 50  # entities or lines listed per section in text; JSON lists all


def render(diff: RulesDiff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(json_fields(diff), indent=2, ensure_ascii=False) + "\n"
    md = fmt == "markdown"
    out = [f"{'# ' if md else ''}Lists changed from {diff.old} to {diff.new}", ""]
    out += _counts(diff, md)
    out += _entities("Added", [f"{e.name} [{e.id}] ({', '.join(e.lists)})" for e in diff.added], md)
    out += _entities("Removed", [f"{e.name} [{e.id}]" for e in diff.removed], md)
    out += _entities("Changed", [_changed(c) for c in diff.changed], md)
    if diff.created is not None and diff.ended is not None:
        out += _exposure("Exposure the change creates (matched only under NEW)", diff.created, md)
        out += _exposure("Exposure the change removes (matched only under OLD)", diff.ended, md)
    if diff.altered is not None and diff.altered.findings:
        title = "Exposure the change alters (matched under both, now as another entity or list)"
        out += _exposure(title, diff.altered, md)
    for reason in diff.unscreened:
        out += [f"{'**Not screened**: ' if md else 'NOT SCREENED: '}{reason}", ""]
    return "\n".join(out).rstrip() + "\n"


def _counts(diff: RulesDiff, md: bool) -> list[str]:
    if diff.empty:
        return ["No entity was added, removed or changed.", ""]
    bullet = "- " if md else "  "
    return [
        f"{bullet}{len(diff.added)} entities added, {len(diff.removed)} removed, "
        f"{len(diff.changed)} changed",
        "",
    ]


def _entities(title: str, rows: list[str], md: bool) -> list[str]:
    if not rows:
        return []
    head = f"## {title} ({len(rows)})" if md else f"{title} ({len(rows)}):"
    shown = [f"- {r}" if md else f"  {r}" for r in rows[:SHOWN]]
    more = [f"{'- ' if md else '  '}... and {len(rows) - SHOWN} more (see -f json)"]
    return [head, *shown, *(more if len(rows) > SHOWN else []), ""]


def _changed(c) -> str:
    parts = []
    if c.renamed_from:
        parts.append(f"renamed from {c.renamed_from}")
    if c.aliases_added:
        parts.append("names added: " + "; ".join(c.aliases_added))
    if c.aliases_removed:
        parts.append("names removed: " + "; ".join(c.aliases_removed))
    if c.listings_added:
        parts.append("listed: " + "; ".join(k.describe() for k in c.listings_added))
    if c.listings_removed:
        parts.append("listing removed: " + "; ".join(k.describe() for k in c.listings_removed))
    return f"{c.name} [{c.id}]: " + " | ".join(parts)


def _money(v: float | None, cur: str | None) -> str:
    if v is None:
        return "no amount"
    return f"{v:,.2f}" + (f" {cur}" if cur else "")


def _exposure(title: str, delta: ExposureDelta, md: bool) -> list[str]:
    n = len(delta.findings)
    spend = ", ".join(
        f"{_money(c.spend, c.currency)} on {c.lines} line(s)" for c in delta.by_currency
    )
    head = f"## {title}" if md else f"{title}:"
    out = [head, f"{'- ' if md else '  '}{n} line(s)" + (f"; spend {spend}" if spend else "")]
    for f in delta.findings[:SHOWN]:
        where = f"{f.source}:{f.locator.line}" if f.locator.line else f.source
        amount = f" {_money(f.spend, f.currency)}" if f.spend is not None else ""
        out.append(
            f"{'- ' if md else '  '}{where}  {f.value} -> {f.entity.name} [{f.entity.id}]{amount}"
        )
    if n > SHOWN:
        out.append(f"{'- ' if md else '  '}... and {n - SHOWN} more (see -f json)")
    return [*out, ""]
