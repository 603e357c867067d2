"""Exposure through ownership: which companies listed parties own, how much, and on which dates.

The 50% rules (OFAC's 50 Percent Rule, BIS's Affiliates Rule, Section 889's "subsidiary or
affiliate") treat a company owned 50% or more, directly or indirectly, individually or in the
aggregate, by listed parties as listed itself. Name matching cannot see it: its name may share
nothing with its owners'. From the user's ownership edges (:mod:`bomscan.rules.ownership`) this
module computes, for each company the listed parties reach, its **effective share** per
ownership rule on every stretch of dates:

    eff(n) = min(1, sum over edges o -> n held on the date of share(o, n) * w(o))
    w(o)   = 1 when o is listed on one of the rule's lists, or eff(o) >= the threshold
             (a company the rule covers counts as a listed party for what it owns), else eff(o)

so shares multiply along chains (80% x 70% = 56%), add over paths and over listed owners (30% +
25% = 55%), and a covered company passes its holdings on whole. Owners and owned companies are
resolved with the report's resolver; each listed party counts on the lists of the listed
entity it is (or rolls up to along the rules' affiliations) on that date.

Work is kept to what the listed parties reach: one vectorised walk down the edges from them,
then the arithmetic on that small subgraph only; the other edges of a large file are checked
for cycles without leaving polars.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from bomscan.errors import InputError
from bomscan.model import EntityRef, Ownership, RuleStatus, Via
from bomscan.resolve.affiliates import paths_for
from bomscan.resolve.gate import NameGate
from bomscan.resolve.resolver import DEFAULT_THRESHOLD, LookupKeys, Match
from bomscan.rules.model import AliasRecord, Entity, OwnershipRule, RuleSet
from bomscan.rules.ownership import edge_of

LEI_RE = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
# the share at which a holding by parties of a list with no ownership rule counts for review
# as a covered company would, and passes its own holdings on whole
NO_RULE_THRESHOLD = 50.0
OWN_PREFIX = "own:"
AFFILIATES_CHOICES = ("in-force", "suspended")


@dataclass(frozen=True)
class OwnershipOptions:
    review_share: float = 25.0  # percent: a holding from here up is listed for review
    unsettled: str | None = None  # how an ``unsettled`` rule period is treated (None: in force)
    min_score: float = DEFAULT_THRESHOLD  # a name resolves to a rules entity from this score


@dataclass
class Outcome:
    """What ownership makes of lines of one company on one stretch of dates."""

    entity_id: str
    start: date | None
    end: date | None
    root_id: str  # the listed owner the spend rolls up to
    lists: list[str]  # the lists the finding counts under (gating) or names (review)
    via: list[Via]
    ownership: Ownership


@dataclass
class OwnershipResult:
    outcomes: list[Outcome] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)  # the companies named only here
    aliases: list[AliasRecord] = field(default_factory=list)  # their names, to match lines
    warnings: list[str] = field(default_factory=list)
    edges: int = 0

    def frame(self) -> pl.DataFrame:
        """One row per outcome, for joining to matched lines on entity and date."""
        return pl.DataFrame(
            {
                "entity_id": [o.entity_id for o in self.outcomes],
                "own_from": [o.start for o in self.outcomes],
                "own_to": [o.end for o in self.outcomes],
                "_o": list(range(len(self.outcomes))),
            },
            schema={"entity_id": pl.String, "own_from": pl.Date, "own_to": pl.Date, "_o": pl.Int32},
        )


def node_key(text: pl.Expr) -> pl.Expr:
    """A company named only in the ownership files: its name folded (case, punctuation,
    spacing), so "Acme Optics Ltd." and "ACME OPTICS LTD" are one company."""
    return (
        text.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()
    )  # fmt: skip


def resolve_nodes(edges: pl.DataFrame, ruleset: RuleSet, resolver, min_score: float):
    """Each edge's owner and owned company as a node: a rules entity (an id the rules use, or
    a name the resolver matches), an LEI, or the folded name. Both columns go through the
    resolver (one table, so a name resolves the same as owner and as owned, and a chain
    through it holds): an owned company may be one the rules name (a subsidiary sold since)."""
    names = pl.concat([edges["owner"], edges["owned"]]).unique()
    known = pl.Series(list(ruleset.entities), dtype=pl.String).implode()
    ids = names.filter(names.is_in(known))
    rest = names.filter(~names.is_in(ids.implode()) & ~names.str.contains(LEI_RE.pattern))
    if rest.len() >= 1000:
        rest = rest.filter(NameGate(resolver).mask(rest))
    found = resolver.match_names(rest.to_list(), min_score=min_score)
    table = pl.DataFrame(
        {
            "_name": [*ids.to_list(), *(m.name for m in found)],
            "_eid": [*ids.to_list(), *(m.entity_id for m in found)],
        },
        schema={"_name": pl.String, "_eid": pl.String},
    )

    def key(col: str) -> pl.Expr:
        lei = pl.col(f"{col}_id").fill_null(pl.col(col))
        return pl.coalesce(
            pl.col("_eid"),
            pl.when(lei.str.contains(LEI_RE.pattern)).then(pl.lit("lei:") + lei),
            pl.lit("name:") + node_key(pl.col(col)),
        )

    for col in ("owner", "owned"):
        edges = (
            edges.join(table, left_on=col, right_on="_name", how="left")
            .with_columns(key(col).alias(f"{col}_key"))
            .drop("_eid")
        )
    return edges.with_row_index("_edge")


def reachable(edges: pl.DataFrame, seeds: set[str]) -> pl.DataFrame:
    """The edges the listed parties reach, walking down from them (a vectorised filter per
    level of depth, not a Python loop over edges)."""
    seen = pl.Series(sorted(seeds), dtype=pl.String)
    frontier = seen
    out = []
    while frontier.len():
        step = edges.filter(pl.col("owner_key").is_in(frontier.implode()))
        if step.height == 0:
            break
        out.append(step)
        nxt = step["owned_key"].unique()
        frontier = nxt.filter(~nxt.is_in(seen.implode()))
        seen = pl.concat([seen, frontier])
    if not out:
        return edges.head(0)
    return pl.concat(out).unique("_edge", maintain_order=True)


def check_cycles(edges: pl.DataFrame) -> None:
    """A cycle of ownership (a company owning itself through others) is an error naming an
    edge of it: its effective shares have no meaning. Edges from companies no one owns, and
    to companies that own nothing, are peeled off level by level in polars; in whatever
    remains every company owns and is owned, so walking down it meets a company twice."""
    rest = edges.select("owner_key", "owned_key", "origin", "owner", "owned")
    while rest.height:
        keep = rest.filter(
            pl.col("owner_key").is_in(rest["owned_key"].unique().implode())
            & pl.col("owned_key").is_in(rest["owner_key"].unique().implode())
        )
        if keep.height == rest.height:
            break
        rest = keep
    if rest.height == 0:
        return
    nxt: dict[str, list[dict]] = {}
    for r in rest.to_dicts():
        nxt.setdefault(r["owner_key"], []).append(r)
    path = _cycle(nxt)
    first = path[0]
    names = " -> ".join([first["owner"], *(r["owned"] for r in path)])
    where, _, line = first["origin"].rpartition(":")
    raise InputError(
        f"ownership cycle: {names}",
        path=where if line.isdigit() else first["origin"],
        line=int(line) if line.isdigit() else None,
    )


def _cycle(nxt: dict[str, list[dict]]) -> list[dict]:
    """The edges of one cycle in a graph where every company owns one in it."""
    start = next(iter(nxt))
    order: dict[str, int] = {}
    path: list[dict] = []
    cur = start
    while cur not in order:
        order[cur] = len(path)
        edge = nxt[cur][0]
        path.append(edge)
        cur = edge["owned_key"]
    return path[order[cur] :]


def seed_listings(ruleset: RuleSet, seeds: list[str]) -> dict[str, list[tuple]]:
    """For each rules entity in the ownership graph, the listings it counts under, as
    (list id, root entity, from, to): its own and those of the parents it rolls up to,
    each for the stretch both the affiliation chain and the listing hold."""
    out: dict[str, list[tuple]] = {}
    for p in paths_for(ruleset, seeds):
        for lst in ruleset.entities[p.root_id].listings:
            start = _later(p.valid_from, lst.start)
            end = _earlier(p.valid_to, lst.end)
            if start and end and end <= start:
                continue
            out.setdefault(p.entity_id, []).append((lst.list, p.root_id, start, end))
    return out


def _threshold(rule: OwnershipRule | None) -> float:
    return rule.threshold if rule else NO_RULE_THRESHOLD


def _later(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def _holds(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day < end)


def compute(
    edges: pl.DataFrame, ruleset: RuleSet, resolver, opts: OwnershipOptions
) -> OwnershipResult:
    """The outcomes of ``edges`` (see the module text). Raises InputError on a cycle."""
    if edges.height == 0:
        return OwnershipResult()
    edges = resolve_nodes(edges, ruleset, resolver, opts.min_score)
    check_cycles(edges)
    result = OwnershipResult(edges=edges.height)
    same = ["owner_key", "owned_key", "share", "valid_from", "valid_to"]
    unique = edges.unique(subset=same, keep="first", maintain_order=True)
    if unique.height < edges.height:  # one holding in two files (a provider's and GLEIF's)
        result.warnings.append(
            f"ownership: {edges.height - unique.height} row(s) repeat another's owner, owned "
            "company, share and dates; each holding is counted once"
        )
        edges = unique
    known = pl.Series(list(ruleset.entities), dtype=pl.String).implode()
    seeds = pl.concat([edges["owner_key"], edges["owned_key"]]).unique()
    listed = seed_listings(ruleset, seeds.filter(seeds.is_in(known)).to_list())
    sub = reachable(edges, set(listed))
    if sub.height == 0:
        return result
    _Evaluation(sub, ruleset, listed, opts, result).run()
    return result


class _Evaluation:
    """The effective shares on the subgraph the listed parties reach, stretch by stretch."""

    def __init__(self, sub: pl.DataFrame, ruleset, listed: dict, opts, result: OwnershipResult):
        self.ruleset = ruleset
        self.listed = listed
        self.opts = opts
        self.result = result
        self.rows = sub.to_dicts()
        self.into: dict[str, list[dict]] = {}
        for r in self.rows:
            self.into.setdefault(r["owned_key"], []).append(r)
        self.order = _topological(self.rows)
        self.groups = self._groups()
        self._ids: dict[str, str] = {}
        self._last: dict[str, Outcome] = {}  # each company's latest outcome

    def _groups(self) -> list[tuple[OwnershipRule | None, frozenset[str]]]:
        """The lists grouped by the ownership rule that governs them (lists without one in a
        group each): shares add up only between parties of the same rule's lists."""
        lists = {lst for ls in self.listed.values() for lst, *_ in ls}
        out: dict[str, tuple] = {}
        for lid in sorted(lists):
            rule = self.ruleset.ownership_rule_of(lid)
            k = rule.id if rule else "list:" + lid
            prev = out.get(k, (rule, frozenset()))
            out[k] = (rule, prev[1] | {lid})
        return list(out.values())

    def breakpoints(self) -> list[date | None]:
        """The first day of every stretch on which nothing changes (None: before them all)."""
        days = {d for r in self.rows for d in (r["valid_from"], r["valid_to"]) if d}
        days |= {d for ls in self.listed.values() for *_, s, e in ls for d in (s, e) if d}
        days |= {d for rule, _ in self.groups if rule for d in rule.dates()}
        return [None, *sorted(days)]

    def run(self) -> None:
        cuts = self.breakpoints()
        for i, start in enumerate(cuts):
            end = cuts[i + 1] if i + 1 < len(cuts) else None
            day = start or (end - timedelta(days=1) if end else date.today())
            self._stretch(start, end, day)

    def _stretch(self, start: date | None, end: date | None, day: date) -> None:
        """Every company's outcome on one stretch of dates (evaluated on ``day`` in it): per
        rule group its effective share, and an outcome where one reaches the review share."""
        per_group = [self._shares(lists, rule, day) for rule, lists in self.groups]
        for node in self.order:
            if node not in self.into:
                continue
            statuses = []
            for (rule, lists), (eff, best, owners, ctrl) in zip(
                self.groups, per_group, strict=True
            ):
                if self._listed_on(node, lists, day):
                    continue  # listed itself on these lists: its name is screened
                # a review share set above a rule's threshold must not hide a finding
                floor = min(self.opts.review_share, _threshold(rule))
                share = eff.get(node, 0.0)
                if share * 100 >= floor - 1e-9 or node in ctrl:
                    rs, gating, root, chain = self._status(
                        rule, lists, share, day, node, best, node in ctrl
                    )
                    statuses.append((rs, gating, root, owners.get(node, set()), chain))
            if statuses:
                self._outcome(node, start, end, statuses)

    def _shares(self, lists: frozenset[str], rule, day: date):
        """Per node on ``day``, for the parties of ``lists``: its effective share, its largest
        contribution (share, edge) for the chain shown, and the listed entities behind it."""
        threshold = _threshold(rule) / 100
        control = bool(rule and rule.control)  # does control without a share count?
        eff: dict[str, float] = {}
        best: dict[str, tuple[float, dict]] = {}
        owners: dict[str, set[str]] = {}
        ctrl: set[str] = set()  # controlled by a listed party, no share stated, not counted
        for node in self.order:
            hits = self._listed_on(node, lists, day)
            if hits:
                eff[node] = 1.0
                owners[node] = {h[1] for h in hits}
                continue
            total = 0.0
            for r in self.into.get(node, []):
                if not _holds(r["valid_from"], r["valid_to"], day):
                    continue
                o = r["owner_key"]
                w = eff.get(o, 0.0)
                w = 1.0 if w >= threshold - 1e-12 else w
                if r["share"] is None and not control:
                    if w >= 1.0:
                        ctrl.add(node)
                        owners.setdefault(node, set()).update(owners.get(o, ()))
                        best.setdefault(node, (0.0, r))
                    continue
                part = (1.0 if r["share"] is None else r["share"] / 100) * w
                if part > 0:
                    total += part
                    owners.setdefault(node, set()).update(owners.get(o, ()))
                    if part > best.get(node, (0.0, None))[0]:
                        best[node] = (part, r)
            if total > 0:
                eff[node] = min(1.0, total)
        return eff, best, owners, ctrl

    def _listed_on(self, node: str, lists: frozenset[str], day: date) -> list[tuple]:
        return [x for x in self.listed.get(node, ()) if x[0] in lists and _holds(x[2], x[3], day)]

    def _status(
        self, rule, lists, eff: float, day: date, node: str, best, controlled: bool = False
    ) -> tuple:
        """(RuleStatus, gating, root, chain) of one rule group for ``node`` on ``day``: the
        chain is the largest contributions up to the listed root."""
        share = round(eff * 100, 4)
        threshold = rule.threshold if rule else None
        period = rule.period_on(day) if rule else None
        status = period.status if period else ("not-in-force" if rule else "no-rule")
        applied = status
        if status == "unsettled":
            applied = self.opts.unsettled or "in-force"
        gating = applied == "in-force" and threshold is not None and share >= threshold - 1e-9
        chain = self._chain(node, lists, day, best)
        root, owners_lists = self._owner_root(node, chain, lists, day)
        note = self._note(rule, period, status, applied, share, threshold)
        if controlled:
            note += (
                "; controlled by a listed party with no ownership share stated, which "
                + (rule.name if rule else "this list")
                + " does not count as ownership: for review"
            )
        rs = RuleStatus(
            rule=rule.id if rule else None,
            name=rule.name if rule else "no ownership rule for " + ", ".join(sorted(lists)),
            lists=sorted(owners_lists),
            share=share,
            threshold=threshold,
            status=status,
            outcome="finding" if gating else "review",
            note=note,
            citation=(period.citation if period else rule.citation) if rule else None,
            source_url=(period.source_url if period else rule.source_url) if rule else None,
        )
        return rs, gating, root, chain

    @staticmethod
    def _note(rule, period, status, applied, share, threshold) -> str:
        if rule is None:
            return f"owned {share:g}% by listed parties; their lists have no ownership rule"
        text = f"owned {share:g}% by parties on the rule's lists (threshold {threshold:g}%)"
        if status == "unsettled":
            text += f"; {rule.name} status unsettled on this date, treated as {applied}"
            text += " (--affiliates-rule)"
        elif status == "not-in-force":
            text += f"; {rule.name} not in force on this date"
        else:
            text += f"; {rule.name} {status} on this date"
        if period is not None and period.note:
            text += f" ({period.note})"
        return text

    def _owner_root(self, node: str, chain: list[dict], lists, day: date) -> tuple[str, set[str]]:
        """The listed entity ``chain`` (of largest contributions, from ``node``) ends at, and
        its lists."""
        top = chain[-1]["owner_key"] if chain else node
        hits = self._listed_on(top, lists, day)
        root = hits[0][1] if hits else top
        return root, {h[0] for h in hits}

    def _chain(self, node: str, lists, day: date, best) -> list[dict]:
        """The edges of the largest contributions from ``node`` up to a listed party."""
        out: list[dict] = []
        cur = node
        while cur in best and not self._listed_on(cur, lists, day) and len(out) < 32:
            edge = best[cur][1]
            out.append(edge)
            cur = edge["owner_key"]
        return out

    def _outcome(self, node: str, start, end, statuses: list) -> None:
        """Record what lines of ``node`` are on this stretch: a finding when a rule in force
        reaches its threshold (the lists of every such rule), else a review item; the main
        chain is the largest contributions of the rule that decided."""
        gating = [s for s in statuses if s[1]]
        main = max(gating or statuses, key=lambda s: s[0].share)
        chain = main[4]
        owners = sorted({o for s in (gating or statuses) for o in s[3]} | {main[2]})
        own = Ownership(
            share=main[0].share,
            gating=bool(gating),
            owners=[EntityRef(id=o, name=self._name(o)) for o in owners],
            rules=[s[0] for s in statuses],
        )
        counted = sorted({x for s in (gating or [main]) for x in s[0].lists})
        out = Outcome(self._entity_id(node), start, end, main[2], counted, self._vias(chain), own)
        last = self._last.get(node)
        if last is not None and last.end == start and _same(last, out):
            last.end = end  # nothing changed at this date for this company: one stretch
            return
        self._last[node] = out
        self.result.outcomes.append(out)

    def _name(self, eid: str) -> str:
        ent = self.ruleset.entities.get(eid)
        return ent.name if ent else eid

    def _entity_id(self, node: str) -> str:
        """The rules entity of a node, or a made-up entity for a company named only in the
        ownership files (its names become aliases lines are matched against)."""
        if node in self.ruleset.entities:
            return node
        if node in self._ids:
            return self._ids[node]
        eid = OWN_PREFIX + node.split(":", 1)[1]
        names = list(dict.fromkeys(r["owned"] for r in self.into[node]))
        sources = tuple(dict.fromkeys(f"{r['source']} ({r['origin']})" for r in self.into[node]))
        self.result.entities[eid] = Entity(
            id=eid,
            name=names[0],
            aliases=tuple(names[1:]),
            sources=sources,
            notes="named in the ownership files",
            ruleset="ownership",
        )
        # equal after normalisation only, never fuzzily: the file names one company, and
        # "Global Supply 6 Inc" must not reach the "Global Supply 8 Inc" it owns
        self.result.aliases.extend(AliasRecord(eid, n, weak=True) for n in names)
        self._ids[node] = eid
        return eid

    def _vias(self, chain: list[dict]) -> list[Via]:
        """The chain as ``via`` steps from the line's company upwards, each with its share."""
        out = []
        for r in chain:
            e = edge_of(r)
            owner = r["owner_key"]
            owner_name = self._name(owner) if owner in self.ruleset.entities else e.owner
            held = (
                f"owned {e.share:g}% by {owner_name}"
                if e.share is not None
                else f"controlled by {owner_name} (no share stated)"
            )
            node = r["owned_key"]
            out.append(
                Via(
                    id=self._entity_id(node) if node in self.into else node,
                    name=e.owned,
                    relation="owned",
                    valid_from=e.valid_from.isoformat() if e.valid_from else None,
                    valid_to=e.valid_to.isoformat() if e.valid_to else None,
                    source_url=e.source,
                    note=f"{held} ({e.origin})",
                    share=e.share,
                )
            )
        return out


