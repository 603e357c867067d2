"""Human-readable views of the entity rules: ``bomscan rules list`` and ``bomscan rules show``.

Both are for a person checking *why* bomscan flags a name, so every listing shows its dates and
citation, and every affiliation its validity. Output fits 80 columns when not on a terminal and
carries no colour unless it goes to a terminal (or ``--color`` forces it); NO_COLOR is honoured
by the CLI before it reaches here.
"""

from __future__ import annotations

import io
from datetime import date

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bomscan.rules.model import Entity, Listing, RuleSet
from bomscan.terminal import wrap

LEVEL_STYLE = {
    "prohibited": "bold red",
    "restricted": "yellow",
    "investment": "magenta",
    "informational": "",
}
WIDTH = 80  # render_entity wraps here: its URLs and citations read best short


def _console(color: bool, width: int) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    con = Console(
        file=buf,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    return con, buf


def _span(lst: Listing) -> str:
    start = lst.start.isoformat() if lst.start else "undated"
    return f"{start}→{lst.end.isoformat()}" if lst.end else f"{start}→"


def _status(lst: Listing, day: date) -> str:
    """'' when in force on ``day``; otherwise why not."""
    if lst.active_on(day):
        return ""
    if lst.start and day < lst.start:
        return "not yet"
    return "ended"


def render_list(ruleset: RuleSet, as_of: date, color: bool = False, width: int = WIDTH) -> str:
    """Table of every entity: country, listings with dates (marked when not in force on
    ``as_of``) and affiliations; then the rule sets it came from."""
    con, buf = _console(color, width)
    t = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        expand=False,
        title=f"{len(ruleset.entities)} entities, listings as of {as_of.isoformat()}",
        title_justify="left",
    )
    t.add_column("Entity (id, country)", ratio=3, min_width=20, overflow="fold")
    t.add_column("Lists (start→end)", width=31, overflow="fold")
    t.add_column("Affiliations", ratio=2, min_width=14, overflow="fold")
    inactive = 0
    for ent in sorted(ruleset.entities.values(), key=lambda e: e.id):
        name = Text(ent.name, style="bold")
        name.append(f"\n{ent.id}" + (f" ({ent.country})" if ent.country else ""), style="dim")
        lists = Text()
        for i, lst in enumerate(sorted(ent.listings, key=_listing_key)):
            ld = ruleset.lists.get(lst.list)
            status = _status(lst, as_of)
            if i:
                lists.append("\n")
            style = "dim" if status else LEVEL_STYLE.get(ld.level if ld else "", "")
            lists.append(ld.short_name if ld else lst.list, style=style)
            lists.append(f" {_span(lst)}", style="dim")
            if status:
                inactive += 1
                lists.append(f" [{status}]", style="dim")
        affs = Text()
        for i, a in enumerate(ent.affiliations):
            if i:
                affs.append("\n")
            # parent by id: short, and what `bomscan rules show` takes
            affs.append(a.describe(a.parent), style="" if a.holds_on(as_of) else "dim")
        t.add_row(name, lists or Text("-", style="dim"), affs)
    con.print(t)
    if inactive:
        con.print(
            Text(
                f"[ended] / [not yet]: {inactive} listing(s) not in force on {as_of.isoformat()} "
                "(they do not count in a report as of that date).",
                style="dim",
            )
        )
    for info in ruleset.infos:
        upd = f", updated {info.updated.isoformat()}" if info.updated else ""
        ver = f" {info.version}" if info.version else ""
        con.print(Text(f"Rules: {info.name}{ver}{upd} ({info.path})", style="dim"))
    text = buf.getvalue()
    if not con.is_terminal:  # no padding to the full width in files and pipes
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text


def render_validation(ruleset: RuleSet, problems: list, targets: list) -> str:
    """``bomscan rules validate``: every problem with its file and line and a count (for
    stderr), or one ``ok:`` line with what was loaded."""
    if problems:
        return "".join(f"{p}\n" for p in problems) + f"{len(problems)} problem(s) found\n"
    listings = sum(len(e.listings) for e in ruleset.entities.values())
    rules = len(ruleset.ownership_rules)
    own = f", {rules} ownership rules" if rules else ""
    return (
        f"ok: {len(ruleset.entities)} entities, {len(ruleset.lists)} lists, {listings} listings"
        f"{own} in {', '.join(str(t) for t in targets)}\n"
    )


