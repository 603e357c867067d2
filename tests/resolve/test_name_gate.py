"""The name gate (bomscan/resolve/gate.py) in front of the resolver.

What a user would notice if it were wrong: a vendor the resolver matches (even only in the
review band) silently vanishing from a ledger report because the gate screened it out. So the
main test is soundness: every name the resolver matches at the review threshold passes the
gate, over the labelled set, the nomenklatura names, every alias, and thousands of typo, case,
spacing, legal-form, place and region perturbations of them, for the shipped rules and for a
rule set built from real Consolidated Screening List rows. The second is that the gate does
its job on a ledger: generated vendor names that share no word with any alias are screened.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bomscan.resolve import REVIEW_THRESHOLD, Resolver
from bomscan.resolve import gate as gate_module
from bomscan.resolve.gate import NameGate
from bomscan.resolve.resolver import AliasRecord

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"

EXTRA = (
    "Inc Ltd Co., Ltd. GmbH S.p.A. (USA) (HK) Hong Kong United States Kingdom Arab Emirates "
    "New York South Korea Inner Mongolia Technology Tech Digital Electronics Group "
    "International Intl of the and & Bank Shenzhen Hangzhou Zhejiang Europe 1st forty two "
    "III Holdings Corp. L.L.C."
).split()


@pytest.fixture(scope="module")
def shipped() -> Resolver:
    from bomscan.rules import load_default_ruleset

    return Resolver(load_default_ruleset().alias_records())


@pytest.fixture(scope="module")
def csl(shared_dir) -> Resolver:
    """Aliases from real CSL rows (names and alternate names): another vocabulary entirely."""
    df = pl.read_csv(
        shared_dir / "samples" / "watchman" / "csl_2019_sample.csv", infer_schema=False
    )
    records = []
    for i, row in enumerate(df.select("name", "alt_names").iter_rows()):
        names = [row[0] or ""] + (row[1] or "").split(";")
        for n in names:
            if n.strip():
                records.append(AliasRecord(f"csl-{i}", n.strip()))
    return Resolver(records)


def _given_names() -> list[str]:
    names = [r["name"] for r in csv.DictReader((DATA / "labelled_vendors.csv").open())]
    for r in csv.DictReader((DATA / "nk_org_pairs.csv").open()):
        names += [r["name1"], r["name2"]]
    return names


def _perturbed(seeds: list[str], rng: random.Random) -> list[str]:
    """Every single-character typo at every position, case and spacing changes, and words
    added or dropped, of each seed name."""
    out: list[str] = []
    letters = "abcdefghijklmnopqrstuvwxyz"
    for a in seeds:
        out += [a, a.upper(), a.lower(), a.replace(" ", ""), a.replace(" ", "-")]
        for i in range(len(a)):
            out.append(a[:i] + a[i + 1 :])
            out.append(a[:i] + rng.choice(letters) + a[i:])
            out.append(a[:i] + rng.choice(letters) + a[i + 1 :])
            if i + 1 < len(a):
                out.append(a[:i] + a[i + 1] + a[i] + a[i + 2 :])
        words = a.split()
        for _ in range(12):
            w = words[:]
            for _ in range(rng.randint(1, 3)):
                w.insert(rng.randint(0, len(w)), rng.choice(EXTRA))
            out.append(" ".join(w))
            if len(words) > 1:
                k = rng.randrange(len(words))
                out.append(" ".join(words[:k] + words[k + 1 :]))
    return list(dict.fromkeys(out))


def _unsound(resolver: Resolver, names: list[str]) -> list[str]:
    """Names the resolver matches that the gate would screen out (both ways of asking)."""
    g = NameGate(resolver)
    assert g.enabled
    matched = {m.name for m in resolver.match_names(names, min_score=REVIEW_THRESHOLD)}
    assert matched, "the check needs names the resolver matches"
    one_by_one = [g.passes(n) for n in names]
    columnar = NameGate(resolver).mask(pl.Series(names, dtype=pl.String)).to_list()
    assert columnar == one_by_one  # the polars path decides exactly as the reference
    passed = {n for n, ok in zip(names, one_by_one, strict=True) if ok}
    return sorted(matched - passed)


def test_every_match_of_the_shipped_rules_passes_the_gate(shipped) -> None:
    rng = random.Random(7)
    given = _given_names()
    names = given + _perturbed([a.alias for a in shipped.aliases] + given[:150], rng)
    assert len(names) > 20_000
    assert _unsound(shipped, names) == []


def test_every_match_of_csl_rules_passes_the_gate(csl) -> None:
    rng = random.Random(11)
    names = _perturbed([a.alias for a in csl.aliases], rng)
    assert _unsound(csl, names) == []


_WORDS = st.sampled_from(
    [
        w
        for a in ("Hikvision Dahua Huawei ZTE Hytera SenseTime Megvii iFlytek EZVIZ".split())
        for w in (a,)
    ]
    + EXTRA
    + ["Hik", "Vision", "Hik-Vision", "Hikvison", "Da Hua", "Sense Time", "Pacific", "Networks"]
    + ["Global", "Supply", "123", "A.B.C.", "O'Neil", "(", ")", "-", "Electronic", "Systems"]
    + ["HuaweiTe", "HyteraCo", "NubiaTec", "HikvisionLt", "KasperskyLa", "LorexInc"]
)


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(_WORDS, min_size=1, max_size=6))
def test_gate_is_sound_on_generated_names(shipped, words) -> None:
    name = " ".join(words)
    matched = shipped.match_names([name], min_score=REVIEW_THRESHOLD)
    if matched:
        assert NameGate(shipped).passes(name), name


def test_ledger_vendors_without_a_shared_word_are_screened(shipped) -> None:
    rng = random.Random(3)
    first = "Global Northern Allied Precision Summit Apex Delta Harbor Metro Quantum".split()
    kind = "Supply Logistics Components Industrial Services Trading Packaging Plastics".split()
    forms = ["Inc", "LLC", "Ltd", "GmbH", "Co., Ltd.", "Corp", "S.A.", "BV", "Pty Ltd", "AB"]
    names = [f"{rng.choice(first)} {rng.choice(kind)} {i} {rng.choice(forms)}" for i in range(2000)]
    g = NameGate(shipped)
    assert g.screen(names) == []
    assert shipped.match_names(names, min_score=REVIEW_THRESHOLD) == []
    # a listed vendor among them still goes through
    assert g.screen(["Hikvision USA Inc", *names[:5]]) == ["Hikvision USA Inc"]


def test_gate_stands_aside_for_large_or_unindexed_rule_sets(shipped, monkeypatch) -> None:
    monkeypatch.setattr(gate_module, "MAX_KEY_CHARS", 10)
    big = NameGate(shipped)
    assert not big.enabled and big.screen(["Acme Tools"]) == ["Acme Tools"]
    unindexed = Resolver(shipped.aliases, indexed=False)
    assert NameGate(unindexed).screen(["Acme Tools"]) == ["Acme Tools"]


def test_non_ascii_names_always_pass(shipped) -> None:
    g = NameGate(shipped)
    assert g.passes("大华银行") and g.passes("Société Générale")


@pytest.fixture(scope="module")
def small() -> Resolver:
    return Resolver(
        [
            AliasRecord("e1", "Quartz Xenon Holdings"),
            AliasRecord("e2", "Hikvision Digital Technology Co., Ltd."),
            AliasRecord("e3", "Zeta Photonics GmbH"),
        ]
    )


def _odd_name(rng: random.Random, keys: list[str]) -> str:
    """A name made to need the tokeniser's rewrites: key fragments spelt as dotted
    initialisms or cut by apostrophes, ampersands, control characters and brackets, among
    legal forms, numbers and the words of region phrases."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    filler = ["Ltd", "LLC", "Co.,", "S.A.", "GmbH", "Inc", "and", "of", "United", "States", "New"]
    parts = []
    for _ in range(rng.randint(1, 4)):
        k = rng.random()
        if k < 0.35:
            frag = "".join(c for c in rng.choice(keys) if c in letters) or "q"
            i = rng.randrange(len(frag))
            frag = frag[i : i + rng.randint(1, 5)]
            sep = rng.choice([".", ".", "'", "`", "&", ". ", ".."])
            parts.append(sep.join(frag) + rng.choice(["", sep, "x", "1", ".z"]))
        elif k < 0.55:
            n = rng.randint(1, 5)
            parts.append(".".join(rng.choice(letters) for _ in range(n)) + rng.choice(["", "."]))
        elif k < 0.8:
            parts.append(rng.choice(filler))
        elif k < 0.9:
            parts.append(str(rng.randint(0, 9999)) + rng.choice(["", "th", "x"]))
        else:
            parts.append(rng.choice("()[]{}-,/&'`\t\x01") + rng.choice(filler))
    seps = [rng.choice([" ", " ", " ", "", "  ", ".", "(", ")"]) for _ in parts]
    name = "".join(p + s for p, s in zip(parts, seps, strict=True))
    return name.upper() if rng.random() < 0.2 else name


