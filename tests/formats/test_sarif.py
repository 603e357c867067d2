"""SARIF for GitHub code scanning: schema-valid, one rule per list, results on the BOM line,
fingerprints that survive edits elsewhere in the file, severities, and a paste-ready suppression.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from bomscan.cli import main

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SCHEMA = SHARED / "conformance" / "sarif" / "sarif-schema-2.1.0.json"
EXAMPLES = REPO / "examples"
CLEAN_COMPONENT = {
    "type": "device",
    "bom-ref": "r99-resistor",
    "manufacturer": {"name": "Yageo Corporation"},
    "name": "RC0402FR-0710KL",
    "description": "10k resistor",
}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOMSCAN_CONFIG", raising=False)
    return tmp_path


def sarif(capsys, path: str, *extra: str) -> dict:
    with pytest.raises(SystemExit) as exc:
        main(["report", path, "--format", "sarif", *extra])
    cap = capsys.readouterr()
    assert exc.value.code in (0, 1), cap.err
    return json.loads(cap.out)


def validate(log: dict) -> None:
    if not SCHEMA.exists():
        pytest.skip(f"SARIF schema not found at {SCHEMA} (the shared material is beside the repo)")
    import jsonschema

    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))


def by_name(log: dict) -> dict[str, dict]:
    return {r["properties"]["bomscan/name"]: r for r in log["runs"][0]["results"]}


def line_of(path: Path, text: str) -> int:
    for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in ln:
            return i
    raise AssertionError(f"{text!r} not in {path}")


def test_csv_results_valid_located_and_stable_under_edits_above(repo, capsys):
    bom = repo / "bom.csv"
    lines = (EXAMPLES / "camera-hbom.csv").read_text(encoding="utf-8").splitlines()
    bom.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = sarif(capsys, "bom.csv", "--fail-on", "any")
    validate(before)
    run = before["runs"][0]
    assert run["tool"]["driver"]["name"] == "bomscan"
    assert run["tool"]["driver"]["version"]
    assert run["automationDetails"]["id"].startswith("bomscan/")
    res = by_name(before)
    dahua = [r for r in run["results"] if r["properties"]["bomscan/entity"] == "dahua"]
    assert len(dahua) == 2
    ezviz = res["EZVIZ Network Co., Ltd."]
    assert ezviz["locations"][0]["physicalLocation"]["region"]["startLine"] == line_of(bom, "EZVIZ")

    # two clean parts inserted above everything: lines move, fingerprints do not
    extra = [
        "R1,4,Yageo Corporation,RC0402FR-0710KL,10k resistor,Digi-Key Electronics,0.01,0.04,USD",
        "C1,4,Murata Manufacturing,GRM155R71C104KA88D,100n capacitor,Mouser Electronics,0.02,0.08,USD",
    ]
    bom.write_text("\n".join([lines[0], *extra, *lines[1:]]) + "\n", encoding="utf-8")
    after = sarif(capsys, "bom.csv", "--fail-on", "any")
    validate(after)
    fp = lambda r: r["partialFingerprints"]["primaryLocationLineHash"]  # noqa: E731
    assert sorted(map(fp, before["runs"][0]["results"])) == sorted(
        map(fp, after["runs"][0]["results"])
    )
    moved = by_name(after)["EZVIZ Network Co., Ltd."]
    assert fp(moved) == fp(ezviz)
    assert moved["locations"][0]["physicalLocation"]["region"]["startLine"] == line_of(bom, "EZVIZ")
    assert (
        line_of(bom, "EZVIZ")
        == ezviz["locations"][0]["physicalLocation"]["region"]["startLine"] + 2
    )


def test_cyclonedx_json_points_at_the_manufacturer_name_line(repo, capsys):
    doc = json.loads((EXAMPLES / "camera-hbom.cdx.json").read_text(encoding="utf-8"))
    bom = repo / "hw" / "camera.cdx.json"
    bom.parent.mkdir()
    bom.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    before = sarif(capsys, "hw/camera.cdx.json")
    validate(before)
    name = "Hangzhou Hikvision Digital Technology Co., Ltd."
    r = by_name(before)[name]
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "hw/camera.cdx.json"
    assert loc["region"]["startLine"] == line_of(bom, f'"name": "{name}"')

    doc["components"].insert(0, CLEAN_COMPONENT)
    bom.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    after = sarif(capsys, "hw/camera.cdx.json")
    r2 = by_name(after)[name]
    assert r2["partialFingerprints"] == r["partialFingerprints"]
    assert r2["locations"][0]["physicalLocation"]["region"]["startLine"] == line_of(
        bom, f'"name": "{name}"'
    )
    assert (
        r2["locations"][0]["physicalLocation"]["region"]["startLine"] > loc["region"]["startLine"]
    )


def test_cyclonedx_xml_points_at_the_name_line(repo, capsys):
    bom = repo / "camera.cdx.xml"
    bom.write_text((EXAMPLES / "camera-hbom.cdx.xml").read_text(encoding="utf-8"), "utf-8")
    log = sarif(capsys, "camera.cdx.xml")
    validate(log)
    r = by_name(log)["Hangzhou Hikvision Digital Technology Co., Ltd."]
    line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
    text = bom.read_text(encoding="utf-8").splitlines()[line - 1]
    assert "Hangzhou Hikvision Digital Technology" in text


def test_rules_one_per_list_with_severity_and_suppression_help(repo, capsys):
    bom = repo / "bom.csv"
    bom.write_text((EXAMPLES / "camera-hbom.csv").read_text(encoding="utf-8"), "utf-8")
    log = sarif(capsys, "bom.csv")
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert {"us-ndaa-889", "us-fcc-covered-list", "us-bis-entity-list"} <= set(rules)
    sev = {k: r["properties"]["security-severity"] for k, r in rules.items()}
    assert sev["us-ndaa-889"] == "9.5" and sev["us-bis-entity-list"] == "8.0"
    assert sev["us-treasury-ns-cmic"] == "5.5"
    assert rules["us-treasury-ns-cmic"]["defaultConfiguration"]["level"] == "warning"
    for res in run["results"]:
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        # the most severe list is the rule; the others are named in the message
        assert res["ruleId"] == res["properties"]["bomscan/lists"][0]
        assert "Also on:" in res["message"]["text"]
    md = rules["us-ndaa-889"]["help"]["markdown"]
    snippet = re.search(r"```toml\n(.*?)```", md, re.S).group(1)
    # the snippet is paste-ready: it parses and the config loader accepts it
    parsed = tomllib.loads(snippet)
    assert parsed["suppress"][0]["reason"]
    (repo / ".bomscan.toml").write_text(snippet.replace("ENTITY-ID", "hikvision"), "utf-8")
    log2 = sarif(capsys, "bom.csv")
    assert all(r["properties"]["bomscan/entity"] != "hikvision" for r in log2["runs"][0]["results"])


def test_render_handles_paths_outside_the_repository(tmp_path):
    from bomscan.formats import RenderContext
    from bomscan.formats.sarif_format import artifact_uri

    inside = tmp_path / "repo" / "my bom.csv"
    assert artifact_uri(str(inside), tmp_path / "repo") == "my%20bom.csv"
    assert artifact_uri(str(tmp_path / "x.csv"), tmp_path / "repo").startswith("file:///")
    assert RenderContext().repo_root is None


def test_a_workbooks_sheets_point_at_the_workbook_and_name_the_sheet(repo, capsys):
    """Two ledger tabs of one workbook are two inputs; code scanning can only open files, so
    each result's location is the workbook (row = spreadsheet row) and its text names the tab."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(repo / "spend.xlsx"))
    for tab, vendor in (("2023", "Hikvision USA Inc"), ("2024", "ZTE Corporation")):
        ws = wb.add_worksheet(tab)
        ws.write_row(0, 0, ["Vendor Name", "Amount"])
        ws.write_row(1, 0, [vendor, "10"])
    wb.close()
    log = sarif(capsys, "spend.xlsx")
    validate(log)
    got = {
        r["properties"]["bomscan/name"]: (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["message"]["text"].split(":")[0],
        )
        for r in log["runs"][0]["results"]
    }
    assert got == {
        "Hikvision USA Inc": ("spend.xlsx", 2, "Sheet 2023"),
        "ZTE Corporation": ("spend.xlsx", 2, "Sheet 2024"),
    }
