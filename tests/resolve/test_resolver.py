"""Behaviour of bomscan.resolve a user would notice: what matches, what must not, and why."""

from __future__ import annotations

import json

import pytest

from bomscan.resolve import (
    DEFAULT_THRESHOLD,
    REVIEW_THRESHOLD,
    AliasRecord,
    Match,
    Resolver,
    normalise,
    similarity,
)

ALIASES = [
    AliasRecord("hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd."),
    AliasRecord("hikvision", "Hikvision"),
    AliasRecord("hikvision", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY"),
    AliasRecord("hikvision", "杭州海康威视数字技术股份有限公司"),
    AliasRecord("dahua", "Zhejiang Dahua Technology Co., Ltd."),
    AliasRecord("dahua", "Dahua Technology Company"),
    AliasRecord("dahua", "浙江大华技术股份有限公司"),
    AliasRecord("dahua", "大华"),
    AliasRecord("dahua", "Dahua", weak=True),
    AliasRecord("huawei", "Huawei Technologies Co., Ltd."),
    AliasRecord("huawei", "华为技术有限公司"),
    AliasRecord("zte", "ZTE Corporation"),
    AliasRecord("zte", "中兴通讯股份有限公司"),
    AliasRecord("hytera", "Hytera Communications Corporation Limited"),
    AliasRecord("hytera", "HYT", weak=True),
    AliasRecord("megvii", "Megvii Technology Limited"),
    AliasRecord("sensetime", "SenseTime Group Limited"),
    AliasRecord("meiya-pico", "Xiamen Meiya Pico Information Co., Ltd."),
]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(ALIASES)


def best(resolver: Resolver, name: str) -> Match | None:
    found = resolver.match_names([name], min_score=0.0)
    return found[0] if found else None


@pytest.mark.parametrize(
    "name, entity",
    [
        ("HANGZHOU HIKVISION DIGITAL TECH CO LTD", "hikvision"),
        ("Hikvision (USA) Inc.", "hikvision"),
        ("Hik Vision", "hikvision"),
        ("Hikvison", "hikvision"),
        ("杭州海康威视数字技术股份有限公司", "hikvision"),
        ("海康威视（香港）有限公司", "hikvision"),
        ("Zhejiang Dahua Technology Co Ltd", "dahua"),
        ("HUAWEI TECHNOLOGIES CO.,LTD.", "huawei"),
        ("ZTE Corp", "zte"),
        ("Hytera Communications Corp. Ltd", "hytera"),
        ("Huawei Technologies Deutschland GmbH", "huawei"),
        ("HANGZHOU HIKVISION DIGITAL TECHNOL", "hikvision"),  # truncated ledger field
        ("Zhejiang Dahua Techology Co Ltd", "dahua"),  # typo in a generic word
    ],
)
def test_must_match(resolver: Resolver, name: str, entity: str) -> None:
    m = best(resolver, name)
    assert m is not None and m.entity_id == entity
    assert m.score >= DEFAULT_THRESHOLD, m.reason


@pytest.mark.parametrize(
    "name",
    [
        "Sensata Technologies",
        "MegaChips",
        "大华银行",
        "大华银行有限公司",
        "Digital Technology Co., Ltd.",
        "Hangzhou Technology Co",
        "Texas Instruments",
        "ZTEX GmbH",
        "Hua Wei Plastics Co Ltd",
        "Dahua Hotel",
        "Microchip Technology Inc",
        "Maxim Integrated Products",
        "Murata Manufacturing Co Ltd",
        "Sensirion AG",
        "SensorTech",
        "Megatron Elektronik GmbH",
        "Hytek Microsystems",
        "Pico Technology Ltd",
    ],
)
def test_lookalikes_are_not_findings(resolver: Resolver, name: str) -> None:
    m = best(resolver, name)
    assert m is None or m.score < DEFAULT_THRESHOLD, m and m.reason


def test_cjk_substring_trap(resolver: Resolver) -> None:
    # United Overseas Bank shares the characters 大华 with Dahua: two characters cut from a
    # longer Han word are an ordinary name, at most a possible match with its reason
    m = best(resolver, "大华银行")
    assert m is None or m.score < DEFAULT_THRESHOLD
    assert m is None or "ordinary" in m.reason
    assert normalise("大华银行") == "大华银行"


def test_dpl_dahua_electronics_is_review_not_finding(resolver: Resolver) -> None:
    # BIS DPL's US "DAHUA ELECTRONICS CORPORATION" is not Zhejiang Dahua Technology
    m = best(resolver, "DAHUA ELECTRONICS CORPORATION")
    assert m is not None and m.entity_id == "dahua"
    assert REVIEW_THRESHOLD <= m.score < DEFAULT_THRESHOLD
    assert "electronics" in m.reason


def test_weak_alias_only_exact(resolver: Resolver) -> None:
    assert best(resolver, "HYT").entity_id == "hytera"
    m = best(resolver, "HYT Industries")  # weak alias never matches as a token
    assert m is None or m.entity_id != "hytera" or m.score < REVIEW_THRESHOLD
    assert best(resolver, "Dahua Corp").method in ("exact", "normalised")


def test_methods_and_reasons(resolver: Resolver) -> None:
    ms = {
        m.name: m
        for m in resolver.match_names(["Hikvision", "Hangzhou Hikvision Co Ltd", "Hikvsion"])
    }
    assert ms["Hikvision"].method == "exact"
    n = ms["Hangzhou Hikvision Co Ltd"]
    assert n.method == "normalised" and "co ltd" in n.reason and "hangzhou" in n.reason
    f = ms["Hikvsion"]
    assert f.method == "fuzzy" and "hikvsion" in f.reason
    for m in ms.values():
        assert 0.0 <= m.score <= 1.0 and m.alias and m.entity_id


def test_match_names_dedupes_and_omits_nonmatches(resolver: Resolver) -> None:
    out = resolver.match_names(["ZTE Corp", "ZTE Corp", "Acme Widgets"])
    assert [m.name for m in out] == ["ZTE Corp"]


def test_region_qualifier_conflict_penalised() -> None:
    same = similarity("Bank of China (Hong Kong) Limited", "Bank of China (Hong Kong) Ltd")
    other = similarity("Bank of China (Hong Kong) Limited", "Bank of China (Singapore) Limited")
    assert same == 1.0 and other < DEFAULT_THRESHOLD


def test_similarity_range_and_rough_symmetry() -> None:
    pairs = [
        ("Hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd."),
        ("Siemens AG", "Siemens Aktiengesellschaft"),
        ("ZTEX GmbH", "ZTE Corporation"),
        ("", "ZTE"),
        ("大华银行", "浙江大华技术股份有限公司"),
    ]
    for a, b in pairs:
        s1, s2 = similarity(a, b), similarity(b, a)
        assert 0.0 <= s1 <= 1.0 and 0.0 <= s2 <= 1.0
        # generic words are weighed asymmetrically (name vs alias) but only by small amounts
        assert abs(s1 - s2) <= 0.25
    assert similarity("Procter & Gamble Co.", "Procter and Gamble Co.") == 1.0
    assert similarity("Siemens Aktiengesellschaft", "Siemens AG") == 1.0


def test_explain_content(resolver: Resolver) -> None:
    e = resolver.explain("Zhejiang Dahau Technology Co Ltd")
    json.dumps(e)  # JSON-serialisable
    assert e["normalised"] == "dahau technology"
    assert e["distinctive_tokens"] == ["dahau"]
    assert e["threshold"] == DEFAULT_THRESHOLD and e["review_threshold"] == REVIEW_THRESHOLD
    top = e["candidates"][0]
    assert top["entity_id"] == "dahua" and top["method"] == "fuzzy"
    assert set(top) == {
        "entity_id",
        "alias",
        "alias_normalised",
        "score",
        "method",
        "passes",
        "why",
    }
    assert top["passes"] == (top["score"] >= DEFAULT_THRESHOLD)
    assert "dahau" in top["why"]
    trap = resolver.explain("大华银行")
    assert all(not c["passes"] for c in trap["candidates"])


def test_resolver_survives_pickling_as_the_cache_stores_it(resolver: Resolver) -> None:
    """bomscan/cache.py stores the built resolver with pickle; the loaded copy must resolve
    exactly as the original, including names that go through the shared-candidate path."""
    import pickle

    names = ["Hikvison", "Hik Vision", "DAHUA ELECTRONICS CORPORATION", "Zhejiang Dahau Tech"]
    before = resolver.match_names(names, min_score=0.0)
    copy = pickle.loads(pickle.dumps(resolver, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy.match_names(names, min_score=0.0) == before


def test_resolver_loaded_from_cache_pickles_again(resolver: Resolver) -> None:
    """The cached state stores posting lists compactly; a loaded resolver must survive
    another round trip and still match like the original."""
    import pickle

    names = ["Hikvison", "Hik Vision", "DAHUA ELECTRONICS CORPORATION", "Zhejiang Dahau Tech"]
    before = resolver.match_names(names, min_score=0.0)
    once = pickle.loads(pickle.dumps(resolver, protocol=pickle.HIGHEST_PROTOCOL))
    twice = pickle.loads(pickle.dumps(once, protocol=pickle.HIGHEST_PROTOCOL))
    assert twice._index == once._index
    assert twice.match_names(names, min_score=0.0) == before


def test_common_word_candidates_found_at_scale() -> None:
    """A name whose only index key is a word shared by many aliases still finds its match
    (the shared posting list path), and repeated calls agree."""
    many = [AliasRecord(f"e{i}", f"Pacific Brand{i:04d}x Systems") for i in range(400)]
    r = Resolver([*ALIASES, *many, AliasRecord("target", "Pacific Zorbulex")])
    first = r.match_names(["Pacific Zorbulax"], min_score=REVIEW_THRESHOLD)
    assert [m.entity_id for m in first] == ["target"]
    assert r.match_names(["Pacific Zorbulax"], min_score=REVIEW_THRESHOLD) == first


@pytest.mark.parametrize(
    ("name", "alias", "finding"),
    [
        # one letter between two pinyin names: two Chinese companies, not a typo
        ("Beijing Huafei Technology Co., Ltd.", "Huawei Technologies Co., Ltd.", False),
        ("Huawen Technologies Co., Ltd.", "Huawei Technologies Co., Ltd.", False),
        # a dropped letter, a swap, or a short English-looking word: still a typo
        ("Huwei Technologies Co Ltd", "Huawei Technologies Co., Ltd.", True),
        ("Huawie Technologies Co Ltd", "Huawei Technologies Co., Ltd.", True),
        ("Bank of Chima Limited", "Bank of China Limited", True),
    ],
)
def test_one_letter_between_two_pinyin_names_is_no_typo(name, alias, finding) -> None:
    assert (similarity(name, alias) >= DEFAULT_THRESHOLD) is finding


def test_aliases_tied_on_the_prefilter_are_all_scored() -> None:
    """Forty aliases share the core "acmewei"; the prefilter's ratio cannot tell them
    apart, and the one whose generic word the name carries must not lose to rule order."""
    recs = [
        AliasRecord(f"arm-{k}", f"Acmewei {place} Co., Ltd.")
        for k, place in enumerate(
            ["Chile", "Peru", "Kenya", "Ghana", "Oman", "Nepal", "Laos", "Fiji"] * 5
        )
    ]
    recs.append(AliasRecord("acme-device", "Acmewei Device Co., Ltd."))
    got = Resolver(recs).match("Acmeweii Device Co., Ltd.")
    assert got is not None and got.entity_id == "acme-device" and got.score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize("name", ["Huawai Technologies Co Ltd", "Huwaei Technologies Co Ltd"])
def test_vowel_slips_and_swaps_in_a_pinyin_name_stay_typos(name) -> None:
    """Only a consonant between two pinyin names tells two companies apart ("Huafei")."""
    assert similarity(name, "Huawei Technologies Co., Ltd.") >= DEFAULT_THRESHOLD
