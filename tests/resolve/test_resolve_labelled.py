"""The labelled vendor set against the shipped rules: the CI gate for matching quality, and
the check that the candidate index finds what scoring every alias finds."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bomscan.resolve import DEFAULT_THRESHOLD, REVIEW_THRESHOLD, Resolver
from bomscan.resolve.normalise import parse
from bomscan.resolve.resolver import PREFILTER_MARGIN, sort_key
from bomscan.resolve.score import score_parsed

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


@pytest.fixture(scope="module")
def aliases():
    rules = pytest.importorskip("bomscan.rules")
    return list(rules.load_default_ruleset().alias_records())


@pytest.fixture(scope="module")
def subsidiaries_of():
    """Entity id -> the entity and every entity affiliated to it, at any depth: a name labelled
    with a parent is right when it resolves to the listed subsidiary it names
    ("Huawei Technologies Japan K.K." is its own Entity List entry, an affiliate of Huawei)."""
    rules = pytest.importorskip("bomscan.rules")
    return rules.load_default_ruleset().descendants


@pytest.fixture(scope="module")
def rows():
    return list(csv.DictReader((DATA / "labelled_vendors.csv").open(encoding="utf-8")))


def findings(resolver: Resolver, names: list[str], th: float) -> dict[str, str]:
    return {m.name: m.entity_id for m in resolver.match_names(names, min_score=th)}


def test_labelled_set_size(rows) -> None:
    assert sum(1 for r in rows if r["expected_entity_id"]) >= 150
    assert sum(1 for r in rows if not r["expected_entity_id"]) >= 100


def test_recall_and_no_lookalike_findings(aliases, rows, subsidiaries_of) -> None:
    got = findings(Resolver(aliases), [r["name"] for r in rows], DEFAULT_THRESHOLD)
    pos = [r for r in rows if r["expected_entity_id"]]
    hits = [r for r in pos if got.get(r["name"]) in subsidiaries_of(r["expected_entity_id"])]
    assert len(hits) / len(pos) >= 0.98, [r["name"] for r in pos if r not in hits]
    fps = [r["name"] for r in rows if not r["expected_entity_id"] and r["name"] in got]
    assert fps == []
    wrong = [
        r["name"]
        for r in pos
        if r["name"] in got and got[r["name"]] not in subsidiaries_of(r["expected_entity_id"])
    ]
    assert wrong == []


@pytest.mark.parametrize("threshold", [DEFAULT_THRESHOLD, REVIEW_THRESHOLD])
def test_indexed_equals_unindexed(aliases, rows, threshold) -> None:
    names = [r["name"] for r in rows]
    fast = findings(Resolver(aliases), names, threshold)
    slow = findings(Resolver(aliases, indexed=False), names, threshold)
    assert fast == slow


def test_prefilter_margin_holds(aliases, rows) -> None:
    """The C-level prefilter may only drop pairs that score below the review band."""
    from rapidfuzz import fuzz

    worst = 100.0
    for r in rows:
        q = parse(r["name"])
        for rec in aliases:
            a = parse(rec.alias)
            s = score_parsed(q, a)[0]
            if s < REVIEW_THRESHOLD or q.norm == a.norm or "mixed" in (q.script, a.script):
                continue
            ratio = max(fuzz.ratio(sort_key(q), sort_key(a)), fuzz.ratio(q.compact, a.compact))
            worst = min(worst, ratio - 100 * s)
    assert worst > -PREFILTER_MARGIN
