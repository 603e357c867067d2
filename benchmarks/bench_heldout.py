"""Recall and false positives on the held-out name set (``benchmarks/data/heldout_names.csv``).

The set was built before issue 17's resolver changes, from sources the resolver was never tuned
on (see ``benchmarks/data/HELDOUT.md``). This script only measures; never change the resolver
because of a row it prints.

Scoring (the way HELDOUT.md asks a scorer to say): a positive is found when the shipped
resolver's best match scores at or above the finding threshold and its entity is the expected
one, or an ancestor or descendant of it through the rules' affiliations (``ezviz`` found as
``hikvision``, or the reverse). A look-alike is a false positive when it scores at or above the
finding threshold for any entity, and a possible match when it reaches the review threshold.

    python benchmarks/bench_heldout.py            # summary
    python benchmarks/bench_heldout.py --misses   # also list the misses (to read, not to tune)
    python benchmarks/bench_heldout.py --dev --misses   # the development set (DEV.md)

``--dev`` scores ``benchmarks/data/dev_names.csv`` instead: a second set of real spellings,
built later and independently (``benchmarks/data/DEV.md``), that the resolver MAY be tuned on;
its figures say nothing about recall on unseen names, the held-out set's do.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "benchmarks" / "data" / "heldout_names.csv"
DEV = REPO / "benchmarks" / "data" / "dev_names.csv"


def family(ruleset, eid: str) -> set[str]:
    """The entity, every ancestor and every descendant through affiliations (any date);
    empty for an id the rules do not hold (an older rule set: the row counts as missed)."""
    if eid not in ruleset.entities:
        return set()
    return ruleset.ancestors(eid) | ruleset.descendants(eid)


def evaluate(rows: list[dict], ruleset, resolver, threshold: float, review: float) -> dict:
    """Counts per kind: found / total for positives; findings and possible matches for
    look-alikes; plus the misses and false positives themselves."""
    names = sorted({r["name"] for r in rows})
    best = {m.name: m for m in resolver.match_names(names, min_score=review)}
    per_kind: dict[str, Counter] = {}
    misses, false_pos = [], []
    for r in rows:
        m = best.get(r["name"])
        c = per_kind.setdefault(r["kind"], Counter())
        c["total"] += 1
        if r["expected"]:
            ok = (
                m is not None
                and m.score >= threshold
                and m.entity_id in family(ruleset, r["expected"])
            )
            c["found"] += ok
            if not ok:
                misses.append((r, m))
        elif m is not None:
            c["possible"] += m.score < threshold
            c["finding"] += m.score >= threshold
            if m.score >= threshold:
                false_pos.append((r, m))
    return {"per_kind": per_kind, "misses": misses, "false_positives": false_pos}


def measure(data: Path = DATA) -> tuple[dict, int, int, Counter, float]:
    """A labelled set (the held-out one unless told) against the shipped rules: (evaluation,
    positives found, positives, look-alike counts, threshold)."""
    sys.path.insert(0, str(REPO))
    from bomscan.pipeline import ReportRequest, load_rules_and_resolver
    from bomscan.resolve import DEFAULT_THRESHOLD, REVIEW_THRESHOLD

    ruleset, resolver = load_rules_and_resolver(ReportRequest(inputs=[]))
    with open(data, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    res = evaluate(rows, ruleset, resolver, DEFAULT_THRESHOLD, REVIEW_THRESHOLD)
    pos = sum(c["total"] for k, c in res["per_kind"].items() if k != "lookalike")
    found = sum(c["found"] for k, c in res["per_kind"].items() if k != "lookalike")
    look = res["per_kind"].get("lookalike", Counter())
    return res, found, pos, look, DEFAULT_THRESHOLD


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--misses", action="store_true", help="list misses and false positives")
    ap.add_argument("--dev", action="store_true", help="the development set (DEV.md) instead")
    args = ap.parse_args()
    res, found, pos, look, threshold = measure(DEV if args.dev else DATA)
    label = "development set" if args.dev else "held-out set"
    print(f"{label}: {pos} positives, {look['total']} look-alikes (threshold {threshold})")
    for kind, c in sorted(res["per_kind"].items()):
        if kind != "lookalike":
            print(f"  {kind:26} {c['found']:4} / {c['total']:4}")
    print(f"recall: {found / pos:.3f} ({found}/{pos})")
    print(
        f"look-alikes: {look['finding']} findings (false positives), "
        f"{look['possible']} possible matches, of {look['total']}"
    )
    if args.misses:
        for r, m in res["misses"]:
            got = f"{m.entity_id} {m.score:.2f}" if m else "no match"
            print(f"miss  [{r['kind']}] {r['name']!r} -> {got} (expected {r['expected']})")
        for r, m in res["false_positives"]:
            print(f"false [{r['kind']}] {r['name']!r} -> {m.entity_id} {m.score:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