def _same(a: Outcome, b: Outcome) -> bool:
    """Two outcomes a line could not tell apart (all but their dates)."""
    return (a.root_id, a.lists, a.via, a.ownership) == (b.root_id, b.lists, b.via, b.ownership)


def _topological(rows: list[dict]) -> list[str]:
    """Nodes with every owner before what it owns (the graph has no cycle)."""
    owners_of: dict[str, set[str]] = {}
    for r in rows:
        owners_of.setdefault(r["owned_key"], set()).add(r["owner_key"])
        owners_of.setdefault(r["owner_key"], set())
    order: list[str] = []
    done: set[str] = set()
    for start in sorted(owners_of):
        stack = [(start, False)]
        while stack:
            n, expanded = stack.pop()
            if n in done:
                continue
            if expanded:
                done.add(n)
                order.append(n)
                continue
            stack.append((n, True))
            stack.extend((o, False) for o in sorted(owners_of[n]) if o not in done)
    return order


def augmented(ruleset: RuleSet, result: OwnershipResult) -> RuleSet:
    """The rule set plus the companies named only in the ownership files (no listings)."""
    if not result.entities:
        return ruleset
    return dataclasses.replace(ruleset, entities={**ruleset.entities, **result.entities})


class WithOwned:
    """The report's resolver plus the companies named only in the ownership files: a line's
    name gets the better of the two matches (the rules' on a tie), so "Acme Optics Ltd" on
    a ledger line reaches the Acme Optics the ownership file says Hikvision owns."""

    def __init__(self, main, owned):
        self.main = main
        self.owned = owned

    def match_names(self, names, min_score: float):
        got = {m.name: m for m in self.main.match_names(names, min_score=min_score)}
        for m in self.owned.match_names(names, min_score=min_score):
            if m.name not in got or m.score > got[m.name].score:
                got[m.name] = m
        return list(got.values())

    def lookup_keys(self):
        a, b = self.main.lookup_keys(), self.owned.lookup_keys()
        if a is None or b is None:
            return None
        names = [f.name for f in dataclasses.fields(a)]
        return type(a)(**{n: getattr(a, n) | getattr(b, n) for n in names})


