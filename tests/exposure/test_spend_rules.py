"""The spend rules as a user reads them in every format: one amount per item, and the split of
exposed spend into before / since / undated listing, the same in the table, JSON, CSV, xlsx and
the HTML chart data, with and without suppressions; suppressions and a baseline together with
``--group-by`` (they crashed with an internal error)."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from pathlib import Path

import pytest

from bomscan.formats.html import series
from bomscan.model import Report

# A rule set of two entities: one listed from 2020-01-01, one listed with no start date (as
# CSL rows of OFAC lists are: the listing counts on every date, its spend is "undated").
RULES = textwrap.dedent(
    """\
    [ruleset]
    name = "split-test"
    version = "1"
    updated = 2025-03-04

    [[list]]
    id = "test-list"
    name = "Test list"
    authority = "Test"
    url = "https://example.org/list"
    level = "restricted"
    meaning = "Licence required."

    [[entity]]
    id = "dated-co"
    name = "Zorblax Dated Industries Co., Ltd."
    sources = ["https://example.org/dated"]

      [[entity.listing]]
      list = "test-list"
      citation = "Test 1"
      start = 2020-01-01
      source_url = "https://example.org/dated"

    [[entity]]
    id = "undated-co"
    name = "Quintrop Undated Holdings Ltd."
    sources = ["https://example.org/undated"]

      [[entity.listing]]
      list = "test-list"
      citation = "Test 2"
      source_url = "https://example.org/undated"
    """
)

LEDGER = (
    "Date,Vendor,Amount,Currency,Cost Center\n"
    "2019-06-01,Zorblax Dated Industries Co. Ltd,100,USD,CC-1\n"  # before listing
    "2021-06-01,Zorblax Dated Industries Co. Ltd,200,USD,CC-2\n"  # since listing
    ",Zorblax Dated Industries Co. Ltd,40,USD,CC-1\n"  # undated line
    "2021-07-01,Quintrop Undated Holdings Ltd,300,USD,CC-1\n"  # dated, listing undated
    "2021-07-01,Plain Office Supplies Inc,1000,USD,CC-2\n"
)
# the split as a careful reader of the rules concludes it
EXPECTED = {
    "dated-co": {"before": 100.0, "since": 200.0, "undated": 40.0},
    "undated-co": {"before": 0.0, "since": 0.0, "undated": 300.0},
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "rules.toml").write_text(RULES, encoding="utf-8")
    (tmp_path / "led.csv").write_text(LEDGER, encoding="utf-8")
    return tmp_path


def report(cli, project: Path, *args: str, config: str | None = None):
    cfg = project / ".bomscan.toml"
    if config is not None:
        cfg.write_text(config, encoding="utf-8")
    base = ["report", "led.csv", "--rules", "rules", "--no-default-rules", "--as-of", "2025-01-01"]
    env = {"BOMSCAN_CONFIG": str(cfg)} if config is not None else None
    return cli(*base, *args, cwd=project, env=env)


def split_from_json(rep: dict) -> dict:
    return {
        e["entity"]["id"]: {
            "before": e["spend_before_listing"],
            "since": e["spend_since_listing"],
            "undated": e["spend_undated"],
        }
        for e in rep["exposures"]
    }


def test_json_split_before_since_undated(cli, project):
    r = report(cli, project, "-f", "json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert split_from_json(rep) == EXPECTED
    assert rep["summary"]["exposed_spend_since_listing"] == 200.0


def test_html_chart_data_agrees_with_the_table_on_an_undated_listing(cli, project):
    rep = json.loads(report(cli, project, "-f", "json").stdout)
    charted = {}
    for tl in series.spend_over_time(Report.from_json(rep)):
        for s in tl.entities:
            charted[s.entity_id] = {
                "before": round(sum(s.before), 2),
                "since": round(sum(s.since), 2),
                "undated": s.undated_spend,
            }
    assert charted == EXPECTED, "a dated line of an undated listing is 'undated' in the chart too"


def test_csv_and_xlsx_findings_carry_the_same_split(cli, project, tmp_path):
    out = report(cli, project, "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    by_split: dict = {}
    for row in rows:
        key = {"True": "since", "False": "before"}.get(row["since_listing"], "undated")
        per = by_split.setdefault(row["entity_id"], {})
        per[key] = per.get(key, 0.0) + float(row["spend"] or 0)
    assert by_split == {e: {k: v for k, v in d.items() if v} for e, d in EXPECTED.items()}

    xlsx = tmp_path / "r.xlsx"
    assert report(cli, project, "-f", "xlsx", "-o", str(xlsx)).returncode == 0
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    sheet = next(ws for ws in wb.worksheets if "xposure" in ws.title)
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_i = next(i for i, r in enumerate(values) if r and "Entity" in [str(c) for c in r])
    header = [str(c) for c in values[header_i]]
    col = {name: header.index(name) for name in header}
    cols = [c for c in header if "since" in c.lower() or "before" in c.lower() or "undated" in c]
    assert len(cols) == 3, header
    for r in values[header_i + 1 :]:
        if not r or r[col["Entity"]] is None:
            continue
        eid = "dated-co" if "Zorblax" in str(r[col["Entity"]]) else "undated-co"
        seen = sorted(float(r[col[c]] or 0) for c in cols)
        assert seen == sorted(EXPECTED[eid].values())


def test_table_and_markdown_show_the_same_split(cli, project):
    table = report(cli, project)
    assert table.returncode == 0, table.stderr
    flat = " ".join(table.stdout.split())
    assert "since listing 200.00 · before listing 100.00 · undated 40.00" in flat
    assert "undated 300.00" in flat
    md = report(cli, project, "-f", "markdown").stdout
    assert "<br>since listing 200.00 · before listing 100.00 · undated 40.00 |" in md
    assert "**Quintrop Undated Holdings Ltd.**<br>undated 300.00 |" in md


def test_a_bom_without_dates_shows_no_split(cli):
    out = cli("report", "examples/camera-hbom.cdx.json").stdout
    assert "Hangzhou Hikvision" in out
    assert "since listing" not in out and not re.search(r"undated [\d,]+\.\d\d", out)


SUPPRESS_DATED = textwrap.dedent(
    """\
    [[suppress]]
    entity = "dated-co"
    reason = "Contract ended; tracked in FIN-1"
    """
)


def test_group_by_with_a_suppression_reports_instead_of_crashing(cli, project):
    r = report(cli, project, "--group-by", "Cost Center", "-f", "json", config=SUPPRESS_DATED)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert [e["entity"]["id"] for e in rep["exposures"]] == ["undated-co"]
    assert {g["entity"]["id"] for g in rep["groups"]} == {"undated-co"}
    totals = {t["group"]["Cost Center"]: t for t in rep["group_totals"]}
    assert totals["CC-1"]["total_spend"] == 440.0, "input totals are not touched by suppression"
    assert totals["CC-1"]["exposed_spend"] == 300.0
    assert totals["CC-2"]["exposed_spend"] == 0.0
    assert split_from_json(rep) == {"undated-co": EXPECTED["undated-co"]}
    assert rep["summary"]["exposed_spend_since_listing"] == 0.0
    charted = {
        s.entity_id: s.undated_spend
        for tl in series.spend_over_time(Report.from_json(rep))
        for s in tl.entities
    }
    assert "dated-co" not in charted, "the chart re-aggregates the kept findings too"
    table = report(cli, project, "--group-by", "Cost Center", config=SUPPRESS_DATED).stdout
    assert "Zorblax Dated Industries Co., Ltd." not in table.split("Findings")[0]
    assert "undated 300.00" in " ".join(table.split())


def test_group_by_with_a_baseline_reports_only_new_findings(cli, project, tmp_path):
    old = tmp_path / "old.json"
    first = report(cli, project, "--group-by", "Cost Center", "-f", "json")
    assert first.returncode == 0, first.stderr
    old.write_text(first.stdout, encoding="utf-8")
    r = report(cli, project, "--group-by", "Cost Center", "-f", "json", "--baseline", str(old))
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["findings"] == [] and rep["exposures"] == [] and rep["groups"] == []
    assert all(t["exposed_spend"] == 0.0 for t in rep["group_totals"])
    table = report(cli, project, "--group-by", "Cost Center", "--baseline", str(old))
    assert table.returncode == 0, table.stderr


def test_converted_exposure_never_exceeds_the_total_it_is_a_share_of(cli, tmp_path):
    """Two EUR lines converted at 1.0947 are 4,383.277 + 3,469.466 USD: rounding each line to
    cents and then summing gives 7,852.75, more than the cost center's total of 7,852.74 (and a
    share above 100%). Totals sum the unrounded amounts and round once."""
    (tmp_path / "led.csv").write_text(
        "Date,Vendor,Amount,Currency,Cost Center\n"
        "2021-09-09,Kaspersky Lab,4004.09,EUR,CC-800\n"
        "2021-09-24,Kaspersky Lab,3169.33,EUR,CC-800\n",
        encoding="utf-8",
    )
    (tmp_path / "fx.csv").write_text("date,currency,rate\n2021-09-01,EUR,1.0947\n", "utf-8")
    r = cli(
        "report", "led.csv", "--currency", "USD", "--fx", "fx.csv", "--group-by", "Cost Center",
        "-f", "json", "--as-of", "2025-01-01", cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert [f["spend"] for f in rep["findings"]] == [4383.28, 3469.47], "each line in cents"
    (total,) = rep["group_totals"]
    assert total["total_spend"] == total["exposed_spend"] == 7852.74
    assert total["share_exposed"] == pytest.approx(1.0)
    assert rep["exposures"][0]["spend"] == rep["summary"]["exposed_spend"] == 7852.74
    assert rep["summary"]["share_exposed"] == pytest.approx(1.0)