def _listing_key(lst: Listing) -> tuple:
    return (lst.start or date.min, lst.list)


def _wrap(label: str, text: str, indent: int = 4, hang: int = 2) -> list[str]:
    """Wrap at 80 columns; long words (URLs) are never broken, so they stay copyable."""
    return wrap(text, WIDTH, f"{' ' * indent}{label}", " " * (indent + hang))


def render_entity(ruleset: RuleSet, entity_id: str) -> str:
    """Everything the rules say about one entity, as plain text wrapped at 80 columns."""
    ent: Entity = ruleset.entities[entity_id]
    out: list[str] = []
    out += wrap(f"{ent.name} [{ent.id}]", WIDTH)
    out += _wrap("country: ", ent.country or "(not given)", 0)
    out += _wrap("rule set: ", f"{ent.ruleset} ({ent.origin})", 0)
    out += _items("aliases:", ent.aliases)
    out += _items("weak aliases (match only exactly, never alone by similarity):", ent.weak_aliases)
    out.append("listings:" if ent.listings else "listings: none in its own name")
    for lst in sorted(ent.listings, key=_listing_key):
        out += _listing(lst, ruleset.lists.get(lst.list))
    out += _affiliations(ruleset, ent)
    children = sorted(ruleset.children(ent.id), key=lambda c: c[0].id)
    out += _items(
        "children (roll up to this entity while the relation holds):",
        [f"{child.name} [{child.id}]: {a.relation.replace('-', ' ')}" for child, a in children],
    )
    out += _items("sources:", ent.sources)
    if ent.notes:
        out.append("notes:")
        out += _wrap("", ent.notes, 2, 0)
    return "\n".join(out) + "\n"


def _items(head: str, items) -> list[str]:
    """``head`` and one ``- item`` per item; nothing when there are none."""
    out = [head] if items else []
    for item in items:
        out += _wrap("- ", item, 2)
    return out


def _listing(lst: Listing, ld) -> list[str]:
    out = _wrap("- ", f"{ld.name if ld else lst.list} [{lst.list}]", 2)
    if ld:
        out += _wrap("level: ", f"{ld.level} ({ld.authority})")
    out += _wrap("citation: ", lst.citation)
    out += _wrap("start: ", lst.start.isoformat() if lst.start else "not given by the source")
    optional = (
        ("end: ", lst.end.isoformat() if lst.end else ""),
        ("name on list: ", lst.name_on_list),
        ("source: ", lst.source_url),
        ("licence requirement: ", lst.license_requirement),
        ("licence policy: ", lst.license_policy),
        ("what this means: ", lst.meaning or (ld.meaning if ld else "")),
    )
    for label, value in optional:
        if value or label == "source: ":  # the source is shown even when empty
            out += _wrap(label, value)
    return out


def _affiliations(ruleset: RuleSet, ent: Entity) -> list[str]:
    out = ["affiliations:"] if ent.affiliations else []
    for a in ent.affiliations:
        parent = ruleset.entities.get(a.parent)
        pname = parent.name if parent else a.parent
        out += _wrap("- ", f"{a.describe(pname)} [{a.parent}]", 2)
        valid = (
            f"from {a.valid_from.isoformat() if a.valid_from else '(start not sourced)'}"
            f" to {a.valid_to.isoformat() if a.valid_to else '(still held)'}"
        )
        out += _wrap("valid: ", valid)
        out += _wrap("source: ", a.source_url)
    return out


def render_list_json(ruleset: RuleSet, as_of: date) -> str:
    """``rules list --format json``: every list, and every entity with all its names, sources,
    listings (``in_force`` on ``as_of``) and affiliations (``holds`` on ``as_of``), as the rules
    state them; for scripts and for diffing two rule sets."""
    import dataclasses

    import orjson

    def entity(e: Entity) -> dict:
        out = dataclasses.asdict(e)
        out["listings"] = [
            {**dataclasses.asdict(lst), "in_force": lst.active_on(as_of)} for lst in e.listings
        ]
        out["affiliations"] = [
            {**dataclasses.asdict(a), "holds": a.holds_on(as_of)} for a in e.affiliations
        ]
        return out

    data = {
        "as_of": as_of.isoformat(),
        "rulesets": [dataclasses.asdict(i) for i in ruleset.infos],
        "lists": [dataclasses.asdict(ld) for _, ld in sorted(ruleset.lists.items())],
        "entities": [entity(e) for _, e in sorted(ruleset.entities.items())],
    }
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
