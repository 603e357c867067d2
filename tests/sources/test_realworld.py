"""bomscan on the 38 third-party files of ``tests/fixtures/realworld/``, read as a user reads them.

Every statement below comes from ``tests/fixtures/realworld/EXPECTED.md`` (what a careful person
concludes from each file: BOM or ledger, header row, which columns name organisations, which hold
maker's or distributor's part numbers, quantity, money and dates, which numeric-looking columns are
NOT money, row counts and independently computed totals). Each file runs once through
``bomscan -q report FILE -f json --as-of 2025-01-01``; the test checks what the JSON report says:
``inputs[0].kind`` and ``.meta`` (header line/row, encoding, column roles, money column, date
format) and ``summary`` (lines, names screened, totals per currency, credits, ``unscreened``).

Some statements are checked through behaviour rather than a field: the dates a file holds through
``--from``/``--to`` (the stated first and last date keep every line, one day less skips some), and
how a name was read through a finding against a one-entity rules directory written by the test.

Where bomscan disagrees with EXPECTED.md the assertion is not weakened: it sits in its own test
marked ``xfail(strict=True)`` whose reason says what is wrong, so the gap stays visible and a fix
shows up as XPASS.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
from pathlib import Path

import pytest

from tests.conftest import REPO

RW = REPO / "tests" / "fixtures" / "realworld"
AS_OF = "2025-01-01"

# ISO 4217 codes as the project keeps them (generated from the iso-codes database)
_CURRENCIES_TSV = REPO / "bomscan" / "sources" / "data" / "currencies.tsv"
ISO_4217 = frozenset(
    row["code"]
    for row in csv.DictReader(
        _CURRENCIES_TSV.read_text(encoding="utf-8").splitlines(), delimiter="\t"
    )
)
MONEY_ROLES = ("amount", "unit_price")
NO_NAMES = "no line names a manufacturer, supplier or vendor"


# --- running bomscan ------------------------------------------------------------------------


@functools.cache
def _run(cli, name: str, *extra: str):
    """One CLI run per file and options (the report is deterministic for a fixed --as-of)."""
    return cli("-q", "report", str(RW / name), "-f", "json", "--as-of", AS_OF, *extra)


def report(cli, name: str, *extra: str) -> dict:
    res = _run(cli, name, *extra)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def meta(r: dict) -> dict:
    return r["inputs"][0]["meta"]


def columns(r: dict) -> dict[str, list[str]]:
    return meta(r)["columns"]


def summary(r: dict) -> dict:
    return r["summary"]


def currencies(r: dict) -> set[str | None]:
    return {b["currency"] for b in summary(r)["by_currency"]}


def lines_with_a_name(r: dict) -> int:
    return summary(r)["lines_read"] - summary(r)["lines_without_name"]


def assert_no_money(r: dict) -> None:
    """A BOM: no column is read as money, nothing is summed, no currency is made up."""
    assert not set(columns(r)) & set(MONEY_ROLES), columns(r)
    assert meta(r).get("money_column") is None
    assert summary(r)["total_spend"] is None
    assert currencies(r) == {None}


def assert_not_money(r: dict, *headers: str) -> None:
    """These numeric-looking columns are not read as money (nor as the quantity)."""
    cols = columns(r)
    for role in (*MONEY_ROLES, "quantity"):
        assert not set(headers) & set(cols.get(role, [])), (role, cols.get(role))
    assert meta(r).get("money_column") not in headers


def assert_real_currencies(r: dict) -> None:
    for cur in currencies(r):
        assert cur is None or cur in ISO_4217, cur


def assert_unscreened(r: dict) -> None:
    """Nothing (or most of the input) names an organisation: never a clean verdict."""
    assert "unscreened" in summary(r)
    assert summary(r)["unscreened"]["lines"] == summary(r)["lines_without_name"]


def assert_refused(cli, name: str) -> None:
    """Exit 3 with one line on stderr naming the file, and no report (no BOM, no spend)."""
    res = _run(cli, name)
    assert res.returncode == 3
    assert res.stderr.count("\n") == 1 and name in res.stderr
    assert "Traceback" not in res.stderr
    assert res.stdout == ""


def assert_dated_between(cli, name: str, first: str, last: str) -> None:
    """The file's dates run from ``first`` to ``last``: that period keeps every line, one day
    less at either end skips some."""

    def skipped(frm: str, to: str) -> int:
        return summary(report(cli, name, "--from", frm, "--to", to))["lines_skipped"]["total"]

    day = dt.timedelta(days=1)
    d0, d1 = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    assert skipped(first, last) == 0
    assert skipped((d0 + day).isoformat(), last) > 0
    assert skipped(first, (d1 - day).isoformat()) > 0


def findings_for(cli, tmp_path: Path, name: str, entity: str, aliases: list[str]) -> list[dict]:
    """The findings on ``name`` when ``entity`` (with ``aliases``) is on a list: a probe of how
    bomscan read the names of the file."""
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    alias_list = ", ".join(json.dumps(a, ensure_ascii=False) for a in aliases)
    (rules / "probe.toml").write_text(
        "[[entity]]\n"
        'id = "probe"\n'
        f"name = {json.dumps(entity, ensure_ascii=False)}\n"
        f"aliases = [{alias_list}]\n"
        'sources = ["test"]\n'
        "[[entity.listing]]\n"
        'list = "us-bis-entity-list"\n'
        'citation = "test"\n'
        "start = 2000-01-01\n"
        'source_url = "https://example.invalid/"\n',
        encoding="utf-8",
    )
    res = _run(cli, name, "--rules", str(rules))
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)["findings"]


# --- CycloneDX SBOMs --------------------------------------------------------------------------

# file, reader kind, spec version, components (EXPECTED.md; metadata.component not counted),
# the product (metadata.component name)
SBOMS = [
    ("cdx-cyclonedx-node-cern-vdm-editor.json", "cyclonedx-json", "1.2", 43, "lhc-vdm-editor"),
    ("cdx-cyclonedx-node-cern-vdm-editor.xml", "cyclonedx-xml", "1.2", 43, "lhc-vdm-editor"),
    ("cdx-cyclonedx-maven-dropwizard.xml", "cyclonedx-xml", "1.2", 167, "dropwizard-parent"),
    (
        "cdx-cyclonedx-gomod-proton-bridge.json",
        "cyclonedx-json",
        "1.2",
        201,
        "github.com/ProtonMail/proton-bridge",
    ),
    (
        "cdx-cyclonedx-php-composer-laravel.json",
        "cyclonedx-json",
        "1.4",
        62,
        "cyclonedx-php-composer-demo",
    ),
    (
        "cdx-cyclonedx-npm-dev-dependencies.json",
        "cyclonedx-json",
        "1.6",
        5,
        "demo-dev-dependencies",
    ),
    (
        "cdx-cyclonedx-npm-package-integrity.xml",
        "cyclonedx-xml",
        "1.6",
        5,
        "demo-package-integrity",
    ),
    ("cdx-cdxgen-ddc.json", "cyclonedx-json", "1.4", 56, "dependency-diff-check"),
    ("cdx-cdxgen-jt.xml", "cyclonedx-xml", "1.4", 152, "java-test"),
    ("cdx-cyclonedx-dotnet-transitive.xml", "cyclonedx-xml", "1.7", 2, "TransitiveSln"),
    ("cdx-syft-golden-image.json", "cyclonedx-json", "1.7", 3, "user-image-input"),
    ("cdx-hbom-pcie-sata-adapter.json", "cyclonedx-json", "1.4", 6, "pcie-sata-adaptor-board"),
    (
        "cdx-trivy-fluentd-debian.json",
        "cyclonedx-json",
        "1.7",
        161,
        "testdata/fixtures/images/fluentd-multiple-lockfiles.tar.gz",
    ),
]


@pytest.mark.parametrize(("name", "kind", "spec", "components", "product"), SBOMS)
def test_sbom_is_read_as_cyclonedx_without_money(cli, name, kind, spec, components, product):
    """Every SBOM is read (the dotnet one despite its UTF-8 BOM before ``<?xml``, syft's and
    trivy's despite the 1.5+ ``tools`` object form); none carries a price or currency."""
    r = report(cli, name)
    assert r["inputs"][0]["kind"] == kind
    assert meta(r)["spec_version"] == spec
    assert meta(r)["product"] == product
    assert summary(r)["total_spend"] is None
    assert currencies(r) == {None}
    assert summary(r)["credit_lines"] == 0


# the product (metadata.component) of the laravel SBOM names its author, a person: a name is
# screened wherever it is written, so the product is one more line (naming no supplier)
PRODUCT_NAMED = {"cdx-cyclonedx-php-composer-laravel.json": 1}


@pytest.mark.parametrize(("name", "components"), [(s[0], s[3]) for s in SBOMS])
def test_sbom_reads_the_stated_number_of_components(cli, name, components):
    """The product the BOM describes (metadata.component) is a line only when it names
    someone: a reader counts the components the tool stated, plus a product that is named."""
    assert summary(report(cli, name))["lines_read"] == components + PRODUCT_NAMED.get(name, 0)


def test_sbom_json_and_xml_of_one_bom_read_alike(cli):
    """The CERN VDM editor BOM in JSON and in XML: a reader gets the same components from both."""
    js = summary(report(cli, "cdx-cyclonedx-node-cern-vdm-editor.json"))
    xml = summary(report(cli, "cdx-cyclonedx-node-cern-vdm-editor.xml"))
    assert js["lines_read"] == xml["lines_read"]
    assert js["names_screened"] == xml["names_screened"] == 0


@pytest.mark.parametrize(
    "name",
    [
        "cdx-cyclonedx-node-cern-vdm-editor.json",
        "cdx-cyclonedx-node-cern-vdm-editor.xml",
        "cdx-cyclonedx-gomod-proton-bridge.json",
        "cdx-cyclonedx-npm-dev-dependencies.json",
        "cdx-cdxgen-ddc.json",
        # every component has an empty <publisher/>: absent data, not a publisher named ""
        "cdx-cdxgen-jt.xml",
        "cdx-syft-golden-image.json",
    ],
)
def test_sbom_without_supplier_is_reported_unscreened(cli, name):
    """No component names a supplier or manufacturer: nothing is screened, and the report
    says so instead of a clean verdict."""
    r = report(cli, name)
    assert summary(r)["names_screened"] == 0
    assert_unscreened(r)
    assert summary(r)["unscreened"]["share"] == 1.0
    assert any(NO_NAMES in w for w in r["warnings"])


@pytest.mark.parametrize(
    "name",
    [
        # <publisher> on 90 components: the Maven POM organisation, not a CycloneDX supplier
        "cdx-cyclonedx-maven-dropwizard.xml",
        # author on 59 components: people and communities ("Taylor Otwell")
        "cdx-cyclonedx-php-composer-laravel.json",
        # <author> on all 5 components: persons
        "cdx-cyclonedx-npm-package-integrity.xml",
        # <authors><author><name>CycloneDX E2E Tests</name>: a test harness, not a supplier
        "cdx-cyclonedx-dotnet-transitive.xml",
    ],
)
def test_sbom_named_only_by_authors_or_publishers_names_no_supplier(cli, name):
    """Components named only by an author or publisher name no supplier or manufacturer
    (EXPECTED.md: 'supplier unknown'): every line counts as naming nobody and the report says
    nothing could be screened for them. The author and publisher names are still screened, on
    lines of their own, so a listed software publisher would be found."""
    s = summary(report(cli, name))
    assert s["lines_without_name"] == s["lines_read"]
    assert s["unscreened"]["share"] == 1.0
    assert "lines name no manufacturer, supplier or vendor" in s["unscreened"]["reason"]
    assert s["names_screened"] > 0


def test_cdx_hbom_pcie_sata_adapter(cli, tmp_path):
    """6 devices, each with ``supplier.name`` (Samtec, Molex, 3M, Multicomp x2, TE
    Connectivity: 5 distinct makers); Mouser appears only in a documentation URL."""
    r = report(cli, "cdx-hbom-pcie-sata-adapter.json")
    assert summary(r)["names_screened"] == 5
    assert lines_with_a_name(r) == 6
    assert "unscreened" not in summary(r)
    assert r["findings"] == []
    assert (
        findings_for(
            cli, tmp_path, "cdx-hbom-pcie-sata-adapter.json", "Mouser Electronics", ["Mouser"]
        )
        == []
    )


def test_cdx_trivy_fluentd_debian(cli, tmp_path):
    """``supplier.name`` on the 105 ``pkg:deb`` components (51 distinct Debian maintainers),
    none on the 55 gems or the OS; the tool's maker (Aqua Security) supplies no component."""
    r = report(cli, "cdx-trivy-fluentd-debian.json")
    assert summary(r)["names_screened"] == 51
    assert lines_with_a_name(r) == 105
    assert "unscreened" not in summary(r)  # a third of the lines: not "most of the input"
    assert r["findings"] == []
    aqua = findings_for(
        cli,
        tmp_path,
        "cdx-trivy-fluentd-debian.json",
        "Aqua Security Software Ltd.",
        ["Aqua Security"],
    )
    assert aqua == []


def test_cdx_trivy_maintainer_email_is_not_part_of_the_name(cli, tmp_path):
    """'LaMont Jones <lamont@debian.org>' is screened as 'LaMont Jones': the address in angle
    brackets is no part of the name, so an organisation called Debian.org is not found."""
    found = findings_for(
        cli, tmp_path, "cdx-trivy-fluentd-debian.json", "Debian.org", ["Debian.org"]
    )
    assert not [f for f in found if f["value"] == "LaMont Jones <lamont@debian.org>"]


# --- hardware BOMs (CSV) ----------------------------------------------------------------------


def test_kicad_bom_lumenpnp_mobo(cli):
    """KiBoM grouped BOM: 58 groups, distributor PNs only, no manufacturer column."""
    r = report(cli, "kicad-bom-lumenpnp-mobo.csv")
    assert r["inputs"][0]["kind"] == "csv-bom"
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 58
    assert columns(r)["quantity"] == ["Quantity Per PCB"]
    assert "Digikey" in columns(r)["distributor_part"]
    for distributor in ("Digikey", "JLCPCB", "LCSC", "Mouser"):
        assert distributor not in columns(r).get("part", [])
    assert meta(r)["name_columns"] == []
    assert summary(r)["names_screened"] == 0
    assert_unscreened(r)
    assert_no_money(r)  # Value holds 10k, 100n, 2.2u, 12MHz, 120, 560
    assert_not_money(r, "Row", "Value", "Footprint")


def test_kicad_bom_lumenpnp_mobo_has_no_mpn_column(cli):
    """The KiCad symbol-name column 'Part' (C_Small, R) is not the maker's part number."""
    assert "part" not in columns(report(cli, "kicad-bom-lumenpnp-mobo.csv"))


def test_kicad_bom_lumenpnp_mobo_all_distributor_columns(cli):
    got = columns(report(cli, "kicad-bom-lumenpnp-mobo.csv"))["distributor_part"]
    assert set(got) == {"Digikey", "JLCPCB", "LCSC", "Mouser"}


def test_jlcpcb_bom_lumenpnp_mobo(cli):
    """JLCPCB assembly BOM: Comment is the component value, LCSC codes, no quantity column."""
    r = report(cli, "jlcpcb-bom-lumenpnp-mobo.csv")
    assert r["inputs"][0]["kind"] == "csv-bom"
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 58
    assert columns(r)["distributor_part"] == ["LCSC Part #"]
    assert "part" not in columns(r)
    assert "quantity" not in columns(r)
    assert_no_money(r)  # Comment holds 22p, 100n, 10k, 4.7u, 12MHz, 120
    assert_not_money(r, "Comment")
    assert summary(r)["names_screened"] == 0
    assert_unscreened(r)


def test_jlcpcb_bom_adsb_devboard(cli):
    """UTF-8 BOM and CRLF; 38 rows; LCSC codes on 3 rows; Value is not an MPN nor money."""
    r = report(cli, "jlcpcb-bom-adsb-devboard.csv")
    assert r["inputs"][0]["kind"] == "csv-bom"
    assert meta(r)["encoding"] == "utf-8-sig"
    assert meta(r)["header_line"] == 1
    assert columns(r)["reference"] == ["Designator"]  # the BOM bytes are not glued to it
    assert summary(r)["lines_read"] == 38
    assert columns(r)["quantity"] == ["Quantity"]
    assert columns(r)["distributor_part"] == ["LCSC Part #"]
    assert "part" not in columns(r)
    assert_no_money(r)
    assert_not_money(r, "Value", "Footprint")
    assert summary(r)["names_screened"] == 0
    assert_unscreened(r)


def test_kicad_bom_glasgow_revc3(cli):
    """Header names with a leading space (stripped), Mfg/MPN columns, no money."""
    r = report(cli, "kicad-bom-glasgow-revC3.csv")
    assert r["inputs"][0]["kind"] == "csv-bom"
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 57
    assert columns(r)["manufacturer"] == ["Mfg"]
    assert columns(r)["part"] == ["MPN"]  # not the internal key 1b2-bom-key
    assert columns(r)["quantity"] == ["Quantity"]
    assert columns(r)["reference"] == ["Reference"]
    # 24 distinct non-blank Mfg values (EXPECTED.md's "25 distinct" counts the blank too);
    # 5 rows have no Mfg
    assert summary(r)["names_screened"] == 24
    assert summary(r)["lines_without_name"] == 5
    assert "unscreened" not in summary(r)
    assert_no_money(r)  # Value holds 4u7, u1, 9p, 150u
    assert_not_money(r, "Value", "Characteristics")


def test_jlcpcb_cpl_adsb_devboard_is_not_a_bom(cli):
    """A placement list (Designator, Mid X, Mid Y, Rotation, Layer): no BOM, no spend."""
    assert_refused(cli, "jlcpcb-cpl-adsb-devboard.csv")


def test_altium_pnp_limesdr_xtrx_is_not_a_bom(cli):
    """Altium pick-and-place (12-line preamble, header on line 13): coordinates, not a BOM."""
    assert_refused(cli, "altium-pnp-limesdr-xtrx.csv")


def test_kicost_bom_acquire_pwm_dk(cli):
    """KiCost costed BOM for 100 boards: preamble and two-row header (names on line 5), two
    ``Ext$`` columns that must not both be added, Digi-Key ``Cat#``, no manufacturer column."""
    r = report(cli, "kicost-bom-acquire-pwm-dk.csv")
    assert r["inputs"][0]["kind"] == "csv-bom"
    assert meta(r)["header_line"] == 5
    assert columns(r)["part"] == ["Manf#"]
    assert columns(r)["distributor_part"] == ["Cat#"]
    assert columns(r)["quantity"] == ["Qty"]
    assert meta(r)["money_column"] in ("Ext$", "Ext$ (2)")  # one of the two, not both
    assert summary(r)["total_spend"] == pytest.approx(73522.643, abs=0.01)  # not 147,045.29
    assert currencies(r) <= {None, "USD"}  # `$` only in the header, Digi-Key USD implied
    assert_real_currencies(r)
    assert_not_money(r, "Avail", "MOQ", "Purch", "Value")
    assert meta(r)["name_columns"] == []
    assert summary(r)["names_screened"] == 0
    assert_unscreened(r)


def test_kicost_bom_acquire_pwm_dk_reads_88_rows(cli):
    """The footer is no data: line 95 (',,,,,Total Purchase:,0,…') is a totals row and the 87
    residue lines ',,,,,,,,0,,,,' hold nothing a line is made of; both are listed as skipped."""
    s = summary(report(cli, "kicost-bom-acquire-pwm-dk.csv"))
    assert s["lines_read"] == 88
    reasons = {
        r["reason"].split(" (")[0]: (r["count"], r["lines"][0])
        for r in s["lines_skipped"]["reasons"]
    }
    assert reasons == {
        "a totals row below the table": (1, 95),
        "below the table with no name, part, reference, quantity or amount": (87, 185),
    }


def test_1clickbom_example_kitspace(cli):
    """1-click BOM: Manufacturer and MPN, five distributor-PN columns (alternative sources,
    not purchases; RS/Farnell codes are all digits), no prices."""
    r = report(cli, "1clickbom-example-kitspace.csv")
    assert r["inputs"][0]["kind"] == "csv-bom"
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 11
    assert columns(r)["manufacturer"] == ["Manufacturer"]
    assert columns(r)["part"] == ["MPN"]
    assert columns(r)["quantity"] == ["Qty"]
    assert "Digikey" in columns(r)["distributor_part"]
    assert "supplier" not in columns(r)  # a distributor is never the maker or the vendor
    assert summary(r)["names_screened"] == 7
    assert summary(r)["lines_without_name"] == 2  # D1 and SW1
    assert_no_money(r)
    assert_not_money(r, "Digikey", "Mouser", "RS", "Newark", "Farnell", "Description")


def test_1clickbom_example_kitspace_all_distributor_columns(cli):
    got = columns(report(cli, "1clickbom-example-kitspace.csv"))["distributor_part"]
    assert set(got) == {"Digikey", "Mouser", "RS", "Newark", "Farnell"}


# --- distributor carts (CSV) ------------------------------------------------------------------


def test_digikey_cart_lumenpnp_piggyback(cli):
    """Digi-Key cart: Manufacturer, MPN, Digi-Key PN; ``$`` inside Extended Price; $47.66."""
    r = report(cli, "digikey-cart-lumenpnp-piggyback.csv")
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 15
    assert columns(r)["manufacturer"] == ["Manufacturer"]
    assert columns(r)["part"] == ["Manufacturer Part Number"]
    assert columns(r)["distributor_part"] == ["Digi-Key Part Number"]
    assert columns(r)["quantity"] == ["Quantity"]
    assert columns(r)["unit_price"] == ["Unit Price"]
    assert meta(r)["money_column"] == "Extended Price"
    assert currencies(r) == {"USD"}
    assert summary(r)["total_spend"] == pytest.approx(47.66, abs=0.01)
    assert_not_money(r, "Quantity Available", "Mfg Std Lead Time", "Part Status")
    assert summary(r)["names_screened"] == 12
    assert "unscreened" not in summary(r)


def test_digikey_cart_cover_cad(cli):
    """Digi-Key cart in Canadian dollars (stated only in the header name); "Part Number" is
    Digi-Key's; no manufacturer column."""
    r = report(cli, "digikey-cart-cover-cad.csv")
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 16
    assert columns(r)["distributor_part"] == ["Part Number"]
    assert columns(r)["part"] == ["Manufacturer Part Number"]
    assert columns(r)["quantity"] == ["Quantity"]
    assert meta(r)["money_column"] == "Extended Price CAD"
    assert currencies(r) == {"CAD"}
    assert summary(r)["total_spend"] == pytest.approx(105.13, abs=0.01)
    assert_not_money(r, "Index", "Available", "Backorder")
    assert summary(r)["names_screened"] == 0
    assert_unscreened(r)


def test_digikey_cart_linbus_phat(cli):
    """Digi-Key cart, no currency stated (USD implied); "Part Number" is Digi-Key's."""
    r = report(cli, "digikey-cart-linbus-phat.csv")
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 19
    assert columns(r)["distributor_part"] == ["Part Number"]
    assert columns(r)["part"] == ["Manufacturer Part Number"]
    assert columns(r)["quantity"] == ["Quantity"]
    assert meta(r)["money_column"] == "Extended Price"
    assert currencies(r) <= {None, "USD"}
    assert summary(r)["total_spend"] == pytest.approx(117.27, abs=0.01)
    assert_not_money(r, "#", "Backorder")
    assert summary(r)["names_screened"] == 0
    assert_unscreened(r)


def test_lcsc_cart_adsb_devboard(cli):
    """LCSC cart: ``($)`` in the money headers, LCSC# is the distributor PN; $4.92."""
    r = report(cli, "lcsc-cart-adsb-devboard.csv")
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 2
    assert columns(r)["manufacturer"] == ["Manufacturer"]
    assert columns(r)["part"] == ["MPN"]
    assert columns(r)["distributor_part"] == ["LCSC#"]
    assert columns(r)["quantity"] == ["Quantity"]
    assert columns(r)["unit_price"] == ["Unit Price($)"]
    assert meta(r)["money_column"] == "Extended Price($)"
    assert currencies(r) == {"USD"}
    assert summary(r)["total_spend"] == pytest.approx(4.92, abs=0.01)
    assert_not_money(r, "Index", "MOQ", "Multiple")
    assert summary(r)["names_screened"] == 2
    assert "unscreened" not in summary(r)


@pytest.mark.parametrize(
    "name",
    [
        "digikey-cart-lumenpnp-piggyback.csv",
        "digikey-cart-cover-cad.csv",
        "digikey-cart-linbus-phat.csv",
        "lcsc-cart-adsb-devboard.csv",
    ],
)
def test_priced_cart_is_a_ledger_with_parts(cli, name):
    assert report(cli, name)["inputs"][0]["kind"] == "ledger"


def test_mouser_cart_upload_digifant2(cli):
    """Mouser cart-upload list: quantities, no prices, no manufacturer column."""
    r = report(cli, "mouser-cart-upload-digifant2.csv")
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 19
    assert columns(r)["quantity"] == ["Quantity"]
    assert_no_money(r)  # all-digit part numbers 5010 and 1935161 are not money
    assert_not_money(r, "Mouser Part Number", "Description")
    assert summary(r)["names_screened"] == 0  # Mouser is the distributor, never the maker
    assert_unscreened(r)


def test_mouser_cart_upload_digifant2_part_numbers_are_the_makers(cli):
    """The column 'Mouser Part Number' holds manufacturer part numbers (INA226AIDGSR,
    RC0805FR-0710KL), not Mouser's 595-… codes, and the file has no other part column: it is
    read as the makers' part numbers, so the part-number rules screen it."""
    cols = columns(report(cli, "mouser-cart-upload-digifant2.csv"))
    assert cols.get("part") == ["Mouser Part Number"]
    assert "Mouser Part Number" not in cols.get("distributor_part", [])


# --- ledgers (CSV) ----------------------------------------------------------------------------


def test_ukspend_cabinetoffice_2019_06(cli, tmp_path):
    """Windows-1252 spend file: Supplier, Amount (GBP implied), ISO dates, £25,767,354.08; the
    en dash of ``Montagu Evans – Client Account`` (byte 0x96, lines 182-183) is read as such."""
    r = report(cli, "ukspend-cabinetoffice-2019-06.csv")
    assert r["inputs"][0]["kind"] == "ledger"
    assert meta(r)["encoding"] == "cp1252"  # not Latin-1 (0x96 a control) nor cp1250
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 200
    assert columns(r)["supplier"] == ["Supplier"]
    assert meta(r)["money_column"] == "Amount"
    assert columns(r)["date"] == ["Date"]
    assert meta(r)["date_format"] == "%Y-%m-%d"
    assert summary(r)["total_spend"] == pytest.approx(25767354.08, abs=0.01)
    assert summary(r)["credit_lines"] == 0
    assert currencies(r) <= {None, "GBP"}
    assert_not_money(r, "Transaction number", "Entity")
    assert summary(r)["names_screened"] == 83
    assert "unscreened" not in summary(r)
    assert_dated_between(cli, "ukspend-cabinetoffice-2019-06.csv", "2019-06-03", "2019-06-28")
    found = findings_for(
        cli, tmp_path, "ukspend-cabinetoffice-2019-06.csv", "Montagu Evans LLP", ["Montagu Evans"]
    )
    assert {f["value"] for f in found} == {"Montagu Evans \u2013 Client Account"}
    assert sorted(f["locator"]["line"] for f in found) == [182, 183]


def test_ukspend_manchester_2022_05(cli):
    """Council spend: Supplier Name, Net Amount (GBP implied), ISO dates; £10,230,604.06 after
    53 credits totalling -£1,271,045.23."""
    r = report(cli, "ukspend-manchester-2022-05.csv")
    assert r["inputs"][0]["kind"] == "ledger"
    assert meta(r)["header_line"] == 1
    assert meta(r)["encoding"] == "utf-8"
    assert summary(r)["lines_read"] == 200
    assert columns(r)["supplier"] == ["Supplier Name"]
    assert meta(r)["money_column"] == "Net Amount"
    assert columns(r)["date"] == ["Invoice Payment Date"]
    assert meta(r)["date_format"] == "%Y-%m-%d"
    assert summary(r)["total_spend"] == pytest.approx(10230604.06, abs=0.01)
    assert summary(r)["credit_lines"] == 53
    assert summary(r)["credits"] == pytest.approx(-1271045.23, abs=0.01)
    assert currencies(r) <= {None, "GBP"}
    assert_not_money(r, "Transaction Number")
    assert_dated_between(cli, "ukspend-manchester-2022-05.csv", "2022-05-03", "2022-05-31")


def test_ukspend_manchester_2022_05_double_encoded_bom_is_stripped(cli):
    extra = meta(report(cli, "ukspend-manchester-2022-05.csv"))["extra_columns"]
    assert "Body Name" in extra


def test_ukspend_manchester_2022_05_redaction_marker_is_no_supplier(cli):
    """'Redacted Personal Information' (18 rows) stands for a withheld payee: those lines name
    nobody, and the marker is not screened as if it were a supplier."""
    s = summary(report(cli, "ukspend-manchester-2022-05.csv"))
    assert s["names_screened"] == 62
    assert s["lines_without_name"] == 18


def test_ukspend_lambeth_2012_06(cli):
    """Report export: 9-line preamble (the threshold 500 is no transaction), header on line 10,
    amounts with thousands separators, DD/MM/YYYY invoice dates, £1,522,956.70."""
    r = report(cli, "ukspend-lambeth-2012-06.csv")
    assert r["inputs"][0]["kind"] == "ledger"
    assert meta(r)["header_line"] == 10
    assert summary(r)["lines_read"] == 200
    assert columns(r)["supplier"] == ["Supplier Name"]
    assert "Body" not in meta(r)["name_columns"]  # Lambeth is the payer
    assert meta(r)["money_column"] == "Invoice Nett Amount"
    assert summary(r)["lines_unparsed_amount"] == 0
    assert summary(r)["total_spend"] == pytest.approx(1522956.70, abs=0.01)
    assert summary(r)["credit_lines"] == 0
    assert currencies(r) <= {None, "GBP"}
    assert columns(r)["date"] == ["Invoice Creation Date"]
    assert meta(r)["date_format"] == "%d/%m/%Y"
    assert summary(r)["names_screened"] == 70
    assert_dated_between(cli, "ukspend-lambeth-2012-06.csv", "2010-10-20", "2012-06-27")
    june = report(cli, "ukspend-lambeth-2012-06.csv", "--from", "2012-06-01", "--to", "2012-06-30")
    assert summary(june)["lines_skipped"]["total"] == 18  # created before June 2012


def test_procurement_contracts_salford_2022_07(cli):
    """Contracts register: Supplier Company Name; Annual Value and Total Contract Value are two
    views of one award (never added together) and award values, not spend."""
    r = report(cli, "procurement-contracts-salford-2022-07.csv")
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 200
    assert meta(r)["name_columns"] == ["Supplier Company Name"]
    assert summary(r)["names_screened"] == 155
    total = summary(r)["total_spend"]
    assert total is None or total in (
        pytest.approx(156030626.05, abs=0.01),  # Σ Annual Value
        pytest.approx(1461410147.48, abs=0.01),  # Σ Total Contract Value
    )
    assert_real_currencies(r)
    assert currencies(r) <= {None, "GBP"}
    assert_not_money(
        r,
        "Contract Reference",
        "Contract Duration (months)",
        "Option to extend (months)",
        "How many extensions",
        "ProClass Classification",
        "Company Number",
        "Supplier Postcode",
    )


def test_procurement_contracts_salford_2022_07_is_a_ledger(cli):
    r = report(cli, "procurement-contracts-salford-2022-07.csv")
    assert r["inputs"][0]["kind"] == "ledger"


def test_procurement_contracts_salford_2022_07_double_encoded_bom_is_stripped(cli):
    extra = meta(report(cli, "procurement-contracts-salford-2022-07.csv"))["extra_columns"]
    assert "Directorate Name" in extra


def test_award_usaspending_university_contracts(cli):
    """Federal obligations by recipient: Recipient is the vendor, parent_name is a product
    category (not a parent company), agency is the buyer; $187,381,838.98 net, 33 negatives."""
    r = report(cli, "award-usaspending-university-contracts.csv")
    assert r["inputs"][0]["kind"] == "ledger"
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 200
    assert meta(r)["name_columns"] == ["Recipient"]
    assert columns(r)["supplier"] == ["Recipient"]
    assert meta(r)["money_column"] == "obligation"
    assert summary(r)["total_spend"] == pytest.approx(187381838.98, abs=0.01)
    assert summary(r)["credit_lines"] == 33
    assert summary(r)["credits"] == pytest.approx(-1056513.12, abs=0.01)
    assert currencies(r) <= {None, "USD"}
    assert "date" not in columns(r)
    assert meta(r)["date_format"] is None
    assert summary(r)["names_screened"] == 101


def test_ledger_dod1033_kansas(cli):
    """DoD 1033 transfers: no vendor (county receives, NSN is no MPN), total_cost is the
    extended value (178,422.11, USD implied), ``M/D/YYYY 0:00:00`` ship dates."""
    r = report(cli, "ledger-dod1033-kansas.csv")
    assert r["inputs"][0]["kind"] == "ledger"
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 200
    assert meta(r)["name_columns"] == []
    assert "part" not in columns(r) and "distributor_part" not in columns(r)
    assert columns(r)["quantity"] == ["quantity"]
    assert meta(r)["money_column"] == "total_cost"
    assert summary(r)["total_spend"] == pytest.approx(178422.11, abs=0.01)
    assert currencies(r) <= {None, "USD"}
    assert_not_money(r, "fips", "federal_supply_category", "federal_supply_class")
    assert columns(r)["date"] == ["ship_date"]
    assert meta(r)["date_format"].startswith("%m/%d/%Y")
    assert_dated_between(cli, "ledger-dod1033-kansas.csv", "2006-04-27", "2012-11-21")
    assert summary(r)["names_screened"] == 0
    assert_unscreened(r)


def test_unscreened_input_fails_a_gate_unless_allowed(cli):
    """An input naming no one cannot pass ``--fail-on``: exit 3 with one line saying why,
    unless ``--allow-unscreened``."""
    name = "ledger-dod1033-kansas.csv"
    gated = _run(cli, name, "--fail-on", "any")
    assert gated.returncode == 3
    assert gated.stderr.count("\n") == 1
    assert "nothing could be screened" in gated.stderr and "--allow-unscreened" in gated.stderr
    assert _run(cli, name, "--fail-on", "any", "--allow-unscreened").returncode == 0


# --- Excel workbooks --------------------------------------------------------------------------


def test_altium_bom_limesdr_xtrx(cli):
    """Altium BOM workbook: 72 data rows out of 1069 formatted rows; ``Item #`` is a formula
    line number; Manufacturer / MPN / Supplier 1 (a distributor, never the maker) / its PN."""
    r = report(cli, "altium-bom-limesdr-xtrx.xlsx")
    assert r["inputs"][0]["kind"] == "csv-bom"
    assert meta(r)["sheet"] == "Bill of Components"
    assert meta(r)["header_row"] == 1
    assert summary(r)["lines_read"] == 72
    assert columns(r)["manufacturer"] == ["Manufacturer"]
    assert columns(r)["part"] == ["Manufacturer Part Number 1"]
    assert columns(r)["supplier"] == ["Supplier 1"]
    assert columns(r)["distributor_part"] == ["Supplier Part Number 1"]
    assert columns(r)["quantity"] == ["Quantity"]
    assert summary(r)["lines_without_name"] == 2  # the fiducial rows
    assert "unscreened" not in summary(r)
    assert_no_money(r)
    assert_not_money(r, "Item #", "Comment", "Footprint", "Supplier Part Number 1")


def test_xlsx_bom_openadc_chipwhisperer(cli):
    """Messy BOM workbook: Sheet1 is the BOM (Sheet2 a broken paste, Sheet3 empty); ``Line No.``
    is not a quantity; Manuf. on 11 of 38 rows, so most of it cannot be screened."""
    r = report(cli, "xlsx-bom-openadc-chipwhisperer.xlsx")
    assert r["inputs"][0]["kind"] == "csv-bom"
    assert meta(r)["sheet"] == "Sheet1"
    assert meta(r)["header_row"] == 1
    assert columns(r)["manufacturer"] == ["Manuf."]
    assert columns(r)["part"] == ["Part No."]
    assert columns(r)["distributor_part"] == ["Digikey Part"]
    assert columns(r)["quantity"] == ["Qty"]
    assert_no_money(r)
    assert_not_money(r, "Line No.", "Value")
    assert_unscreened(r)


def test_xlsx_bom_openadc_chipwhisperer_reads_38_rows(cli):
    """The note 'See Wiki for Details' (J41, below the table) is no 39th line; it is listed as
    skipped at its row."""
    s = summary(report(cli, "xlsx-bom-openadc-chipwhisperer.xlsx"))
    assert s["lines_read"] == 38
    assert [(r["count"], r["lines"]) for r in s["lines_skipped"]["reasons"]] == [(1, [41])]


def test_xlsx_ledger_dod1033_nebraska(cli):
    """DoD 1033 transfers workbook: 1036 rows, Excel date serials, 5,553,135.17 (USD implied),
    no vendor."""
    r = report(cli, "xlsx-ledger-dod1033-nebraska.xlsx")
    assert r["inputs"][0]["kind"] == "ledger"
    assert meta(r)["sheet"] == "NE data"
    assert meta(r)["header_row"] == 1
    assert summary(r)["lines_read"] == 1036
    assert meta(r)["name_columns"] == []
    assert "part" not in columns(r) and "distributor_part" not in columns(r)
    assert meta(r)["money_column"] == "total_cost"
    assert summary(r)["total_spend"] == pytest.approx(5553135.17, abs=0.01)
    assert currencies(r) <= {None, "USD"}
    assert_not_money(r, "fips", "federal_supply_category", "federal_supply_class")
    assert columns(r)["date"] == ["ship_date"]
    # 39640 = 2008-07-11: the serials are read as dates, 2006-03-07 … 2014-01-30
    assert_dated_between(cli, "xlsx-ledger-dod1033-nebraska.xlsx", "2006-03-07", "2014-01-30")
    assert summary(r)["names_screened"] == 0
    assert_unscreened(r)


# --- every file that is read ------------------------------------------------------------------

READ = sorted(
    p.name
    for p in RW.iterdir()
    if p.suffix in (".csv", ".json", ".xml", ".xlsx")
    and p.name not in ("jlcpcb-cpl-adsb-devboard.csv", "altium-pnp-limesdr-xtrx.csv")
)


def test_all_38_fixtures_are_covered():
    """A fixture added to the directory needs its own test above (and a line in EXPECTED.md)."""
    assert len(READ) + 2 == 38


@pytest.mark.parametrize("name", READ)
def test_no_made_up_currency(cli, name):
    """Every currency a report names is a real ISO 4217 code (or none)."""
    assert_real_currencies(report(cli, name))


# --- third collection round (issue 18): a Mouser export with prices, an Eagle BOM ----------


def test_mouser_cart_export_boros_semicolon(cli):
    """Mouser cart export as Mouser writes it (semicolon-delimited, ``Mouser #;Mfr. #;
    Manufacturer;Customer #;…;Order Qty.;Price (USD);Ext.: (USD)``): 17 lines, 53 pieces,
    $50.82, ``$`` in every price; ``Customer #`` is empty."""
    r = report(cli, "mouser-cart-export-boros-semicolon.csv")
    assert r["inputs"][0]["kind"] == "ledger"  # a priced distributor cart
    assert meta(r)["delimiter"] == ";"
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 17
    assert columns(r)["distributor_part"] == ["Mouser #"]
    assert columns(r)["quantity"] == ["Order Qty."]
    assert columns(r)["unit_price"] == ["Price (USD)"]
    assert meta(r)["money_column"] == "Ext.: (USD)"
    assert currencies(r) == {"USD"}
    assert summary(r)["total_spend"] == pytest.approx(50.82, abs=0.005)
    assert summary(r)["credit_lines"] == 0
    assert summary(r)["lines_without_name"] == 0
    assert "unscreened" not in summary(r)
    assert_not_money(r, "Mouser #", "Mfr. #", "Customer #", "Lifecycle")


def test_mouser_cart_boros_numbered(cli):
    """The same cart re-typed by the project (``#`` line numbers, ``Qty``, ``Unit Price (USD)``,
    ``Total (USD)``, comma-delimited): ``#`` is a line number (sum 153), not a quantity."""
    r = report(cli, "mouser-cart-boros-numbered.csv")
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 17
    assert columns(r)["distributor_part"] == ["Mouser #"]
    assert columns(r)["quantity"] == ["Qty"]
    assert columns(r)["unit_price"] == ["Unit Price (USD)"]
    assert meta(r)["money_column"] == "Total (USD)"
    assert currencies(r) == {"USD"}
    assert summary(r)["total_spend"] == pytest.approx(50.82, abs=0.005)
    assert summary(r)["lines_without_name"] == 0
    assert_not_money(r, "#", "Mouser #", "Mfr. #")


def test_mouser_cart_boros_numbered_is_a_ledger(cli):
    """The priced Mouser cart with a '#' line-number column is a ledger, as the same cart in
    Mouser's own layout and every priced Digi-Key/LCSC cart is."""
    assert report(cli, "mouser-cart-boros-numbered.csv")["inputs"][0]["kind"] == "ledger"


@pytest.mark.parametrize(
    "name", ["mouser-cart-export-boros-semicolon.csv", "mouser-cart-boros-numbered.csv"]
)
def test_mouser_cart_mfr_number_is_a_part_number(cli, name):
    """Mouser's 'Mfr. #' is the maker's part number (06031C104MAT2A, BMP390, 1981568-1), not a
    second manufacturer-name column: the 11 makers in 'Manufacturer' are what is screened."""
    r = report(cli, name)
    assert columns(r)["manufacturer"] == ["Manufacturer"]
    assert columns(r)["part"] == ["Mfr. #"]
    assert meta(r)["name_columns"] == ["Manufacturer"]
    assert summary(r)["names_screened"] == 11


def test_eagle_bom_permamote_lte(cli, tmp_path):
    """Eagle ``bom.ulp`` CSV, list type Values: semicolon-delimited, every field quoted, a
    trailing ``;`` (an unnamed empty 19th column); 52 lines, Qty sums to 116 (one per
    designator in Parts); no prices; makers on 25 lines (MANUFACTURER 23, MF 1, VENDOR 1)."""
    name = "eagle-bom-permamote-lte.csv"
    r = report(cli, name)
    assert r["inputs"][0]["kind"] == "csv-bom"
    assert meta(r)["delimiter"] == ";"
    assert meta(r)["header_line"] == 1
    assert summary(r)["lines_read"] == 52
    assert columns(r)["quantity"] == ["Qty"]
    assert "MANUFACTURER" in columns(r)["manufacturer"]
    assert set(columns(r)["distributor_part"]) == {"DIGI-KEY_PART_NUMBER", "DIGIKEY", "MOUSER"}
    assert_no_money(r)  # Value holds 0.1uF, 100M, 6.04k, 1462350001, DNP
    assert_not_money(r, "Value", "Device", "Package", "Parts", "MP", "DIGI-KEY_PURCHASE_URL")
    assert_unscreened(r)  # 27 of 52 lines name no maker
    assert r["findings"] == []
    # VENDOR holds the maker on U13 (Texas Instruments): screened as a name
    found = findings_for(
        cli, tmp_path, name, "Texas Instruments Incorporated", ["Texas Instruments"]
    )
    assert {f["value"] for f in found} == {"Texas Instruments"}


def test_eagle_bom_permamote_lte_mpn_column_is_the_part_number(cli):
    """The 48-line 'MPN' column is the part number, over 'MANUFACTURER_PART_NUMBER' (2 lines)."""
    assert "MPN" in columns(report(cli, "eagle-bom-permamote-lte.csv"))["part"]


def test_eagle_bom_permamote_lte_mf_column_names_the_maker(cli, tmp_path):
    """Eagle's 'MF' attribute column names the maker (Molex on ANT1, line 11)."""
    name = "eagle-bom-permamote-lte.csv"
    assert summary(report(cli, name))["lines_without_name"] == 27
    found = findings_for(cli, tmp_path, name, "Molex, LLC", ["Molex"])
    assert [f["locator"]["line"] for f in found] == [11]
