"""Amount formats finance exports use: each parses to the right signed number, or is reported."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bomscan.sources import money

DOT = [
    ("1234.56", 1234.56),
    ("$1,234.56", 1234.56),
    ("(1,234.56)", -1234.56),
    ("-1,234.56", -1234.56),
    ("1,234.56-", -1234.56),
    ("1,234.56 CR", -1234.56),
    ("1'234.56", 1234.56),
    ("USD 1,234.56", 1234.56),
    ("1,234.56 EUR", 1234.56),
    ("€1,234.56", 1234.56),
    ("($1,234.56)", -1234.56),
    ("-$5", -5.0),
    ("1,234,567", 1234567.0),
    ("1,5", None),  # not a thousands group under the dot convention: not silently 15
    ("see attachment", None),
    ("nan", None),
]
COMMA = [
    ("1.234,56", 1234.56),
    ("1 234,56", 1234.56),
    ("1\u00a0234,56", 1234.56),
    ("(1.234,56)", -1234.56),
    ("1.234,56-", -1234.56),
    ("EUR 1.200,00", 1200.0),
    ("12,00 €", 12.0),
    ("1,5", 1.5),
]


def parse(values, decimal):
    lf = pl.DataFrame({"v": values}).lazy()
    return money.with_amount(lf, "v", decimal, None, "a", "c").collect()


@pytest.mark.parametrize("decimal,cases", [("dot", DOT), ("comma", COMMA)])
def test_amount_formats(decimal, cases):
    out = parse([v for v, _ in cases], decimal)
    for (raw, want), got in zip(cases, out["a"].to_list(), strict=True):
        assert got == (pytest.approx(want) if want is not None else None), raw


def test_currency_written_in_the_amount():
    out = parse(["$5", "US$5", "EUR 1,00", "1.00 GBP", "RMB 5", "5"], "dot")
    assert out["c"].to_list() == ["USD", "USD", "EUR", "GBP", "CNY", None]


def test_decimal_convention_is_detected_from_unambiguous_values():
    assert money.detect_decimal(pl.Series(["1.234,56", "12,50", "7"])) == "comma"
    assert money.detect_decimal(pl.Series(["1,234.56", "12.50", "7"])) == "dot"
    assert money.detect_decimal(pl.Series([1.5, 2.0])) == "dot"


AMOUNT_LIKE = st.from_regex(r"[($€-]?\d{1,4}([.,' ]\d{1,3}){0,3}[)-]?( CR)?", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(AMOUNT_LIKE, st.text(alphabet="0123456789.,' $€-()CRUSDE\u00a0", max_size=14)),
        max_size=8,
    )
)
def test_decimal_detection_shortcut_gives_the_witnesses_answer(values):
    # plain-number samples skip the witness regexes (no comma, fewer than two dots): the
    # answer must be the one the witnesses give, for any sample
    frame = pl.DataFrame({"v": pl.Series(values, dtype=pl.String)})
    assert money.detect_decimal(frame["v"]) == money._by_witnesses(frame)
