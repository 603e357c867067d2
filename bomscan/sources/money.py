"""Amounts as finance exports write them, parsed column-wise in polars (no per-row Python).

Accepted: ``1234.56``, ``$1,234.56``, ``1.234,56`` (decimal comma), ``1 234,56``, ``1'234.56``,
``(1,234.56)`` and ``1,234.56-`` / ``-1,234.56`` / ``1,234.56 CR`` (credits: negative), with a
currency symbol or ISO code before or after. The decimal convention is decided once per file
(column) from the values that are unambiguous (``1,5``, ``1.234,56`` vs ``1.5``, ``1,234.56``), or
forced with ``--decimal``. A value that still does not parse becomes null and the row is kept and
reported as "amount not parsed", never dropped.
"""

from __future__ import annotations

import polars as pl

SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₩": "KRW",
    "₹": "INR",
    "CHF": "CHF",
    "元": "CNY",
    "RMB": "CNY",
    "￥": "CNY",
}

_COMMA_DECIMAL = r"^[^0-9]*\d{1,3}(?:[.\s' ]\d{3})*,\d{1,2}(?:[^0-9]*)$|^[^0-9]*\d+,\d{1,2}[^0-9]*$"
_DOT_DECIMAL = r"^[^0-9]*\d{1,3}(?:[,\s' ]\d{3})*\.\d{1,2}(?:[^0-9]*)$|^[^0-9]*\d+\.\d{1,2}[^0-9]*$"


def detect_decimal(sample: pl.Series) -> str:
    """'dot' or 'comma': the convention most unambiguous sample values follow (default dot)."""
    s = sample.drop_nulls().cast(pl.String).str.strip_chars()
    if s.len() == 0:
        return "dot"
    comma = int(s.str.contains(_COMMA_DECIMAL).sum() or 0)
    dot = int(s.str.contains(_DOT_DECIMAL).sum() or 0)
    return "comma" if comma > dot else "dot"


def amount_expr(col: str, decimal: str = "dot") -> pl.Expr:
    """Parse a string column of amounts into Float64 (null where it cannot be parsed)."""
    s = pl.col(col).cast(pl.String).str.strip_chars()
    negative = (
        (s.str.starts_with("(") & s.str.ends_with(")"))
        | s.str.contains(r"^[^0-9]*-")
        | s.str.contains(r"\d\s*-$")
        | s.str.contains(r"(?i)\d\s*(CR|Cr)\.?$")
    )
    body = s.str.replace_all(r"(?i)\s*CR\.?$", "")
    # keep digits and separators only
    digits = body.str.replace_all(r"[^0-9.,]", "")
    if decimal == "comma":
        number = digits.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    else:
        number = digits.str.replace_all(",", "", literal=True)
    # reject leftovers such as "1.2.3" or "" that are not a number, and text with no digits
    valid = number.str.contains(r"^\d+(\.\d+)?$|^\.\d+$") & ~s.str.contains(r"[A-Za-z]{4,}")
    value = pl.when(valid).then(number.cast(pl.Float64, strict=False)).otherwise(None)
    return pl.when(negative).then(-value).otherwise(value)


def currency_in_amount_expr(col: str) -> pl.Expr:
    """The ISO code or symbol written inside an amount cell (``EUR 1.200,00``, ``$5``), or null."""
    s = pl.col(col).cast(pl.String)
    code = s.str.extract(r"\b([A-Z]{3})\b", 1)
    expr = code
    for sym, iso in SYMBOLS.items():
        if len(sym) == 3 and sym.isalpha():
            continue
        expr = (
            pl.when(expr.is_null() & s.str.contains(sym, literal=True))
            .then(pl.lit(iso))
            .otherwise(expr)
        )
    return expr
