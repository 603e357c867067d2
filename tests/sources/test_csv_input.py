"""Hostile-ish CSV shapes: duplicate/missing headers, ragged rows, quoted line breaks, empty."""

from __future__ import annotations

from bomscan.pipeline import ReportRequest, run
from tests.conftest import run_cli


def write(tmp_path, text, name="l.csv"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_duplicate_and_missing_headers_are_renamed_and_warned(tmp_path):
    p = write(tmp_path, "Vendor Name,Amount,Amount,\nHikvision USA Inc,1,2,x\n")
    r = run(ReportRequest(inputs=[p])).to_json()
    assert any(":1: duplicate header 'Amount'" in w for w in r["warnings"])
    assert any("column 4 has no header" in w for w in r["warnings"])
    assert r["summary"]["lines_read"] == 1


def test_ragged_rows_are_kept_and_listed_with_lines(tmp_path):
    p = write(
        tmp_path,
        "Vendor Name,Amount,Currency\n"
        "Hikvision USA Inc,10,USD\n"
        "Acme,5\n"  # too few: kept, missing field empty
        "Beta,7,USD,extra\n"  # too many: kept, extra ignored, listed
        "Gamma,1,USD\n",
    )
    r = run(ReportRequest(inputs=[p])).to_json()
    assert r["summary"]["lines_read"] == 4
    assert r["summary"]["lines_ragged"] == 1
    assert any("more fields than the header" in w and "line(s) 4" in w for w in r["warnings"])
    assert any("fewer fields" in w and "line(s) 3" in w for w in r["warnings"])


def test_quoted_line_breaks_keep_exact_lines(tmp_path):
    p = write(
        tmp_path,
        'Vendor Name,Description,Amount\nAcme,"two\nlines",1\nHikvision USA Inc,x,2\n',
    )
    r = run(ReportRequest(inputs=[p])).to_json()
    assert [f["locator"]["line"] for f in r["findings"]] == [4]


def test_header_only_and_empty(tmp_path):
    r = run(ReportRequest(inputs=[write(tmp_path, "Vendor Name,Amount\n")])).to_json()
    assert r["summary"]["lines_read"] == 0
    res = run_cli("report", write(tmp_path, "", name="e.csv"))
    assert res.returncode == 3 and "empty" in res.stderr
