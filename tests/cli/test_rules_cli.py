"""`bomscan rules list` / `rules show`, and which rule sets a report uses (--rules,
--no-default-rules) and names."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

RULES = textwrap.dedent(
    """\
    [ruleset]
    name = "my-extra"
    version = "7"
    updated = 2025-03-04

    [[list]]
    id = "my-list"
    name = "My internal block list"
    authority = "Procurement"
    url = "https://example.org/policy"
    level = "prohibited"
    meaning = "Do not buy."

    [[entity]]
    id = "acme"
    name = "Acme Widgets Co., Ltd."
    sources = ["https://example.org/acme"]

      [[entity.listing]]
      list = "my-list"
      citation = "Policy 12"
      start = 2020-01-01
      source_url = "https://example.org/acme"
    """
)


@pytest.fixture
def extra(tmp_path) -> Path:
    d = tmp_path / "extra"
    d.mkdir()
    (d / "rules.toml").write_text(RULES, encoding="utf-8")
    return d


def fits_80(text: str) -> bool:
    return all(
        len(ln) <= 80 or re.fullmatch(r"\s*\S*(- |: )?https?://\S+", ln) for ln in text.splitlines()
    )


def test_rules_list_is_a_plain_80_column_table_when_piped(cli):
    r = cli("rules", "list", "--as-of", "2025-06-01")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "\x1b[" not in out
    assert all(len(ln) <= 80 for ln in out.splitlines())
    assert "hikvision (CN)" in out and "Entity List 2019-10-09→" in out
    assert "subsidiary of dahua" in out and "until 2022-11-24" in out
    # Megvii's 1260H listing ended on 2025-01-07: marked as not in force
    assert re.search(r"DoD 1260H 2024-01-31→2025-01-07\s*\n?\s*\[ended\]", out)
    assert "Rules: bomscan-shipped" in out and "updated 2026-12-08" in out


def test_rules_list_marks_listings_not_yet_in_force(cli):
    out = cli("rules", "list", "--as-of", "2019-01-01").stdout
    assert "[not yet]" in out and "not in force on 2019-01-01" in out


def test_rules_list_colour_only_when_forced(cli):
    assert "\x1b[" in cli("--color", "rules", "list").stdout


def test_rules_show_gives_everything_about_an_entity(cli):
    r = cli("rules", "show", "megvii")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert fits_80(out) and "\x1b[" not in out
    for text in (
        "Megvii Technology Limited [megvii]",
        "aliases:",
        "北京旷视科技有限公司",
        "citation: 84 FR 54002",
        "start: 2019-10-09",
        "end: 2025-01-07",
        "licence policy:",
        "what this means:",
        "source: https://",
        "sources:",
        "notes:",
    ):
        assert text in out, text


def test_rules_show_affiliations_and_children(cli):
    lorex = cli("rules", "show", "lorex").stdout
    assert "subsidiary of Zhejiang Dahua Technology Co., Ltd. until 2022-11-24 [dahua]" in lorex
    assert "valid: from (start not sourced) to 2022-11-24" in lorex
    dahua = cli("rules", "show", "dahua").stdout
    assert "children" in dahua and "Lorex Technology Inc. [lorex]" in dahua
    r = cli("rules", "show", "no-such-entity")
    assert r.returncode == 2 and "no entity 'no-such-entity'" in r.stderr


def test_extra_rules_add_to_the_shipped_ones(cli, extra, tmp_path):
    p = tmp_path / "l.csv"
    p.write_text(
        "Posting Date,Vendor Name,Amount,Currency\n"
        "2024-01-01,Acme Widgets Co. Ltd,100,USD\n"
        "2024-01-01,Hangzhou Hikvision Digital Technology Co. Ltd,50,USD\n",
        encoding="utf-8",
    )
    r = cli("report", str(p), "--rules", str(extra), "-f", "json", "--as-of", "2025-01-01")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert {e["entity"]["id"] for e in rep["exposures"]} == {"acme", "hikvision"}
    assert [(x["name"], x["updated"]) for x in rep["rulesets"]] == [
        ("bomscan-shipped", "2026-12-08"),
        ("my-extra", "2025-03-04"),
    ]
    r = cli(
        "report",
        str(p),
        "--rules",
        str(extra),
        "--no-default-rules",
        "-f",
        "json",
        "--as-of",
        "2025-01-01",
    )
    rep = json.loads(r.stdout)
    assert [e["entity"]["id"] for e in rep["exposures"]] == ["acme"]
    assert [x["name"] for x in rep["rulesets"]] == ["my-extra"]
    table = cli("report", str(p), "--rules", str(extra), "--as-of", "2025-01-01").stdout
    assert "my-extra 7 (updated 2025-03-04)" in " ".join(table.split())
    assert "bomscan-shipped" in table


def test_no_rules_at_all_is_a_usage_error(cli, tmp_path):
    p = tmp_path / "l.csv"
    p.write_text("Vendor Name,Amount\nAcme,1\n", encoding="utf-8")
    r = cli("report", str(p), "--no-default-rules")
    assert r.returncode == 2 and "nothing to screen against" in r.stderr


def test_rules_list_and_show_take_extra_rules(cli, extra):
    out = cli("rules", "list", "--rules", str(extra), "--no-default-rules").stdout
    assert "Acme Widgets" in out and "hikvision" not in out
    assert (
        "My internal block list [my-list]"
        in cli("rules", "show", "acme", "--rules", str(extra)).stdout
    )


def test_rules_list_as_json_has_every_entity_with_names_listings_and_affiliations(cli):
    r = cli("rules", "list", "--format", "json", "--as-of", "2025-06-01")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    ids = [e["id"] for e in data["entities"]]
    assert ids == sorted(ids) and {"hikvision", "huawei", "lorex"} <= set(ids)
    megvii = next(e for e in data["entities"] if e["id"] == "megvii")
    assert megvii["aliases"] and megvii["sources"]
    ended = [lst for lst in megvii["listings"] if lst["list"] == "us-dod-1260h"]
    assert ended and ended[0]["end"] == "2025-01-07" and ended[0]["in_force"] is False
    lorex = next(e for e in data["entities"] if e["id"] == "lorex")
    assert lorex["affiliations"][0]["parent"] == "dahua"
    assert lorex["affiliations"][0]["holds"] is False  # sold in 2022
    assert {ld["id"] for ld in data["lists"]} >= {"us-bis-entity-list", "us-ndaa-889"}
    assert data["rulesets"][0]["name"] == "bomscan-shipped"
