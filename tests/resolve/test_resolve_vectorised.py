"""The resolver's list-scale overrides (issue 19) against the plain paths they replace, on a
varied set of generated names: each override must give exactly what the plain path gives.

Delete an override together with its test here (see docs/perf.md, "Speed-ups kept")."""

from __future__ import annotations

import pickle
import random

import pytest

from bomscan.resolve import DEFAULT_THRESHOLD, REVIEW_THRESHOLD, AliasRecord, Resolver
from bomscan.resolve.normalise import parse
from bomscan.resolve.postings import Postings
from bomscan.resolve.resolver import index_lists
from bomscan.resolve.store import Column, decode_parsed, encode_parsed

SYL = "ba ko ri te lu ma xin dor vel qua sen tro pix zen hua wei da an li ming".split()
WORDS = "Technology Electronics Vision Pacific Power Digital Systems Holdings Network".split()
FORMS = ["Co., Ltd.", "Inc.", "GmbH", "LLC", "S.p.A.", "Corp", "有限公司", "(USA)", "(Hong Kong)"]
PLACES = ["Shenzhen", "Hangzhou", "Munich", "Beijing", ""]
HAN = ["海康威视", "华为技术", "大华", "中兴通讯", "科大讯飞"]


def _brand(rng: random.Random) -> str:
    return "".join(rng.sample(SYL, rng.choice((1, 2, 2, 3)))).capitalize()


def _name(rng: random.Random) -> str:
    parts = [rng.choice(PLACES), _brand(rng)]
    if rng.random() < 0.3:
        parts.append(_brand(rng))
    if rng.random() < 0.1:
        parts.append(rng.choice(HAN))
    if rng.random() < 0.1:
        parts.append(str(rng.randint(1, 40)))
    parts += rng.sample(WORDS, rng.choice((0, 1, 1, 2)))
    parts.append(rng.choice(FORMS))
    return " ".join(p for p in parts if p)


def _variant(rng: random.Random, s: str) -> str:
    """A name as a ledger may write an alias: a letter dropped, swapped or added, words
    reordered or cut, another legal form, upper case."""
    r = rng.random()
    if r < 0.4 and len(s) > 4:
        i = rng.randrange(1, len(s) - 1)
        return rng.choice(
            (s[:i] + s[i + 1 :], s[:i] + s[i + 1] + s[i] + s[i + 2 :], s[:i] + "e" + s[i:])
        )
    toks = s.split()
    if r < 0.55 and len(toks) > 2:
        rng.shuffle(toks)
        return " ".join(toks)
    if r < 0.7:
        return " ".join(toks[:-1] + [rng.choice(FORMS)])
    if r < 0.85:
        return s.upper()
    return " ".join(toks[: max(1, len(toks) - 2)])


@pytest.fixture(scope="module")
def world() -> tuple[list[AliasRecord], list[str]]:
    rng = random.Random(19)
    recs = [AliasRecord(f"e{i // 2}", _name(rng), weak=rng.random() < 0.02) for i in range(3000)]
    recs += [AliasRecord("han", h) for h in HAN]
    names = [_variant(rng, r.alias) for r in rng.sample(recs, 1500)]
    names += [_name(rng) for _ in range(1500)] + [r.alias for r in recs[:200]]
    return recs, list(dict.fromkeys(names))


def test_flat_index_equals_dict_of_lists(world) -> None:
    """``Postings.from_runs`` (the build override) gives the runs of the plain dict of lists."""
    recs, _ = world
    r = Resolver(recs)
    plain = index_lists(r._parsed, r._fuzzy_ids)
    assert {k: list(v) for k, v in r._index.items()} == plain
    assert len(plain) > 10_000
    assert Postings.from_runs((i, ks) for i, ks in enumerate([["a", "b"], [], ["b"], ["a"]])) == (
        Postings({"a": [0, 3], "b": [0, 2]})
    )


