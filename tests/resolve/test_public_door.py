"""bomscan.resolve's one public door: the Resolver's methods, the gate built from them, and the
module boundaries (rules never imports resolve; no private name crosses a module)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from bomscan.resolve import REVIEW_THRESHOLD, AliasRecord, Resolver, similarity
from bomscan.rules.model import AliasRecord as RulesAliasRecord

PKG = Path(__file__).resolve().parents[2] / "bomscan"

ALIASES = [
    AliasRecord("hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd."),
    AliasRecord("hikvision", "杭州海康威视数字技术股份有限公司"),
    AliasRecord("dahua", "Zhejiang Dahua Technology Co., Ltd."),
    AliasRecord("dahua", "Dahua", weak=True),
    AliasRecord("generic", "Group Technology"),
    AliasRecord("huawei", "Huawei Technologies Co., Ltd."),
]
NAMES = ["Hikvison", "DAHUA", "Dahua Tech", "Huawei Tech Co", "Acme", "Group Technology Ltd"]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(ALIASES)


def test_alias_record_is_the_rules_type() -> None:
    assert AliasRecord is RulesAliasRecord


@pytest.mark.parametrize("min_score", [0.0, REVIEW_THRESHOLD, 0.9])
def test_match_one_name_equals_the_batch(resolver: Resolver, min_score: float) -> None:
    batch = {m.name: m for m in resolver.match_names(NAMES, min_score=min_score)}
    for name in NAMES:
        assert resolver.match(name, min_score=min_score) == batch.get(name), name
    assert resolver.match("Hikvison").entity_id == "hikvision"
    assert resolver.match("Acme") is None


def test_similarity_method_is_the_module_function(resolver: Resolver) -> None:
    for a in NAMES:
        for b in (r.alias for r in ALIASES):
            assert resolver.similarity(a, b) == similarity(a, b)


def test_lookup_keys_split_by_how_an_alias_is_reached(resolver: Resolver) -> None:
    keys = resolver.lookup_keys()
    assert keys is not None and "hikvision" in keys.index
    # a weak alias and a generic-only one are reached only by equality
    assert "dahua" in keys.exact_weak and "group technology" in keys.normalised_weak
    assert "group technology" not in keys.index | keys.normalised
    assert "zhejiang dahua technology co ltd" in keys.exact
    assert Resolver(ALIASES, indexed=False).lookup_keys() is None


def test_rules_model_does_not_import_resolve() -> None:
    code = "import sys, bomscan.rules.model; print('bomscan.resolve' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.module}.{a.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for a in node.names
        if a.name.startswith("_") and not a.name.endswith("__")
    ] + [
        f"{node.module}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").split(".")[-1].startswith("_")
        and node.module != "__future__"
    ]


@pytest.mark.parametrize(
    "path", sorted([*PKG.glob("resolve/*.py"), PKG / "rules" / "model.py", PKG / "cache.py"])
)
def test_no_private_name_crosses_a_module(path: Path) -> None:
    assert _private_imports(path) == []


def test_no_speed_tricks_left_in_resolve() -> None:
    """No forked children, marshal blobs, process-wide GC switches or generated tables."""
    for f in PKG.glob("resolve/*.py"):
        text = f.read_text(encoding="utf-8")
        for banned in ("os.fork", "os._exit", "marshal", "gc.disable", "gc.freeze", ".json"):
            assert banned not in text, (f.name, banned)
    assert not list(PKG.glob("resolve/*.json"))


def test_postings_behave_as_a_dict_of_lists() -> None:
    """The index's flat layout answers as the dict of lists it is built from, also after the
    pickle round trip the cache makes."""
    import pickle

    from bomscan.resolve.resolver import Postings

    lists = {"hik": [0, 3, 7], "dahua": [2], "": [], "x": [1, 2, 3, 4]}
    p = Postings(lists)
    for q in (p, pickle.loads(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL))):
        assert q.found(["x", "nope", "hik"]) == [("x", q.slot["x"]), ("hik", q.slot["hik"])]
        assert {k: list(v) for k, v in q.items()} == lists
        assert sorted(q) == sorted(lists) and len(q) == len(lists)
        assert list(q.get("hik", ())) == [0, 3, 7] and q.get("nope") is None
        assert "dahua" in q and "nope" not in q
        assert [list(q.run(q.slot[k])) for k in lists] == list(lists.values())
    assert p == Postings(dict(lists))


def test_a_loaded_index_finds_every_key_before_and_after_its_dict_is_built() -> None:
    """The cache stores an index's keys sorted and a loaded index answers its first lookups by
    binary search, then builds the dict: every key is found, and every miss missed, by both
    (a name a report screens must meet the same aliases on the first run and the tenth)."""
    import pickle
    import random

    from bomscan.resolve import postings

    rng = random.Random(3)
    keys = list(dict.fromkeys("".join(rng.sample("abcdéfg海康\x00", 4)) for _ in range(3000)))
    built = postings.Postings({k: [i, i + 1] for i, k in enumerate(keys)})
    misses = ["", "zzzz", "a", keys[0] + "x", keys[-1][:-1]]
    loaded = pickle.loads(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded._slot is None  # not built yet: the binary search answers
    for k in keys + misses:
        assert (k in loaded, loaded.get(k)) == (k in built, built.get(k)), k
    assert loaded.found(misses + keys[:10]) == built.found(misses + keys[:10])
    assert loaded._slot is None
    for _ in range(postings.DICT_AFTER // len(keys) + 1):
        loaded.found(keys)
    assert loaded._slot is not None  # asked often enough: the dict answers now
    assert {k: list(v) for k, v in loaded.items()} == {k: list(v) for k, v in built.items()}
    assert all(loaded.get(m) is None for m in misses)
