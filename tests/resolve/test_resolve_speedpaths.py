"""The resolver's speed paths must not change a single match: the precomputed-sides scorer
against the general one, the batched common-key shortlists against the one-name path."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from bomscan.resolve import REVIEW_THRESHOLD, AliasRecord, Resolver
from bomscan.resolve.normalise import parse
from bomscan.resolve.score import detail_prepared, prepare, score_parsed, score_prepared

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


def _typo(rng: random.Random, s: str) -> str:
    i = rng.randrange(1, max(2, len(s) - 1))
    return rng.choice((s[:i] + s[i + 1 :], s[:i] + "e" + s[i:], s[:i] + "x" + s[i + 1 :]))


@pytest.fixture(scope="module")
def names_and_aliases() -> tuple[list[str], list[str]]:
    rules = pytest.importorskip("bomscan.rules")
    aliases = [r.alias for r in rules.load_default_ruleset().alias_records()]
    rows = list(csv.DictReader((DATA / "labelled_vendors.csv").open(encoding="utf-8")))
    pairs = list(csv.DictReader((DATA / "nk_org_pairs.csv").open(encoding="utf-8")))
    rng = random.Random(7)
    names = [r["name"] for r in rows] + [p["name1"] for p in pairs]
    names += [_typo(rng, a) for a in aliases] + [a.upper() + " Co Ltd" for a in aliases]
    return names, aliases + [p["name2"] for p in pairs]


def test_prepared_scorer_equals_general_scorer(names_and_aliases) -> None:
    names, aliases = names_and_aliases
    prepped = [(parse(a), prepare(parse(a))) for a in aliases]
    rng = random.Random(11)
    checked = 0
    for n in names:
        q = parse(n)
        qp = prepare(q)
        # every shipped alias for the vendor-like names would be 300k pairs (30 s); a sample
        # of 60 per name keeps the test fast and still covers every alias many times
        for a, ap in rng.sample(prepped, 60):
            for floor in (0.0, REVIEW_THRESHOLD):
                assert score_prepared(q, qp, a, ap, floor) == score_parsed(q, a, floor=floor)[0]
                checked += 1
    # and the close pairs, where the score is high and every branch of the scorer runs
    for a, _ in prepped[:400]:
        for n in (_typo(rng, a.raw), a.raw.upper() + " Co Ltd", a.raw + " (USA)"):
            q = parse(n)
            for floor in (0.0, REVIEW_THRESHOLD, 0.9):
                got = score_prepared(q, prepare(q), a, prepare(a), floor)
                assert got == score_parsed(q, a, floor=floor)[0]
                checked += 1
    assert checked > 50_000


def test_prepared_detail_equals_general_detail(names_and_aliases) -> None:
    """The reason of every fuzzy match comes from the prepared-sides detail; it must be
    ``score_parsed(..., detail=True)`` exactly (score, alignment order, anchor, penalties)."""
    names, aliases = names_and_aliases
    prepped = [(parse(a), prepare(parse(a))) for a in aliases]
    rng = random.Random(13)
    checked = 0
    for n in names[::3]:
        q = parse(n)
        qp = prepare(q)
        for a, ap in rng.sample(prepped, 20):
            assert detail_prepared(q, qp, a, ap) == score_parsed(q, a, detail=True)
            checked += 1
    for a, ap in prepped[:400]:
        for n in (_typo(rng, a.raw), a.raw.upper() + " Co Ltd", a.raw + " (USA)"):
            q = parse(n)
            assert detail_prepared(q, prepare(q), a, ap) == score_parsed(q, a, detail=True)
            checked += 1
    assert checked > 5_000


def test_skipped_second_pass_is_a_fixed_point(names_and_aliases) -> None:
    """parse() skips the second normalisation pass when the first says its result is a fixed
    point; a second pass over that result must then give the same normal form."""
    from bomscan.resolve.normalise import _first_pass, _one_pass

    names, aliases = names_and_aliases
    rng = random.Random(3)
    extra = [f"{a} {w}" for a in aliases[:300] for w in ("Tech", "Digi", "Co", "USA", "Electr")]
    extra += [" ".join(rng.sample(a.split() * 2, min(4, 2 * len(a.split())))) for a in aliases]
    skipped = 0
    for n in [*names, *aliases, *extra]:
        first, fixed = _first_pass(n)
        if fixed:
            skipped += 1
            assert _one_pass(first.norm).norm == first.norm, n
            assert parse(n) == first
    assert skipped > 1000


def test_batched_common_key_shortlists_equal_one_name_path(names_and_aliases) -> None:
    """Names met only through words shared by thousands of aliases get their prefilter
    ratios from one rapidfuzz cdist call per word for many names; the matches must be those
    of the one-name path (one process.extract per name), indexed and unindexed."""
    names, aliases = names_and_aliases
    rng = random.Random(5)
    words = ["Vision", "Pacific", "Systems Group", "Holdings", "Power", "Optical Network"]
    syl = "ba ko ri te lu ma xin dor vel qua sen tro pix zen".split()
    brands = ["".join(rng.sample(syl, 3)).capitalize() for _ in range(3000)]
    extra = [f"{b} {rng.choice(words)}" for b in brands]
    recs = [AliasRecord(f"e{i % 997}", a) for i, a in enumerate(aliases + extra)]
    queries = names[:400] + [_typo(rng, a) for a in extra[:300]]
    queries += [f"{rng.choice(syl).capitalize()}xy {rng.choice(words)} Ltd" for _ in range(300)]
    queries += [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(50)]
    queries = list(dict.fromkeys(queries))
    big = Resolver(recs)
    assert any(len(v) > big._common_limit for v in big._index.values())
    small = Resolver(
        [AliasRecord(f"e{i % 7}", a) for i, a in enumerate(aliases[:300])], indexed=False
    )
    for r in (big, small):
        for th in (0.5, REVIEW_THRESHOLD, 0.9):
            assert r._match_chunk(queries, th) == [r._match_one(n, th) for n in queries]
