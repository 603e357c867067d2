"""Screening by part number: a BOM that lists only MPNs is screened against the rules' sourced
model-number patterns, and its findings say so; bad patterns are refused with file and line."""

from __future__ import annotations

import json
import textwrap

import pytest

RULES = textwrap.dedent(
    """\
    [[list]]
    id = "test-list"
    name = "Test list"
    authority = "Test"
    legal_basis = "Test"
    url = "https://example.invalid/list"
    level = "restricted"
    meaning = "test"

    [[entity]]
    id = "cam-maker"
    name = "Camera Maker Co., Ltd."
    sources = ["https://example.invalid/maker"]
      [[entity.listing]]
      list = "test-list"
      citation = "Test 1"
      start = 2019-10-09
      source_url = "https://example.invalid/listing"

    [[part_pattern]]
    entity = "cam-maker"
    pattern = "CM-2C[DE]"
    products = "network cameras"
    examples = ["CM-2CD2143G2-I"]
    source_url = "https://example.invalid/datasheet"
    """
)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "rules.toml").write_text(RULES, encoding="utf-8")
    return tmp_path


def run(cli, project, text: str, *args: str):
    (project / "bom.csv").write_text(text, encoding="utf-8")
    base = ["report", "bom.csv", "--rules", "rules", "--no-default-rules", "--as-of", "2025-01-01"]
    return cli(*base, *args, cwd=project)


def test_a_bom_of_part_numbers_only_is_screened_by_its_mpns(cli, project):
    r = run(
        cli,
        project,
        "Ref,Qty,MPN,Unit Price\nU1,2,cm-2cd2143g2-i,120.00\nU2,1,LM358,0.20\nU3,1,XCM-2CD,1\n",
        "-f",
        "json",
    )
    rep = json.loads(r.stdout)
    (f,) = rep["findings"]
    assert (f["value"], f["entity"]["id"], f["method"]) == (
        "cm-2cd2143g2-i",
        "cam-maker",
        "part-number",
    )
    assert f["reason"].startswith("by part number:") and "example.invalid/datasheet" in f["reason"]
    assert f["locator"]["line"] == 2 and f["spend"] == 240.0
    assert rep["summary"]["exposed_spend"] == 240.0
    table = run(cli, project, "Ref,Qty,MPN\nU1,2,CM-2CE100\n").stdout
    assert "CM-2CE100" in table and "Camera Maker" in table and "by part number" in table


def test_a_line_found_by_name_is_not_reported_again_by_its_number(cli, project):
    r = run(
        cli,
        project,
        "Manufacturer,MPN,Qty,Unit Price\nCamera Maker Co Ltd,CM-2CD2143G2-I,1,100\n",
        "-f",
        "json",
    )
    rep = json.loads(r.stdout)
    assert [f["method"] for f in rep["findings"]] != [] and all(
        f["method"] != "part-number" for f in rep["findings"]
    )
    assert rep["exposures"][0]["spend"] == 100.0 and rep["exposures"][0]["lines"] == 1


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('entity = "cam-maker"\npattern = "CM-(2C"\nsource_url = "u"\n', "is not valid"),
        (
            'entity = "cam-maker"\npattern = "CM-2C"\nexamples = ["XX"]\nsource_url = "u"\n',
            "does not match",
        ),
        ('entity = "nobody"\npattern = "CM-2C"\nsource_url = "u"\n', "unknown entity 'nobody'"),
        ('entity = "cam-maker"\npattern = "CM-2C"\n', "missing required key 'source_url'"),
    ],
)
def test_a_bad_part_pattern_is_refused_with_its_file_and_line(cli, project, entry, message):
    extra = project / "rules" / "parts.toml"
    extra.write_text("\n[[part_pattern]]\n" + entry, encoding="utf-8")
    r = cli("rules", "validate", str(project / "rules"))
    assert r.returncode == 3
    assert f"{extra}:2" in r.stderr and message in r.stderr
