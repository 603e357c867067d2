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
    # a report of a few names: the loaded index answers by binary search, no dict built
    few = pickle.loads(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    assert [few.match(n, min_score) for n in names[:40]] == [
        built.match(n, min_score) for n in names[:40]
    ]
    assert few._index._slot is None
