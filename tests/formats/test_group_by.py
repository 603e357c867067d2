"""``--group-by`` reaches every format: the terminal table, Markdown, CSV and the workbook show
exposure per group and each group's total, and findings carry their group values (an Excel user
can pivot on them). Built on fixtures/ledger-cost-centres.csv: two cost centres, USD only,
Hikvision in both and Dahua in one:

    CC-100 Security    total 2,000  exposed 1,500 (75%): Hikvision 1,000 (50%), Dahua 500 (25%)
    CC-200 Facilities  total 1,000  exposed   250 (25%): Hikvision   250 (25%)
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from bomscan.cli import main
from bomscan.formats import csv_format

LEDGER = Path(__file__).parent / "fixtures" / "ledger-cost-centres.csv"
GROUP = ("--group-by", "Cost Center", "--as-of", "2026-01-01")


def run(capsys, monkeypatch, *args: str) -> str:
    """The CLI in-process, as piped (80 columns); its stdout."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("BOMSCAN_CONFIG", raising=False)
    with pytest.raises(SystemExit) as exc:
        main(["-q", "report", *args])
    cap = capsys.readouterr()
    assert exc.value.code in (0, None), cap.err
    return cap.out


@pytest.fixture
def ledger(tmp_path, monkeypatch) -> str:
    """The fixture ledger, copied into a directory with no config file."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "led.csv").write_text(LEDGER.read_text(encoding="utf-8"), encoding="utf-8")
    return "led.csv"


def test_table_shows_exposure_and_totals_per_group(ledger, capsys, monkeypatch):
    out = run(capsys, monkeypatch, ledger, *GROUP)
    lines = out.splitlines()
    assert max(len(ln) for ln in lines) <= 80
    by = out.index("Exposure by Cost Center")
    totals = out.index("Spend by Cost Center")
    assert out.index("Exposure by listed entity") < by < totals < out.index("Findings (3)")
    rows = [ln.split() for ln in out[by:totals].splitlines()]
    # group value, spend, share of the group and lines, for the first line of each row
    assert ["CC-100", "Security", "Hangzhou", "Hikvision", "1,000.00", "USD", "50.0%", "1"] in rows
    assert ["CC-100", "Security", "Zhejiang", "Dahua", "500.00", "USD", "25.0%", "1"] in rows
    assert ["CC-200", "Facilities", "Hangzhou", "Hikvision", "250.00", "USD", "25.0%", "1"] in rows
    tail = [ln.split() for ln in out[totals:].splitlines()]
    assert ["CC-100", "Security", "2,000.00", "USD", "1,500.00", "USD", "75.0%", "3"] in tail
    assert ["CC-200", "Facilities", "1,000.00", "USD", "250.00", "USD", "25.0%", "2"] in tail


def test_table_and_markdown_without_group_by_have_no_group_section(ledger, capsys, monkeypatch):
    for fmt in ("table", "markdown"):
        out = run(capsys, monkeypatch, ledger, "-f", fmt)
        assert "Exposure by Cost Center" not in out and "Spend by" not in out


def test_markdown_has_a_group_section_with_tables(ledger, capsys, monkeypatch):
    out = run(capsys, monkeypatch, ledger, *GROUP, "-f", "markdown")
    section = out[out.index("### Exposure by Cost Center") : out.index("<details>")]
    assert "| Cost Center | Entity | Spend | Share of group | Lines |" in section
    assert (
        "| CC-100 Security | Hangzhou Hikvision Digital Technology Co., Ltd. | 1,000.00 USD "
        "| 50.0% | 1 |" in section
    )
    assert "| CC-200 Facilities | 1,000.00 USD | 250.00 USD | 25.0% | 2 |" in section
    assert "| CC-100 Security | 2,000.00 USD | 1,500.00 USD | 75.0% | 3 |" in section


def test_markdown_escapes_group_values(tmp_path, capsys, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    text = LEDGER.read_text(encoding="utf-8").replace("CC-200 Facilities", "<b>A|B</b> @team")
    (tmp_path / "led.csv").write_text(text, encoding="utf-8")
    out = run(capsys, monkeypatch, "led.csv", *GROUP, "-f", "markdown")
    assert "<b>" not in out and "@team" not in out
    assert "| &lt;b&gt;A\\|B&lt;/b&gt; @\u200bteam | 1,000.00 USD |" in out


def test_csv_rows_carry_their_group_values(ledger, capsys, monkeypatch):
    out = run(capsys, monkeypatch, ledger, *GROUP, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [*csv_format.COLUMNS, "Cost Center"]
    assert {r["line"]: r["Cost Center"] for r in rows} == {
        "2": "CC-100 Security",
        "3": "CC-100 Security",
        "5": "CC-200 Facilities",
    }
    spend: dict[str, float] = defaultdict(float)
    for r in rows:
        spend[r["Cost Center"]] += float(r["spend"])
    report = json.loads(run(capsys, monkeypatch, ledger, *GROUP, "-f", "json"))
    assert spend == {g["group"]["Cost Center"]: g["exposed_spend"] for g in report["group_totals"]}


def test_csv_group_column_named_like_a_report_column_is_prefixed(ledger, capsys, monkeypatch):
    out = run(capsys, monkeypatch, ledger, "--group-by", "Currency", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[-1] == "group: Currency"
    assert {r["group: Currency"] for r in rows} == {"USD"}
    plain = run(capsys, monkeypatch, ledger, "-f", "csv")
    assert next(csv.reader(io.StringIO(plain))) == list(csv_format.COLUMNS)


def test_xlsx_groups_sheet_and_group_columns_on_findings(ledger, capsys, monkeypatch):
    run(capsys, monkeypatch, ledger, *GROUP, "-f", "xlsx", "-o", "out.xlsx")
    wb = openpyxl.load_workbook("out.xlsx")
    assert wb.sheetnames == [
        "Summary",
        "Exposures",
        "Groups",
        "Group exposure",
        "Findings",
        "Unparsed rows",
        "Sources",
    ]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    got: dict[str, list[dict]] = {}
    for name in ("Group exposure", "Groups"):
        head = [c.value for c in wb[name][1]]
        assert head[:2] == ["Cost Center", "Currency"]
        rows = wb[name].iter_rows(min_row=2, values_only=True)
        got[name] = [dict(zip(head, r, strict=True)) for r in rows]
    exposed = got["Group exposure"]
    assert [
        (r["Cost Center"], r["Entity ID"], r["Spend"], r["Share of group"]) for r in exposed
    ] == [
        ("CC-100 Security", "hikvision", 1000, 0.5),
        ("CC-100 Security", "dahua", 500, 0.25),
        ("CC-200 Facilities", "hikvision", 250, 0.25),
    ]
    # each group's total once, on its own row (never repeated per entity: a sum counts it once)
    assert "Group total spend" not in exposed[0]
    assert [r["Cost Center"] for r in got["Groups"]] == ["CC-100 Security", "CC-200 Facilities"]
    totals = {r["Cost Center"]: r for r in got["Groups"]}
    per_group: dict[str, float] = defaultdict(float)
    for r in exposed:
        per_group[r["Cost Center"]] += r["Spend"]
    assert per_group == {k: v["Group exposed spend"] for k, v in totals.items()}
    assert totals["CC-100 Security"]["Group total spend"] == 2000
    assert totals["CC-100 Security"]["Group exposed spend"] == 1500
    assert totals["CC-200 Facilities"]["Group share exposed"] == 0.25
    assert totals["CC-200 Facilities"]["Group lines"] == 2
    # a pivot of Findings on its Cost Center column gives each group's exposed spend
    f = wb["Findings"]
    fh = [c.value for c in f[1]]
    assert fh[-1] == "Cost Center"
    pivot: dict[str, float] = defaultdict(float)
    for r in f.iter_rows(min_row=2, values_only=True):
        pivot[r[fh.index("Cost Center")]] += r[fh.index("Spend")] or 0
    assert pivot == {k: v["Group exposed spend"] for k, v in totals.items()}
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows(min_row=2)}
    assert summary["Grouped by (see Groups)"] == "Cost Center"


def test_xlsx_group_without_exposure_has_a_total_and_no_entity_row(tmp_path, capsys, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    text = LEDGER.read_text(encoding="utf-8") + "Acme Office Supplies,40.00,USD,CC-300 Clean\n"
    (tmp_path / "led.csv").write_text(text, encoding="utf-8")
    run(capsys, monkeypatch, "led.csv", *GROUP, "-f", "xlsx", "-o", "out.xlsx")
    wb = openpyxl.load_workbook("out.xlsx")
    clean = {}
    for name in ("Groups", "Group exposure"):
        ws = wb[name]
        head = [c.value for c in ws[1]]
        rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
        clean[name] = [r for r in rows if r["Cost Center"] == "CC-300 Clean"]
    assert len(clean["Groups"]) == 1
    assert clean["Groups"][0]["Group total spend"] == 40
    assert clean["Groups"][0]["Group exposed spend"] == 0
    assert clean["Group exposure"] == []


def test_xlsx_without_group_by_has_no_groups_sheet(ledger, capsys, monkeypatch):
    run(capsys, monkeypatch, ledger, "-f", "xlsx", "-o", "out.xlsx")
    wb = openpyxl.load_workbook("out.xlsx")
    assert "Groups" not in wb.sheetnames and "Group exposure" not in wb.sheetnames
    assert [c.value for c in wb["Findings"][1]][-1] == "Extra"


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "xlsx"])
def test_two_group_keys_give_one_column_each(ledger, capsys, monkeypatch, fmt):
    keys = ("--group-by", "Cost Center", "--group-by", "Currency")
    out = run(capsys, monkeypatch, ledger, *keys, "-f", fmt, *(["-o", "o.xlsx"] * (fmt == "xlsx")))
    if fmt == "table":
        assert (
            "Exposure by Cost Center / Currency" in out and "Spend by Cost Center / Currency" in out
        )
    elif fmt == "markdown":
        assert "| Cost Center | Currency | Entity | Spend | Share of group | Lines |" in out
        assert "| CC-200 Facilities | USD | 1,000.00 USD | 250.00 USD | 25.0% | 2 |" in out
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert {(r["Cost Center"], r["group: Currency"]) for r in rows} == {
            ("CC-100 Security", "USD"),
            ("CC-200 Facilities", "USD"),
        }
    else:
        wb = openpyxl.load_workbook("o.xlsx")
        for name in ("Groups", "Group exposure"):
            assert [c.value for c in wb[name][1]][:3] == [
                "Cost Center",
                "group: Currency",
                "Currency",
            ]
        assert [c.value for c in wb["Findings"][1]][-2:] == ["Cost Center", "group: Currency"]