def test_columns_give_back_every_item(world) -> None:
    """Parsed names stored as strings (``store.Column``) come back equal, also the odd ones
    (a separator inside the name) and after a pickle round trip."""
    recs, names = world
    items = [parse(n) for n in [*names, *(r.alias for r in recs)]]
    items += [parse("Acme\x1fWidgets Inc"), parse("Acme\x1e (Hong Kong) 42")]
    col = Column(items, encode_parsed, decode_parsed)
    back = pickle.loads(pickle.dumps(col, protocol=pickle.HIGHEST_PROTOCOL))
    assert list(back) == items and back[-1] == items[-1] and len(back) == len(items)


@pytest.mark.parametrize("min_score", [0.5, REVIEW_THRESHOLD, DEFAULT_THRESHOLD])
def test_resolver_loaded_from_columns_matches_as_built(world, min_score: float) -> None:
    recs, names = world
    built = Resolver(recs)
    loaded = pickle.loads(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(loaded._parsed, Column)
    assert list(loaded._parsed) == list(built._parsed)
    assert list(loaded.aliases) == list(built.aliases)
    got = loaded.match_names(names, min_score=min_score)
    assert got == built.match_names(names, min_score=min_score)
    assert len(got) > 500


def test_pair_scores_as_arrays_equal_the_plain_scorer(world) -> None:
    """``batch.score_pairs`` gives ``score_prepared``'s score bit for bit, pair for pair, on
    every eligible pair of generated names and aliases (close variants and unrelated
    names alike), at every floor the resolver uses."""
    from bomscan.resolve.batch import Sides, Vocab, eligible, score_pairs
    from bomscan.resolve.score import prepare, score_prepared

    np = pytest.importorskip("numpy")
    recs, names = world
    rng = random.Random(23)
    aliases = [parse(r.alias) for r in recs]
    qs = [parse(n) for n in names]
    vocab = Vocab()
    a_side = Sides([(a, prepare(a)) for a in aliases], vocab, -2)
    batch = vocab.for_batch()
    q_side = Sides([(q, prepare(q)) for q in qs], batch, -1)
    # each name against the alias it came from (when it did), ten that start alike, and 20
    # others
    by_alias = {r.alias: i for i, r in enumerate(recs)}
    alike: dict[str, list[int]] = {}
    for j, a in enumerate(aliases):
        alike.setdefault(a.compact[:3], []).append(j)
    pairs = [(n, j) for n in range(len(qs)) for j in rng.sample(range(len(aliases)), 20)]
    pairs += [(n, by_alias[q.raw]) for n, q in enumerate(qs) if q.raw in by_alias]
    pairs += [(n, j) for n, q in enumerate(qs) for j in alike.get(q.compact[:3], [])[:10]]
    qi = np.array([n for n, _ in pairs])
    ai = np.array([j for _, j in pairs])
    ok = eligible(q_side, a_side, qi, ai)
    qi, ai = qi[ok], ai[ok]
    assert len(qi) > 20_000
    for floor in (0.0, 0.5, REVIEW_THRESHOLD, DEFAULT_THRESHOLD):
        got = score_pairs(q_side, a_side, qi, ai, floor, batch).tolist()
        want = [
            score_prepared(qs[n], prepare(qs[n]), aliases[j], prepare(aliases[j]), floor)
            for n, j in zip(qi.tolist(), ai.tolist(), strict=True)
        ]
        assert got == want, floor
        assert sum(s >= floor for s in want) > 1_000


@pytest.mark.parametrize("min_score", [0.5, REVIEW_THRESHOLD, DEFAULT_THRESHOLD])
def test_batch_scored_matches_equal_pair_by_pair_matches(world, monkeypatch, min_score) -> None:
    """The whole batch (``Resolver._batch_scores`` then ``_score_shortlist`` on its scores)
    against every pair scored in ``_score_shortlist``: the same match for every name."""
    import bomscan.resolve.resolver as resolver_module

    recs, names = world
    r = Resolver(recs)
    monkeypatch.setattr(resolver_module, "BATCH_MIN_PAIRS", 0)
    batched = r._match_chunk(names, min_score)
    monkeypatch.setattr(resolver_module, "BATCH_MIN_PAIRS", 10**12)
    assert batched == r._match_chunk(names, min_score)
    assert sum(m is not None and m[4] == "fuzzy" for m in batched) > 300