class OwnedNames:
    """The names of the companies named only in the ownership files, matched only when equal
    to a line's name, exactly or after the resolver's normalisation (``parse``): the file
    names one company, and "Global Supply 6 Inc" must not reach the "Global Supply 8 Inc" it
    owns. A dictionary, not a second fuzzy index: building one costs seconds."""

    def __init__(self, aliases: list[AliasRecord]):
        from bomscan.resolve.normalise import parse

        self.parse = parse
        self.exact: dict[str, AliasRecord] = {}
        self.norm: dict[str, AliasRecord] = {}
        for r in aliases:
            p = parse(r.alias)
            self.exact.setdefault(p.exact_key, r)
            if p.norm:
                self.norm.setdefault(p.norm, r)

    def match_names(self, names, min_score: float = 0.0) -> list[Match]:
        out = []
        for name in dict.fromkeys(n for n in names if isinstance(n, str)):
            p = self.parse(name)
            rec, method = self.exact.get(p.exact_key), "exact"
            if rec is None and p.norm:
                rec, method = self.norm.get(p.norm), "normalised"
            if rec is not None:
                why = f"{method} match of {rec.alias!r}, a company named in the ownership files"
                out.append(Match(name, rec.entity_id, rec.alias, 1.0, method, why))
        return out

    def lookup_keys(self) -> LookupKeys:
        none: frozenset[str] = frozenset()
        return LookupKeys(none, none, none, frozenset(self.exact), frozenset(self.norm))


def with_ownership(ruleset: RuleSet, resolver, result: OwnershipResult | None):
    """The rule set and resolver a report screens with: plus the companies named only in the
    ownership files when there are any (unchanged without ``--ownership``)."""
    if result is None or not result.aliases:
        return ruleset, resolver
    return augmented(ruleset, result), WithOwned(resolver, OwnedNames(result.aliases))
