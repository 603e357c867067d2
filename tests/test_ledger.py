"""Spend ledgers end to end: encodings, Excel/Parquet input, FX, credits, unparsed rows, slicing."""

from __future__ import annotations

import json

import polars as pl
import pytest

from bomscan import exposure
from bomscan.pipeline import ReportRequest, run
from tests.conftest import EXAMPLES, run_cli

HEADER = "Posting Date,Vendor Name,Cost Center,Amount,Currency\n"
ROWS = [
    '2024-01-05,HANGZHOU HIKVISION DIGITAL TECH CO LTD,CC-1,"1,000.00",USD',
    "2024-02-05,Acme Tools Ltd,CC-2,500.00,USD",
    "2024-03-05,Hikvision USA Inc,CC-1,(200.00),USD",
    "2024-03-06,Café Müller GmbH,CC-2,see invoice,USD",
]


SAMPLE = HEADER + "\n".join(ROWS) + "\n"


def ledger(tmp_path, text=SAMPLE, name="l.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return str(p)


def report(*paths, **kw):
    return run(ReportRequest(inputs=list(paths), **kw))


def check_basic(r):
    s = r["summary"]
    assert s["lines_read"] == 4
    assert s["total_spend"] == pytest.approx(1300.0)  # credit reduces spend
    assert s["exposed_spend"] == pytest.approx(800.0)
    assert s["credit_lines"] == 1 and s["credits"] == pytest.approx(-200.0)
    assert s["lines_unparsed_amount"] == 1
    assert r["unparsed_amounts"][0]["value"] == "see invoice"
    assert r["unparsed_amounts"][0]["line"] == 5
    assert {f["locator"]["line"] for f in r["findings"]} == {2, 4}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_encodings_detected(tmp_path, encoding):
    r = report(ledger(tmp_path, encoding=encoding))
    check_basic(r)
    assert not any("guessed" in w for w in r["warnings"])


def test_cp1252_guessed_and_warned(tmp_path):
    r = report(ledger(tmp_path, encoding="cp1252"))
    check_basic(r)
    assert any("guessed" in w for w in r["warnings"])
    assert r["inputs"][0]["meta"]["encoding_guessed"] is True


def test_tsv(tmp_path):
    text = (HEADER + "\n".join(ROWS)).replace(",", "\t").replace('"1\t000.00"', "1000.00")
    r = report(ledger(tmp_path, text=text + "\n", name="l.tsv"))
    assert r["inputs"][0]["meta"]["delimiter"] == "\t"
    assert r["summary"]["exposed_spend"] == pytest.approx(800.0)


def test_parquet_input(tmp_path):
    p = tmp_path / "l.parquet"
    pl.DataFrame(
        {
            "Invoice Date": ["2024-01-05", "2024-02-05"],
            "Supplier": ["Dahua Technology USA Inc.", "Acme Tools Ltd"],
            "Net Amount": [250.0, -50.0],
            "Currency": ["USD", "USD"],
        }
    ).with_columns(pl.col("Invoice Date").str.to_date()).write_parquet(p)
    r = report(str(p))
    assert r["inputs"][0]["meta"]["format"] == "parquet"
    assert r["summary"]["total_spend"] == pytest.approx(200.0)
    assert r["summary"]["exposed_spend"] == pytest.approx(250.0)
    assert r["findings"][0]["date"] == "2024-01-05"


def test_excel_input_with_title_row_and_sheet(tmp_path):
    import xlsxwriter

    p = tmp_path / "l.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    wb.add_worksheet("Notes").write_string(0, 0, "nothing here")
    ws = wb.add_worksheet("Spend")
    ws.write_string(0, 0, "AP export 2024")
    ws.write_row(2, 0, ["Posting Date", "Payee", "Invoice Amount", "Company Code"])
    ws.write_datetime(
        3, 0, __import__("datetime").datetime(2024, 1, 5), wb.add_format({"num_format": "d/m/yy"})
    )
    ws.write_string(3, 1, "Huawei Technologies Co., Ltd.")
    ws.write_number(3, 2, 1234.5)
    ws.write_string(3, 3, "US01")
    ws.write_string(4, 0, "2024-02-01")
    ws.write_string(4, 1, "Acme")
    ws.write_string(4, 2, "n/a")
    wb.close()
    r = report(str(p), sheet="Spend")
    assert r["summary"]["exposed_spend"] == pytest.approx(1234.5)
    assert r["findings"][0]["locator"]["line"] == 4  # the spreadsheet's row number
    assert r["findings"][0]["date"] == "2024-01-05"
    assert r["unparsed_amounts"] == [{"source": str(p), "line": 5, "item": 1, "value": "n/a"}]
    bad = run_cli("report", str(p), "--sheet", "Nope")
    assert bad.returncode == 3 and "no sheet 'Nope'" in bad.stderr and "Spend" in bad.stderr


def test_fx_with_rates_converts_and_records_rate(tmp_path):
    r = report(
        str(EXAMPLES / "procurement-ledger.csv"),
        currency="USD",
        fx_path=str(EXAMPLES / "fx-rates-usd.csv"),
    )
    s = r["summary"]
    assert s["currency"] == "USD" and not s["mixed_currencies"]
    cny = [f for f in r["findings"] if f["currency_original"] == "CNY"]
    assert cny and all(f["fx_rate"] and f["fx_rate_date"] for f in cny)
    f = cny[0]
    assert f["spend"] == pytest.approx(f["amount_original"] * f["fx_rate"], abs=0.01)
    assert f["fx_rate_date"] <= f["date"]


def test_fx_missing_rate_is_counted_not_dropped(tmp_path):
    fx = tmp_path / "fx.csv"
    fx.write_text("date,currency,rate\n2024-02-01,EUR,1.1\n")
    text = HEADER + "2024-01-05,Hikvision USA Inc,CC-1,100,EUR\n2024-02-05,Acme,CC-1,100,EUR\n"
    r = report(ledger(tmp_path, text=text), currency="USD", fx_path=str(fx))
    s = r["summary"]
    assert s["lines_without_rate"] == 1
    assert s["total_spend"] == pytest.approx(110.0)
    assert any("no FX rate" in w for w in r["warnings"])
    eur = [b for b in s["by_currency"] if b["currency"] == "EUR"]
    assert eur and eur[0]["total_spend"] == pytest.approx(100.0)


def test_mixed_currencies_without_rates_are_never_summed():
    r = report(str(EXAMPLES / "procurement-ledger.csv"))
    s = r["summary"]
    assert s["mixed_currencies"] and s["total_spend"] is None and s["currency"] is None
    assert s["mixed_currencies_reason"]
    assert {b["currency"] for b in s["by_currency"]} >= {"USD", "EUR", "CNY"}
    assert any("never summed" in w for w in r["warnings"])


def test_period_and_group_by_with_group_totals(tmp_path):
    r = report(
        ledger(tmp_path),
        date_from=__import__("datetime").date(2024, 2, 1),
        group_by=["Cost Center", "month"],
    )
    assert r["summary"]["lines_read"] == 4
    assert r["summary"]["lines_skipped"]["total"] == 1  # January is outside the period
    totals = {(g["group"]["Cost Center"], g["group"]["month"]): g for g in r["group_totals"]}
    cc1 = totals[("CC-1", "2024-03")]
    assert cc1["total_spend"] == pytest.approx(-200.0) and cc1["exposed_spend"] == -200.0
    assert totals[("CC-2", "2024-02")]["total_spend"] == pytest.approx(500.0)
    assert r["findings"][0]["groups"] == {"Cost Center": "CC-1", "month": "2024-03"}
    bad = run_cli("report", ledger(tmp_path), "--group-by", "Nope")
    assert bad.returncode == 2 and "Cost Center" in bad.stderr


@pytest.fixture
def resolver_calls(monkeypatch) -> list[str]:
    """Every name the resolver is asked about during the test, in order."""
    from bomscan.resolve import Resolver

    seen: list[str] = []
    orig = Resolver.match_names

    def counting(self, names, min_score=0.8):
        names = list(names)
        seen.extend(names)
        return orig(self, names, min_score)

    monkeypatch.setattr(Resolver, "match_names", counting)
    return seen


def test_distinct_names_resolved_once(tmp_path, resolver_calls):
    seen = resolver_calls
    vendors = ["Hikvision USA Inc", "Acme Tools Ltd", "Beta Corp"]
    rows = [f"2024-01-{1 + i % 28:02d},{vendors[i % 3]},CC-1,{i}.00,USD" for i in range(30000)]
    r = report(ledger(tmp_path, text=HEADER + "\n".join(rows) + "\n"))
    assert r["summary"]["lines_read"] == 30000
    assert sorted(seen) == sorted(vendors)  # each distinct name once, not once per row
    assert r["summary"]["names_screened"] == 3


def test_many_vendors_go_through_the_name_gate(tmp_path, resolver_calls):
    """With thousands of vendors, those sharing no word with any alias key are screened out
    before the resolver (resolve/gate.py), and the report is the same."""
    seen = resolver_calls
    vendors = [f"Acme Tools {i} Ltd" for i in range(1500)] + ["Hikvision USA Inc"]
    rows = [f"2024-01-02,{v},CC-1,10.00,USD" for v in vendors]
    r = report(ledger(tmp_path, text=HEADER + "\n".join(rows) + "\n"))
    assert seen == ["Hikvision USA Inc"]
    assert r["summary"]["names_screened"] == len(vendors)
    assert [f["value"] for f in r["findings"]] == ["Hikvision USA Inc"]


def test_cli_json_and_exit_code(tmp_path):
    res = run_cli("report", ledger(tmp_path), "-f", "json")
    assert res.returncode == 0, res.stderr
    check_basic(json.loads(res.stdout))


def test_namecache_is_used_by_build_report():
    assert hasattr(exposure, "NameCache")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"a",
        b"a\n",
        b"a\nb",
        b"\n\n",
        b"x" * (1 << 20),
        b"x" * (1 << 20) + b"\n",
        b"x\ny" * 400_000,
    ],
)
@pytest.mark.parametrize("numpy_from", [0, 1 << 40])
def test_physical_line_count(tmp_path, monkeypatch, data, numpy_from):
    """The count that decides whether item -> line is exact (chunk edges, no final newline),
    by both ways of counting (numpy for large files)."""
    from bomscan.sources import tabular

    monkeypatch.setattr(tabular, "NUMPY_COUNT_MIN", numpy_from)
    p = tmp_path / "f.csv"
    p.write_bytes(data)
    want = data.count(b"\n") + (0 if data[-1:] in (b"\n", b"") else 1)
    assert tabular._physical_lines(str(p)) == want


