"""normalise(): documented examples plus hypothesis properties (idempotent, total, non-empty)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bomscan.resolve import normalise


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("HANGZHOU HIKVISION DIGITAL TECH CO LTD", "hikvision digital technology"),
        ("Hikvision (USA) Inc.", "hikvision"),
        ("杭州海康威视数字技术股份有限公司", "海康威视 digital technology"),
        ("浙江大华技术股份有限公司", "大华 technology"),
        ("Volkswagen Gesellschaft mit beschränkter Haftung", "volkswagen"),
        ("FABERLIC EUROPE Sp. z o.o.", "faberlic"),
        ("Société Générale S.A.", "societe generale"),
        ("AT&T Inc.", "at and t"),
        ("Bank of China (Hong Kong) Limited", "bank of china"),
        ("China Mobile International USA Inc.", "china mobile international"),
        ("Digital Technology Co., Ltd.", "digital technology"),
        ("Hangzhou Technology Co", "hangzhou technology"),
        ("Brigade Forty-Four", "brigade 44"),
        (
            "Gui\x92an New District Huawei Investment Co., Ltd.",
            "guian new district huawei investment",
        ),
    ],
)
def test_examples(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def has_content(s: str) -> bool:
    return any(c.isalnum() for c in s)


NAMEISH = st.lists(
    st.sampled_from(
        "co ltd co., ltd. gmbh s.p.a. inc & and the of hangzhou 杭州 浙江 有限公司 股份有限公司 "
        "(usa) (hk) europe technology digital electronics group international hikvision "
        "大华 银行 hua wei zte 1st forty four ii - . , ' ( ) a b c".split()
    ),
    max_size=8,
).map(" ".join)
TEXT = st.one_of(st.text(max_size=40), NAMEISH)


@settings(derandomize=True, max_examples=200)
@given(TEXT)
def test_never_raises_and_idempotent(s: str) -> None:
    once = normalise(s)
    assert isinstance(once, str)
    assert normalise(once) == once


@settings(derandomize=True, max_examples=200)
@given(TEXT)
def test_non_empty_for_names_with_content(s: str) -> None:
    out = normalise(s)
    if has_content(s):
        assert out, repr(s)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ACME\tWIDGETS\x07 CO", "acme widgets"),  # ASCII fast path still strips controls
        ("Int'l Rectifier `Corp`", "international rectifier"),
        ("A.B.C. Trading (Shenzhen) Co.", "abc trading"),
        ("Ｈｉｋｖｉｓｉｏｎ （ＵＳＡ）", "hikvision"),  # full-width takes the Unicode path
        ("Société Générale", "societe generale"),
    ],
)
def test_ascii_and_unicode_paths_agree_on_examples(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_phrase_kind_table_matches_the_tables() -> None:
    """The tagging loops look phrase kinds up in one dict; it must answer as the ordered
    membership tests do, for every phrase of every table."""
    import importlib

    nm = importlib.import_module("bomscan.resolve.normalise")  # the module, not the function
    phrases = {*nm.LEGAL, *nm.REGIONS, *nm.CN_PLACES, *nm.GENERIC, "hikvision", "", "of"}
    for p in phrases:
        assert nm._PHRASE_KIND.get(p) == nm._phrase_kind(p), p