def test_column_form_follows_the_tokeniser_rewrites(small, shipped) -> None:
    """The column form re-does ``_tokens_of``'s rewrites natively, one space-separated piece at
    a time: names whose answer they decide, and thousands of generated ones, get the answer
    of ``passes``."""
    g = NameGate(small)
    decided = {
        "Q X Ltd": True,  # "q" and "x" are each part of an alias key...
        "Q.X. Ltd": False,  # ...but the tokeniser joins initialisms: "qx" is not
        "Z. Q. 55": True,
        "Z.Q. 55": False,
        "1q.x. Ltd": False,
        "Q'X Ltd": False,  # apostrophes dropped: "qx"
        "Q X' Ltd": True,
        "Q\x01X Ltd": True,  # a control character is a space
        "H.I.K. 7": True,  # "hik"
        "Xenonn 7": True,  # a key plus one character
        "Xenonnn 7": False,
        "United Steel 7": False,
        "United 7 (States)": True,  # a region that may form
        "States 7 (United)": True,  # the tagger's bracket words come after the name's own
        "Ltd & Co": True,  # nothing but legal forms and connectors
        "": True,
    }
    assert {n: g.passes(n) for n in decided} == decided
    for resolver, seed in ((small, 5), (shipped, 6)):
        g = NameGate(resolver)
        rng = random.Random(seed)
        keys = sorted(k for k in g._keys if k.isascii())
        names = list(decided) + [_odd_name(rng, keys) for _ in range(10_000)]
        got = g.mask(pl.Series(names, dtype=pl.String)).to_list()
        assert got == [g.passes(n) for n in names]
        assert 0.05 < got.count(False) / len(names) < 0.95  # both answers are exercised


