"""CycloneDX conformance over the whole shared corpus (``../shared/conformance/cyclonedx``).

Every ``valid-*`` spec fixture (1.0 to 1.7, JSON and XML), the bom-examples and the
cyclonedx-python-lib files are read without error, and the number of components bomscan read
equals a count computed here independently (bottom-up from the raw document, not with the
readers' walk). Every ``invalid-*`` fixture is either read with a warning naming the problem or
refused with a one-line :class:`InputError`; with ``--strict`` every invalid one is refused and
every valid one passes. The 2.0 draft is read leniently with a warning, and refused by
``--strict`` (no released schema). Readers run in-process; a handful of checks go through the CLI.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import orjson
import polars as pl
import pytest
from lxml import etree

from bomscan.errors import InputError
from bomscan.sources import read_input

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cyclonedx"
if not CORPUS.is_dir():  # pragma: no cover - CI always has ../shared
    pytest.skip(f"shared CycloneDX corpus not found at {CORPUS}", allow_module_level=True)

DOCS = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".json", ".xml") and p.is_file())
SPEC_1X = [p for p in DOCS if p.parent.parent.name == "spec" and p.parent.name.startswith("1.")]
DRAFT = [p for p in DOCS if p.parent.name == "2.0-draft"]
VALID_1X = [p for p in SPEC_1X if p.name.startswith("valid-")]
INVALID_1X = [p for p in SPEC_1X if p.name.startswith("invalid-")]
OTHER = [p for p in DOCS if p not in SPEC_1X and p not in DRAFT]  # examples, python-lib, cli


def _id(p: Path) -> str:
    return str(p.relative_to(CORPUS))


def _collect(result) -> pl.DataFrame:
    lines = result.lines
    return lines.collect() if isinstance(lines, pl.LazyFrame) else lines


def _read_ok(path: Path, **kw):
    result = read_input(str(path), **kw)
    lines = _collect(result)
    # exactly one primary row per item, so spend and counts agree
    assert lines.filter(pl.col("primary")).height == result.items_read
    return result, lines


# --- the independent count -----------------------------------------------------------------
# A component bomscan reads is a component object/element whose chain of containers up to the
# document root is  components/component/components/.../(components | metadata.component).
# Components elsewhere (pedigree ancestors, formulation, metadata.tools) are not parts of the
# product and are not counted. metadata.component (the product itself) counts only when someone
# is named as its maker, supplier, publisher or author (at component or metadata level); when
# metadata names a manufacture/supplier but has no component, bomscan adds one item for the
# product (documented in docs/inputs.md).

_JSON_PART = re.compile(r"^(metadata\.component|components\[\])(\.components\[\])*$")


def expected_json(doc) -> int:
    n = 0
    stack = [(doc, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            if path and _JSON_PART.match(path):
                n += 1
            for k, v in node.items():
                stack.append((v, f"{path}.{k}" if path else k))
        elif isinstance(node, list):
            for v in node:
                stack.append((v, path + "[]"))
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    if not isinstance(meta, dict):
        return n
    product = meta.get("component")
    makers = any(_named(meta.get(k)) for k in ("manufacture", "supplier"))
    if not isinstance(product, dict):
        return n + makers
    # the product is a line only when a maker, supplier, publisher or author is named
    return n - (not makers and not _component_names_anyone(product))


def _named(org) -> bool:
    return isinstance(org, dict) and isinstance(org.get("name"), str) and bool(org["name"].strip())


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _component_names_anyone(comp: dict) -> bool:
    authors = comp.get("authors")
    return (
        _named(comp.get("supplier"))
        or _named(comp.get("manufacturer"))
        or _text(comp.get("publisher"))
        or _text(comp.get("author"))
        or (isinstance(authors, list) and any(_named(a) for a in authors))
    )


def expected_xml(data: bytes) -> int:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    ns = root.tag[1 : root.tag.index("}")] if root.tag.startswith("{") else ""

    def q(local: str) -> str:
        return f"{{{ns}}}{local}" if ns else local

    n = 0
    for el in root.iter(q("component")):
        node, ok = el, False
        while True:
            parent = node.getparent()
            if parent is None:
                break
            if parent.tag == q("metadata") and node.tag == q("component"):
                ok = parent.getparent() is root
                break
            if parent.tag != q("components") or node.tag != q("component"):
                break
            grand = parent.getparent()
            if grand is root:
                ok = True
                break
            if grand is None or grand.tag != q("component"):
                break
            node = grand
        n += ok
    meta = root.find(q("metadata"))
    if meta is None:
        return n
    makers = any(
        _xml_text(meta.find(f"{q(tag)}/{q('name')}")) for tag in ("manufacture", "supplier")
    )
    product = meta.find(q("component"))
    if product is None:
        return n + makers
    named = any(
        _xml_text(product.find(p))
        for p in (
            f"{q('supplier')}/{q('name')}",
            f"{q('manufacturer')}/{q('name')}",
            q("publisher"),
            q("author"),
            f"{q('authors')}/{q('author')}/{q('name')}",
        )
    )
    return n - (not makers and not named)


def _xml_text(el) -> bool:
    return el is not None and bool((el.text or "").strip())


def expected_count(path: Path) -> int:
    data = path.read_bytes()
    if path.suffix == ".json":
        return expected_json(orjson.loads(data.removeprefix(b"\xef\xbb\xbf")))
    return expected_xml(data)


# --- valid documents -------------------------------------------------------------------------


# Real-world files in the corpus that are not schema-valid (found by this test): read leniently
# with a warning, refused by --strict.
SCHEMA_INVALID = {
    "cyclonedx-cli-csv/bom-1.2.xml": "The attribute 'type' is required but missing",
}


@pytest.mark.parametrize("path", VALID_1X + OTHER, ids=_id)
def test_valid_documents_read_and_count(path):
    result, _ = _read_ok(path)
    assert result.items_read == expected_count(path)
    problems = [w for w in result.warnings if "does not conform" in w]
    if _id(path) in SCHEMA_INVALID:
        assert len(problems) == 1 and SCHEMA_INVALID[_id(path)] in problems[0]
    else:
        assert not problems


@pytest.mark.parametrize("path", VALID_1X + OTHER, ids=_id)
def test_valid_documents_pass_strict(path):
    if _id(path) in SCHEMA_INVALID:
        with pytest.raises(InputError, match=re.escape(SCHEMA_INVALID[_id(path)])):
            read_input(str(path), strict=True)
        return
    result, _ = _read_ok(path, strict=True)
    assert result.items_read == expected_count(path)


def test_corpus_is_complete():
    """The parametrization really covers the corpus (a glob typo must not make this vacuous)."""
    assert len(VALID_1X) == 464
    assert len(INVALID_1X) == 306
    assert len(DRAFT) == 44
    assert len(OTHER) >= 100
    assert sum(expected_count(p) for p in VALID_1X) > 500


# --- invalid documents -----------------------------------------------------------------------


@pytest.mark.parametrize("path", INVALID_1X, ids=_id)
def test_invalid_documents_warn_or_fail_in_one_line(path):
    try:
        result = read_input(str(path))
    except InputError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    _collect(result)
    named = [w for w in result.warnings if str(path) in w]
    assert named, "an invalid document read leniently must say what is wrong with it"
    assert any(
        key in w
        for w in named
        for key in ("does not conform", "namespace", "specVersion", "bomFormat")
    )


@pytest.mark.parametrize("path", INVALID_1X, ids=_id)
def test_invalid_documents_fail_strict(path):
    with pytest.raises(InputError) as info:
        read_input(str(path), strict=True)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(str(path))


# --- the 2.0 draft ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", DRAFT, ids=_id)
def test_draft_2_0_read_leniently_with_warning(path):
    result, _ = _read_ok(path)
    assert result.items_read == expected_count(path)
    assert any("draft" in w and str(path) in w for w in result.warnings)


@pytest.mark.parametrize("path", DRAFT[:3], ids=_id)
def test_draft_2_0_refused_by_strict(path):
    with pytest.raises(InputError, match="draft"):
        read_input(str(path), strict=True)


# --- what is read, on known documents --------------------------------------------------------


def test_hbom_example_makers_come_from_supplier():
    path = CORPUS / "bom-examples/HBOM/PCIe-SATA-adapter-board/bom.json"
    result, lines = _read_ok(path)
    devices = lines.filter(pl.col("field") == "supplier")
    assert devices.height == 6
    assert {"Samtec", "Molex"} <= set(devices["name"].to_list())
    assert devices["quantity"].null_count() == 0  # cdx:device:quantity read


def test_metadata_manufacturer_is_not_the_product_maker():
    """``metadata.manufacturer`` (1.6+) made the BOM file; it is never screened."""
    path = CORPUS / "spec/1.6/valid-metadata-manufacturer-1.6.json"
    doc = orjson.loads(path.read_bytes())
    bom_maker = doc["metadata"]["manufacturer"]["name"]
    _, lines = _read_ok(path)
    assert bom_maker not in lines["name"].drop_nulls().to_list()


def test_deprecated_metadata_manufacture_names_the_product():
    path = CORPUS / "spec/1.5/valid-metadata-manufacture-1.5.json"
    doc = orjson.loads(path.read_bytes())
    _, lines = _read_ok(path)
    assert doc["metadata"]["manufacture"]["name"] in lines["name"].to_list()


def test_supplier_and_manufacturer_both_screened():
    _, lines = _read_ok(CORPUS / "spec/1.6/valid-bom-1.6.json")
    fields = lines.group_by("item").agg(pl.col("field"))["field"].to_list()
    assert any({"supplier", "manufacturer"} <= set(f) for f in fields)


def test_xml_extension_elements_are_not_components():
    """``valid-external-elements`` carries foreign-namespace elements; they are not parts."""
    path = CORPUS / "spec/1.6/valid-external-elements-1.6.xml"
    result, _ = _read_ok(path)
    assert result.items_read == expected_count(path)


def test_json_and_xml_twins_agree():
    base = CORPUS / "bom-examples/SBOM/keycloak-10.0.2"
    js, jl = _read_ok(base / "bom.json")
    xs, xl = _read_ok(base / "bom.xml")
    assert js.items_read == xs.items_read == 903  # metadata.component names no maker: no line
    assert sorted(jl["name"].drop_nulls().to_list()) == sorted(xl["name"].drop_nulls().to_list())


# --- the cyclonedx-cli CSV layout ------------------------------------------------------------

CLI_CSV = sorted((CORPUS / "cyclonedx-cli-csv").glob("*.csv"))


@pytest.mark.parametrize("path", CLI_CSV, ids=_id)
def test_cyclonedx_cli_csv_reads_or_fails_in_one_line(path):
    """Each CSV either reads every record (as many as csv.reader finds) or is refused in one line
    (two files have no supplier/author/publisher column at all: nothing to screen)."""
    try:
        lines = _collect(read_input(str(path)))
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    with open(path, encoding="utf-8-sig", newline="") as fh:
        records = [r for r in csv.reader(fh) if any(c.strip() for c in r)]
    assert lines.filter(pl.col("primary")).height == len(records) - 1


# --- through the CLI (a few subprocesses) ----------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bomscan", "report", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_strict_json_violation_names_file_and_json_path():
    path = CORPUS / "spec/1.6/invalid-component-type-1.6.json"
    proc = _cli(str(path), "--strict", "-f", "json")
    assert proc.returncode == 3
    assert proc.stdout == ""
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1
    assert str(path) in err[0] and "$.components[0].type" in err[0] and "foo" in err[0]


def test_cli_strict_xml_violation_names_file_and_line():
    path = CORPUS / "spec/1.6/invalid-component-type-1.6.xml"
    proc = _cli(str(path), "--strict", "-f", "json")
    assert proc.returncode == 3
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and f"{path}:4:" in err[0] and "foo" in err[0]


def test_cli_lenient_invalid_warns_and_reports():
    path = CORPUS / "spec/1.6/invalid-component-type-1.6.json"
    proc = _cli(str(path), "-f", "json", "--as-of", "2026-01-01")
    assert proc.returncode == 0
    assert "does not conform to the CycloneDX 1.6 JSON schema" in proc.stderr
    assert "$.components[0].type" in proc.stderr
    report = orjson.loads(proc.stdout)
    assert report["summary"]["lines_read"] == expected_count(path)


def test_cli_strict_valid_passes():
    path = CORPUS / "bom-examples/HBOM/PCIe-SATA-adapter-board/bom.json"
    proc = _cli(str(path), "--strict", "-f", "json", "--as-of", "2026-01-01")
    assert proc.returncode == 0, proc.stderr
    assert orjson.loads(proc.stdout)["summary"]["lines_read"] == expected_count(path)


@pytest.mark.parametrize("maker", [None, {"name": "Hangzhou Hikvision Digital Technology"}])
def test_the_product_is_a_line_only_when_its_maker_is_named(tmp_path, maker):
    """An SBOM's product with no maker reads as its components alone (and is still named as the
    product); a device whose manufacturer is named is a line, so that maker is screened."""
    product = {"type": "device", "name": "camera"}
    if maker:
        product["manufacturer"] = maker
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": product},
        "components": [{"type": "library", "name": "a"}, {"type": "library", "name": "b"}],
    }
    path = tmp_path / "bom.cdx.json"
    path.write_bytes(orjson.dumps(doc))
    result, lines = _read_ok(path)
    assert result.meta.product == "camera"
    assert result.items_read == (3 if maker else 2)
    assert lines["name"].drop_nulls().to_list() == ([maker["name"]] if maker else [])
