"""`bomscan report` end to end: the examples, the JSON contract, locators, exit codes."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import EXAMPLES, REPO

BOMS = ["camera-hbom.cdx.json", "camera-hbom.cdx.xml", "camera-hbom.csv"]


def report_json(cli, *args):
    r = cli("report", *args, "--format", "json", "--as-of", "2026-11-26")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("name", BOMS)
def test_example_bom_ranks_dahua_and_hikvision_first(cli, name):
    r = cli("report", str(EXAMPLES / name))
    assert r.returncode == 0, r.stderr
    table = r.stdout
    ranks = re.findall(r"^\s+(\d)\s+(\S.*?)\s{2,}", table, flags=re.M)
    top = [entity for _, entity in ranks[:2]]
    assert any("Dahua" in e for e in top) and any("Hikvision" in e for e in top), table
    assert "\x1b[" not in table  # stdout is a pipe: no colour codes


@pytest.mark.parametrize("name", BOMS)
def test_same_bom_in_three_formats_gives_same_exposure(cli, name):
    rep = report_json(cli, str(EXAMPLES / name))
    s = rep["summary"]
    assert s["currency"] == "USD"
    assert s["total_spend"] == pytest.approx(907.98)
    spend = {e["entity"]["id"]: e["spend"] for e in rep["exposures"]}
    assert spend["dahua"] == pytest.approx(604.00)
    # Hikvision: its own module (142.50) plus two EZVIZ cameras (2 x 29.99) as a subsidiary
    assert spend["hikvision"] == pytest.approx(142.50 + 59.98)
    assert [e["rank"] for e in rep["exposures"]] == list(range(1, len(rep["exposures"]) + 1))


def test_json_contract(cli):
    rep = report_json(cli, str(EXAMPLES / "camera-hbom.cdx.json"))
    assert rep["schema_version"] == "1.0"
    s = rep["summary"]
    for key in ("lines_read", "lines_skipped", "total_spend", "exposed_spend", "currency"):
        assert key in s
    assert s["lines_read"] == 21  # metadata.component + 19 parts + 1 assembly
    assert s["lines_skipped"] == {"total": 0, "reasons": []}
    assert s["exposed_spend"] == pytest.approx(sum(e["spend"] for e in rep["exposures"]))
    for e in rep["exposures"]:
        assert set(e) >= {"entity", "spend", "share_of_spend", "lines"}
        assert set(e["entity"]) >= {"id", "name", "listings"}
        for lst in e["entity"]["listings"]:
            assert lst["citation"] and lst["start"] and lst["source_url"]
        assert 0 < e["share_of_spend"] <= 1
    assert rep["findings"], "expected findings"
    for f in rep["findings"]:
        assert set(f) >= {
            "source",
            "locator",
            "field",
            "value",
            "entity",
            "via",
            "score",
            "method",
            "spend",
        }
        assert f["source"] == str(EXAMPLES / "camera-hbom.cdx.json")
        assert f["locator"]["bom_ref"]
        assert 0 <= f["score"] <= 1
        assert set(f["entity"]) == {"id", "name"}
    ezviz = [f for f in rep["findings"] if f["matched_entity"]["id"] == "ezviz"]
    assert ezviz and ezviz[0]["entity"]["id"] == "hikvision"
    assert ezviz[0]["via"][0]["id"] == "ezviz" and ezviz[0]["via"][0]["relation"] == "subsidiary"
    direct = [f for f in rep["findings"] if f["matched_entity"]["id"] == "dahua"]
    assert direct and direct[0]["via"] == []


@pytest.mark.parametrize("name", BOMS)
def test_locator_line_points_at_the_name(cli, name):
    path = EXAMPLES / name
    lines = path.read_text(encoding="utf-8").splitlines()
    rep = report_json(cli, str(path))
    by_name = [f for f in rep["findings"] if f["method"] != "part-number"]
    assert by_name
    for f in by_name:
        line = f["locator"]["line"]
        assert line, f
        assert f["value"] in lines[line - 1], (f["value"], lines[line - 1])
    # a finding by part number points at its component (the line of one of its names)
    for f in rep["findings"]:
        assert f["locator"]["line"], f
    if name.endswith(".csv"):
        assert lines[0].startswith("Ref Des")  # header is line 1, so data starts at line 2
        assert min(f["locator"]["line"] for f in rep["findings"]) >= 2


def test_bom_file_author_is_not_screened_but_product_maker_is(cli, tmp_path):
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {
            "manufacturer": {"name": "Hangzhou Hikvision Digital Technology Co., Ltd."},
            "component": {
                "type": "device",
                "name": "kit",
                "manufacturer": {"name": "Zhejiang Dahua Technology Co., Ltd."},
            },
        },
        "components": [{"type": "device", "name": "part", "supplier": {"name": "Molex"}}],
    }
    p = tmp_path / "bom.json"
    p.write_text(json.dumps(bom, indent=1))
    rep = report_json(cli, str(p))
    ids = {f["entity"]["id"] for f in rep["findings"]}
    assert ids == {"dahua"}
    assert rep["findings"][0]["field"] == "manufacturer"


def test_deprecated_metadata_manufacture_is_the_product_maker(cli, tmp_path):
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "metadata": {"manufacture": {"name": "Huawei Technologies Co., Ltd."}},
    }
    p = tmp_path / "bom.json"
    p.write_text(json.dumps(bom))
    rep = report_json(cli, str(p))
    assert [(f["field"], f["entity"]["id"]) for f in rep["findings"]] == [("manufacture", "huawei")]


def test_nested_components_and_quantities(cli, tmp_path):
    def comp(name, maker, qty, price, children=()):
        c = {
            "type": "device",
            "name": name,
            "manufacturer": {"name": maker},
            "properties": [
                {"name": "cdx:device:quantity", "value": str(qty)},
                {"name": "bomscan:unitPrice", "value": str(price)},
                {"name": "bomscan:currency", "value": "EUR"},
            ],
        }
        if children:
            c["components"] = list(children)
        return c

    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            comp(
                "assy",
                "Acme",
                1,
                10,
                [comp("cam", "Hikvision", 4, 25.5, [comp("soc", "Foo", 2, 1)])],
            ),
        ],
    }
    p = tmp_path / "bom.json"
    p.write_text(json.dumps(bom))
    rep = report_json(cli, str(p))
    assert rep["summary"]["lines_read"] == 3
    assert rep["summary"]["currency"] == "EUR"
    assert rep["summary"]["total_spend"] == pytest.approx(10 + 102 + 2)
    assert rep["exposures"][0]["spend"] == pytest.approx(102)


@pytest.mark.parametrize(
    "header", ["Mfr", "MFG", "Manufacturer Name", "manufacturer", " MFR. NAME "]
)
def test_csv_bom_column_detection(cli, tmp_path, header):
    p = tmp_path / "bom.csv"
    p.write_text(
        f"Item,Qty,{header},Part Number,Unit Price\n1,2,Dahua Technology,X1,10.00\n"
        "2,1,Murata,GRM155,0.10\n"
    )
    rep = report_json(cli, str(p))
    assert rep["summary"]["lines_read"] == 2
    assert rep["findings"][0]["locator"]["line"] == 2
    assert rep["exposures"][0]["spend"] == pytest.approx(20.0)


def test_csv_header_row_after_a_title_block_and_column_override(cli, tmp_path):
    p = tmp_path / "bom.csv"
    p.write_text(
        "Board X rev 3\nExported 2026-01-01\n\nLine;Mfr Brand;Cost\n1;ZTE Corporation;5,50\n"
    )
    r = cli("report", str(p), "--format", "json")
    assert r.returncode == 3  # 'Mfr Brand' is not a known header
    assert len(r.stderr.strip().splitlines()) == 1 and str(p) in r.stderr
    rep = report_json(cli, str(p), "--column", "manufacturer=Mfr Brand", "--column", "amount=Cost")
    f = rep["findings"][0]
    assert f["entity"]["id"] == "zte" and f["locator"]["line"] == 5
    assert f["spend"] == pytest.approx(5.5)  # decimal comma detected


def test_ledger_keeps_extra_columns(cli):
    rep = report_json(cli, str(EXAMPLES / "procurement-ledger.csv"))
    f = next(f for f in rep["findings"] if f["entity"]["id"] == "huawei")
    assert f["extra"]["PO Number"].startswith("PO-")
    assert f["extra"]["Cost Center"]
    assert f["date"] and f["currency"] == "CNY"
    assert rep["summary"]["mixed_currencies"] is True
    assert rep["summary"]["currency"] is None


def test_input_kind_is_detected_from_content_not_extension(cli, tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes((EXAMPLES / "camera-hbom.cdx.json").read_bytes())
    rep = report_json(cli, str(p))
    assert rep["inputs"][0]["kind"] == "cyclonedx-json"
    q = tmp_path / "ledger.dat"
    q.write_bytes((EXAMPLES / "camera-hbom.cdx.xml").read_bytes())
    assert report_json(cli, str(q))["inputs"][0]["kind"] == "cyclonedx-xml"


@pytest.mark.parametrize(
    "content, why",
    [
        (b"", "empty"),
        (b'{"bomFormat": "CycloneDX", "components": [', "not valid JSON"),
        (b"<bom xmlns='http://cyclonedx.org/schema/bom/1.5'><components>", "not well-formed XML"),
        (b"\x00\x01\x02binary\x00" * 50, "binary"),
        (b'{"hello": "world"}', "not a CycloneDX BOM"),
    ],
)
def test_bad_input_exits_3_with_one_line(cli, tmp_path, content, why):
    p = tmp_path / "bad.json"
    p.write_bytes(content)
    r = cli("report", str(p))
    assert r.returncode == 3, (r.stdout, r.stderr)
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and str(p) in err[0] and why in err[0], r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_missing_file_and_directory(cli, tmp_path):
    r = cli("report", str(tmp_path / "nope.json"))
    assert r.returncode == 3 and "no such file" in r.stderr
    r = cli("report", str(tmp_path))
    assert r.returncode == 3 and "directory" in r.stderr


def test_usage_errors_exit_2(cli):
    assert cli("report").returncode == 2
    assert cli("report", str(EXAMPLES / "camera-hbom.csv"), "--format", "nope").returncode == 2
    assert cli("report", str(EXAMPLES / "camera-hbom.csv"), "--as-of", "yesterday").returncode == 2


def test_version_and_module_entry_point(cli):
    r = cli("--version")
    assert r.returncode == 0 and re.match(r"bomscan, version \d+\.\d+", r.stdout)


def test_output_file_and_formats(cli, tmp_path):
    out = tmp_path / "r.csv"
    r = cli("report", str(EXAMPLES / "camera-hbom.csv"), "--format", "csv", "-o", str(out))
    assert r.returncode == 0 and r.stdout == ""
    text = out.read_text()
    assert text.splitlines()[0].startswith("rank,entity_id")
    md = cli("report", str(EXAMPLES / "camera-hbom.csv"), "--format", "markdown").stdout
    assert "Zhejiang Dahua Technology" in md and "| # |" in md


def test_table_fits_80_columns(cli):
    r = cli("report", str(EXAMPLES / "camera-hbom.cdx.json"), env={"COLUMNS": "80"})
    assert r.returncode == 0
    # when not a terminal bomscan renders at 100 columns; at most that wide
    assert max(len(line) for line in r.stdout.splitlines()) <= 100


def test_wheel_ships_the_rules(tmp_path):
    """A non-editable install must carry rules/ so `bomscan report` works from any directory."""
    import subprocess
    import sys
    import zipfile

    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    wheel = next(tmp_path.glob("bomscan-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n for n in names if n.startswith("bomscan/_shipped_rules/") and n.endswith(".toml")}
    in_repo = {f"bomscan/_shipped_rules/{p.name}" for p in (REPO / "rules").glob("*.toml")}
    assert shipped == in_repo and shipped


def test_finding_ids_do_not_depend_on_how_the_path_is_typed(cli, tmp_path):
    """Baselines and SARIF fingerprints must match whether CI passes bom.csv or ./bom.csv."""
    import shutil

    (tmp_path / ".git").mkdir()  # a repository root
    (tmp_path / "hw").mkdir()
    shutil.copy(EXAMPLES / "camera-hbom.csv", tmp_path / "hw" / "bom.csv")
    ids = []
    for path, cwd in (
        ("hw/bom.csv", tmp_path),
        ("./hw/bom.csv", tmp_path),
        (str(tmp_path / "hw" / "bom.csv"), REPO),
        ("bom.csv", tmp_path / "hw"),
    ):
        r = cli("report", path, "--format", "json", "--as-of", "2026-11-26", cwd=cwd)
        assert r.returncode == 0, r.stderr
        ids.append(sorted(f["id"] for f in json.loads(r.stdout)["findings"]))
    assert ids[0] and all(i == ids[0] for i in ids)