def test_substring_search_equals_the_substring_set(shipped) -> None:
    """``_substrings`` (a binary search in the sorted key suffixes) against the set of every
    substring of every key, on words that are and are not substrings."""
    g = NameGate(shipped)
    keys = [k for k in g._keys if k.isascii()]
    subs = {k[i:j] for k in keys for i in range(len(k)) for j in range(i + 1, len(k) + 1)}
    rng = random.Random(9)
    words = {w for w in rng.sample(sorted(subs), 3000) if w.isalnum()}
    words |= {w + c for w in list(words)[:1000] for c in "qz7"}
    words |= {c + w for w in list(words)[:1000] for c in "aq"}
    words |= {"zzzz", "a", "0", "~"}
    got = set(g._substrings(pl.Series(sorted(words), dtype=pl.String)).to_list())
    assert got == words & subs
    assert got and words - subs
    assert all(g._word_may_hit(w) or w in gate_module._NEVER for w in got)
    assert g._substrings(pl.Series([], dtype=pl.String)).to_list() == []


def test_column_form_of_names_without_a_plain_word(small) -> None:
    g = NameGate(small)
    names = ["1234", "5678 9", "...", "-", "7th", "   ", "Ltd."]
    assert g.mask(pl.Series(names, dtype=pl.String)).to_list() == [g.passes(n) for n in names]
    assert g.mask(pl.Series([], dtype=pl.String)).to_list() == []


# -- weak aliases: reached only by equality ----------------------------------------------------

WEAK = [
    "Pacific Networks Corp",
    "ComNet (USA) LLC",
    "HYT",
    "Forty Two Labs",  # a normal form without an anchor: "42 laboratories"
    "United States Steel",  # "usa steel": "usa" comes from "united states"
    "Asia Pacific Trading",
    "Bank of China",
    "A.B.C. Holdings",
    "O'Neil & Sons",
    "The Kowloon Harbour Co (HK)",
    "Sino 1st Electric",
    "Nordic Semi AB",
]


@pytest.fixture(scope="module")
def weak_only() -> Resolver:
    """Weak aliases only, plus one ordinary alias: the substring test has next to nothing to
    find, so a weak alias's matches pass only through the weak test."""
    return Resolver(
        [AliasRecord(f"w{i}", a, True) for i, a in enumerate(WEAK)]
        + [AliasRecord("z", "Zeta Photonics GmbH")]
    )


