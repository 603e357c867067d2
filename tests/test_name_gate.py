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

DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data"

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
