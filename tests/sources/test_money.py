"""Amount formats finance exports use: each parses to the right signed number, or is reported."""

from __future__ import annotations

import polars as pl
import pytest

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