def _weak_variants(alias: str) -> list[str]:
    """What a ledger does to a name: case, punctuation, spacing, legal forms, places and
    regions, leading "the", trailing connectors, misspelt or cut generic words and legal
    forms, number words."""
    out = [alias, alias.upper(), alias.lower(), f"  {alias}  ", alias.replace(" ", "  ")]
    out += [alias.replace(" ", sep) for sep in ("-", ", ", ".", "_", "/")]
    out += [alias + tail for tail in (" Inc", " Co., Ltd.", " (USA)", " (HK)", " LLC", ".")]
    out += [alias + tail for tail in (" Hangzhou", " Europe", " of", " and", " Co Lt", " Corpo")]
    out += [f"The {alias}", f"{alias} Ltd (Shenzhen)", f"Hangzhou {alias}", f"{alias} 2nd"]
    out += [
        "Pacific Networking Co., Ltd.",
        "PACIFIC NETWORKS CORPORATION",
        "Pacific Netwroks",
        "Pacific Netwrks Inc",
        "Forty 2 Labs",
        "forty-two laboratories GmbH",
        "42 Labs",
        "United States Steel Corp",
        "Sino First Electrical",
        "ABC Holdings Ltd",
        "A. B. C. Holdings",
        "ONeil and Sons",
    ]
    return out


def test_weak_aliases_have_no_index_keys_and_are_never_scored(weak_only, shipped) -> None:
    """The premise of the weak test: the resolver reaches a weak alias only by its exact key
    or its normal form (see the gate's module text)."""
    for r in (weak_only, shipped):
        weak = {i for i, a in enumerate(r.aliases) if a.weak}
        assert weak
        posted = {i for ids in r._index.values() for i in ([ids] if isinstance(ids, int) else ids)}
        assert not weak & posted and not weak & set(r._fuzzy_ids)


def test_every_match_of_a_weak_alias_passes_the_weak_test(weak_only, shipped) -> None:
    """Every name the resolver matches to a weak alias passes the weak test on its own (not
    only the gate as a whole), and the column form decides as ``passes``."""
    from bomscan.resolve.normalise import pre_tokens

    rng = random.Random(17)
    for resolver in (weak_only, shipped):
        weak = [a.alias for a in resolver.aliases if a.weak]
        seeds = [v for a in weak for v in _weak_variants(a)]
        words = [w for a in seeds for w in a.split()] + EXTRA
        made = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(4000)]
        names = list(dict.fromkeys(seeds + _perturbed(seeds[:400], rng) + made))
        g = NameGate(resolver)
        got = [
            m.name
            for m in resolver.match_names(names, min_score=REVIEW_THRESHOLD)
            if m.alias in weak and m.method in ("exact", "normalised")
        ]
        assert len(got) > 150
        assert [n for n in got if not g._weak_may_equal(pre_tokens(n))] == []
        assert _unsound(resolver, names) == []
        by_name = [g.passes(n) for n in names]
        assert 0.05 < by_name.count(False) / len(names) < 0.95


def test_names_sharing_only_a_weak_alias_word_are_screened(shipped) -> None:
    """ "Pacific Networks Corp" is weak: a vendor that only shares "Pacific" (and generic words
    or legal forms) cannot equal it, so it does not reach the resolver."""
    rng = random.Random(5)
    kind = "Supply Trading Controls Services Electronics Metals Packaging Partners".split()
    forms = ["BV", "GmbH", "Corp", "AB", "Pty Ltd", "LLC", "Inc"]
    names = [
        f"{rng.choice(['', 'Global ', 'The '])}Pacific {rng.choice(kind)} {i} {rng.choice(forms)}"
        for i in range(10, 1010)  # one digit may join a number word: "forty 2"
    ]
    names += ["Pacific Supply", "Pacific Logistics Inc", "Trans-Pacific Freight", "Pacific Rim Ltd"]
    g = NameGate(shipped)
    assert shipped.match_names(names, min_score=REVIEW_THRESHOLD) == []
    assert g.screen(names) == []
    # ...while the alias itself, spelt as ledgers spell it, still goes through
    listed = ["Pacific Networks Corp (USA)", "PACIFIC NETWORKING CO LTD", "Pacific Netwrks"]
    assert g.screen(names[:3] + listed) == listed
    assert {m.name for m in shipped.match_names(listed)} == set(listed)


def test_vanishing_words_cover_thefuzzy_generic_test() -> None:
    """``_vanishes`` holds for every word ``normalise.fuzzy_generic`` may rewrite: generic
    words and legal forms, their prefixes, and every one-edit variant of the generic words."""
    from bomscan.resolve.normalise import GENERIC_LATIN, LEGAL_LATIN, fuzzy_generic

    words: set[str] = set()
    for g in (*GENERIC_LATIN, *LEGAL_LATIN):
        words.update(g[:i] for i in range(3, len(g) + 1))
        words.update(g[:i] + g[i + 1 :] for i in range(len(g)))
        words.update(g[:i] + g[i + 1] + g[i] + g[i + 2 :] for i in range(len(g) - 1))
        words.update(
            g[:i] + c + g[i + j :] for i in range(len(g)) for c in "aeioqz" for j in (0, 1)
        )
    fuzzy = {w for w in words if fuzzy_generic(w, True)}
    assert len(fuzzy) > 2000
    assert sorted(w for w in fuzzy if not gate_module._vanishes(w)) == []


