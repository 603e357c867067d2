"""Property-based tests (hypothesis) for amount parsing and for the input readers.

Deterministic: ``derandomize=True`` plus a fixed ``@seed``, no example database, so CI runs the
same examples every time; the example budgets keep the whole module to a few seconds.
Name normalisation properties live with the resolver's tests.
"""

from __future__ import annotations

import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import orjson
import polars as pl
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from lxml import etree

from bomscan.errors import InputError
from bomscan.sources import read_input
from bomscan.sources.money import amount_expr, currency_in_amount_expr

SEED = 20260801
FAST = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- amounts ---------------------------------------------------------------------------------

amounts = st.decimals(
    min_value=Decimal("-999999999999.99"),
    max_value=Decimal("999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


def _conventions(value: Decimal) -> dict[str, list[str]]:
    """``value`` written the ways finance exports write it, per decimal convention."""
    neg = value < 0
    mag = abs(value)
    plain = f"{mag:.2f}"  # 1234.56
    grouped = f"{mag:,.2f}"  # 1,234.56
    comma = grouped.replace(",", "_").replace(".", ",").replace("_", ".")  # 1.234,56
    dot_forms = [plain, grouped, "$" + grouped, grouped + " USD", grouped.replace(",", "'")]
    comma_forms = [
        plain.replace(".", ","),
        comma,
        comma.replace(".", " "),
        comma.replace(".", "\u00a0"),
        "EUR " + comma,
        comma + " €",
    ]

    def signed(forms: list[str]) -> list[str]:
        if not neg:
            return forms
        bare = forms[:2]  # credit notations on the bare number; a leading minus on all forms
        return [f"-{f}" for f in forms] + [x for f in bare for x in (f"({f})", f + "-", f + " CR")]

    return {"dot": signed(dot_forms), "comma": signed(comma_forms)}


@seed(SEED)
@FAST
@given(amounts)
def test_amount_written_in_any_supported_convention_parses_back(value):
    expected = float(value)
    for decimal, texts in _conventions(value).items():
        got = pl.DataFrame({"a": texts}).select(amount_expr("a", decimal))["a"].to_list()
        for text, parsed in zip(texts, got, strict=True):
            assert parsed == pytest.approx(expected, rel=1e-12, abs=1e-9), (decimal, text)


@seed(SEED)
@FAST
@given(st.lists(st.one_of(st.text(max_size=30), st.none()), max_size=40))
def test_amount_parsing_never_raises(texts):
    frame = pl.DataFrame({"a": texts}, schema={"a": pl.String})
    for decimal in ("dot", "comma"):
        out = frame.select(amount_expr("a", decimal).alias("amount"))
        assert out.height == len(texts)
        assert out.schema["amount"] == pl.Float64
        assert out["amount"].null_count() >= frame["a"].null_count()  # null stays null


# currency_in_amount_expr costs about 1 s to plan per call (nested when/otherwise per symbol),
# so it gets few calls on large batches rather than many small ones.
@seed(SEED)
@settings(FAST, max_examples=4)
@given(st.lists(st.one_of(st.text(max_size=30), st.none()), min_size=100, max_size=400))
def test_currency_in_amount_never_raises(texts):
    frame = pl.DataFrame({"a": texts}, schema={"a": pl.String})
    out = frame.select(currency_in_amount_expr("a").alias("cur"))
    assert out.height == len(texts) and out.schema["cur"] == pl.String


# --- readers ----------------------------------------------------------------------------------

_DIR = Path(tempfile.mkdtemp(prefix="bomscan-props-"))


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    shutil.rmtree(_DIR, ignore_errors=True)


def read_only_input_errors(data: bytes, name: str) -> None:
    """Reading ``data`` as file ``name`` and collecting the lines raises nothing but InputError."""
    path = _DIR / name
    path.write_bytes(data)
    try:
        result = read_input(str(path))
        lines = result.lines
        lines = lines.collect() if isinstance(lines, pl.LazyFrame) else lines
    except InputError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    assert lines.filter(pl.col("primary")).height == (result.items_read or lines["item"].n_unique())


PREFIXES = [
    b"",
    b"{",
    b"[",
    b"<",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b'{"bomFormat":"CycloneDX","specVersion":"1.6","components":[',
    b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="device">',
    b"Supplier,Part,Amount\n",
    b"Vendor;Amount;Date\nAcme;1.234,56;2024-01-02\n",
]
noise = st.builds(lambda p, b: p + b, st.sampled_from(PREFIXES), st.binary(max_size=600))


@seed(SEED)
@settings(FAST, max_examples=80)
@given(noise, st.sampled_from(["in.json", "in.xml", "in.csv", "in.cdx.json", "in.txt"]))
def test_arbitrary_bytes_raise_only_input_error(data, name):
    read_only_input_errors(data, name)


# CycloneDX-shaped JSON with values of the wrong type in every place the walk looks at.
KEYS = [
    "bomFormat", "specVersion", "metadata", "component", "components", "manufacturer",
    "manufacture", "supplier", "publisher", "author", "authors", "name", "properties", "value",
    "bom-ref", "description", "specFormat",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["CycloneDX", "1.6", "2.0", "1.2", "Dahua", "cdx:device:quantity", "", " "]),
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=30,
)


@seed(SEED)
@FAST
@given(st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6))
def test_cyclonedx_shaped_json_raises_only_input_error(doc):
    doc.setdefault("bomFormat", "CycloneDX")
    read_only_input_errors(orjson.dumps(doc), "bom.json")


XML_TAGS = [
    "metadata", "component", "components", "manufacturer", "manufacture", "supplier",
    "publisher", "author", "authors", "name", "properties", "property", "description",
]  # fmt: skip
xml_trees = st.recursive(
    st.tuples(st.sampled_from(XML_TAGS), st.text(max_size=8), st.just([])),
    lambda inner: st.tuples(
        st.sampled_from(XML_TAGS), st.text(max_size=8), st.lists(inner, max_size=4)
    ),
    max_leaves=25,
)


def _to_xml(tree, ns: str) -> etree._Element:
    tag, text, children = tree
    el = etree.Element(f"{{{ns}}}{tag}")
    clean = "".join(ch for ch in text if ch.isprintable() and ch not in "\ud800\udfff")
    el.text = clean or None
    if tag == "property":
        el.set("name", "cdx:device:quantity")
    for child in children:
        el.append(_to_xml(child, ns))
    return el


@seed(SEED)
@FAST
@given(st.lists(xml_trees, max_size=4), st.sampled_from(["1.0", "1.4", "1.6", "1.7", "9.9"]))
def test_cyclonedx_shaped_xml_raises_only_input_error(children, version):
    ns = f"http://cyclonedx.org/schema/bom/{version}"
    root = etree.Element(f"{{{ns}}}bom", nsmap={None: ns})
    for tree in children:
        try:
            root.append(_to_xml(tree, ns))
        except ValueError:  # text lxml will not serialise (control characters)
            return
    read_only_input_errors(etree.tostring(root, xml_declaration=True, encoding="utf-8"), "b.xml")