def test_each_ledger_keeps_its_own_date_format_and_currency_text(tmp_path):
    """Two ledgers, one ISO-dated, one day-first, in one report: each finding carries the date
    its own file meant (the pass parses the dates of the rows it lists afterwards, per file),
    and currency cells written ' usd ' and 'USD' are one currency."""
    iso = ledger(
        tmp_path,
        text=HEADER
        + "2018-06-01,Hikvision USA Inc,CC-1,100.00, usd \n2024-01-02,Acme,CC-1,5,USD\n",
        name="iso.csv",
    )
    dayfirst = ledger(
        tmp_path,
        text=HEADER + "25/12/2020,ZTE Corporation,CC-2,40.00,USD\n13/01/2021,Acme,CC-2,1,USD\n",
        name="dmy.csv",
    )
    r = report(iso, dayfirst)
    dates = {f["value"]: f["date"] for f in r["findings"]}
    assert dates == {"Hikvision USA Inc": "2018-06-01", "ZTE Corporation": "2020-12-25"}
    assert [b["currency"] for b in r["summary"]["by_currency"]] == ["USD"]
    assert r["summary"]["total_spend"] == pytest.approx(146.0)
    # Hikvision's first listing is NDAA section 889 (2018-08-13): June 2018 is before it;
    # ZTE's December 2020 spend is after its listings
    since = {e["entity"]["id"]: e["spend_since_listing"] for e in r["exposures"]}
    assert since == {"hikvision": pytest.approx(0.0), "zte": pytest.approx(40.0)}


def test_vendor_first_seen_after_the_warm_up_is_still_found(tmp_path, monkeypatch):
    """A listed vendor whose first row comes after the warm-up rows is resolved after the pass
    and its rows are collected by one more pass: the report equals one where the warm-up saw
    every row (findings, dates, lines, totals)."""
    from bomscan import exposure

    rows = [f"2024-01-{1 + i % 28:02d},Acme Tools {i % 7} Ltd,CC-1,{i}.00, usd " for i in range(40)]
    rows += [
        "2024-02-05,ZTE Corporation,CC-2,250.00,USD",
        "2024-03-01,Hikvision USA Inc,CC-1,(10.00),",
    ]
    path = ledger(tmp_path, text=HEADER + "\n".join(rows) + "\n")
    full = report(path)
    monkeypatch.setattr(exposure, "WARM_UP_ROWS", 5)
    late = report(path)
    strip = ("generated_at",)
    assert {k: v for k, v in late.items() if k not in strip} == {
        k: v for k, v in full.items() if k not in strip
    }
    assert [(f["value"], f["date"], f["locator"]["line"]) for f in late["findings"]] == [
        ("ZTE Corporation", "2024-02-05", 42),
        ("Hikvision USA Inc", "2024-03-01", 43),
    ]