def test_weak_test_needs_an_anchor_and_nothing_else(weak_only) -> None:
    """A name passes the weak test only with a source of every anchor of a target ("steel"
    alone is not "usa steel") and no word that is neither the target's nor may vanish."""
    g = NameGate(weak_only)
    screened = ["Steel Corp", "States Steel", "Sons Holdings", "Harbour Co", "Steel Netwroks"]
    screened += ["Pacific Supply 17", "Pacific Networks Corp 17", "HYT Supply", "Comnet Steel"]
    assert weak_only.match_names(screened, min_score=REVIEW_THRESHOLD) == []
    assert [n for n in screened if g.passes(n)] == []
    assert g.mask(pl.Series(screened, dtype=pl.String)).to_list() == [False] * len(screened)


# -- aliases of generic words only: reached only by equality too -------------------------------

GENERIC_ONLY = [
    "Group Technology",
    "Global Electronics Trading",
    "Digital Systems International",
    "Tech Solutions",
    "Global Networks Inc",
    "Semiconductor Group",
]


@pytest.fixture(scope="module")
def generic_only() -> Resolver:
    """A user's rule set with aliases (not marked weak) that have no distinctive token."""
    return Resolver(
        [AliasRecord(f"g{i}", a) for i, a in enumerate(GENERIC_ONLY)]
        + [AliasRecord("z", "Zeta Photonics GmbH")]
    )


def test_aliases_without_a_distinctive_token_are_reached_only_by_equality(generic_only) -> None:
    """The premise of treating them as weak ones: no index keys, and no fuzzy candidate
    (indexed or not); and the gate knows them as such."""
    for r in (generic_only, Resolver(generic_only.aliases, indexed=False)):
        bare = {i for i, p in enumerate(r._parsed) if not p.distinctive}
        assert len(bare) == len(GENERIC_ONLY)
        posted = {i for ids in r._index.values() for i in ([ids] if isinstance(ids, int) else ids)}
        assert not bare & posted and not bare & set(r._fuzzy_ids)
        assert posted <= set(r._fuzzy_ids)  # the gate takes the rest as reached by equality
    g = NameGate(generic_only)
    assert "group technology" not in g._keys
    assert (frozenset({"group", "technology"}), False) in {(t[0], t[1]) for t in g._targets}


def test_every_match_of_a_generic_only_alias_passes_the_gate(generic_only) -> None:
    """A misspelt generic word ("Techology") is normalised to its canon, so the name equals
    the alias's normal form while sharing no key substring with it."""
    from bomscan.resolve.normalise import pre_tokens

    g = NameGate(generic_only)
    typo = ["Group Techology", "GROUP TECHOLOGY CO LTD", "Global Elecronics Trading Inc"]
    assert {m.name for m in generic_only.match_names(typo)} == set(typo)
    assert [n for n in typo if not g.passes(n)] == []
    rng = random.Random(23)
    seeds = [v for a in GENERIC_ONLY for v in _weak_variants(a)]
    words = [w for a in seeds for w in a.split()] + EXTRA
    made = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
    names = list(dict.fromkeys(seeds + _perturbed(seeds, rng) + made))
    got = [
        m.name
        for m in generic_only.match_names(names, min_score=REVIEW_THRESHOLD)
        if m.alias in GENERIC_ONLY
    ]
    assert len(got) > 150
    assert [n for n in got if not g._weak_may_equal(pre_tokens(n))] == []
    assert _unsound(generic_only, names) == []
    # ...and the screen still works: a name with a word none of them has is left out
    screened = ["Group Supply 17", "Global Logistics 4711 BV", "Tech Harbour Solutions"]
    assert generic_only.match_names(screened, min_score=REVIEW_THRESHOLD) == []
    assert [n for n in screened if g.passes(n)] == []


def test_names_run_together_with_a_cut_word_pass_in_both_forms(shipped) -> None:
    """The short name "HuaweiTe" (an IEEE registry entry) is Huawei to the resolver, so the gate lets it
    through, in its column form exactly as one name at a time."""
    gate = NameGate(shipped)
    names = ["HuaweiTe", "HYTERACO LTD", "NubiaTec", "Acme HikvisionCo", "Zorblax Tec", "Grobnik"]
    want = [True, True, True, True, False, False]
    assert [gate.passes(n) for n in names] == want
    assert gate.mask(pl.Series(names)).to_list() == want
    assert all(shipped.match(n) for n, w in zip(names, want, strict=True) if w)
